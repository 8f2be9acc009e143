import assert from 'node:assert/strict';
import { it } from 'node:test';
import { rr } from './rr.ts';
import { FakeCounts, flow, makeOptions, makeServers } from './testing.ts';

it('rr skips a quiesced server and keeps its place in the list across a rebuild', () => {
  const first = rr.build(makeServers([1, 1, 1]), makeOptions());
  assert.deepEqual([first.schedule(flow())?.id, first.schedule(flow())?.id], ['s0', 's1']);
  // s0 quiesced: the rotation continues after s1, as the kernel's list position does
  const second = rr.build(makeServers([0, 1, 1]), makeOptions(), first);
  assert.deepEqual([1, 2, 3, 4].map(() => second.schedule(flow())?.id), ['s2', 's1', 's2', 's1']);
});

it('rr ignores weights and connection counts', () => {
  const counts = new FakeCounts().set('s0', 100);
  const scheduler = rr.build(makeServers([5, 1]), makeOptions({ counts }));
  assert.deepEqual([1, 2, 3, 4].map(() => scheduler.schedule(flow())?.id), ['s0', 's1', 's0', 's1']);
});
