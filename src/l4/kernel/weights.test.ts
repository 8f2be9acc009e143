import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consecutiveTable, gcd, reduceWeights, wrrSequence } from './weights.ts';
import { maglevTable } from './maglev.ts';

test('wrr hands out connections in the order IPVS wrr does', () => {
  assert.deepEqual(wrrSequence([3, 1]), [0, 0, 0, 1]);
  assert.deepEqual(wrrSequence([4, 3, 2]), [0, 0, 1, 0, 1, 2, 0, 1, 2]);
  assert.deepEqual(wrrSequence([1, 1]), [0, 1]);
});

test('weights are reduced by their gcd, so 300:100 costs four map slots, not 400', () => {
  assert.equal(gcd(300, 100), 100);
  assert.deepEqual(reduceWeights([300, 100]), [3, 1]);
  assert.deepEqual(wrrSequence([300, 100]), [0, 0, 0, 1]);
});

test('a weight sum beyond the slot budget is scaled down, keeping every server at least 1', () => {
  const reduced = reduceWeights([65535, 1, 30000], 1024);
  assert.ok(reduced.reduce((a, b) => a + b, 0) <= 1026);
  assert.equal(reduced[1], 1);
  assert.ok(Math.abs((reduced[0] ?? 0) / (reduced[2] ?? 1) - 65535 / 30000) < 0.01);
});

test('the sh table gives each server consecutive buckets in proportion to its weight', () => {
  const table = consecutiveTable([3, 1], 256);
  assert.equal(table.length, 256);
  assert.deepEqual(table.slice(0, 8), [0, 0, 0, 1, 0, 0, 0, 1]);
  assert.equal(table.filter((server) => server === 0).length, 192);
});

test('maglev: shares follow weights and removing a server moves only its own slots', () => {
  const names = ['198.51.100.100:80', '198.51.100.200:80', '198.51.100.201:80'];
  const before = maglevTable(names, [1, 1, 1]);
  assert.equal(before.length, 251);
  for (let server = 0; server < 3; server++) {
    const share = before.filter((slot) => slot === server).length;
    assert.ok(share >= 83 && share <= 84, `server ${server} has ${share} slots`);
  }
  const after = maglevTable([names[0] ?? '', names[1] ?? ''], [1, 1]);
  const moved = before.filter((server, slot) => server !== 2 && after[slot] !== server).length;
  // Maglev's guarantee is "minimal disruption", not zero: a few slots of surviving servers move.
  assert.ok(moved <= 25, `${moved} slots of surviving servers moved`);
  const weighted = maglevTable(names.slice(0, 2), [3, 1]);
  const heavy = weighted.filter((server) => server === 0).length;
  assert.ok(Math.abs(heavy / 251 - 0.75) < 0.02, `weight 3 of 4 got ${heavy}/251`);
});
