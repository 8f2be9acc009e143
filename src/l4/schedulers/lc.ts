// `lc` (ip_vs_lc.c): the server with the least overhead, active*256 + inactive; weights are
// ignored except that 0 quiesces. Ties go to the earlier server in the list.
import { available, connectionOverhead, type ConnectionCounts, type LvsRealServer, type LvsScheduler, type LvsSchedulerAlgorithm } from './scheduler.ts';

export class LeastConnectionScheduler implements LvsScheduler {
  readonly #servers: readonly LvsRealServer[];
  readonly #counts: ConnectionCounts;

  constructor(servers: readonly LvsRealServer[], counts: ConnectionCounts) {
    this.#servers = servers;
    this.#counts = counts;
  }

  schedule(): LvsRealServer | undefined {
    const counts = this.#counts;
    let least: LvsRealServer | undefined;
    let leastOverhead = 0;
    for (const server of this.#servers) {
      if (!available(server, counts)) continue;
      const overhead = connectionOverhead(server, counts);
      if (least === undefined || overhead < leastOverhead) {
        least = server;
        leastOverhead = overhead;
      }
    }
    return least;
  }
}

export const lc: LvsSchedulerAlgorithm = {
  name: 'lc',
  usesCounts: true,
  build(servers, options) {
    return new LeastConnectionScheduler(servers, options.counts);
  },
};
