// Test support shared by the balance tests and the benchmark: server snapshots, a load the test
// sets by hand, a seeded random source and request objects. Production code does not import it.
import type { BalanceOptions, BalanceRequest, BalanceServer, HashType, ServerLoad } from './balancer.ts';

/** Servers s0, s1, ... at configured positions 0, 1, ... with the given weights */
export function makeServers(weights: readonly number[], maxconn = 0): BalanceServer[] {
  return weights.map((weight, index) => ({ index, id: `s${index}`, name: `s${index}`, weight, maxconn }));
}

/** Active connections per server index, set by the test */
export class FakeLoad implements ServerLoad {
  readonly #active = new Map<number, number>();

  active(server: BalanceServer): number {
    return this.#active.get(server.index) ?? 0;
  }

  set(index: number, connections: number): void {
    this.#active.set(index, connections);
  }

  add(index: number, delta: number): void {
    this.#active.set(index, (this.#active.get(index) ?? 0) + delta);
  }
}

/** Mulberry32: a small seeded generator so statistical tests give the same result on every run */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RequestParts {
  readonly source?: string;
  readonly uri?: string;
  /** header names in lower case, as Node stores them */
  readonly headers?: Readonly<Record<string, string>>;
}

export function makeRequest(parts: RequestParts = {}): BalanceRequest {
  const headers = parts.headers ?? {};
  return {
    source: parts.source ?? '192.0.2.1',
    uri: parts.uri ?? '/',
    header: (name) => headers[name],
  };
}

/**
 * The i-th of a set of distinct requests that differ in every key a hashing algorithm can read:
 * client address, path, `userid` query parameter and Host header.
 */
export function variedRequest(i: number): BalanceRequest {
  return makeRequest({
    source: `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`,
    uri: `/item/${i}/view?userid=u${i}&page=1`,
    headers: { host: `www.site${i}.example` },
  });
}

export function makeOptions(
  parts: { args?: readonly string[]; hashType?: HashType; load?: ServerLoad; random?: () => number } = {},
): BalanceOptions {
  return {
    args: parts.args ?? [],
    hashType: parts.hashType ?? 'map-based',
    load: parts.load ?? new FakeLoad(),
    random: parts.random ?? seededRandom(1),
  };
}

/** Picks per server name */
export function tally(names: readonly (string | undefined)[]): Map<string | undefined, number> {
  const counts = new Map<string | undefined, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}
