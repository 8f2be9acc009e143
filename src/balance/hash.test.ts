import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HASH_BITS, RING_POINTS_PER_WEIGHT, avalanche, buildHashLookup, hashText } from './hash.ts';
import { makeServers, seededRandom } from './testing.ts';
import { interleavedTable } from './weight-table.ts';

describe('hashText', () => {
  it('is FNV-1a 32 finished with fmix32, cut to a small non-negative integer', () => {
    // FNV-1a 32 of "a" is 0xe40c292c (the published test vector); the finaliser follows
    assert.equal(hashText('a'), avalanche(0xe40c292c));
    assert.equal(hashText(''), avalanche(0x811c9dc5));
    for (const key of ['', 'a', '10.0.0.1', '/img/1.png', 'www.example.com']) {
      const hash = hashText(key);
      assert.ok(Number.isInteger(hash) && hash >= 0 && hash < 2 ** HASH_BITS, `${key}: ${hash}`);
    }
  });

  it('hashes a range of a string exactly as it would hash the slice', () => {
    const text = 'GET /alpha/beta?x=1';
    assert.equal(hashText(text, 4, 15), hashText('/alpha/beta'));
  });

  it('spreads similar short keys evenly over the top bits too', () => {
    // sequential addresses are the worst case for a bare FNV: compare top-2-bit buckets
    const buckets = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) buckets[hashText(`10.0.${i >>> 8}.${i & 255}`) >>> 28]! += 1;
    for (const count of buckets) assert.ok(Math.abs(count - 10_000) < 500, `bucket got ${count}`);
  });
});

describe('hash lookups', () => {
  const rng = seededRandom(42);
  const hashes = Array.from({ length: 40_000 }, () => Math.floor(rng() * 2 ** HASH_BITS));

  for (const hashType of ['map-based', 'consistent'] as const) {
    it(`${hashType}: shares keys in proportion to weight`, () => {
      const servers = makeServers([1, 2, 1]);
      const lookup = buildHashLookup(servers, hashType);
      const counts = [0, 0, 0];
      for (const hash of hashes) counts[lookup.lookup(hash, undefined)!.index]! += 1;
      const expected = [0.25, 0.5, 0.25];
      counts.forEach((count, i) => {
        assert.ok(Math.abs(count / hashes.length - expected[i]!) < 0.04, `server ${i} got ${count}`);
      });
    });

    it(`${hashType}: walks past excluded servers to another allowed one`, () => {
      const servers = makeServers([1, 1, 1, 1]);
      const lookup = buildHashLookup(servers, hashType);
      const exclude = new Set([1, 2]);
      const used = new Set<number>();
      for (const hash of hashes.slice(0, 2000)) {
        const server = lookup.lookup(hash, exclude)!;
        assert.equal(exclude.has(server.index), false);
        used.add(server.index);
      }
      assert.deepEqual([...used].sort(), [0, 3]);
      assert.equal(lookup.lookup(123, new Set([0, 1, 2, 3])), undefined);
    });
  }

  it('consistent: wraps keys hashed above the last point to the first point', () => {
    const lookup = buildHashLookup(makeServers([1, 1]), 'consistent');
    assert.equal(lookup.lookup(2 ** HASH_BITS - 1, undefined), lookup.lookup(0, undefined));
  });

  it('consistent: a retried key lands where it will live if the excluded server stays down', () => {
    const servers = makeServers([1, 1, 1, 1]);
    const full = buildHashLookup(servers, 'consistent');
    const withoutS1 = buildHashLookup(servers.filter((s) => s.index !== 1), 'consistent');
    for (const hash of hashes.slice(0, 2000)) {
      assert.equal(full.lookup(hash, new Set([1]))?.name, withoutS1.lookup(hash, undefined)?.name);
    }
  });

  it(`consistent: gives each server ${RING_POINTS_PER_WEIGHT} points per unit of weight`, () => {
    // visible as the share of a weight-1 server beside a weight-3 one staying near 1/4
    const lookup = buildHashLookup(makeServers([3, 1]), 'consistent');
    let light = 0;
    for (const hash of hashes) if (lookup.lookup(hash, undefined)!.index === 1) light++;
    assert.ok(Math.abs(light / hashes.length - 0.25) < 0.04);
  });
});

describe('interleavedTable', () => {
  it('divides weights by their common divisor so equal large weights stay small', () => {
    assert.equal(interleavedTable(makeServers([100, 100, 200])).length, 4);
    assert.equal(interleavedTable(makeServers([256, 255])).length, 511);
  });
});
