import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lblcr, ReplicatedLocalityScheduler } from './lblcr.ts';
import { FakeCounts, flow, makeOptions, makeServers } from './testing.ts';

it('lblcr replicates a hot destination onto another server and shrinks the set after the expiration', () => {
  let now = 0;
  const counts = new FakeCounts();
  const scheduler = lblcr.build(makeServers([2, 2, 2]), makeOptions({ counts, now: () => now }));
  const pick = () => scheduler.schedule(flow())?.id;
  assert.equal(pick(), 's0');
  counts.set('s0', 3); // over weight 2 while others are idle: s1 joins the set
  assert.equal(pick(), 's1');
  counts.set('s1', 1);
  assert.equal(pick(), 's1', 'the least loaded member of the set');
  counts.set('s1', 3).set('s0', 2);
  assert.equal(pick(), 's0', 'members compared by overhead per weight');
  const members = () => (scheduler as ReplicatedLocalityScheduler).table.use('198.51.100.15', now)?.members;
  assert.deepEqual(members(), ['s1', 's0'], 'newest member first');
  now += 24 * 3600_000 + 1; // the set has not changed for longer than lblcr_expiration
  counts.set('s0', 0).set('s1', 1);
  assert.equal(pick(), 's0');
  assert.deepEqual(members(), ['s0'], 'the most loaded member left the set');
});
