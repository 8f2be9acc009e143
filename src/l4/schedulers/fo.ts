// `fo` (ip_vs_fo.c), weighted failover: everything to the available server of highest weight;
// among equal weights the earlier one. Give the standby a lower weight than the primary.
import { available, type ConnectionCounts, type LvsRealServer, type LvsScheduler, type LvsSchedulerAlgorithm } from './scheduler.ts';

export class FailoverScheduler implements LvsScheduler {
  readonly #servers: readonly LvsRealServer[];
  readonly #counts: ConnectionCounts;

  constructor(servers: readonly LvsRealServer[], counts: ConnectionCounts) {
    this.#servers = servers;
    this.#counts = counts;
  }

  schedule(): LvsRealServer | undefined {
    let highest: LvsRealServer | undefined;
    for (const server of this.#servers) {
      if (available(server, this.#counts) && (highest === undefined || server.weight > highest.weight)) highest = server;
    }
    return highest;
  }
}

export const fo: LvsSchedulerAlgorithm = {
  name: 'fo',
  usesCounts: false,
  build(servers, options) {
    return new FailoverScheduler(servers, options.counts);
  },
};
