// The interface every balancing algorithm implements (HAProxy's lb_ops, Pingora's selector).
// A balancer is built from an immutable snapshot of the servers that may take traffic and is
// thrown away and rebuilt when health, admin state or weights change; it is only asked to pick.
export interface BalanceServer {
  /** stable position in the backend as configured (server order), used by `first` and hashing */
  readonly index: number;
  readonly id: string;
  readonly name: string;
  /** effective weight, > 0 (servers with weight 0 are not in the snapshot) */
  readonly weight: number;
  /** HAProxy `maxconn` of the server, 0 = unlimited (used by `first`) */
  readonly maxconn: number;
}

/** What a request offers the hashing algorithms; the proxy supplies it without copying headers */
export interface BalanceRequest {
  /** client address as text */
  readonly source: string;
  /** request target as received: path and query (`/a/b?x=1`) */
  readonly uri: string;
  header(name: string): string | undefined;
}

/** Live per-server figures the proxy keeps; leastconn, first and random read them at pick time */
export interface ServerLoad {
  /** connections currently being served by the server */
  active(server: BalanceServer): number;
}

export interface Balancer {
  /**
   * The server for this request, or undefined when none can take it. `exclude` lists servers
   * already tried by this request (a retry with `option redispatch` must go elsewhere).
   */
  pick(request: BalanceRequest, exclude?: ReadonlySet<number>): BalanceServer | undefined;
}

export type HashType = 'map-based' | 'consistent';

export interface BalanceOptions {
  /** the words after the algorithm name on the `balance` line, e.g. `len 4 depth 2` for uri */
  readonly args: readonly string[];
  /** `uri`, `url_param`, `hdr` and `source` read this; HAProxy defaults to map-based */
  readonly hashType: HashType;
  readonly load: ServerLoad;
  readonly random?: () => number;
}

export interface BalanceAlgorithm {
  /** the name on HAProxy's `balance` line */
  readonly name: string;
  /**
   * Whether the name carries a parenthesised argument, as in `hdr(<name>)` or `random(<draws>)`;
   * absent means it never does. The registry passes that argument to `validate` and `build` as
   * the first of `args`, the same shape as the config model's `Balance.args`.
   */
  readonly parenthesised?: 'required' | 'optional';
  /** whether the pick depends on the request (hashing); the rest ignore BalanceRequest */
  readonly usesRequest: boolean;
  /** validates the `balance` arguments; returns an error message or undefined */
  validate(args: readonly string[]): string | undefined;
  build(servers: readonly BalanceServer[], options: BalanceOptions): Balancer;
}
