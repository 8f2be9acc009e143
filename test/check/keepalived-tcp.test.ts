// Seed case 2's TCP_CHECK (connect_timeout 3, nb_get_retry 3, delay_before_retry 3, delay_loop 6):
// a real server that stops listening is refused, retried `retry` times `delay_before_retry` apart,
// then taken out; started again, it is back at the next check, one delay_loop later at most.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { freePort } from '../proxy/harness.ts';
import { runKeepalivedChecks, wentUpOrDown } from './keepalived-harness.ts';

async function listen(port: number): Promise<Server> {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

interface Budget {
  readonly delayLoopS: number;
  readonly connectTimeoutS: number;
  readonly retry: number;
  readonly delayBeforeRetryS: number;
  /** when to kill the server, after the first passing check */
  readonly killAfterS: number;
}

async function measure(t: TestContext, budget: Budget): Promise<void> {
  const [port1, port2] = [await freePort(), await freePort()];
  const servers = [await listen(port1), await listen(port2)];
  t.after(() => Promise.all(servers.map((s) => close(s).catch(() => {}))));
  const realServer = (port: number): string => `  real_server 127.0.0.1 ${port} {
    weight 1
    TCP_CHECK {
      connect_timeout ${budget.connectTimeoutS}
      nb_get_retry ${budget.retry}
      delay_before_retry ${budget.delayBeforeRetryS}
    }
  }`;
  const run = runKeepalivedChecks(
    t,
    `virtual_server 127.0.0.15 80 {
  delay_loop ${budget.delayLoopS}
  lb_algo rr
  lb_kind DR
  protocol TCP
${realServer(port1)}
${realServer(port2)}
}
`,
  );
  const vs = 'vs:127.0.0.15:80';
  const id = `${vs}/127.0.0.1:${port1}`;
  const first = await run.waitForEvent((e) => e.type === 'check' && e.server.id === id && e.outcome.ok, 2_000);
  assert.deepEqual(run.table(vs), [`127.0.0.1:${port1} 1`, `127.0.0.1:${port2} 1`]);

  await new Promise((resolve) => setTimeout(resolve, budget.killAfterS * 1000));
  const first0 = servers[0];
  assert.ok(first0);
  await close(first0);
  const killedAt = performance.now();
  const down = await run.waitForEvent(wentUpOrDown(id, false), (budget.delayLoopS + budget.retry * (budget.delayBeforeRetryS + budget.connectTimeoutS) + 2) * 1000);
  const killToDown = (down.at - killedAt) / 1000;
  assert.deepEqual(run.table(vs), [`127.0.0.1:${port2} 1`]);
  // the engine emits the `state` event just before the `check` event of the same check
  const failures = run.events.filter((e) => e.at >= killedAt && e.at <= down.at + 5 && e.event.type === 'check' && e.event.server.id === id && !e.event.outcome.ok);
  // the first refusal plus `retry` refused retries
  assert.equal(failures.length, budget.retry + 1);
  const retryGaps = failures.slice(1).map((f, i) => (f.at - (failures[i]?.at ?? 0)) / 1000);

  servers[0] = await listen(port1);
  const restartedAt = performance.now();
  const up = await run.waitForEvent(wentUpOrDown(id, true), (budget.delayLoopS + 2) * 1000);
  const restartToUp = (up.at - restartedAt) / 1000;
  assert.deepEqual(run.table(vs), [`127.0.0.1:${port1} 1`, `127.0.0.1:${port2} 1`]);

  const retries = budget.retry * budget.delayBeforeRetryS;
  t.diagnostic(`first check ${((first.at - (run.transitions[0]?.at ?? 0)) / 1000).toFixed(3)} s after start`);
  t.diagnostic(`kill -> down ${killToDown.toFixed(3)} s (refused at once; ${budget.retry} retries x ${budget.delayBeforeRetryS} s = ${retries.toFixed(1)} s after the first failing check, which came ${(((failures[0]?.at ?? 0) - killedAt) / 1000).toFixed(3)} s after the kill)`);
  t.diagnostic(`gaps between failing checks: ${retryGaps.map((g) => g.toFixed(3)).join(', ')} s`);
  t.diagnostic(`restart -> up ${restartToUp.toFixed(3)} s (next check within delay_loop ${budget.delayLoopS} s)`);
  t.diagnostic(`keepalived log: ${run.transitions.flatMap((tr) => tr.transition.logs).join(' | ')}`);

  // a refused connection fails at once, so the budget is the retries plus the wait for the first
  // failing check (at most one delay_loop after the last passing one)
  const slack = 0.15 + budget.retry * 0.03;
  assert.ok(killToDown >= retries - 0.05, `down after ${killToDown} s, sooner than the ${retries} s of retries`);
  assert.ok(killToDown <= retries + (budget.delayLoopS - budget.killAfterS) + slack, `down after ${killToDown} s`);
  for (const gap of retryGaps) assert.ok(Math.abs(gap - budget.delayBeforeRetryS) < 0.1, `retry gap ${gap} s`);
  assert.ok(restartToUp <= budget.delayLoopS + slack, `up after ${restartToUp} s`);
  assert.deepEqual(run.transitions.flatMap((tr) => tr.transition.logs), [
    'Gained quorum 1+0=1 <= 2 for VS [127.0.0.15]:tcp:80',
    `Removing service [127.0.0.1]:tcp:${port1} from VS [127.0.0.15]:tcp:80`,
    `Adding service [127.0.0.1]:tcp:${port1} to VS [127.0.0.15]:tcp:80`,
  ]);
}

describe('keepalived TCP_CHECK retry budget', () => {
  it('takes a refused real server out after retry x delay_before_retry and back at the next check (scaled down)', async (t) => {
    await measure(t, { delayLoopS: 0.5, connectTimeoutS: 1, retry: 3, delayBeforeRetryS: 0.2, killAfterS: 0.1 });
  });

  it('does the same with seed case 2\'s exact numbers (slow: about 21 s)', { timeout: 40_000 }, async (t) => {
    // killed 5 s after a check: the next check (at 6 s) is refused, then 3 retries 3 s apart
    await measure(t, { delayLoopS: 6, connectTimeoutS: 3, retry: 3, delayBeforeRetryS: 3, killAfterS: 5 });
  });
});
