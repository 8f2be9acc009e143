// `wlc` (ip_vs_wlc.c), keepalived's default scheduler: the least overhead per unit of weight,
// (active*256 + inactive) / weight, compared by cross-multiplying as the kernel does (no
// division, so no rounding). Ties go to the earlier server.
import { available, connectionOverhead, type ConnectionCounts, type LvsRealServer, type LvsScheduler, type LvsSchedulerAlgorithm } from './scheduler.ts';

/**
 * The weighted least-connection choice itself; lblc and lblcr fall back to it (their
 * __ip_vs_lblc_schedule is the same loop)
 */
export function weightedLeastConnection(servers: readonly LvsRealServer[], counts: ConnectionCounts): LvsRealServer | undefined {
  let least: LvsRealServer | undefined;
  let leastOverhead = 0;
  for (const server of servers) {
    if (!available(server, counts)) continue;
    const overhead = connectionOverhead(server, counts);
    // loh/lw > doh/dw  <=>  loh*dw > doh*lw, weights > 0
    if (least === undefined || leastOverhead * server.weight > overhead * least.weight) {
      least = server;
      leastOverhead = overhead;
    }
  }
  return least;
}

export class WeightedLeastConnectionScheduler implements LvsScheduler {
  readonly #servers: readonly LvsRealServer[];
  readonly #counts: ConnectionCounts;

  constructor(servers: readonly LvsRealServer[], counts: ConnectionCounts) {
    this.#servers = servers;
    this.#counts = counts;
  }

  schedule(): LvsRealServer | undefined {
    return weightedLeastConnection(this.#servers, this.#counts);
  }
}

export const wlc: LvsSchedulerAlgorithm = {
  name: 'wlc',
  usesCounts: true,
  build(servers, options) {
    return new WeightedLeastConnectionScheduler(servers, options.counts);
  },
};
