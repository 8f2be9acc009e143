import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lblc } from './lblc.ts';
import { FakeCounts, flow, makeOptions, makeServers } from './testing.ts';

it('lblc keeps a destination on its server until that server overloads while another has room', () => {
  const counts = new FakeCounts().set('s0', 1);
  const scheduler = lblc.build(makeServers([4, 4]), makeOptions({ counts }));
  const to = (destinationAddress: string) => scheduler.schedule(flow({ destinationAddress }))?.id;
  assert.equal(to('203.0.113.1'), 's1'); // wlc choice
  counts.set('s1', 4);
  assert.equal(to('203.0.113.1'), 's1'); // 4 active is not more than weight 4
  counts.set('s1', 5);
  assert.equal(to('203.0.113.1'), 's0'); // over its weight while s0 is below half: reassigned
  counts.set('s0', 5);
  assert.equal(to('203.0.113.1'), 's0');
});

it('lblc forgets a destination unused for 24 hours, and keeps its table across rebuilds', () => {
  let now = 0;
  const counts = new FakeCounts();
  const first = lblc.build(makeServers([1, 1]), makeOptions({ counts, now: () => now }));
  assert.equal(first.schedule(flow())?.id, 's0');
  counts.set('s0', 1);
  const second = lblc.build(makeServers([1, 1, 1]), makeOptions({ counts, now: () => now }), first);
  assert.equal(second.schedule(flow())?.id, 's0', 'the cached server survives the rebuild');
  now += 24 * 3600_000;
  assert.equal(second.schedule(flow())?.id, 's1', 'expired: rescheduled by wlc');
});
