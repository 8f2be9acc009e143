// `rr` (ip_vs_rr.c): each available server in turn, weights ignored except that 0 quiesces.
import { available, type ConnectionCounts, type LvsRealServer, type LvsScheduler, type LvsSchedulerAlgorithm } from './scheduler.ts';

export class RoundRobinScheduler implements LvsScheduler {
  readonly #servers: readonly LvsRealServer[];
  readonly #counts: ConnectionCounts;
  /** index of the server chosen last; -1 = the list head, so the first pick is servers[0] */
  #last: number;

  constructor(servers: readonly LvsRealServer[], counts: ConnectionCounts, previous?: RoundRobinScheduler) {
    this.#servers = servers;
    this.#counts = counts;
    // the kernel keeps its list position when destinations come and go; continue after the
    // server chosen last if it is still there, else from the head
    const lastId = previous?.lastChosenId;
    this.#last = lastId === undefined ? -1 : servers.findIndex((server) => server.id === lastId);
  }

  get lastChosenId(): string | undefined {
    return this.#last < 0 ? undefined : this.#servers[this.#last]?.id;
  }

  schedule(): LvsRealServer | undefined {
    const servers = this.#servers;
    const n = servers.length;
    for (let step = 1; step <= n; step++) {
      const i = (this.#last + step) % n;
      const server = servers[i]!;
      if (available(server, this.#counts)) {
        this.#last = i;
        return server;
      }
    }
    return undefined;
  }
}

export const rr: LvsSchedulerAlgorithm = {
  name: 'rr',
  usesCounts: false,
  build(servers, options, previous) {
    return new RoundRobinScheduler(servers, options.counts, previous instanceof RoundRobinScheduler ? previous : undefined);
  },
};
