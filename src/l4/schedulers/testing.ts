// Test support for the scheduler tests and the benchmark: server snapshots, counts the test sets
// by hand, flows, a seeded random source. Production code does not import it.
import type { ConnectionCounts, LvsFlow, LvsRealServer, LvsSchedulerAlgorithm, LvsSchedulerOptions, SchedulerFlag } from './scheduler.ts';

/** Servers s0, s1, ... at 10.0.0.1, 10.0.0.2, ... port 80 with the given weights */
export function makeServers(weights: readonly number[]): LvsRealServer[] {
  return weights.map((weight, i) => ({ id: `s${i}`, address: `10.0.0.${i + 1}`, port: 80, weight }));
}

/** Connection counts and overload flags per server id, set by the test */
export class FakeCounts implements ConnectionCounts {
  readonly #active = new Map<string, number>();
  readonly #inactive = new Map<string, number>();
  readonly #overloaded = new Set<string>();

  active(server: LvsRealServer): number {
    return this.#active.get(server.id) ?? 0;
  }

  inactive(server: LvsRealServer): number {
    return this.#inactive.get(server.id) ?? 0;
  }

  overloaded(server: LvsRealServer): boolean {
    return this.#overloaded.has(server.id);
  }

  set(id: string, active: number, inactive = 0): this {
    this.#active.set(id, active);
    this.#inactive.set(id, inactive);
    return this;
  }

  addActive(id: string, delta: number): void {
    this.#active.set(id, (this.#active.get(id) ?? 0) + delta);
  }

  overload(id: string, on = true): this {
    if (on) this.#overloaded.add(id);
    else this.#overloaded.delete(id);
    return this;
  }
}

/** Mulberry32, so statistical tests give the same result on every run */
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

export function flow(parts: Partial<LvsFlow> = {}): LvsFlow {
  return {
    sourceAddress: parts.sourceAddress ?? '192.0.2.1',
    sourcePort: parts.sourcePort ?? 40000,
    destinationAddress: parts.destinationAddress ?? '198.51.100.15',
    destinationPort: parts.destinationPort ?? 80,
    protocol: parts.protocol ?? 'TCP',
  };
}

/** The i-th of a set of flows that differ in source address, source port and destination address */
export function variedFlow(i: number): LvsFlow {
  return flow({
    sourceAddress: `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`,
    sourcePort: 1024 + ((i * 7919) % 60000),
    destinationAddress: `172.${16 + ((i >>> 16) & 15)}.${(i >>> 8) & 255}.${i & 255}`,
  });
}

export function makeOptions(parts: { counts?: ConnectionCounts; flags?: readonly SchedulerFlag[]; random?: () => number; now?: () => number } = {}): LvsSchedulerOptions {
  return {
    flags: new Set(parts.flags ?? []),
    counts: parts.counts ?? new FakeCounts(),
    random: parts.random ?? seededRandom(1),
    now: parts.now ?? (() => 0),
  };
}

export function build(algorithm: LvsSchedulerAlgorithm, weights: readonly number[], parts: Parameters<typeof makeOptions>[0] = {}) {
  return algorithm.build(makeServers(weights), makeOptions(parts));
}

/** Picks per server id (undefined: no server) */
export function tally(ids: readonly (string | undefined)[]): Map<string | undefined, number> {
  const counts = new Map<string | undefined, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}
