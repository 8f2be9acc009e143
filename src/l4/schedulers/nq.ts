// `nq` (ip_vs_nq.c), never queue: the first server (in list order) with no active connection;
// when every server is busy, sed's shortest expected delay.
import { available, type ConnectionCounts, type LvsRealServer, type LvsScheduler, type LvsSchedulerAlgorithm } from './scheduler.ts';
import { shortestExpectedDelay } from './sed.ts';

export class NeverQueueScheduler implements LvsScheduler {
  readonly #servers: readonly LvsRealServer[];
  readonly #counts: ConnectionCounts;

  constructor(servers: readonly LvsRealServer[], counts: ConnectionCounts) {
    this.#servers = servers;
    this.#counts = counts;
  }

  schedule(): LvsRealServer | undefined {
    const counts = this.#counts;
    // the kernel returns an idle server as soon as its single pass meets one; servers passed
    // before it were busy, so "the first idle server" is the same choice
    for (const server of this.#servers) {
      if (available(server, counts) && counts.active(server) === 0) return server;
    }
    return shortestExpectedDelay(this.#servers, counts);
  }
}

export const nq: LvsSchedulerAlgorithm = {
  name: 'nq',
  usesCounts: true,
  build(servers, options) {
    return new NeverQueueScheduler(servers, options.counts);
  },
};
