// `balance static-rr`: weighted round robin from a table computed once per snapshot. HAProxy
// offers it for backends too large for roundrobin's tree and where weights are fixed; here the
// difference is cost: a pick is O(1) (advance a cursor) where roundrobin is O(n), for the same
// interleaved order.
import type { BalanceAlgorithm, BalanceRequest, BalanceServer, Balancer } from './balancer.ts';
import { allExcluded, interleavedTable } from './weight-table.ts';

class StaticRoundRobin implements Balancer {
  readonly #servers: readonly BalanceServer[];
  readonly #table: Int32Array;
  #cursor = 0;

  constructor(servers: readonly BalanceServer[]) {
    this.#servers = servers;
    this.#table = interleavedTable(servers);
  }

  pick(_request: BalanceRequest, exclude?: ReadonlySet<number>): BalanceServer | undefined {
    const table = this.#table;
    const length = table.length;
    if (length === 0) return undefined;
    if (exclude !== undefined && exclude.size > 0 && allExcluded(this.#servers, exclude)) return undefined;
    // at least one server is allowed, so the walk ends within one turn of the table
    for (;;) {
      const server = this.#servers[table[this.#cursor]!]!;
      this.#cursor = this.#cursor + 1 === length ? 0 : this.#cursor + 1;
      if (exclude === undefined || !exclude.has(server.index)) return server;
    }
  }
}

export const staticRoundRobin: BalanceAlgorithm = {
  name: 'static-rr',
  usesRequest: false,
  validate(args) {
    return args.length === 0 ? undefined : `Cannot use "${args.join(' ')}": static-rr takes no arguments`;
  },
  build(servers) {
    return new StaticRoundRobin(servers);
  },
};
