// A test process that dies mid-lab must not leave namespaces or processes behind: signals,
// uncaught exceptions and process.exit are cleaned up by the process itself; SIGKILL leaves
// leftovers that the next Lab.create sweeps, without touching a live run's lab.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { test, type TestContext } from 'node:test';
import { withLab } from '../lib/lab-fixture.ts';
import { listNamespaces, sweepStaleNamespaces } from '../lib/netns-cleanup.ts';
import { isProcessAlive } from '../lib/netns-names.ts';
import { nodeBin, repoPath } from '../lib/repo-paths.ts';
import { requireRoot } from '../lib/root.ts';
import { waitFor } from '../lib/wait.ts';

interface ChildLab {
  readonly prefix: string;
  readonly namespaces: string[];
  readonly sleeperPid: number;
  readonly logDir: string;
}

interface RunningChild {
  readonly child: ChildProcess;
  readonly lab: ChildLab;
  /** Resolves with how the child ended. */
  readonly ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly stderr: () => string;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  test(`${signal} to a test process mid-lab removes its namespaces and processes, and it still dies of ${signal}`, async (t) => {
    if (!requireRoot(t)) return;
    const run = await startChild(t, 'wait');
    assert.deepEqual(await namespacesWithPrefix(run.lab.prefix), [...run.lab.namespaces].sort());

    run.child.kill(signal);
    const ended = await run.ended;
    assert.deepEqual(ended, { code: null, signal }, run.stderr());
    await assertGone(run.lab);
  });
}

test('an uncaught exception in a test process mid-lab removes its namespaces and processes', async (t) => {
  if (!requireRoot(t)) return;
  const run = await startChild(t, 'throw');
  const ended = await run.ended;
  assert.equal(ended.code, 1, run.stderr());
  assert.match(run.stderr(), /deliberate uncaught exception/);
  await assertGone(run.lab);
});

test('process.exit() mid-lab removes its namespaces and processes', async (t) => {
  if (!requireRoot(t)) return;
  const run = await startChild(t, 'exit');
  assert.equal((await run.ended).code, 3, run.stderr());
  await assertGone(run.lab);
});

test("after a SIGKILL, the next lab sweeps the dead run's leftovers but never a live run's lab", async (t) => {
  if (!requireRoot(t)) return;
  const live = await startChild(t, 'wait');
  const killed = await startChild(t, 'wait');
  killed.child.kill('SIGKILL');
  await killed.ended;
  // Nothing ran in the killed process: its lab is still there, sleeper included.
  assert.deepEqual(await namespacesWithPrefix(killed.lab.prefix), [...killed.lab.namespaces].sort());
  assert.equal(isProcessAlive(killed.lab.sleeperPid), true);

  await withLab(t, 'sweeper', async () => {
    // Lab.create has swept by now.
    assert.deepEqual(await namespacesWithPrefix(killed.lab.prefix), []);
    await waitFor(() => !isProcessAlive(killed.lab.sleeperPid), { timeoutMs: 2_000, description: 'orphaned sleeper killed' });
    assert.deepEqual(await namespacesWithPrefix(live.lab.prefix), [...live.lab.namespaces].sort());
    assert.equal(isProcessAlive(live.lab.sleeperPid), true);
  });

  live.child.kill('SIGTERM');
  await live.ended;
  await assertGone(live.lab);
});

/** Starts interrupted-lab.ts and waits for its lab to be up. Always killed and swept after `t`. */
async function startChild(t: TestContext, end: 'wait' | 'throw' | 'exit'): Promise<RunningChild> {
  const env = { ...process.env };
  delete env['NODE_TEST_CONTEXT'];
  const child = spawn(nodeBin, [repoPath('test/netns/interrupted-lab.ts'), '--end', end], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let lab: ChildLab | undefined;
  const ended = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await ended;
    // Whatever a failed test left behind belongs to a dead process now.
    await sweepStaleNamespaces();
    if (lab !== undefined) await rm(lab.logDir, { recursive: true, force: true });
  });

  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const line = await waitFor(() => (stdout.includes('\n') ? stdout.slice(0, stdout.indexOf('\n')) : child.exitCode !== null ? Promise.reject(new Error(stderr)) : undefined), {
    timeoutMs: 15_000,
    intervalMs: 20,
    description: 'child lab up',
  });
  lab = JSON.parse(line) as ChildLab;
  return { child, lab, ended: withTimeout(ended, 10_000, 'child exit'), stderr: () => stderr };
}

async function assertGone(lab: ChildLab): Promise<void> {
  assert.deepEqual(await namespacesWithPrefix(lab.prefix), []);
  await waitFor(() => !isProcessAlive(lab.sleeperPid), { timeoutMs: 2_000, description: `sleeper ${lab.sleeperPid} gone` });
}

async function namespacesWithPrefix(prefix: string): Promise<string[]> {
  return (await listNamespaces()).filter((name) => name.startsWith(prefix)).sort();
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Cannot wait for ${what}: not done within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
