// Per-second rates (HAProxy's "Session rate" and "req_rate" columns) from cumulative counters.
// The counters live in shared memory and only ever grow; the control thread samples them once a
// second into a small ring and derives the rate of the last second and its maximum.
import { Counter } from '../proxy/counters.ts';

/** the cumulative counters rates are kept for */
export const ratedCounters = [Counter.sessionsTotal, Counter.requestsTotal] as const;
export type RatedCounter = (typeof ratedCounters)[number];

/** seconds of history per object; the rate uses the last two, the rest is there for averages */
const ringSize = 16;

interface Ring {
  readonly totals: Float64Array;
  /** number of samples written so far (the next slot is count % ringSize) */
  count: number;
  max: number;
}

export class RateTracker {
  readonly #read: (key: string) => Float64Array;
  readonly #rings = new Map<string, Ring>();

  /** `read` returns an object's counters summed over workers (CounterReader.read) */
  constructor(read: (key: string) => Float64Array) {
    this.#read = read;
  }

  /** takes one sample of every object; call once a second */
  sample(keys: Iterable<string>): void {
    for (const key of keys) {
      const values = this.#read(key);
      for (const counter of ratedCounters) {
        const id = `${key}#${counter}`;
        let ring = this.#rings.get(id);
        if (ring === undefined) {
          ring = { totals: new Float64Array(ringSize), count: 0, max: 0 };
          this.#rings.set(id, ring);
        }
        ring.totals[ring.count % ringSize] = values[counter] ?? 0;
        ring.count++;
        const rate = this.#rateOf(ring);
        if (rate > ring.max) ring.max = rate;
      }
    }
  }

  /** events in the last sampled second */
  rate(key: string, counter: RatedCounter): number {
    const ring = this.#rings.get(`${key}#${counter}`);
    return ring === undefined ? 0 : this.#rateOf(ring);
  }

  /** the highest per-second rate seen since start */
  max(key: string, counter: RatedCounter): number {
    return this.#rings.get(`${key}#${counter}`)?.max ?? 0;
  }

  #rateOf(ring: Ring): number {
    if (ring.count < 2) return 0;
    const last = ring.totals[(ring.count - 1) % ringSize] as number;
    const before = ring.totals[(ring.count - 2) % ringSize] as number;
    return Math.max(0, last - before);
  }
}
