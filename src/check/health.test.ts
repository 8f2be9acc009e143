import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RetryHealth, RiseFallHealth } from './health.ts';
import { CheckStatus, type CheckOutcome } from './outcome.ts';

const pass: CheckOutcome = { ok: true, status: CheckStatus.l4ok, info: '', durationMs: 0 };
const failure: CheckOutcome = { ok: false, status: CheckStatus.l4connect, info: 'Connection refused', durationMs: 0 };

test('HAProxy: a server starts UP and the first failed check marks it DOWN (init-state up)', () => {
  const h = new RiseFallHealth({ rise: 2, fall: 5, interMs: 2000 });
  assert.equal(h.up, true);
  assert.equal(h.record(failure), true);
  assert.equal(h.up, false);
});

test('HAProxy: a fully UP server needs `fall` consecutive failures to go DOWN', () => {
  const h = new RiseFallHealth({ rise: 2, fall: 5, interMs: 2000, initial: 'fully-up' });
  const labels: string[] = [];
  for (let i = 0; i < 4; i++) {
    assert.equal(h.record(failure), false);
    labels.push(h.label);
  }
  assert.deepEqual(labels, ['UP 4/5', 'UP 3/5', 'UP 2/5', 'UP 1/5']);
  assert.equal(h.record(failure), true);
  assert.equal(h.label, 'DOWN');
});

test('HAProxy: a DOWN server needs `rise` consecutive successes; a failure in between restarts the count', () => {
  const h = new RiseFallHealth({ rise: 2, fall: 5, interMs: 2000, initial: 'fully-down' });
  assert.equal(h.record(pass), false);
  assert.equal(h.label, 'DOWN 1/2');
  assert.equal(h.record(failure), false);
  assert.equal(h.label, 'DOWN');
  assert.equal(h.record(pass), false);
  assert.equal(h.record(pass), true);
  assert.equal(h.label, 'UP');
  // back at the top: five failures again
  for (let i = 0; i < 4; i++) h.record(failure);
  assert.equal(h.up, true);
});

test('HAProxy: inter when stable, fastinter while changing, downinter when fully down', () => {
  const h = new RiseFallHealth({ rise: 2, fall: 3, interMs: 2000, fastInterMs: 500, downInterMs: 10000, initial: 'fully-up' });
  assert.equal(h.nextDelayMs(), 2000);
  h.record(failure);
  assert.equal(h.nextDelayMs(), 500);
  h.record(failure);
  h.record(failure);
  assert.equal(h.up, false);
  assert.equal(h.nextDelayMs(), 10000);
  h.record(pass);
  assert.equal(h.nextDelayMs(), 500);
});

test('keepalived: a failure is retried `retry` times, delay_before_retry apart, before DOWN', () => {
  const h = new RetryHealth({ delayLoopMs: 6000, retry: 3, delayBeforeRetryMs: 3000 });
  assert.equal(h.up, true);
  assert.equal(h.nextDelayMs(), 6000);
  for (let i = 0; i < 3; i++) {
    assert.equal(h.record(failure), false);
    assert.equal(h.nextDelayMs(), 3000);
  }
  assert.equal(h.record(failure), true);
  assert.equal(h.up, false);
  assert.equal(h.nextDelayMs(), 6000);
  assert.equal(h.record(pass), true);
  assert.equal(h.up, true);
});

test('keepalived: a success during retries clears them; alpha starts DOWN', () => {
  const h = new RetryHealth({ delayLoopMs: 6000, retry: 1, delayBeforeRetryMs: 1000 });
  h.record(failure);
  h.record(pass);
  assert.equal(h.record(failure), false);
  assert.equal(h.record(failure), true);
  const alpha = new RetryHealth({ delayLoopMs: 6000, retry: 1, delayBeforeRetryMs: 1000, startDown: true });
  assert.equal(alpha.up, false);
  assert.equal(alpha.record(pass), true);
});
