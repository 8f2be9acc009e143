import assert from 'node:assert/strict';
import { it } from 'node:test';
import { wrr } from './wrr.ts';
import { FakeCounts, flow, makeOptions, makeServers } from './testing.ts';

function picks(weights: number[], count: number, counts = new FakeCounts()): (string | undefined)[] {
  const scheduler = wrr.build(makeServers(weights), makeOptions({ counts }));
  return Array.from({ length: count }, () => scheduler.schedule(flow())?.id);
}

it('wrr sweeps from the highest weight down: 3:2:1 gives a a b a b c', () => {
  assert.deepEqual(picks([3, 2, 1], 12), ['s0', 's0', 's1', 's0', 's1', 's2', 's0', 's0', 's1', 's0', 's1', 's2']);
});

it('wrr steps by the weights\' gcd, so 40:20 schedules like 2:1', () => {
  assert.deepEqual(picks([40, 20], 6), picks([2, 1], 6));
  assert.deepEqual(picks([2, 1], 6), ['s0', 's0', 's1', 's0', 's0', 's1']);
});

it('wrr passes over an overloaded server and returns nothing when all are', () => {
  const counts = new FakeCounts().overload('s0');
  assert.deepEqual(picks([3, 1], 3, counts), ['s1', 's1', 's1']);
  counts.overload('s1');
  assert.deepEqual(picks([3, 1], 2, counts), [undefined, undefined]);
});

it('wrr keeps its sweep threshold across a rebuild (ip_vs_wrr_dest_changed)', () => {
  const first = wrr.build(makeServers([3, 1]), makeOptions());
  first.schedule(flow());
  first.schedule(flow()); // threshold now 2
  const second = wrr.build(makeServers([3, 1, 3]), makeOptions(), first);
  // from the head at threshold 2: only weight-3 servers qualify until the threshold reaches 1
  assert.deepEqual([1, 2, 3, 4, 5].map(() => second.schedule(flow())?.id), ['s0', 's2', 's0', 's1', 's2']);
});
