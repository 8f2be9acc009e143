import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lc } from './lc.ts';
import { FakeCounts, flow, makeOptions, makeServers } from './testing.ts';

it('lc weighs an active connection as 256 inactive ones', () => {
  const counts = new FakeCounts().set('s0', 1, 0).set('s1', 0, 255);
  assert.equal(lc.build(makeServers([1, 1]), makeOptions({ counts })).schedule(flow())?.id, 's1');
  counts.set('s1', 0, 256);
  // a tie goes to the earlier server
  assert.equal(lc.build(makeServers([1, 1]), makeOptions({ counts })).schedule(flow())?.id, 's0');
});

it('lc ignores weight beyond quiescing', () => {
  const counts = new FakeCounts().set('s0', 2).set('s1', 1);
  assert.equal(lc.build(makeServers([100, 1]), makeOptions({ counts })).schedule(flow())?.id, 's1');
  assert.equal(lc.build(makeServers([100, 0]), makeOptions({ counts })).schedule(flow())?.id, 's0');
});
