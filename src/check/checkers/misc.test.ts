import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { createChecker } from '../checker.ts';
import { CheckStatus } from '../outcome.ts';
import { splitCommandLine } from './command-line.ts';
import './misc.ts';
import type { MiscCheckSpec } from './misc.ts';
import { scriptIsSecure } from './script-security.ts';
import { local, neverAborted, timeouts } from './servers.fixture.ts';

const isRoot = process.getuid?.() === 0;
const nobody = 65534;

/** A private temp dir for the test's scripts, removed afterwards */
async function scratch(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vigil-misc-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function script(dir: string, name: string, body: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

function run(spec: Omit<MiscCheckSpec, 'kind'>, totalMs = 5000, signal = neverAborted) {
  return createChecker({ kind: 'misc', ...spec } as MiscCheckSpec).run(local(0), timeouts(totalMs, totalMs), signal);
}

/** Whether a process is gone (a zombie no one reaped counts as gone: it runs nothing) */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(execFileSync('cat', [`/proc/${pid}/stat`]).toString());
  } catch {
    return true;
  }
}

async function waitUntil(condition: () => boolean, withinMs: number): Promise<boolean> {
  const end = performance.now() + withinMs;
  while (performance.now() < end) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return condition();
}

test('misc_path is split like a simple shell command line, without running a shell', () => {
  assert.deepEqual(splitCommandLine(`/bin/check  'a b' "c \\"d\\" $e" f\\ g`), ['/bin/check', 'a b', 'c "d" $e', 'f g']);
  assert.deepEqual(splitCommandLine(`x ''`), ['x', '']);
  assert.throws(() => splitCommandLine(`x 'open`), /unterminated single quote/);
  assert.throws(() => splitCommandLine(`x "open`), /unterminated double quote/);
});

test('misc: exit 0 passes (PROCOK), any other status fails (PROCERR) with the status as code', async (t) => {
  const dir = await scratch(t);
  for (const status of [0, 1, 2, 7]) await script(dir, `exit${status}.sh`, `exit ${status}`);
  const results = [];
  for (const status of [0, 1, 2, 7]) results.push(await run({ command: path.join(dir, `exit${status}.sh`) }));
  assert.deepEqual(
    results.map((o) => [o.ok, o.status, o.code, o.weight]),
    [
      [true, CheckStatus.processOk, 0, undefined],
      [false, CheckStatus.processError, 1, undefined],
      [false, CheckStatus.processError, 2, undefined],
      [false, CheckStatus.processError, 7, undefined],
    ],
  );
  assert.equal(results[1]?.info, 'Script exited with status 1');
});

test('misc_dynamic: 0 passes, 1 fails, 2..255 pass with weight = status - 2 (exit 7 -> weight 5)', async (t) => {
  const dir = await scratch(t);
  const outcomes = new Map<number, Awaited<ReturnType<typeof run>>>();
  for (const status of [0, 1, 2, 7, 255]) {
    outcomes.set(status, await run({ command: await script(dir, `exit${status}.sh`, `exit ${status}`), dynamic: true }));
  }
  assert.deepEqual([outcomes.get(0)?.status, outcomes.get(0)?.weight], [CheckStatus.processOk, undefined]);
  assert.deepEqual([outcomes.get(1)?.status, outcomes.get(1)?.weight], [CheckStatus.processError, undefined]);
  assert.deepEqual([outcomes.get(2)?.status, outcomes.get(2)?.weight], [CheckStatus.processOk, 0]);
  assert.deepEqual([outcomes.get(7)?.status, outcomes.get(7)?.weight, outcomes.get(7)?.info], [CheckStatus.processOk, 5, 'Script exited with status 7 (weight 5)']);
  assert.deepEqual([outcomes.get(255)?.status, outcomes.get(255)?.weight], [CheckStatus.processOk, 253]);
});

test('misc: arguments reach the script as split, with no shell expansion', async (t) => {
  const dir = await scratch(t);
  const check = await script(dir, 'args.sh', '[ "$#" = 2 ] && [ "$1" = "a b" ] && [ "$2" = \'$HOME\' ]');
  assert.equal((await run({ command: `${check} 'a b' '$HOME'` })).status, CheckStatus.processOk);
  assert.equal((await run({ command: `${check} a b` })).status, CheckStatus.processError);
});

test('misc: a missing script is PROCERR saying so', async () => {
  const outcome = await run({ command: '/nonexistent/vigil-check --flag' });
  assert.equal(outcome.status, CheckStatus.processError);
  assert.match(outcome.info, /Cannot run script "\/nonexistent\/vigil-check": No such file or directory/);
  assert.match((await run({ command: 'vigil-no-such-command' })).info, /Cannot find script "vigil-no-such-command" in PATH/);
});

test('misc_timeout: the script and what it started are killed, and the check is PROCTOUT', async (t) => {
  const dir = await scratch(t);
  const pids = path.join(dir, 'pids');
  const sleeper = await script(dir, 'sleep.sh', `sleep 30 & echo "$$ $!" > ${pids}\nwait`);
  const started = performance.now();
  const outcome = await run({ command: sleeper, timeoutMs: 300 });
  const elapsed = performance.now() - started;
  assert.deepEqual([outcome.ok, outcome.status, outcome.info], [false, CheckStatus.processTimeout, 'Script timed out after 300 ms']);
  assert.ok(elapsed >= 290 && elapsed < 1000, `took ${elapsed} ms`);
  const [shell, sleep] = (await readFile(pids, 'utf8')).trim().split(' ').map(Number);
  assert.ok(await waitUntil(() => gone(shell ?? 0) && gone(sleep ?? 0), 1000), 'the script and its sleep are gone');
});

test('misc_timeout: a script ignoring SIGTERM is SIGKILLed after the grace period', async (t) => {
  const dir = await scratch(t);
  const pidFile = path.join(dir, 'pid');
  const stubborn = await script(dir, 'stubborn.sh', `trap '' TERM\necho $$ > ${pidFile}\nwhile :; do sleep 0.05; done`);
  const outcome = await run({ command: stubborn, timeoutMs: 200, killGraceMs: 100 });
  assert.equal(outcome.status, CheckStatus.processTimeout);
  assert.ok(outcome.durationMs < 1000, `took ${outcome.durationMs} ms`);
  assert.ok(await waitUntil(() => gone(Number(execFileSync('cat', [pidFile]).toString())), 1000));
});

test('misc: an abort stops the check promptly and kills the script', async (t) => {
  const dir = await scratch(t);
  const pidFile = path.join(dir, 'pid');
  const sleeper = await script(dir, 'sleep.sh', `echo $$ > ${pidFile}\nexec sleep 30`);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 150);
  const outcome = await run({ command: sleeper }, 10_000, controller.signal);
  assert.deepEqual([outcome.ok, outcome.status, outcome.info], [false, CheckStatus.processError, 'Check aborted']);
  assert.ok(outcome.durationMs < 600, `took ${outcome.durationMs} ms`);
  assert.ok(await waitUntil(() => gone(Number(execFileSync('cat', [pidFile]).toString())), 1000));
});

test('misc: user runs the script under that uid and its primary group', async (t) => {
  if (!isRoot) return t.skip('needs root to change uid');
  let user: string;
  try {
    user = execFileSync('getent', ['passwd', String(nobody)]).toString().split(':')[0] ?? '';
  } catch {
    return t.skip(`no user with uid ${nobody}`);
  }
  const dir = await scratch(t);
  await chmod(dir, 0o755);
  const check = await script(dir, 'whoami.sh', `[ "$(id -u)" = ${nobody} ]`);
  assert.equal((await run({ command: check, user })).status, CheckStatus.processOk);
  assert.equal((await run({ command: check })).status, CheckStatus.processError);
  const unknown = await run({ command: check, user: 'vigil-no-such-user' });
  assert.deepEqual([unknown.status, unknown.info], [CheckStatus.processError, 'Cannot find user "vigil-no-such-user"']);
});

test('enable_script_security: scripts and directories writable or owned by non-root are refused', async (t) => {
  if (!isRoot) return t.skip('needs root to create root- and nobody-owned files');
  const dir = await scratch(t);
  const secure = await script(dir, 'secure.sh', 'exit 0');
  assert.deepEqual(await scriptIsSecure(secure), { secure: true });
  assert.equal((await stat(os.tmpdir())).mode & 0o1000, 0o1000, 'the temp dir above is sticky, which is allowed');

  const worldWritable = await script(dir, 'world.sh', 'exit 0');
  await chmod(worldWritable, 0o757);
  assert.deepEqual(await scriptIsSecure(worldWritable), { secure: false, reason: `Script "${worldWritable}" is insecure: "${worldWritable}" is writable by others` });

  const groupRootWritable = await script(dir, 'group-root.sh', 'exit 0');
  await chmod(groupRootWritable, 0o775);
  assert.deepEqual(await scriptIsSecure(groupRootWritable), { secure: true }, 'group write is fine when the group is root');

  const userDir = path.join(dir, 'user-owned');
  await mkdir(userDir, { mode: 0o755 });
  const inUserDir = await script(userDir, 'check.sh', 'exit 0');
  await chown(userDir, nobody, nobody);
  const verdict = await scriptIsSecure(inUserDir);
  assert.deepEqual(verdict, { secure: false, reason: `Script "${inUserDir}" is insecure: "${userDir}" is owned by uid ${nobody}, not root` });

  // the check refuses it and never runs it
  const marker = path.join(dir, 'ran');
  const insecure = await script(dir, 'insecure.sh', `touch ${marker}`);
  await chmod(insecure, 0o777);
  const outcome = await run({ command: insecure, scriptSecurity: true });
  assert.equal(outcome.status, CheckStatus.processError);
  assert.match(outcome.info, /is insecure: .* is writable by others$/);
  await assert.rejects(stat(marker), 'the script did not run');
  assert.equal((await run({ command: insecure })).status, CheckStatus.processOk, 'without the guard it runs');
});

// Regression: keepalived 2.2.7 restores the configured weight when a misc_dynamic script exits 0
// after a 2..255 status had changed it ("Changing weight from 10 to 5"); the weight used to stay.
test('misc_dynamic exit status 0 asks for the configured weight back', async (t) => {
  const dir = await scratch(t);
  const ok = await script(dir, 'ok.sh', 'exit 0');
  const dynamic = await run({ command: ok, dynamic: true, configuredWeight: 5 });
  assert.equal(dynamic.ok, true);
  assert.equal(dynamic.weight, 5);
  // without misc_dynamic the exit status never touches the weight
  const plain = await run({ command: ok, configuredWeight: 5 });
  assert.equal(plain.weight, undefined);
});
