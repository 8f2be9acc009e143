import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../core/clock.ts';
import { startAnnouncements } from './announce-schedule.ts';
import { FakeNeighborAnnouncePort } from './neighbor-announce-fake.ts';

const target = { interface: 'eth0', address: '198.51.100.80' };

test("keepalived's defaults: a burst of 5 now and another 5 s later, then nothing", () => {
  const clock = new FakeClock();
  const port = new FakeNeighborAnnouncePort();
  startAnnouncements(port, clock, target);
  assert.deepEqual(port.calls, [{ ...target, count: 5, intervalMs: 0 }]);
  clock.advance(4_999);
  assert.equal(port.calls.length, 1);
  clock.advance(1);
  assert.equal(port.calls.length, 2);
  clock.advance(60_000);
  assert.equal(port.calls.length, 2);
});

test('garp_master_refresh repeats bursts until stopped', () => {
  const clock = new FakeClock();
  const port = new FakeNeighborAnnouncePort();
  const handle = startAnnouncements(port, clock, target, { repeat: 3, delayMs: 0, refreshMs: 10_000, refreshRepeat: 2, intervalMs: 100 });
  clock.advance(30_000);
  assert.deepEqual(port.calls.map((call) => call.count), [3, 2, 2, 2]);
  handle.stop();
  clock.advance(30_000);
  assert.equal(port.calls.length, 4);
});
