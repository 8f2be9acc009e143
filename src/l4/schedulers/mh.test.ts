import assert from 'node:assert/strict';
import { it } from 'node:test';
import { mh, MaglevScheduler, MH_DEFAULT_TABLE_SIZE } from './mh.ts';
import { FakeCounts, makeOptions, makeServers, tally, variedFlow } from './testing.ts';

function ids(scheduler: { schedule: MaglevScheduler['schedule'] }, count: number): (string | undefined)[] {
  return Array.from({ length: count }, (_, i) => scheduler.schedule(variedFlow(i))?.id);
}

it('mh moves the clients of a removed server and disturbs few others', () => {
  const all = makeServers([1, 1, 1, 1]);
  const before = ids(mh.build(all, makeOptions()), 8000);
  const after = ids(mh.build(all.filter((server) => server.id !== 's2'), makeOptions()), 8000);
  let movedOff = 0;
  let disturbed = 0;
  before.forEach((id, i) => {
    if (id === 's2') movedOff++;
    else if (id !== after[i]) disturbed++;
  });
  assert.equal(after.includes('s2'), false);
  assert.ok(movedOff / 8000 > 0.2 && movedOff / 8000 < 0.3, `${movedOff} clients were on s2`);
  // Maglev trades perfect stability for balance: a few other positions change hands (the paper's
  // section 3.4); a modulo table would move about three quarters
  assert.ok(disturbed / 8000 < 0.05, `${disturbed} clients of other servers moved`);
});

it('mh gives each server table positions in proportion to weight (turns = weight / gcd)', () => {
  const shares = tally(ids(mh.build(makeServers([2, 4, 2]), makeOptions()), 40_000));
  for (const [id, expected] of [['s0', 0.25], ['s1', 0.5], ['s2', 0.25]] as const) {
    const got = (shares.get(id) ?? 0) / 40_000;
    assert.ok(Math.abs(got - expected) < 0.04, `${id} got ${(got * 100).toFixed(1)}%`);
  }
});

it('mh keeps a quiesced server\'s positions (its last weight); mh-fallback probes on for them', () => {
  const counts = new FakeCounts();
  const first = mh.build(makeServers([1, 1, 1]), makeOptions({ counts }));
  const before = ids(first, 3000);
  const quiesced = mh.build(makeServers([0, 1, 1]), makeOptions({ counts }), first);
  const stranded = ids(quiesced, 3000);
  before.forEach((id, i) => assert.equal(stranded[i], id === 's0' ? undefined : id));
  const fallback = mh.build(makeServers([0, 1, 1]), makeOptions({ counts, flags: ['mh-fallback'] }), first);
  const moved = ids(fallback, 3000);
  before.forEach((id, i) => (id === 's0' ? assert.ok(moved[i] === 's1' || moved[i] === 's2') : assert.equal(moved[i], id)));
});

it('mh uses the kernel default table of 4093 and refuses sizes that are not its primes', () => {
  assert.equal(MH_DEFAULT_TABLE_SIZE, 4093);
  assert.throws(() => new MaglevScheduler(makeServers([1]), new FakeCounts(), new Set(), undefined, 65537), RangeError);
  assert.doesNotThrow(() => new MaglevScheduler(makeServers([1]), new FakeCounts(), new Set(), undefined, 65521));
});
