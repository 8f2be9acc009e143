// One suite over every registered LVS scheduler (and the flag variants of sh and mh): what a
// keepalived user relies on whichever `lvs_sched` they wrote. A scheduler added to the registry
// without a profile here fails the suite, so its expected behaviour gets written down.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lvsSchedulerAlgorithms } from './registry.ts';
import type { LvsRealServer, LvsScheduler, LvsSchedulerAlgorithm, SchedulerFlag } from './scheduler.ts';
import { FakeCounts, makeOptions, makeServers, seededRandom, tally, variedFlow } from './testing.ts';

/** How picks are shared: in proportion to weight, evenly whatever the weights, or all to the first server */
type Sharing = 'weighted' | 'equal' | 'first';

interface Profile {
  /** with every count at zero */
  readonly idle: Sharing;
  /** while each pick holds a connection for the next 40 picks; 'skip' where the algorithm runs out by design (ovf) */
  readonly loaded: Sharing | 'skip';
  /** the exact first picks from three idle servers of equal weight, where deterministic */
  readonly equalSequence?: readonly string[];
  /** the exact first picks from idle servers weighted 3:1, where deterministic */
  readonly weightedSequence?: readonly string[];
  /** a quiesced or overloaded server's share goes nowhere (hash tables without fallback) */
  readonly strandsUnavailable?: boolean;
  /** the same flow always maps to the same server, across rebuilds too */
  readonly hashes?: boolean;
}

const profiles: Readonly<Record<string, Profile>> = {
  rr: { idle: 'equal', loaded: 'equal', equalSequence: ['s0', 's1', 's2', 's0', 's1', 's2'], weightedSequence: ['s0', 's1', 's0', 's1'] },
  wrr: { idle: 'weighted', loaded: 'weighted', equalSequence: ['s0', 's1', 's2', 's0'], weightedSequence: ['s0', 's0', 's0', 's1', 's0', 's0', 's0', 's1'] },
  lc: { idle: 'first', loaded: 'equal', equalSequence: ['s0', 's0', 's0'] },
  wlc: { idle: 'first', loaded: 'weighted', equalSequence: ['s0', 's0', 's0'] },
  sed: { idle: 'first', loaded: 'weighted', equalSequence: ['s0', 's0', 's0'] },
  nq: { idle: 'first', loaded: 'weighted', equalSequence: ['s0', 's0', 's0'] },
  lblc: { idle: 'first', loaded: 'weighted' },
  lblcr: { idle: 'first', loaded: 'weighted' },
  fo: { idle: 'first', loaded: 'first', weightedSequence: ['s0', 's0', 's0'] },
  ovf: { idle: 'first', loaded: 'skip' },
  twos: { idle: 'weighted', loaded: 'weighted' },
  sh: { idle: 'weighted', loaded: 'weighted', strandsUnavailable: true, hashes: true },
  dh: { idle: 'equal', loaded: 'equal', strandsUnavailable: true, hashes: true },
  mh: { idle: 'weighted', loaded: 'weighted', strandsUnavailable: true, hashes: true },
};

/** flag sets run besides the plain one, with what they change in the profile */
const flagVariants: Readonly<Record<string, readonly { flags: readonly SchedulerFlag[]; change: Partial<Profile> }[]>> = {
  sh: [
    { flags: ['sh-fallback'], change: { strandsUnavailable: false } },
    { flags: ['sh-port'], change: {} },
  ],
  mh: [
    { flags: ['mh-fallback'], change: { strandsUnavailable: false } },
    { flags: ['mh-port'], change: {} },
  ],
};

const PICKS = 30_000;

interface Variant {
  readonly algorithm: LvsSchedulerAlgorithm;
  readonly profile: Profile;
  readonly flags: readonly SchedulerFlag[];
}

function variants(): Variant[] {
  const all: Variant[] = [];
  for (const algorithm of lvsSchedulerAlgorithms.values()) {
    const profile = profiles[algorithm.name];
    if (profile === undefined) {
      it(`${algorithm.name} has a conformance profile`, () => assert.fail(`add "${algorithm.name}" to profiles`));
      continue;
    }
    all.push({ algorithm, profile, flags: [] });
    for (const variant of flagVariants[algorithm.name] ?? []) all.push({ algorithm, profile: { ...profile, ...variant.change }, flags: variant.flags });
  }
  return all;
}

function build(variant: Variant, servers: readonly LvsRealServer[], counts = new FakeCounts(), previous?: LvsScheduler): LvsScheduler {
  return variant.algorithm.build(servers, makeOptions({ counts, flags: variant.flags, random: seededRandom(7) }), previous);
}

function pickIds(scheduler: LvsScheduler, count: number, offset = 0): (string | undefined)[] {
  const ids: (string | undefined)[] = [];
  for (let i = 0; i < count; i++) ids.push(scheduler.schedule(variedFlow(i + offset))?.id);
  return ids;
}

/** Picks while each picked flow stays active for `held` further picks, so counts follow the choices */
function pickUnderLoad(variant: Variant, servers: readonly LvsRealServer[], count: number, held: number): Map<string | undefined, number> {
  const counts = new FakeCounts();
  const scheduler = build(variant, servers, counts);
  const open: string[] = [];
  const ids: (string | undefined)[] = [];
  for (let i = 0; i < count; i++) {
    const server = scheduler.schedule(variedFlow(i));
    assert.ok(server !== undefined, `no server for pick ${i}`);
    ids.push(server.id);
    counts.addActive(server.id, 1);
    open.push(server.id);
    if (open.length > held) counts.addActive(open.shift()!, -1);
  }
  return tally(ids);
}

function assertShares(counts: Map<string | undefined, number>, expected: Readonly<Record<string, number>>, total: number, what: string): void {
  for (const [id, share] of Object.entries(expected)) {
    const got = (counts.get(id) ?? 0) / total;
    assert.ok(Math.abs(got - share) < 0.05, `${what}: ${id} got ${(got * 100).toFixed(1)}%, expected ${(share * 100).toFixed(0)}%`);
  }
}

function expectedShares(sharing: Sharing, weights: readonly number[]): Record<string, number> {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return Object.fromEntries(
    weights.map((weight, i) => [`s${i}`, sharing === 'first' ? (i === 0 ? 1 : 0) : sharing === 'equal' ? 1 / weights.length : weight / total]),
  );
}

for (const variant of variants()) {
  const { algorithm, profile, flags } = variant;
  const label = flags.length === 0 ? algorithm.name : `${algorithm.name} (${flags.join(', ')})`;

  describe(`lvs_sched ${label}`, () => {
    it('schedules nothing with no real servers', () => {
      assert.equal(build(variant, []).schedule(variedFlow(1)), undefined);
    });

    it('sends every flow to a lone server, and none once it is quiesced (weight 0)', () => {
      assert.deepEqual(new Set(pickIds(build(variant, makeServers([1])), 300)), new Set(['s0']));
      assert.deepEqual(new Set(pickIds(build(variant, makeServers([0])), 300)), new Set([undefined]));
    });

    if (profile.equalSequence !== undefined) {
      const expected = profile.equalSequence;
      it(`picks ${expected.join(' ')} from three idle servers of equal weight`, () => {
        assert.deepEqual(pickIds(build(variant, makeServers([1, 1, 1])), expected.length), expected);
      });
    }

    if (profile.weightedSequence !== undefined) {
      const expected = profile.weightedSequence;
      it(`picks ${expected.join(' ')} from idle servers weighted 3:1`, () => {
        assert.deepEqual(pickIds(build(variant, makeServers([3, 1])), expected.length), expected);
      });
    }

    it(`shares idle servers ${profile.idle === 'first' ? 'by sending all to the first' : profile.idle === 'equal' ? 'evenly, weights aside' : 'by weight'}`, () => {
      for (const weights of [[1, 1, 1], [3, 1]]) {
        const counts = tally(pickIds(build(variant, makeServers(weights)), PICKS));
        assertShares(counts, expectedShares(profile.idle, weights), PICKS, `weights ${weights.join(':')}`);
      }
    });

    if (profile.loaded !== 'skip') {
      const loaded = profile.loaded;
      it(`shares servers holding connections ${loaded === 'first' ? 'by sending all to the first' : loaded === 'equal' ? 'evenly, weights aside' : 'by weight'}`, () => {
        for (const weights of [[1, 1, 1], [3, 1]]) {
          assertShares(pickUnderLoad(variant, makeServers(weights), PICKS, 40), expectedShares(loaded, weights), PICKS, `weights ${weights.join(':')}`);
        }
      });
    }

    it('never schedules a removed server, and the rest take all its flows', () => {
      const all = makeServers([1, 1, 1]);
      const remaining = all.filter((server) => server.id !== 's0');
      const during = pickIds(build(variant, remaining), 3000);
      assert.equal(during.includes('s0'), false);
      assert.equal(during.includes(undefined), false);
    });

    for (const how of ['quiesced', 'overloaded'] as const) {
      it(`never schedules a ${how} server${profile.strandsUnavailable ? ', whose flows then get none' : ', and the rest take its flows'}`, () => {
        const counts = new FakeCounts();
        // quiesced the way keepalived does it: a server already in the table drops to weight 0
        const before = build(variant, makeServers([1, 1, 1]), counts);
        const servers = makeServers(how === 'quiesced' ? [0, 1, 1] : [1, 1, 1]);
        if (how === 'overloaded') counts.overload('s0');
        const scheduler = build(variant, servers, counts, before);
        // each flow stays active for the next two, so the least-connection family spreads too
        const open: string[] = [];
        const ids: (string | undefined)[] = [];
        for (let i = 0; i < 3000; i++) {
          const server = scheduler.schedule(variedFlow(i));
          ids.push(server?.id);
          if (server === undefined) continue;
          counts.addActive(server.id, 1);
          open.push(server.id);
          if (open.length > 2) counts.addActive(open.shift()!, -1);
        }
        assert.equal(ids.includes('s0'), false);
        if (profile.strandsUnavailable) assert.ok(ids.includes(undefined), 'flows hashed to it should find no server');
        else assert.equal(ids.includes(undefined), false);
        // fo sends everything to the next in line; the others spread over both
        if (profile.loaded === 'first') assert.deepEqual(new Set(ids), new Set(['s1']));
        else assert.ok(ids.includes('s1') && ids.includes('s2'));
      });
    }

    it('schedules a server again once it returns', () => {
      const all = makeServers([1, 1, 1]);
      build(variant, all.slice(1));
      const counts = new FakeCounts();
      const scheduler = build(variant, all, counts);
      const ids: (string | undefined)[] = [];
      for (let i = 0; i < 3000; i++) {
        const server = scheduler.schedule(variedFlow(i));
        ids.push(server?.id);
        if (server !== undefined) counts.addActive(server.id, 1);
      }
      assert.ok(ids.includes('s0'));
    });

    if (profile.hashes) {
      it('maps the same flow to the same server on every pick and every rebuild', () => {
        const servers = makeServers([1, 2, 1, 1]);
        const once = pickIds(build(variant, servers), 2000);
        assert.deepEqual(pickIds(build(variant, servers), 2000), once);
        const scheduler = build(variant, servers);
        pickIds(scheduler, 500, 100_000);
        assert.deepEqual(pickIds(scheduler, 2000), once);
      });
    }
  });
}
