// One suite run over every registered balancing algorithm (and, for the hashing ones, over both
// hash types): what a user relies on whichever `balance` line they wrote. An algorithm added to
// the registry without a profile here fails the suite, so its expected behaviour gets written down.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BalanceAlgorithm, BalanceServer, Balancer, HashType } from './balancer.ts';
import { balanceAlgorithms } from './registry.ts';
import { FakeLoad, makeOptions, makeServers, seededRandom, tally, variedRequest } from './testing.ts';

/** How an algorithm shares traffic when the proxy's connection counts stay at zero */
type Sharing =
  /** in proportion to weight */
  | 'weighted'
  /** evenly when idle; in proportion to weight only once connections are held (leastconn) */
  | 'by-load'
  /** everything to the first server (first, with maxconn 0) */
  | 'first-server';

interface Profile {
  /** the `balance` arguments the suite uses */
  readonly args: readonly string[];
  readonly sharing: Sharing;
  /** the exact picks from three idle servers of equal weight, where they are deterministic */
  readonly equalSequence?: readonly string[];
  /** the exact picks from weights 3:1, where deterministic */
  readonly weightedSequence?: readonly string[];
}

const profiles: Readonly<Record<string, Profile>> = {
  roundrobin: {
    args: [],
    sharing: 'weighted',
    equalSequence: ['s0', 's1', 's2', 's0', 's1', 's2'],
    weightedSequence: ['s0', 's0', 's1', 's0', 's0', 's0', 's1', 's0'],
  },
  'static-rr': {
    args: [],
    sharing: 'weighted',
    equalSequence: ['s0', 's1', 's2', 's0', 's1', 's2'],
    weightedSequence: ['s0', 's0', 's1', 's0', 's0', 's0', 's1', 's0'],
  },
  leastconn: {
    args: [],
    sharing: 'by-load',
    equalSequence: ['s0', 's1', 's2', 's0', 's1', 's2'],
    weightedSequence: ['s0', 's1', 's0', 's1'],
  },
  first: {
    args: [],
    sharing: 'first-server',
    equalSequence: ['s0', 's0', 's0', 's0'],
    weightedSequence: ['s0', 's0', 's0', 's0'],
  },
  source: { args: [], sharing: 'weighted' },
  uri: { args: [], sharing: 'weighted' },
  url_param: { args: ['userid'], sharing: 'weighted' },
  hdr: { args: ['Host'], sharing: 'weighted' },
  random: { args: [], sharing: 'weighted' },
};

const PICKS = 30_000;

interface Variant {
  readonly algorithm: BalanceAlgorithm;
  readonly profile: Profile;
  readonly hashType: HashType;
}

function variants(): Variant[] {
  const all: Variant[] = [];
  for (const algorithm of balanceAlgorithms.values()) {
    const profile = profiles[algorithm.name];
    if (profile === undefined) {
      it(`${algorithm.name} has a conformance profile`, () => assert.fail(`add "${algorithm.name}" to profiles`));
      continue;
    }
    const hashTypes: HashType[] = algorithm.usesRequest ? ['map-based', 'consistent'] : ['map-based'];
    for (const hashType of hashTypes) all.push({ algorithm, profile, hashType });
  }
  return all;
}

function build(variant: Variant, servers: readonly BalanceServer[], load = new FakeLoad(), seed = 7): Balancer {
  assert.equal(variant.algorithm.validate(variant.profile.args), undefined);
  return variant.algorithm.build(
    servers,
    makeOptions({ args: variant.profile.args, hashType: variant.hashType, load, random: seededRandom(seed) }),
  );
}

/** Server names for `count` picks, one varied request each (the same request i every run) */
function pickNames(balancer: Balancer, count: number, exclude?: ReadonlySet<number>, offset = 0): (string | undefined)[] {
  const names: (string | undefined)[] = [];
  for (let i = 0; i < count; i++) names.push(balancer.pick(variedRequest(i + offset), exclude)?.name);
  return names;
}

function share(counts: Map<string | undefined, number>, name: string, total: number): number {
  return (counts.get(name) ?? 0) / total;
}

function mostPicked(counts: Map<string | undefined, number>): string {
  let best: string | undefined;
  let bestCount = -1;
  for (const [name, count] of counts) {
    if (name !== undefined && count > bestCount) {
      best = name;
      bestCount = count;
    }
  }
  assert.ok(best !== undefined, 'no server was picked');
  return best;
}

/**
 * Picks while holding each picked connection for `held` further picks, so leastconn and random
 * see a load that follows their own choices
 */
function pickUnderLoad(variant: Variant, servers: readonly BalanceServer[], count: number, held: number): Map<string | undefined, number> {
  const load = new FakeLoad();
  const balancer = build(variant, servers, load);
  const open: number[] = [];
  const names: (string | undefined)[] = [];
  for (let i = 0; i < count; i++) {
    const server = balancer.pick(variedRequest(i));
    assert.ok(server !== undefined);
    names.push(server.name);
    load.add(server.index, 1);
    open.push(server.index);
    if (open.length > held) load.add(open.shift()!, -1);
  }
  return tally(names);
}

for (const variant of variants()) {
  const { algorithm, profile, hashType } = variant;
  const label = algorithm.usesRequest ? `${algorithm.name} (hash-type ${hashType})` : algorithm.name;

  describe(`balance ${label}`, () => {
    it('returns no server from an empty snapshot', () => {
      const balancer = build(variant, []);
      assert.equal(balancer.pick(variedRequest(1)), undefined);
      assert.equal(balancer.pick(variedRequest(1), new Set([0])), undefined);
    });

    it('sends everything to a lone server, and nothing once it is excluded', () => {
      const balancer = build(variant, makeServers([1]));
      assert.deepEqual(new Set(pickNames(balancer, 200)), new Set(['s0']));
      assert.equal(balancer.pick(variedRequest(1), new Set([0])), undefined);
    });

    if (profile.equalSequence !== undefined) {
      const expected = profile.equalSequence;
      it(`picks ${expected.join(' ')} from three idle servers of equal weight`, () => {
        assert.deepEqual(pickNames(build(variant, makeServers([1, 1, 1])), expected.length), expected);
      });
    }

    if (profile.weightedSequence !== undefined) {
      const expected = profile.weightedSequence;
      it(`picks ${expected.join(' ')} from idle servers weighted 3:1`, () => {
        assert.deepEqual(pickNames(build(variant, makeServers([3, 1])), expected.length), expected);
      });
    }

    if (profile.sharing === 'first-server') {
      it('sends every pick to the first server while it has no maxconn', () => {
        const counts = tally(pickNames(build(variant, makeServers([1, 1, 1])), PICKS));
        assert.deepEqual([...counts], [['s0', PICKS]]);
      });
    } else {
      it('gives three servers of equal weight a fair share each', () => {
        const counts = tally(pickNames(build(variant, makeServers([1, 1, 1])), PICKS));
        for (const name of ['s0', 's1', 's2']) {
          const got = share(counts, name, PICKS);
          assert.ok(Math.abs(got - 1 / 3) < 0.05, `${name} got ${(got * 100).toFixed(1)}% of picks`);
        }
      });
    }

    if (profile.sharing === 'weighted') {
      it('shares about 75/25 between weights 3:1', () => {
        const counts = tally(pickNames(build(variant, makeServers([3, 1])), PICKS));
        const heavy = share(counts, 's0', PICKS);
        assert.ok(Math.abs(heavy - 0.75) < 0.05, `weight 3 got ${(heavy * 100).toFixed(1)}% of picks`);
      });
    }

    if (profile.sharing === 'by-load') {
      it('shares evenly between idle servers whatever their weights, about 75/25 under load', () => {
        const idle = tally(pickNames(build(variant, makeServers([3, 1])), 1000));
        assert.equal(idle.get('s0'), 500);
        const loaded = pickUnderLoad(variant, makeServers([3, 1]), PICKS, 40);
        const heavy = share(loaded, 's0', PICKS);
        assert.ok(Math.abs(heavy - 0.75) < 0.05, `weight 3 got ${(heavy * 100).toFixed(1)}% under load`);
      });
    }

    it('never picks a server removed from the snapshot, and picks it again once it returns', () => {
      const all = makeServers([1, 1, 1]);
      const busiest = mostPicked(tally(pickNames(build(variant, all), 3000)));
      const without = all.filter((server) => server.name !== busiest);
      const during = pickNames(build(variant, without), 3000);
      assert.equal(during.includes(busiest), false);
      assert.equal(during.includes(undefined), false, 'the remaining servers must take the traffic');
      const after = tally(pickNames(build(variant, all), 3000));
      assert.ok((after.get(busiest) ?? 0) > 0, `${busiest} got no traffic after returning`);
    });

    it('honours exclude, and returns no server when all are excluded', () => {
      const servers = makeServers([1, 1, 1]);
      const balancer = build(variant, servers);
      const busiest = mostPicked(tally(pickNames(balancer, 3000)));
      const excluded = new Set([servers.find((server) => server.name === busiest)!.index]);
      const retried = pickNames(balancer, 3000, excluded);
      assert.equal(retried.includes(busiest), false);
      assert.equal(retried.includes(undefined), false);
      // a retry does not stop the excluded server from serving other requests
      assert.ok(pickNames(balancer, 3000).includes(busiest));
      assert.deepEqual(new Set(pickNames(balancer, 300, new Set([0, 1, 2]))), new Set([undefined]));
      // positions outside the snapshot do not count as excluding anything in it
      assert.equal(pickNames(balancer, 300, new Set([7, 8, 9])).includes(undefined), false);
    });

    if (algorithm.usesRequest) {
      it('maps the same key to the same server on every pick and every rebuild', () => {
        const servers = makeServers([1, 2, 1, 1]);
        const once = pickNames(build(variant, servers), 2000);
        assert.deepEqual(pickNames(build(variant, servers), 2000), once);
        const balancer = build(variant, servers);
        pickNames(balancer, 500, undefined, 100_000); // other traffic in between changes nothing
        assert.deepEqual(pickNames(balancer, 2000), once);
      });

      if (hashType === 'consistent') {
        it('moves only the keys of a removed server (about a quarter of 4), and moves them back', () => {
          const all = makeServers([1, 1, 1, 1]);
          const before = pickNames(build(variant, all), 8000);
          const during = pickNames(build(variant, all.filter((server) => server.name !== 's2')), 8000);
          let moved = 0;
          for (let i = 0; i < before.length; i++) {
            if (before[i] === during[i]) continue;
            moved++;
            assert.equal(before[i], 's2', `key ${i} moved from ${before[i]} to ${during[i]}`);
          }
          const fraction = moved / before.length;
          assert.ok(fraction > 0.15 && fraction < 0.35, `${(fraction * 100).toFixed(1)}% of keys moved`);
          assert.deepEqual(pickNames(build(variant, all), 8000), before);
        });
      } else {
        it('remaps most keys when a server is removed (what consistent hashing avoids)', () => {
          const all = makeServers([1, 1, 1, 1]);
          const before = pickNames(build(variant, all), 8000);
          const during = pickNames(build(variant, all.filter((server) => server.name !== 's2')), 8000);
          const moved = before.filter((name, i) => name !== during[i]).length / before.length;
          assert.ok(moved > 0.5, `${(moved * 100).toFixed(1)}% of keys moved`);
        });
      }
    }
  });
}
