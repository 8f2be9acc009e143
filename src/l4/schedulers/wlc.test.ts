import assert from 'node:assert/strict';
import { it } from 'node:test';
import { wlc } from './wlc.ts';
import { FakeCounts, flow, makeOptions, makeServers } from './testing.ts';

it('wlc divides the overhead by weight, ties to the earlier server', () => {
  const counts = new FakeCounts().set('s0', 2).set('s1', 1);
  assert.equal(wlc.build(makeServers([2, 1]), makeOptions({ counts })).schedule(flow())?.id, 's0');
  counts.set('s0', 3);
  assert.equal(wlc.build(makeServers([2, 1]), makeOptions({ counts })).schedule(flow())?.id, 's1');
});

it('wlc counts inactive connections too', () => {
  const counts = new FakeCounts().set('s0', 0, 10).set('s1', 0, 0);
  assert.equal(wlc.build(makeServers([1, 1]), makeOptions({ counts })).schedule(flow())?.id, 's1');
});
