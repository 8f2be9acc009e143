import assert from 'node:assert/strict';
import { setImmediate as flush } from 'node:timers/promises';
import { test } from 'node:test';
import { FakeClock } from '../core/clock.ts';
import type { Checker } from './checker.ts';
import { CheckEngine, type EngineEvent } from './engine.ts';
import { RiseFallHealth } from './health.ts';
import { CheckStatus, type CheckOutcome } from './outcome.ts';
import { AnalyzeStatus, PassiveHealth, statusVerdict, type OnError, type PassiveReport } from './passive.ts';

class PassingChecker implements Checker {
  readonly kind = 'passing';
  readonly description = 'passing';
  runs = 0;
  async run(): Promise<CheckOutcome> {
    this.runs++;
    return { ok: true, status: CheckStatus.l4ok, info: '', durationMs: 1 };
  }
}

function setup(onError: OnError, options: { errorLimit?: number; fastInterMs?: number; fall?: number } = {}) {
  const clock = new FakeClock();
  const engine = new CheckEngine({ clock, jitter: 0, random: () => 0 });
  const checker = new PassingChecker();
  engine.add({
    id: 'be/s1',
    group: 'be',
    name: 's1',
    weight: 1,
    probes: [
      {
        checker,
        target: { host: '127.0.0.1', port: 1 },
        timeouts: { connectMs: 1000, totalMs: 1000 },
        policy: new RiseFallHealth({ rise: 2, fall: options.fall ?? 3, interMs: 10_000, initial: 'fully-up', ...(options.fastInterMs === undefined ? {} : { fastInterMs: options.fastInterMs }) }),
      },
    ],
  });
  const passive = new PassiveHealth(engine);
  passive.observe('be/s1', { errorLimit: options.errorLimit ?? 3, onError, ...(options.fastInterMs === undefined ? {} : { fastInterMs: options.fastInterMs }) });
  const events: EngineEvent[] = [];
  engine.on((e) => void events.push(e));
  const errors = (n: number, last: PassiveReport['last'] = AnalyzeStatus.httpStatus): void =>
    passive.apply({ server: 'be/s1', errors: n, trailing: n, success: false, last });
  return { clock, engine, checker, passive, events, errors };
}

test('HAProxy\'s layer7 verdicts: 5xx are errors except 501 and 505', () => {
  assert.deepEqual([200, 404, 499, 501, 505].map(statusVerdict), Array(5).fill(AnalyzeStatus.httpOk));
  assert.deepEqual([500, 502, 503, 504, 506].map(statusVerdict), Array(5).fill(AnalyzeStatus.httpStatus));
});

test('mark-down: the run reaching error-limit takes the server DOWN at once, naming the reason', () => {
  const { engine, errors, events } = setup('mark-down');
  errors(2);
  assert.equal(engine.get('be/s1')?.up, true);
  errors(1);
  assert.equal(engine.get('be/s1')?.up, false);
  const state = events.find((e) => e.type === 'state');
  assert.equal(state?.type === 'state' ? state.cause : '', 'passive');
  assert.equal(state?.type === 'state' ? state.outcome?.info : '', 'Detected 3 consecutive errors, last one was: Wrong http response');
});

test('a success ends the run, also across reports', () => {
  const { engine, passive, errors } = setup('mark-down');
  errors(2);
  passive.apply({ server: 'be/s1', errors: 1, trailing: 0, success: true, last: AnalyzeStatus.httpStatus });
  assert.equal(passive.consecutiveErrors('be/s1'), 0);
  errors(2);
  assert.equal(engine.get('be/s1')?.up, true);
  // errors, a success, then errors in one report: only the trailing ones count
  passive.apply({ server: 'be/s1', errors: 5, trailing: 1, success: true, last: AnalyzeStatus.httpStatus });
  assert.equal(passive.consecutiveErrors('be/s1'), 1);
  assert.equal(engine.get('be/s1')?.up, true);
});

test('fail-check counts as one failed check: fall 3 needs three runs', () => {
  const { engine, errors } = setup('fail-check');
  errors(3);
  assert.equal(engine.get('be/s1')?.up, true);
  assert.equal(engine.get('be/s1')?.failedChecks, 1);
  errors(6);
  assert.equal(engine.get('be/s1')?.up, false);
  assert.equal(engine.get('be/s1')?.failedChecks, 3);
});

test('sudden-death leaves the server one failure from DOWN, whatever its fall', () => {
  const { engine, errors } = setup('sudden-death', { fall: 10 });
  errors(3);
  assert.equal(engine.get('be/s1')?.up, true);
  errors(3);
  assert.equal(engine.get('be/s1')?.up, false);
});

test('every on-error mode brings the next check to fastinter when it is set', async () => {
  const { clock, engine, checker, errors } = setup('fastinter', { fastInterMs: 500 });
  engine.start();
  await flush();
  const before = checker.runs;
  errors(3);
  assert.equal(engine.get('be/s1')?.up, true);
  for (let i = 0; i < 6; i++) {
    clock.advance(100);
    await flush();
  }
  assert.equal(checker.runs, before + 1, 'a check ran 500 ms later instead of 10 s');
  engine.stop();
});

test('servers not observed are ignored', () => {
  const { engine, passive } = setup('mark-down');
  passive.apply({ server: 'be/other', errors: 50, trailing: 50, success: false, last: AnalyzeStatus.l4Error });
  assert.equal(engine.get('be/s1')?.up, true);
});
