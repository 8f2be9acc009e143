// A weight-expanded table of servers: each server appears weight/gcd times, interleaved so that
// walking the table in order gives a smooth weighted round robin (3:1 is a a b a, not a a a b).
// `static-rr` walks it with a cursor and `hash-type map-based` indexes it with hash % length, as
// HAProxy's lb_map does; both build it once per snapshot so a pick is O(1).
import type { BalanceServer } from './balancer.ts';

/**
 * Packing a sort key and a snapshot position into one float64 lets a Float64Array sort them
 * natively (no comparator, no objects): key * POSITION_SPACE + position stays below 2^53 for
 * 32-bit keys and fewer than 2^21 servers.
 */
export const POSITION_SPACE = 2 ** 21;

/** Weights as positive integers: table sizes and ring sizes need whole counts */
export function wholeWeight(server: BalanceServer): number {
  return Math.max(1, Math.round(server.weight));
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/**
 * Snapshot positions, weight-expanded and interleaved. Weights are divided by their common
 * divisor first, so ten servers of weight 100 make a table of 10 entries, not 1000.
 *
 * Each of a server's `w` entries is placed at its ideal position (2k+1)/(2w) of the cycle and the
 * entries are sorted by that position, ties going to the earlier server. This is the order smooth
 * weighted round robin produces, in O(T log T) for a table of T entries instead of O(T x n).
 */
export function interleavedTable(servers: readonly BalanceServer[]): Int32Array {
  let divisor = 0;
  for (const server of servers) divisor = gcd(wholeWeight(server), divisor);
  let length = 0;
  for (const server of servers) length += wholeWeight(server) / divisor;
  const packed = new Float64Array(length);
  let next = 0;
  for (let position = 0; position < servers.length; position++) {
    const entries = wholeWeight(servers[position]!) / divisor;
    for (let k = 0; k < entries; k++) {
      // the ideal position scaled to 32 bits; equal fractions from different weights compare equal
      const at = Math.floor(((2 * k + 1) * 2 ** 31) / entries);
      packed[next++] = at * POSITION_SPACE + position;
    }
  }
  packed.sort();
  const table = new Int32Array(length);
  for (let i = 0; i < length; i++) table[i] = packed[i]! % POSITION_SPACE;
  return table;
}

/** True when every server of the snapshot is in `exclude` (so walking a table would find none) */
export function allExcluded(servers: readonly BalanceServer[], exclude: ReadonlySet<number>): boolean {
  if (exclude.size < servers.length) return false;
  for (let i = 0; i < servers.length; i++) {
    if (!exclude.has(servers[i]!.index)) return false;
  }
  return true;
}
