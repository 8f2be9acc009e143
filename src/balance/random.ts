// `balance random` and `random(<draws>)`: draw `draws` servers at random, in proportion to their
// weights, and keep the least loaded (active connections relative to weight). With the default
// of 2 this is the "power of two choices": nearly as even as leastconn, without leastconn's herd
// effect when many balancers see the same counts, and O(log n) per pick. On equal loads the later
// draw wins, as in HAProxy, so with no load the result is simply a weighted random draw.
import type { BalanceAlgorithm, BalanceRequest, BalanceServer, Balancer, ServerLoad } from './balancer.ts';
import { allExcluded } from './weight-table.ts';

const DEFAULT_DRAWS = 2;
const TWO_TO_32 = 2 ** 32;
/** draws landing on excluded servers are retried this often before scanning for an allowed one */
const MAX_REJECTIONS = 16;

class WeightedRandom implements Balancer {
  readonly #servers: readonly BalanceServer[];
  /** cumulative weights: server i owns [cumulative[i-1], cumulative[i]) */
  readonly #cumulative: Float64Array;
  readonly #total: number;
  readonly #draws: number;
  readonly #load: ServerLoad;
  /** the injected source (tests), called once per draw */
  readonly #random: (() => number) | undefined;
  /**
   * Otherwise an xorshift32 generator whose state lives in a typed array: Math.random returns a
   * freshly boxed number on every call (16 bytes a draw in Node 26), this allocates nothing
   */
  readonly #state = new Uint32Array(1);

  constructor(servers: readonly BalanceServer[], draws: number, load: ServerLoad, random: (() => number) | undefined) {
    this.#servers = servers;
    this.#cumulative = new Float64Array(servers.length);
    let total = 0;
    for (let i = 0; i < servers.length; i++) {
      total += servers[i]!.weight;
      this.#cumulative[i] = total;
    }
    this.#total = total;
    this.#draws = draws;
    this.#load = load;
    this.#random = random;
    this.#state[0] = Math.floor(Math.random() * TWO_TO_32) || 1; // xorshift must not start at 0
  }

  pick(_request: BalanceRequest, exclude?: ReadonlySet<number>): BalanceServer | undefined {
    const servers = this.#servers;
    if (servers.length === 0) return undefined;
    const skipSome = exclude !== undefined && exclude.size > 0;
    if (skipSome && allExcluded(servers, exclude)) return undefined;
    let best: BalanceServer | undefined;
    for (let draw = 0; draw < this.#draws; draw++) {
      const drawn = this.#drawAllowed(skipSome ? exclude : undefined);
      if (best === undefined || drawn === best) {
        best = drawn;
        continue;
      }
      // keep the earlier draw only if the new one is strictly busier per unit of weight
      const load = this.#load;
      if (load.active(drawn) * best.weight <= load.active(best) * drawn.weight) best = drawn;
    }
    return best;
  }

  #drawAllowed(exclude: ReadonlySet<number> | undefined): BalanceServer {
    const servers = this.#servers;
    for (let attempt = 0; attempt < MAX_REJECTIONS; attempt++) {
      const server = servers[this.#position(this.#unit() * this.#total)]!;
      if (exclude === undefined || !exclude.has(server.index)) return server;
    }
    // most of the weight is excluded: take the next allowed server after a random start
    let at = this.#position(this.#unit() * this.#total);
    for (;;) {
      const server = servers[at]!;
      if (!exclude!.has(server.index)) return server;
      at = at + 1 === servers.length ? 0 : at + 1;
    }
  }

  /** a uniform number in [0, 1) */
  #unit(): number {
    if (this.#random !== undefined) return this.#random();
    const state = this.#state;
    let x = state[0]!;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    state[0] = x;
    return state[0]! / TWO_TO_32;
  }

  /** the server owning `point` in [0, total), by binary search over the cumulative weights */
  #position(point: number): number {
    const cumulative = this.#cumulative;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle]! <= point) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

function parseDraws(args: readonly string[]): number | string {
  if (args.length === 0) return DEFAULT_DRAWS;
  const [draws, ...rest] = args;
  if (rest.length > 0) return `Cannot use "${rest.join(' ')}": random takes only a draw count, as in random(3)`;
  if (draws === undefined || !/^[0-9]+$/.test(draws) || Number(draws) < 1) {
    return `Cannot use "${draws ?? ''}" as the random draw count: expected a positive integer`;
  }
  return Number(draws);
}

export const random: BalanceAlgorithm = {
  name: 'random',
  usesRequest: false,
  parenthesised: 'optional',
  validate(args) {
    const draws = parseDraws(args);
    return typeof draws === 'string' ? draws : undefined;
  },
  build(servers, options) {
    const draws = parseDraws(options.args);
    return new WeightedRandom(
      servers,
      typeof draws === 'number' ? draws : DEFAULT_DRAWS,
      options.load,
      options.random,
    );
  },
};
