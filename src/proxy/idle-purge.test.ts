import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultPurgeDelayMs, IdlePurge } from './idle-purge.ts';

test('nothing closes before a purge delay has passed, however many connections sit idle', () => {
  const purge = new IdlePurge(1000);
  assert.equal(purge.toClose(1000, 0, 50), 0);
  assert.equal(purge.toClose(1000 + defaultPurgeDelayMs - 1, 0, 50), 0);
});

test('a pool keeps what the last period used at its peak and closes half of the rest', () => {
  const purge = new IdlePurge(0, 100);
  for (let inUse = 1; inUse <= 30; inUse++) purge.noteInUse(inUse);
  // 40 idle, none in use: 10 beyond the peak of 30, half of them go
  assert.equal(purge.toClose(100, 0, 40), 5);
});

test('a burst that comes back every few periods finds its connections still open', () => {
  const purge = new IdlePurge(0, 100);
  let idle = 0;
  let opened = 0;
  for (let period = 0; period < 12; period++) {
    // every third period 100 transactions at once, otherwise 10
    const peak = period % 3 === 0 ? 100 : 10;
    for (let inUse = 1; inUse <= peak; inUse++) {
      purge.noteInUse(inUse);
      if (inUse > idle) {
        opened++;
        idle++;
      }
    }
    idle -= purge.toClose((period + 1) * 100, 0, idle);
  }
  // closing every connection idle for a whole period would open 90 again at each of the three
  // later bursts (370 in all); here a quarter of the burst's pool goes between bursts
  assert.ok(opened <= 100 + 3 * 25, `opened ${opened}`);
  assert.ok(idle >= 10);
});

test('once traffic stops, the pool drains over a few periods', () => {
  const purge = new IdlePurge(0, 100);
  for (let inUse = 1; inUse <= 64; inUse++) purge.noteInUse(inUse);
  let idle = 64;
  const sizes: number[] = [];
  for (let period = 1; period <= 12; period++) {
    idle -= purge.toClose(period * 100, 0, idle);
    sizes.push(idle);
  }
  assert.equal(sizes[0], 64, 'the first period still had its peak of 64');
  for (let at = 1; at < sizes.length; at++) assert.ok((sizes[at] as number) <= (sizes[at - 1] as number));
  assert.equal(sizes.at(-1), 0, sizes.join(' '));
});

test('connections in use count against the need; the closed ones are never more than the idle', () => {
  const purge = new IdlePurge(0, 100);
  purge.noteInUse(5);
  // 5 in use and 1 idle against a peak of 5: one spare, and it is the only idle one
  assert.equal(purge.toClose(100, 5, 1), 1);
  // the next period's peak starts from what was in use at the purge
  assert.equal(purge.toClose(200, 0, 5), 0);
});
