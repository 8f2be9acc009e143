// Traffic counters of frontends, backends and servers, in a SharedArrayBuffer: each data-path
// worker writes only its own region, the control thread (stats page, metrics, runtime API) sums
// the regions when asked. No messages and no atomics on the hot path; a reader may see a value a
// few microseconds old, which a stats page does not mind.

/** The counters one object keeps (frontend, backend or server), HAProxy's stats columns */
export const Counter = {
  sessionsCurrent: 0,
  sessionsMax: 1,
  sessionsTotal: 2,
  bytesIn: 3,
  bytesOut: 4,
  deniedRequests: 5,
  deniedResponses: 6,
  requestErrors: 7,
  connectionErrors: 8,
  responseErrors: 9,
  retries: 10,
  redispatches: 11,
  http1xx: 12,
  http2xx: 13,
  http3xx: 14,
  http4xx: 15,
  http5xx: 16,
  httpOther: 17,
  requestsTotal: 18,
  queueCurrent: 19,
  queueMax: 20,
  /** wall-clock ms of the last session, for "last sess" */
  lastSessionAt: 21,
  /** sums for HAProxy's averages (qtime, ctime, rtime, ttime) and how many samples they hold */
  queueTimeSum: 22,
  connectTimeSum: 23,
  responseTimeSum: 24,
  totalTimeSum: 25,
  timedSamples: 26,
  clientAborts: 27,
  serverAborts: 28,
  failedHeaderRewrites: 29,
  /** pooled idle server connections (servers only) */
  idleConnections: 30,
  connectionsReused: 31,
} as const;
export type Counter = (typeof Counter)[keyof typeof Counter];

export const countersPerObject = 32;

/** Where each object's block sits: the same layout in every worker's region */
export interface CounterLayout {
  /** object key (`f:name`, `b:name`, `s:backend/server`) to its index */
  readonly index: Readonly<Record<string, number>>;
  readonly objects: number;
  readonly workers: number;
}

export function createCounterLayout(keys: readonly string[], workers: number): CounterLayout {
  const index: Record<string, number> = {};
  keys.forEach((key, i) => (index[key] = i));
  return { index, objects: keys.length, workers };
}

export function allocateCounters(layout: CounterLayout): SharedArrayBuffer {
  return new SharedArrayBuffer(layout.workers * layout.objects * countersPerObject * Float64Array.BYTES_PER_ELEMENT);
}

/** A worker's writable view of its own region */
export class CounterWriter {
  readonly #values: Float64Array;

  constructor(buffer: SharedArrayBuffer, layout: CounterLayout, worker: number) {
    const perWorker = layout.objects * countersPerObject;
    this.#values = new Float64Array(buffer, worker * perWorker * Float64Array.BYTES_PER_ELEMENT, perWorker);
  }

  /** base offset of an object's block, looked up once at start by the object's owner */
  static base(layout: CounterLayout, key: string): number {
    const i = layout.index[key];
    if (i === undefined) throw new Error(`No counters for "${key}"`);
    return i * countersPerObject;
  }

  add(base: number, counter: Counter, amount = 1): void {
    this.#values[base + counter] = (this.#values[base + counter] as number) + amount;
  }

  set(base: number, counter: Counter, value: number): void {
    this.#values[base + counter] = value;
  }

  /** increments a "current" gauge and raises its paired maximum */
  enter(base: number, current: Counter, max: Counter): void {
    const value = (this.#values[base + current] as number) + 1;
    this.#values[base + current] = value;
    if (value > (this.#values[base + max] as number)) this.#values[base + max] = value;
  }

  leave(base: number, current: Counter): void {
    this.#values[base + current] = (this.#values[base + current] as number) - 1;
  }

  get(base: number, counter: Counter): number {
    return this.#values[base + counter] as number;
  }
}

const maxima: ReadonlySet<number> = new Set([Counter.sessionsMax, Counter.queueMax, Counter.lastSessionAt]);

/** The control thread's view: one object's counters summed over the workers */
export class CounterReader {
  readonly #values: Float64Array;
  readonly #layout: CounterLayout;

  constructor(buffer: SharedArrayBuffer, layout: CounterLayout) {
    this.#values = new Float64Array(buffer);
    this.#layout = layout;
  }

  read(key: string): Float64Array {
    const out = new Float64Array(countersPerObject);
    const i = this.#layout.index[key];
    if (i === undefined) return out;
    const perWorker = this.#layout.objects * countersPerObject;
    for (let w = 0; w < this.#layout.workers; w++) {
      const base = w * perWorker + i * countersPerObject;
      for (let c = 0; c < countersPerObject; c++) {
        const v = this.#values[base + c] as number;
        // maxima and dates do not add up across workers: keep the largest
        out[c] = maxima.has(c) ? Math.max(out[c] as number, v) : (out[c] as number) + v;
      }
    }
    return out;
  }

  keys(): string[] {
    return Object.keys(this.#layout.index);
  }
}
