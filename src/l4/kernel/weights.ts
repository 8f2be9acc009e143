// Turning real-server weights into the slot lists nftables maps pick from. A map slot is one
// entry of `numgen`/`jhash ... mod N vmap { 0 : ..., 1 : ... }`, so a server with k slots gets
// k/N of the new flows.

/** Maps with more slots than this get proportionally smaller weights (see `reduceWeights`) */
export const defaultMaxSlots = 1024;

export function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/**
 * Weights divided by their greatest common divisor (3:1 stays 3:1, 300:100 becomes 3:1); when the
 * sum still exceeds `maxSlots` they are scaled down to fit, each kept at least 1. Expects weights
 * >= 1 (quiescent servers are left out before).
 */
export function reduceWeights(weights: readonly number[], maxSlots = defaultMaxSlots): number[] {
  if (weights.length === 0) return [];
  const divisor = weights.reduce((acc, weight) => gcd(acc, weight), 0) || 1;
  let reduced = weights.map((weight) => weight / divisor);
  const sum = reduced.reduce((acc, weight) => acc + weight, 0);
  if (sum > maxSlots) {
    const budget = Math.max(maxSlots, weights.length);
    reduced = reduced.map((weight) => Math.max(1, Math.round((weight * budget) / sum)));
    const again = reduced.reduce((acc, weight) => gcd(acc, weight), 0) || 1;
    reduced = reduced.map((weight) => weight / again);
  }
  return reduced;
}

/**
 * The order in which IPVS's wrr hands out new connections (ip_vs_wrr.c: a current weight that
 * steps down by the gcd from the maximum; each pass takes every server at least that heavy),
 * one full cycle: server indexes, sum(weights)/gcd long. 3:1 gives [0, 0, 0, 1]; 4:3:2 gives
 * [0, 0, 1, 0, 1, 2, 0, 1, 2].
 */
export function wrrSequence(weights: readonly number[], maxSlots = defaultMaxSlots): number[] {
  const reduced = reduceWeights(weights, maxSlots);
  const total = reduced.reduce((acc, weight) => acc + weight, 0);
  const max = Math.max(0, ...reduced);
  const sequence: number[] = [];
  let current = 0;
  let index = -1;
  while (sequence.length < total) {
    index = (index + 1) % reduced.length;
    if (index === 0) {
      current -= 1;
      if (current <= 0) current = max;
    }
    if ((reduced[index] ?? 0) >= current) sequence.push(index);
  }
  return sequence;
}

/**
 * IPVS sh's bucket table (ip_vs_sh.c, ip_vs_sh_reassign): `size` buckets filled in server order,
 * each server taking as many consecutive buckets as its (gcd-reduced) weight, round and round.
 */
export function consecutiveTable(weights: readonly number[], size: number): number[] {
  const reduced = reduceWeights(weights, size);
  const table: number[] = [];
  let server = 0;
  let taken = 0;
  while (table.length < size && reduced.length > 0) {
    table.push(server);
    taken += 1;
    if (taken >= (reduced[server] ?? 1)) {
      server = (server + 1) % reduced.length;
      taken = 0;
    }
  }
  return table;
}
