import assert from 'node:assert/strict';
import { it } from 'node:test';
import { nq } from './nq.ts';
import { FakeCounts, flow, makeOptions, makeServers } from './testing.ts';

it('nq sends to an idle server before a faster busy one, and falls back to sed when none is idle', () => {
  const counts = new FakeCounts().set('s0', 1);
  const pick = () => nq.build(makeServers([10, 1]), makeOptions({ counts })).schedule(flow())?.id;
  assert.equal(pick(), 's1'); // sed would pick s0: 2/10 against 1/1
  counts.set('s1', 1);
  assert.equal(pick(), 's0'); // 2/10 against 2/1
});
