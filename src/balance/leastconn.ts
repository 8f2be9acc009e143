// `balance leastconn`: the server with the fewest active connections relative to its weight, for
// long sessions (SQL, LDAP, websockets) where round robin would pile them up on one server.
//
// A server's load is 0 when idle and (active + 1) / weight otherwise, the key HAProxy 2.x sorts
// its tree by: "+1" is the load the server would have with this connection, so between a busy
// weight-3 server and a busy weight-1 server with the same count the heavier one wins, while
// idle servers all count as equally free whatever their weights. Ties go round robin: the scan
// starts after the last server picked, so equal servers alternate instead of the first one
// taking every burst before the proxy has counted its connections.
import type { BalanceAlgorithm, BalanceRequest, BalanceServer, Balancer, ServerLoad } from './balancer.ts';

class LeastConnections implements Balancer {
  readonly #servers: readonly BalanceServer[];
  readonly #weights: Float64Array;
  readonly #load: ServerLoad;
  /** where the next scan starts: one past the last server picked */
  #next = 0;

  constructor(servers: readonly BalanceServer[], load: ServerLoad) {
    this.#servers = servers;
    this.#load = load;
    this.#weights = new Float64Array(servers.length);
    for (let i = 0; i < servers.length; i++) this.#weights[i] = servers[i]!.weight;
  }

  pick(_request: BalanceRequest, exclude?: ReadonlySet<number>): BalanceServer | undefined {
    const servers = this.#servers;
    const count = servers.length;
    const skipSome = exclude !== undefined && exclude.size > 0;
    let best = -1;
    let bestLoad = Infinity;
    let i = this.#next;
    for (let step = 0; step < count; step++, i = i + 1 === count ? 0 : i + 1) {
      const server = servers[i]!;
      if (skipSome && exclude.has(server.index)) continue;
      const active = this.#load.active(server);
      const load = active === 0 ? 0 : (active + 1) / this.#weights[i]!;
      // strictly less: among equals the first after the cursor wins
      if (load < bestLoad) {
        best = i;
        bestLoad = load;
        if (load === 0) break; // nothing beats an idle server
      }
    }
    if (best < 0) return undefined;
    this.#next = best + 1 === count ? 0 : best + 1;
    return servers[best];
  }
}

export const leastConnections: BalanceAlgorithm = {
  name: 'leastconn',
  usesRequest: false,
  validate(args) {
    return args.length === 0 ? undefined : `Cannot use "${args.join(' ')}": leastconn takes no arguments`;
  },
  build(servers, options) {
    return new LeastConnections(servers, options.load);
  },
};
