import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fo } from './fo.ts';
import { FakeCounts, flow, makeOptions, makeServers } from './testing.ts';

it('fo sends everything to the highest weight, then the next highest when it goes', () => {
  const counts = new FakeCounts().set('s1', 1000);
  assert.equal(fo.build(makeServers([1, 5, 3]), makeOptions({ counts })).schedule(flow())?.id, 's1');
  assert.equal(fo.build(makeServers([1, 0, 3]), makeOptions({ counts })).schedule(flow())?.id, 's2');
  counts.overload('s2');
  assert.equal(fo.build(makeServers([1, 0, 3]), makeOptions({ counts })).schedule(flow())?.id, 's0');
});
