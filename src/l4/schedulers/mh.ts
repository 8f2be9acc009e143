// `mh` (ip_vs_mh.c), Maglev hashing (Eisenbud et al., NSDI 2016, section 3.4): each server gets a
// pseudo-random permutation of the lookup table's positions (an offset and a skip from two hashes
// of its address and port), servers take turns claiming their next free preferred position until
// the table is full, and a flow is looked up by the hash of its source address (and, with
// `mh-port`, source port). Removing one server moves only the flows that were on it, and the
// table gives each server a share within a few percent of its weight.
//
// Exact to the kernel: the table size (4093, the kernel's default CONFIG_IP_VS_MH_TAB_INDEX 12),
// the turns per server (last weight / gcd, shifted right so the largest fits in 6 bits), the fill
// order, the use of the last non-zero weight (a quiesced server keeps its positions, so its
// clients get no server unless `mh-fallback` probes onward), and the fallback probing.
// Approximated: the kernel hashes with hsiphash under fixed keys; vigil uses a 32-bit
// multiply-xorshift mixer seeded with those keys, so which client maps to which server differs
// from a kernel's table built from the same servers, while every property above holds.
import { foldAddress } from './address.ts';
import { available, type ConnectionCounts, type LvsFlow, type LvsRealServer, type LvsScheduler, type LvsSchedulerAlgorithm, type SchedulerFlag } from './scheduler.ts';

/** The kernel's choice of prime table sizes, by CONFIG_IP_VS_MH_TAB_INDEX - 8 */
export const MH_TABLE_PRIMES = [251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071] as const;
export const MH_DEFAULT_TABLE_SIZE = 4093;

/** generate_hash_secret's two keys */
const KEY1 = 2654435761;
const KEY2 = 2654446892;

/** A keyed 32-bit hash of one 32-bit value (murmur3's finaliser over value ^ key) */
function keyedHash(value: number, key: number): number {
  let h = (value ^ key) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** fls(): the 1-based position of the highest set bit, 0 for 0 */
function fls(value: number): number {
  return 32 - Math.clz32(value);
}

export class MaglevScheduler implements LvsScheduler {
  readonly #servers: readonly LvsRealServer[];
  readonly #counts: ConnectionCounts;
  readonly #size: number;
  /** position -> index into #servers, -1 = empty */
  readonly #lookup: Int32Array;
  readonly #withPort: boolean;
  readonly #fallback: boolean;
  /** the kernel's dest->last_weight: the last weight that was not 0, by server id */
  readonly lastWeights: ReadonlyMap<string, number>;

  constructor(
    servers: readonly LvsRealServer[],
    counts: ConnectionCounts,
    flags: ReadonlySet<SchedulerFlag>,
    previous?: MaglevScheduler,
    size: number = MH_DEFAULT_TABLE_SIZE,
  ) {
    const index = MH_TABLE_PRIMES.indexOf(size as (typeof MH_TABLE_PRIMES)[number]);
    if (index < 0) throw new RangeError(`Cannot build a maglev table of size ${size}: use one of ${MH_TABLE_PRIMES.join(', ')}`);
    this.#servers = servers;
    this.#counts = counts;
    this.#size = size;
    this.#withPort = flags.has('mh-port') || flags.has('flag-2');
    this.#fallback = flags.has('mh-fallback') || flags.has('flag-1');
    const lastWeights = new Map<string, number>();
    for (const server of servers) {
      // a server added at weight 0 has last weight 0 and no positions; one quiesced keeps its old one
      lastWeights.set(server.id, server.weight > 0 ? server.weight : (previous?.lastWeights.get(server.id) ?? 0));
    }
    this.lastWeights = lastWeights;
    this.#lookup = this.#populate(lastWeights, (index + 8) >> 1);
  }

  /** ip_vs_mh_permutate + ip_vs_mh_populate */
  #populate(lastWeights: ReadonlyMap<string, number>, tableBits: number): Int32Array {
    const size = this.#size;
    const servers = this.#servers;
    const lookup = new Int32Array(size).fill(-1);
    let divisor = 0;
    let highest = 0;
    for (const server of servers) {
      const weight = lastWeights.get(server.id)!;
      if (weight <= 0) continue;
      divisor = divisor === 0 ? weight : gcd(weight, divisor);
      highest = Math.max(highest, weight);
    }
    if (divisor < 1) return lookup;
    const shift = Math.max(0, fls(Math.floor(highest / divisor)) - tableBits);
    const n = servers.length;
    const perm = new Uint32Array(n);
    const skip = new Uint32Array(n);
    const turns = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const server = servers[i]!;
      const key = (foldAddress(server.address) + server.port) >>> 0;
      perm[i] = keyedHash(key, KEY1) % size;
      skip[i] = (keyedHash(key, KEY2) % (size - 1)) + 1;
      const weight = lastWeights.get(server.id)!;
      turns[i] = (Math.floor(weight / divisor) >> shift) || (weight !== 0 ? 1 : 0);
    }
    const taken = new Uint8Array(size);
    let filled = 0;
    let dealt = 0;
    while (filled < size) {
      for (let i = 0; i < n; ) {
        if (turns[i]! < 1) {
          i++;
          continue;
        }
        let position = perm[i]!;
        while (taken[position] === 1) {
          position += skip[i]!;
          if (position >= size) position -= size;
        }
        perm[i] = position;
        taken[position] = 1;
        lookup[position] = i;
        if (++filled === size) return lookup;
        if (++dealt >= turns[i]!) {
          dealt = 0;
          i++;
        }
      }
    }
    return lookup;
  }

  #position(address: number, port: number, offset: number): number {
    return keyedHash((offset + port + address) >>> 0, KEY1) % this.#size;
  }

  schedule(flow: LvsFlow): LvsRealServer | undefined {
    const address = foldAddress(flow.sourceAddress);
    const port = this.#withPort ? flow.sourcePort : 0;
    const start = this.#position(address, port, 0);
    const first = this.#lookup[start]!;
    if (first < 0) return undefined;
    const server = this.#servers[first]!;
    if (available(server, this.#counts)) return server;
    if (!this.#fallback) return undefined;
    for (let offset = 0; offset < this.#size; offset++) {
      const index = this.#lookup[this.#position(address, port, (offset + start) % this.#size)]!;
      if (index < 0) return undefined;
      const candidate = this.#servers[index]!;
      if (available(candidate, this.#counts)) return candidate;
    }
    return undefined;
  }
}

export const mh: LvsSchedulerAlgorithm = {
  name: 'mh',
  usesCounts: false,
  keyedOn: 'source',
  build(servers, options, previous) {
    return new MaglevScheduler(servers, options.counts, options.flags, previous instanceof MaglevScheduler ? previous : undefined);
  },
};
