// `sh` (ip_vs_sh.c), source hashing: a 256-bucket table filled by walking the server list, each
// server taking `weight` consecutive buckets (a quiesced server still takes one), and looked up
// with hash_32(source port + source address, 8). The same client lands on the same server for
// as long as the server set and weights stay the same.
//
// Flags (keepalived `sh-port`/`sh-fallback`, or ipvsadm's flag-2/flag-1):
// - sh-port: hash the source port too, so one client's connections spread out
// - sh-fallback: when the bucket's server is quiesced or overloaded, probe the table from there
//   (offsets 0..255 added to the hash) for another; without it such a client gets no server, as
//   in the kernel.
//
// Kernel-exact: table size, fill order, hash and probing. Weights are used raw as the kernel
// does: with weights summing past 256 the later servers get fewer buckets than their share.
import { foldAddress, hash32 } from './address.ts';
import { available, type ConnectionCounts, type LvsFlow, type LvsRealServer, type LvsScheduler, type LvsSchedulerAlgorithm, type SchedulerFlag } from './scheduler.ts';

/** CONFIG_IP_VS_SH_TAB_BITS default */
export const SH_TABLE_BITS = 8;
const SH_TABLE_SIZE = 1 << SH_TABLE_BITS;
const SH_TABLE_MASK = SH_TABLE_SIZE - 1;

/** ip_vs_sh_reassign / ip_vs_dh_reassign: bucket -> index into `servers`, -1 when there are none */
export function fillBuckets(servers: readonly LvsRealServer[], size: number, byWeight: boolean): Int32Array {
  const buckets = new Int32Array(size).fill(-1);
  if (servers.length === 0) return buckets;
  let current = 0;
  let taken = 0;
  for (let i = 0; i < size; i++) {
    buckets[i] = current;
    if (!byWeight || ++taken >= servers[current]!.weight) {
      current = (current + 1) % servers.length;
      taken = 0;
    }
  }
  return buckets;
}

export class SourceHashScheduler implements LvsScheduler {
  readonly #servers: readonly LvsRealServer[];
  readonly #counts: ConnectionCounts;
  readonly #buckets: Int32Array;
  readonly #withPort: boolean;
  readonly #fallback: boolean;

  constructor(servers: readonly LvsRealServer[], counts: ConnectionCounts, flags: ReadonlySet<SchedulerFlag>) {
    this.#servers = servers;
    this.#counts = counts;
    this.#buckets = fillBuckets(servers, SH_TABLE_SIZE, true);
    this.#withPort = flags.has('sh-port') || flags.has('flag-2');
    this.#fallback = flags.has('sh-fallback') || flags.has('flag-1');
  }

  /** ip_vs_sh_hashkey */
  static bucket(address: number, port: number, offset: number): number {
    return (offset + hash32((port + address) >>> 0, SH_TABLE_BITS)) & SH_TABLE_MASK;
  }

  schedule(flow: LvsFlow): LvsRealServer | undefined {
    const address = foldAddress(flow.sourceAddress);
    const port = this.#withPort ? flow.sourcePort : 0;
    const first = this.#buckets[SourceHashScheduler.bucket(address, port, 0)]!;
    if (first < 0) return undefined;
    const server = this.#servers[first]!;
    if (available(server, this.#counts)) return server;
    if (!this.#fallback) return undefined;
    const start = SourceHashScheduler.bucket(address, port, 0);
    for (let offset = 0; offset < SH_TABLE_SIZE; offset++) {
      const index = this.#buckets[SourceHashScheduler.bucket(address, port, (offset + start) % SH_TABLE_SIZE)]!;
      if (index < 0) return undefined;
      const candidate = this.#servers[index]!;
      if (available(candidate, this.#counts)) return candidate;
    }
    return undefined;
  }
}

export const sh: LvsSchedulerAlgorithm = {
  name: 'sh',
  usesCounts: false,
  keyedOn: 'source',
  build(servers, options) {
    return new SourceHashScheduler(servers, options.counts, options.flags);
  },
};
