import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sed } from './sed.ts';
import { FakeCounts, flow, makeOptions, makeServers } from './testing.ts';

it('sed sends to the server where (active + 1) / weight is least', () => {
  const counts = new FakeCounts();
  const pick = () => sed.build(makeServers([10, 1]), makeOptions({ counts })).schedule(flow())?.id;
  assert.equal(pick(), 's0'); // 1/10 against 1/1: idle servers still differ, unlike wlc
  counts.set('s0', 9);
  assert.equal(pick(), 's0'); // 10/10 against 1/1: a tie, the earlier server
  counts.set('s0', 10);
  assert.equal(pick(), 's1'); // 11/10 against 1/1
});

it('sed ignores inactive connections', () => {
  const counts = new FakeCounts().set('s0', 0, 1000);
  assert.equal(sed.build(makeServers([1, 1]), makeOptions({ counts })).schedule(flow())?.id, 's0');
});
