// `dh` (ip_vs_dh.c), destination hashing: a 256-bucket table filled round robin over the server
// list (weights are not used, except that 0 quiesces), looked up with hash_32(destination
// address, 8). Meant for cache clusters behind a firewall-mark service where destinations vary;
// on a single-VIP virtual server every flow has the same destination and goes to one server.
// A bucket whose server is quiesced or overloaded gets no server (there is no fallback flag).
import { foldAddress, hash32 } from './address.ts';
import { available, type ConnectionCounts, type LvsFlow, type LvsRealServer, type LvsScheduler, type LvsSchedulerAlgorithm } from './scheduler.ts';
import { fillBuckets } from './sh.ts';

/** CONFIG_IP_VS_DH_TAB_BITS default */
const DH_TABLE_BITS = 8;

export class DestinationHashScheduler implements LvsScheduler {
  readonly #servers: readonly LvsRealServer[];
  readonly #counts: ConnectionCounts;
  readonly #buckets: Int32Array;

  constructor(servers: readonly LvsRealServer[], counts: ConnectionCounts) {
    this.#servers = servers;
    this.#counts = counts;
    this.#buckets = fillBuckets(servers, 1 << DH_TABLE_BITS, false);
  }

  schedule(flow: LvsFlow): LvsRealServer | undefined {
    const index = this.#buckets[hash32(foldAddress(flow.destinationAddress), DH_TABLE_BITS)]!;
    if (index < 0) return undefined;
    const server = this.#servers[index]!;
    return available(server, this.#counts) ? server : undefined;
  }
}

export const dh: LvsSchedulerAlgorithm = {
  name: 'dh',
  usesCounts: false,
  keyedOn: 'destination',
  build(servers, options) {
    return new DestinationHashScheduler(servers, options.counts);
  },
};
