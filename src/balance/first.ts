// `balance first`: fill servers in order. The first server (lowest configured position) whose
// active connections are below its maxconn takes the request, so extra servers only get traffic
// when the earlier ones are full and can be powered down when idle. A server with maxconn 0 has no
// limit, so it takes everything and the servers after it only serve when it is down or excluded.
// When every server is full the pick is undefined, as in HAProxy: the request waits in the
// backend queue rather than overloading a server.
import type { BalanceAlgorithm, BalanceRequest, BalanceServer, Balancer, ServerLoad } from './balancer.ts';

class FirstAvailable implements Balancer {
  /** the snapshot in configured order, whatever order it came in */
  readonly #ordered: readonly BalanceServer[];
  readonly #load: ServerLoad;

  constructor(servers: readonly BalanceServer[], load: ServerLoad) {
    this.#ordered = [...servers].sort((a, b) => a.index - b.index);
    this.#load = load;
  }

  pick(_request: BalanceRequest, exclude?: ReadonlySet<number>): BalanceServer | undefined {
    const ordered = this.#ordered;
    for (let i = 0; i < ordered.length; i++) {
      const server = ordered[i]!;
      if (exclude !== undefined && exclude.has(server.index)) continue;
      if (server.maxconn === 0 || this.#load.active(server) < server.maxconn) return server;
    }
    return undefined;
  }
}

export const first: BalanceAlgorithm = {
  name: 'first',
  usesRequest: false,
  validate(args) {
    return args.length === 0 ? undefined : `Cannot use "${args.join(' ')}": first takes no arguments`;
  },
  build(servers, options) {
    return new FirstAvailable(servers, options.load);
  },
};
