import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ovf } from './ovf.ts';
import { FakeCounts, flow, makeOptions, makeServers } from './testing.ts';

it('ovf fills the highest weight until its active connections pass its weight, then overflows', () => {
  const counts = new FakeCounts();
  const scheduler = ovf.build(makeServers([1, 3]), makeOptions({ counts }));
  const picks: (string | undefined)[] = [];
  for (let i = 0; i < 7; i++) {
    const server = scheduler.schedule(flow());
    picks.push(server?.id);
    if (server !== undefined) counts.addActive(server.id, 1);
  }
  // weight 3 takes 4 (the kernel's test is active > weight), weight 1 takes 2, then nothing
  assert.deepEqual(picks, ['s1', 's1', 's1', 's1', 's0', 's0', undefined]);
  counts.addActive('s1', -1);
  assert.equal(scheduler.schedule(flow())?.id, 's1');
});
