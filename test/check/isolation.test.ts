// Issue 3 item 5: health checks never wait behind traffic. vigil runs the checks on its control
// thread and the proxied traffic on worker threads, so a backend's check interval (`inter 200ms`)
// stays on time while wrk saturates the proxy. The check endpoint is a separate port (`port`) whose
// accept times this test records; the traffic backend runs in a child process so that serving the
// load does not delay this process's own clock readings.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { nodeBin } from '../lib/repo-paths.ts';
import { freePort, startVigil } from '../proxy/harness.ts';

const interMs = 200;
const wrkSeconds = 8;

function hasWrk(): boolean {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** A plain HTTP backend in its own process, answering every request with a short body */
async function startBackend(t: TestContext, port: number): Promise<void> {
  const source = `require('node:http').createServer((q, s) => s.end('ok\\n')).listen(${port}, '127.0.0.1', () => console.log('ready'));`;
  const child = spawn(nodeBin, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => {
    child.kill('SIGKILL');
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The backend did not start within 10 s')), 10_000);
    child.stdout?.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

interface Distribution {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** |interval - inter| of consecutive check arrivals within [from, to) */
function deviations(arrivals: readonly number[], from: number, to: number): Distribution {
  const inWindow = arrivals.filter((at) => at >= from && at < to);
  const devs = inWindow.slice(1).map((at, i) => Math.abs(at - (inWindow[i] ?? at) - interMs)).sort((a, b) => a - b);
  return { count: devs.length, p50: percentile(devs, 50), p99: percentile(devs, 99), max: devs.at(-1) ?? Number.NaN };
}

const show = (d: Distribution): string => `${d.count} intervals, deviation p50 ${d.p50.toFixed(1)} ms, p99 ${d.p99.toFixed(1)} ms, max ${d.max.toFixed(1)} ms`;

describe('checks and traffic', () => {
  it('keeps the check interval while wrk saturates the proxy', { timeout: 60_000 }, async (t) => {
    if (!hasWrk()) {
      assert.notEqual(process.env['CI'], 'true', 'wrk is required in CI');
      t.skip('wrk is not installed (apt-get install wrk)');
      return;
    }
    const [frontPort, backendPort, checkPort] = [await freePort(), await freePort(), await freePort()];
    await startBackend(t, backendPort);

    const arrivals: number[] = [];
    const checkServer = createServer((socket) => {
      arrivals.push(performance.now());
      socket.destroy();
    });
    await new Promise<void>((resolve) => checkServer.listen(checkPort, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => checkServer.close(() => resolve())));

    await startVigil(
      t,
      `global
    maxconn 4096
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend web
    bind 127.0.0.1:${frontPort}
    default_backend app
backend app
    server s1 127.0.0.1:${backendPort} check port ${checkPort} inter ${interMs}ms
`,
    );

    // idle: about 3 s of checks
    const idleFrom = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const idleTo = performance.now();

    const wrk = spawn('wrk', ['-t1', '-c200', `-d${wrkSeconds}s`, '--timeout', '5s', `http://127.0.0.1:${frontPort}/`], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => {
      wrk.kill('SIGKILL');
    });
    let wrkOutput = '';
    wrk.stdout.on('data', (chunk: Buffer) => (wrkOutput += chunk.toString()));
    wrk.stderr.on('data', (chunk: Buffer) => (wrkOutput += chunk.toString()));
    // measure once the connections are up, until just before wrk stops
    const loadFrom = performance.now() + 500;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`wrk did not finish within ${wrkSeconds + 10} s`)), (wrkSeconds + 10) * 1000);
      wrk.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const loadTo = performance.now() - 500;

    const idle = deviations(arrivals, idleFrom, idleTo);
    const loaded = deviations(arrivals, loadFrom, loadTo);
    const requests = /(\d+) requests in/.exec(wrkOutput)?.[1];
    const rate = /Requests\/sec:\s+([\d.]+)/.exec(wrkOutput)?.[1];
    t.diagnostic(`idle: ${show(idle)}`);
    t.diagnostic(`under wrk -t1 -c200: ${show(loaded)}; wrk: ${requests ?? '?'} requests, ${rate ?? '?'} req/s`);

    assert.ok(Number(requests) > 1000, `wrk did not load the proxy:\n${wrkOutput}`);
    assert.ok(idle.count >= 10, `only ${idle.count} idle intervals`);
    assert.ok(loaded.count >= 25, `only ${loaded.count} intervals under load`);
    // the engine spreads each delay by up to 5% (10 ms at 200 ms); a few tens of ms on top is the budget
    assert.ok(idle.p99 < 40, `idle p99 deviation ${idle.p99} ms`);
    assert.ok(loaded.p99 < 50, `p99 deviation under load ${loaded.p99} ms`);
  });
});
