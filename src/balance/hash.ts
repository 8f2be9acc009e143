// Hashing shared by `source`, `uri`, `url_param` and `hdr`: the string hash, the two lookups
// HAProxy's `hash-type` chooses between, and the balancer that ties a request key to them.
//
// The hash is FNV-1a 32 over UTF-16 code units followed by MurmurHash3's fmix32 finaliser, of
// which the top 30 bits are kept. FNV-1a alone is fast and spreads well modulo small numbers, but
// similar short keys (IPv4 addresses, /img/1 /img/2) differ mostly in the low bits; a ring
// compares whole values, so without the finaliser those keys would bunch on a few arcs. fmix32 is
// the same idea as HAProxy's `avalanche` modifier, applied always. 30 bits because V8 keeps such
// integers unboxed (a Smi) in every build: a 32-bit unsigned result above 2^31 would be boxed
// into a fresh heap number each time a function returns it, on every pick. HAProxy's other hash
// functions (sdbm, djb2, wt6, crc32) are not offered: `hash-type <method> <function>` selects
// the lookup method here and the function is ignored, so keys do not map to the same servers as
// they would in HAProxy (they could not anyway: server points and tables differ too).
import type { BalanceRequest, BalanceServer, Balancer, HashType } from './balancer.ts';
import { allExcluded, interleavedTable, wholeWeight } from './weight-table.ts';

/** What a request-key function returns when the request has no key (absent header or param) */
export const NO_KEY = -1;

/** Hashes and ring points are integers in [0, 2^HASH_BITS) */
export const HASH_BITS = 30;

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * MurmurHash3 fmix32, every input bit flipping each output bit with probability about 1/2, cut to
 * its top HASH_BITS bits
 */
export function avalanche(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> (32 - HASH_BITS);
}

/**
 * Hash of `text.slice(start, end)` without making the slice, so a pick that hashes part of the
 * URI allocates nothing.
 */
export function hashText(text: string, start = 0, end = text.length): number {
  let hash = FNV_OFFSET_BASIS;
  for (let i = start; i < end; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return avalanche(hash);
}

/** Maps a key hash to a server of the snapshot, walking on past excluded servers */
export interface HashLookup {
  lookup(hash: number, exclude: ReadonlySet<number> | undefined): BalanceServer | undefined;
}

/**
 * `hash-type map-based`: hash modulo the total weight, over the weight-expanded table. Cheap and
 * perfectly proportional, but when the total weight changes (a server goes down) most keys move.
 */
class MapBasedLookup implements HashLookup {
  readonly #servers: readonly BalanceServer[];
  readonly #table: Int32Array;

  constructor(servers: readonly BalanceServer[]) {
    this.#servers = servers;
    this.#table = interleavedTable(servers);
  }

  lookup(hash: number, exclude: ReadonlySet<number> | undefined): BalanceServer | undefined {
    const table = this.#table;
    const length = table.length;
    if (length === 0) return undefined;
    let slot = hash % length;
    const first = this.#servers[table[slot]!];
    if (exclude === undefined || exclude.size === 0) return first;
    if (allExcluded(this.#servers, exclude)) return undefined;
    // the table is interleaved, so retries of keys that hit one server spread over the others
    for (;;) {
      const server = this.#servers[table[slot]!]!;
      if (!exclude.has(server.index)) return server;
      slot = slot + 1 === length ? 0 : slot + 1;
    }
  }
}

/**
 * Ring points per unit of weight. Each server's share of the ring is the sum of its arcs, which
 * varies by about 1/sqrt(points) around the ideal: 100 points keeps weight-1 servers within
 * about 10% of their share, while a 20-server backend of weight 100 stays at 200,000 points
 * (a few milliseconds to build). HAProxy uses 16 per weight unit and recommends larger weights.
 */
export const RING_POINTS_PER_WEIGHT = 100;

/**
 * `hash-type consistent`: a ring of points, weight x RING_POINTS_PER_WEIGHT per server, each
 * seeded by the server's `id` only. A server keeps the same points in every snapshot, so when one
 * of n servers leaves only the keys that were on its arcs move (about 1/n of them), and they come
 * back when it returns. A key goes to the first point at or after its hash, by binary search.
 */
class ConsistentLookup implements HashLookup {
  readonly #servers: readonly BalanceServer[];
  /** point hashes, ascending */
  readonly #points: Uint32Array;
  /** snapshot position of each point's server */
  readonly #owners: Int32Array;

  constructor(servers: readonly BalanceServer[]) {
    this.#servers = servers;
    let total = 0;
    for (const server of servers) total += wholeWeight(server) * RING_POINTS_PER_WEIGHT;
    const points = new Uint32Array(total);
    const owners = new Int32Array(total);
    let next = 0;
    for (let position = 0; position < servers.length; position++) {
      const server = servers[position]!;
      const seed = hashText(server.id);
      const count = wholeWeight(server) * RING_POINTS_PER_WEIGHT;
      for (let point = 0; point < count; point++) {
        points[next] = ringPoint(seed, point);
        owners[next++] = position;
      }
    }
    const sorted = sortPointsByHash(points, owners);
    this.#points = sorted.points;
    this.#owners = sorted.owners;
  }

  lookup(hash: number, exclude: ReadonlySet<number> | undefined): BalanceServer | undefined {
    const points = this.#points;
    const length = points.length;
    if (length === 0) return undefined;
    let low = 0;
    let high = length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (points[middle]! < hash) low = middle + 1;
      else high = middle;
    }
    let at = low === length ? 0 : low;
    const owners = this.#owners;
    if (exclude === undefined || exclude.size === 0) return this.#servers[owners[at]!];
    if (allExcluded(this.#servers, exclude)) return undefined;
    // the next point clockwise that belongs to an allowed server: what the key would get if the
    // excluded servers were removed, so a retry lands where the key will live if they stay down
    for (;;) {
      const server = this.#servers[owners[at]!]!;
      if (!exclude.has(server.index)) return server;
      at = at + 1 === length ? 0 : at + 1;
    }
  }
}

/** The `point`-th ring position of a server whose id hashes to `seed` */
function ringPoint(seed: number, point: number): number {
  // golden-ratio stride then a full avalanche, so consecutive points scatter over the ring
  return avalanche(seed ^ Math.imul(point + 1, 0x9e3779b9));
}

const RADIX_BITS = 10;
const RADIX_MASK = (1 << RADIX_BITS) - 1;

/**
 * Sorts ring points ascending, owners alongside, with an LSD radix sort: three passes of 10 bits
 * over HASH_BITS-bit values. A 200,000-point ring sorts in about 2 ms where a comparison sort of
 * packed values takes tens. Stable, so equal points (rare) keep the earlier server first.
 */
function sortPointsByHash(points: Uint32Array, owners: Int32Array): { points: Uint32Array; owners: Int32Array } {
  const length = points.length;
  let fromPoints = points;
  let fromOwners = owners;
  let toPoints: Uint32Array = new Uint32Array(length);
  let toOwners: Int32Array = new Int32Array(length);
  const starts = new Int32Array(1 << RADIX_BITS);
  for (let shift = 0; shift < HASH_BITS; shift += RADIX_BITS) {
    starts.fill(0);
    for (let i = 0; i < length; i++) {
      const digit = (fromPoints[i]! >>> shift) & RADIX_MASK;
      starts[digit] = starts[digit]! + 1;
    }
    let sum = 0;
    for (let digit = 0; digit <= RADIX_MASK; digit++) {
      const count = starts[digit]!;
      starts[digit] = sum;
      sum += count;
    }
    for (let i = 0; i < length; i++) {
      const point = fromPoints[i]!;
      const digit = (point >>> shift) & RADIX_MASK;
      const at = starts[digit]!;
      starts[digit] = at + 1;
      toPoints[at] = point;
      toOwners[at] = fromOwners[i]!;
    }
    const sortedPoints = toPoints;
    toPoints = fromPoints;
    fromPoints = sortedPoints;
    const sortedOwners = toOwners;
    toOwners = fromOwners;
    fromOwners = sortedOwners;
  }
  return { points: fromPoints, owners: fromOwners };
}

const lookups: Readonly<Record<HashType, new (servers: readonly BalanceServer[]) => HashLookup>> = {
  'map-based': MapBasedLookup,
  consistent: ConsistentLookup,
};

export function buildHashLookup(servers: readonly BalanceServer[], hashType: HashType): HashLookup {
  return new lookups[hashType](servers);
}

/**
 * Hashes the part of the request a `balance` algorithm names; returns an unsigned 32-bit hash,
 * or NO_KEY when the request does not carry it. Built once per snapshot, called once per pick.
 */
export type RequestKeyHash = (request: BalanceRequest) => number;

/**
 * The balancer behind every hashing algorithm: hash the key, look it up, and fall back to the
 * given balancer (round robin) when the request has no key, as HAProxy does.
 */
export class HashBalancer implements Balancer {
  readonly #servers: readonly BalanceServer[];
  readonly #lookup: HashLookup;
  readonly #keyHash: RequestKeyHash;
  readonly #fallback: Balancer;

  constructor(
    servers: readonly BalanceServer[],
    hashType: HashType,
    keyHash: RequestKeyHash,
    fallback: Balancer,
  ) {
    this.#servers = servers;
    this.#lookup = buildHashLookup(servers, hashType);
    this.#keyHash = keyHash;
    this.#fallback = fallback;
  }

  pick(request: BalanceRequest, exclude?: ReadonlySet<number>): BalanceServer | undefined {
    const servers = this.#servers;
    // one server: nothing to choose, so skip reading the request (HAProxy does the same)
    if (servers.length === 1) {
      const only = servers[0]!;
      return exclude !== undefined && exclude.has(only.index) ? undefined : only;
    }
    if (servers.length === 0) return undefined;
    const hash = this.#keyHash(request);
    if (hash === NO_KEY) return this.#fallback.pick(request, exclude);
    return this.#lookup.lookup(hash, exclude);
  }
}
