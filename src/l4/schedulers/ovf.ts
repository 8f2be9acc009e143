// `ovf` (ip_vs_ovf.c), overflow: the available server of highest weight whose active connections
// do not exceed its weight; once it holds more than `weight` active connections the next
// highest takes the overflow. The kernel's test is `active > weight`, so a server of weight w
// takes w + 1 concurrent connections before overflowing. Only active connections count, so the
// kernel notes it does not suit UDP.
import { available, type ConnectionCounts, type LvsRealServer, type LvsScheduler, type LvsSchedulerAlgorithm } from './scheduler.ts';

export class OverflowScheduler implements LvsScheduler {
  readonly #servers: readonly LvsRealServer[];
  readonly #counts: ConnectionCounts;

  constructor(servers: readonly LvsRealServer[], counts: ConnectionCounts) {
    this.#servers = servers;
    this.#counts = counts;
  }

  schedule(): LvsRealServer | undefined {
    const counts = this.#counts;
    let highest: LvsRealServer | undefined;
    for (const server of this.#servers) {
      if (!available(server, counts) || counts.active(server) > server.weight) continue;
      if (highest === undefined || server.weight > highest.weight) highest = server;
    }
    return highest;
  }
}

export const ovf: LvsSchedulerAlgorithm = {
  name: 'ovf',
  usesCounts: true,
  build(servers, options) {
    return new OverflowScheduler(servers, options.counts);
  },
};
