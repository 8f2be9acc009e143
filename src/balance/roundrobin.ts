// `balance roundrobin`: each server in turn, as often as its weight says, spread out rather than
// in bursts. HAProxy calls it dynamic because weights change at run time; here every weight change
// rebuilds the snapshot, so what remains of "dynamic" is that the order is computed per pick from
// the current weights (smooth weighted round robin, as nginx does) instead of from a table.
import type { BalanceAlgorithm, BalanceRequest, BalanceServer, Balancer } from './balancer.ts';

/**
 * Smooth weighted round robin: every pick adds each server's weight to its running credit, takes
 * the server with the most credit and charges it the total. Weights 3:1 give a a b a; over any
 * window of `total` picks each server gets exactly its weight. O(n) per pick, no allocation.
 *
 * Servers in `exclude` sit the pick out and are not credited, so a retry does not distort the
 * order the other requests see. Also the fallback of the hashing algorithms when a request has no
 * key (HAProxy falls back to round robin there too).
 */
export class SmoothWeightedRoundRobin implements Balancer {
  readonly #servers: readonly BalanceServer[];
  readonly #weights: Float64Array;
  readonly #credit: Float64Array;

  constructor(servers: readonly BalanceServer[]) {
    this.#servers = servers;
    this.#weights = new Float64Array(servers.length);
    this.#credit = new Float64Array(servers.length);
    for (let i = 0; i < servers.length; i++) this.#weights[i] = servers[i]!.weight;
  }

  pick(_request: BalanceRequest, exclude?: ReadonlySet<number>): BalanceServer | undefined {
    const servers = this.#servers;
    const weights = this.#weights;
    const credit = this.#credit;
    const skipSome = exclude !== undefined && exclude.size > 0;
    let best = -1;
    let total = 0;
    for (let i = 0; i < servers.length; i++) {
      if (skipSome && exclude.has(servers[i]!.index)) continue;
      const weight = weights[i]!;
      const c = credit[i]! + weight;
      credit[i] = c;
      total += weight;
      if (best < 0 || c > credit[best]!) best = i;
    }
    if (best < 0) return undefined;
    credit[best] = credit[best]! - total;
    return servers[best];
  }
}

export const roundRobin: BalanceAlgorithm = {
  name: 'roundrobin',
  usesRequest: false,
  validate(args) {
    return args.length === 0 ? undefined : `Cannot use "${args.join(' ')}": roundrobin takes no arguments`;
  },
  build(servers) {
    return new SmoothWeightedRoundRobin(servers);
  },
};
