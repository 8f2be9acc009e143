import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BalanceAlgorithm } from './balancer.ts';
import { roundRobin } from './roundrobin.ts';
import { staticRoundRobin } from './static-rr.ts';
import { makeOptions, makeRequest, makeServers, seededRandom } from './testing.ts';

const request = makeRequest();

function sequence(algorithm: BalanceAlgorithm, weights: readonly number[], length: number): string {
  const b = algorithm.build(makeServers(weights), makeOptions());
  return Array.from({ length }, () => b.pick(request)?.name.slice(1)).join('');
}

// roundrobin computes smooth weighted round robin per pick; static-rr's table places each
// server's turns at the middle of equal slices of the cycle, which differs only in how ties fall
const interleaved = new Map<BalanceAlgorithm, string>([
  [roundRobin, '0010200'],
  [staticRoundRobin, '0001200'],
]);

for (const [algorithm, fiveOneOne] of interleaved) {
  describe(`balance ${algorithm.name}`, () => {
    it('interleaves uneven weights instead of sending bursts', () => {
      assert.equal(sequence(algorithm, [5, 1, 1], 7), fiveOneOne);
      assert.equal(sequence(algorithm, [2, 1], 6), '010010');
      assert.equal(sequence(algorithm, [3, 1], 8), '00100010');
    });

    it('gives each server exactly its weight in every full turn', () => {
      const rng = seededRandom(11);
      for (let trial = 0; trial < 20; trial++) {
        const weights = Array.from({ length: 1 + Math.floor(rng() * 6) }, () => 1 + Math.floor(rng() * 9));
        const total = weights.reduce((a, b) => a + b, 0);
        const b = algorithm.build(makeServers(weights), makeOptions());
        for (let turn = 0; turn < 3; turn++) {
          const counts = new Array<number>(weights.length).fill(0);
          for (let i = 0; i < total; i++) counts[b.pick(request)!.index]! += 1;
          assert.deepEqual(counts, weights, `weights ${weights.join(':')}`);
        }
      }
    });

    it('lets a retry skip a server without taking its turn from the next request', () => {
      const b = algorithm.build(makeServers([1, 1, 1]), makeOptions());
      assert.equal(b.pick(request)?.name, 's0');
      assert.equal(b.pick(request, new Set([1]))?.name, 's2');
      assert.deepEqual([1, 2, 3].map(() => b.pick(request)?.name).sort(), ['s0', 's1', 's2']);
    });

    it('takes no arguments', () => {
      assert.match(algorithm.validate(['x']) ?? '', /takes no arguments/);
    });
  });
}
