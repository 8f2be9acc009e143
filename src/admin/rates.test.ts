import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counter } from '../proxy/counters.ts';
import { RateTracker } from './rates.ts';

test('the rate is the growth over the last sampled second; the maximum is kept', () => {
  const values = new Float64Array(32);
  const rates = new RateTracker(() => values);
  const tick = (total: number) => {
    values[Counter.sessionsTotal] = total;
    rates.sample(['f:web']);
  };
  tick(0);
  assert.equal(rates.rate('f:web', Counter.sessionsTotal), 0);
  tick(5);
  assert.equal(rates.rate('f:web', Counter.sessionsTotal), 5);
  tick(7);
  assert.equal(rates.rate('f:web', Counter.sessionsTotal), 2);
  assert.equal(rates.max('f:web', Counter.sessionsTotal), 5);
  for (let i = 0; i < 40; i++) tick(7);
  assert.equal(rates.rate('f:web', Counter.sessionsTotal), 0, 'the ring wraps');
  assert.equal(rates.max('f:web', Counter.sessionsTotal), 5);
  assert.equal(rates.rate('f:other', Counter.requestsTotal), 0);
});
