// `sed` (ip_vs_sed.c), shortest expected delay: (active + 1) / weight, the delay the new flow
// would see on each server. Inactive connections do not count, so a UDP service (whose IPVS
// connections are all inactive) sees every server idle and always gets its heaviest server.
import { available, type ConnectionCounts, type LvsRealServer, type LvsScheduler, type LvsSchedulerAlgorithm } from './scheduler.ts';

export function shortestExpectedDelay(servers: readonly LvsRealServer[], counts: ConnectionCounts): LvsRealServer | undefined {
  let least: LvsRealServer | undefined;
  let leastOverhead = 0;
  for (const server of servers) {
    if (!available(server, counts)) continue;
    const overhead = counts.active(server) + 1;
    if (least === undefined || leastOverhead * server.weight > overhead * least.weight) {
      least = server;
      leastOverhead = overhead;
    }
  }
  return least;
}

export class ShortestExpectedDelayScheduler implements LvsScheduler {
  readonly #servers: readonly LvsRealServer[];
  readonly #counts: ConnectionCounts;

  constructor(servers: readonly LvsRealServer[], counts: ConnectionCounts) {
    this.#servers = servers;
    this.#counts = counts;
  }

  schedule(): LvsRealServer | undefined {
    return shortestExpectedDelay(this.#servers, this.#counts);
  }
}

export const sed: LvsSchedulerAlgorithm = {
  name: 'sed',
  usesCounts: true,
  build(servers, options) {
    return new ShortestExpectedDelayScheduler(servers, options.counts);
  },
};
