import assert from 'node:assert/strict';
import { setImmediate as flush } from 'node:timers/promises';
import { test } from 'node:test';
import { FakeClock } from '../core/clock.ts';
import type { Checker } from './checker.ts';
import { CheckEngine, type EngineEvent } from './engine.ts';
import { RetryHealth, RiseFallHealth } from './health.ts';
import { CheckStatus, type CheckOutcome } from './outcome.ts';

/** A checker whose answer the test sets, counting how often it ran */
class ScriptedChecker implements Checker {
  readonly kind = 'scripted';
  readonly description = 'scripted';
  healthy = true;
  runs = 0;
  weight: number | undefined;
  async run(): Promise<CheckOutcome> {
    this.runs++;
    const base = this.healthy
      ? { ok: true, status: CheckStatus.l4ok, info: '', durationMs: 1 }
      : { ok: false, status: CheckStatus.l4connect, info: 'Connection refused', durationMs: 1 };
    return this.weight === undefined ? base : { ...base, weight: this.weight };
  }
}

const target = { host: '127.0.0.1', port: 1 };
const timeouts = { connectMs: 1000, totalMs: 2000 };

async function advance(clock: FakeClock, ms: number, step = 100): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await flush();
  }
}

function setup(options: { fall?: number; rise?: number } = {}) {
  const clock = new FakeClock();
  const engine = new CheckEngine({ clock, jitter: 0, random: () => 0 });
  const checker = new ScriptedChecker();
  engine.add({
    id: 'websrv/web1',
    group: 'websrv',
    name: 'web1',
    weight: 1,
    probes: [{ checker, target, timeouts, policy: new RiseFallHealth({ rise: options.rise ?? 2, fall: options.fall ?? 5, interMs: 2000, initial: 'fully-up' }) }],
  });
  const events: EngineEvent[] = [];
  engine.on((e) => void events.push(e));
  return { clock, engine, checker, events };
}

test('a dead server leaves after fall x inter and returns after rise x inter', async () => {
  const { clock, engine, checker, events } = setup();
  engine.start();
  await advance(clock, 100);
  assert.equal(checker.runs, 1);
  checker.healthy = false;
  const killedAt = clock.now();
  while (engine.get('websrv/web1')?.up === true) await advance(clock, 100);
  // five failed checks, 2000 ms apart, the first at most one interval after the kill
  const elapsed = clock.now() - killedAt;
  assert.ok(elapsed >= 8000 && elapsed <= 10100, `went down after ${elapsed} ms`);
  const down = events.find((e) => e.type === 'state');
  assert.equal(down?.type === 'state' && down.server.serving, false);
  assert.equal(down?.type === 'state' && down.outcome?.info, 'Connection refused');

  checker.healthy = true;
  const revivedAt = clock.now();
  while (engine.get('websrv/web1')?.up === false) await advance(clock, 100);
  const back = clock.now() - revivedAt;
  assert.ok(back >= 2000 && back <= 4100, `came back after ${back} ms`);
  assert.equal(engine.get('websrv/web1')?.downTransitions, 1);
  assert.ok((engine.get('websrv/web1')?.downtimeMs ?? 0) >= 2000);
  engine.stop();
});

test('admin states: DRAIN keeps it up with weight 0, MAINT takes it out, READY restores', () => {
  const { engine, events } = setup();
  assert.equal(engine.setAdmin('websrv/web1', 'drain').serving, false);
  assert.equal(engine.get('websrv/web1')?.label, 'DRAIN');
  assert.equal(engine.get('websrv/web1')?.weight, 0);
  assert.equal(engine.setAdmin('websrv/web1', 'maint').label, 'MAINT');
  const ready = engine.setAdmin('websrv/web1', 'ready');
  assert.equal(ready.serving, true);
  assert.equal(ready.weight, 1);
  assert.deepEqual(events.map((e) => e.type === 'state' && e.cause), ['admin', 'admin', 'admin']);
});

test('several checkers on one server: it is up only while all of them are (keepalived)', async () => {
  const clock = new FakeClock();
  const engine = new CheckEngine({ clock, jitter: 0 });
  const a = new ScriptedChecker();
  const b = new ScriptedChecker();
  const policy = () => new RetryHealth({ delayLoopMs: 1000, retry: 0, delayBeforeRetryMs: 1000 });
  engine.add({ id: 'vs/rs', group: 'vs', name: 'rs', weight: 3, probes: [{ checker: a, policy: policy(), target, timeouts }, { checker: b, policy: policy(), target, timeouts }] });
  engine.start();
  b.healthy = false;
  await advance(clock, 1500);
  assert.equal(engine.get('vs/rs')?.up, false);
  b.healthy = true;
  await advance(clock, 1500);
  assert.equal(engine.get('vs/rs')?.up, true);
  engine.stop();
});

test('a misc_dynamic weight from a check changes the weight and says so', async () => {
  const { clock, engine, checker, events } = setup();
  engine.start();
  checker.weight = 5;
  await advance(clock, 200);
  assert.equal(engine.get('websrv/web1')?.weight, 5);
  assert.ok(events.some((e) => e.type === 'state' && e.cause === 'check' && e.server.weight === 5));
  engine.stop();
});

test('passive mark-down takes a server out at once; its next good check brings it back per rise', async () => {
  const { clock, engine } = setup({ rise: 2 });
  engine.start();
  engine.markDown('websrv/web1', { ok: false, status: CheckStatus.l4connect, info: 'seen on traffic', durationMs: 0 });
  assert.equal(engine.get('websrv/web1')?.up, false);
  await advance(clock, 4100);
  assert.equal(engine.get('websrv/web1')?.up, true);
  engine.stop();
});

test('first checks of many servers are spread over one interval, not fired together', async () => {
  const clock = new FakeClock();
  const engine = new CheckEngine({ clock, jitter: 0 });
  const checkers: ScriptedChecker[] = [];
  for (let i = 0; i < 100; i++) {
    const checker = new ScriptedChecker();
    checkers.push(checker);
    engine.add({ id: `b/s${i}`, group: 'b', name: `s${i}`, weight: 1, probes: [{ checker, target, timeouts, policy: new RiseFallHealth({ rise: 2, fall: 3, interMs: 2000 }) }] });
  }
  engine.start();
  await advance(clock, 20, 10);
  const early = checkers.filter((c) => c.runs > 0).length;
  assert.ok(early <= 2, `${early} of 100 checks ran in the first 20 ms`);
  await advance(clock, 2000, 10);
  assert.ok(checkers.every((c) => c.runs >= 1));
  engine.stop();
});
