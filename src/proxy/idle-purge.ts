// How many idle server connections to close, once per pool-purge-delay: HAProxy's
// srv_cleanup_idle_conns. The pool keeps what the busiest moment of the last period used, or the
// running estimate of the need if that is higher, and closes half of the rest. The estimate falls
// halfway towards the last period's peak each period, so a pool shrinks over a few periods once
// traffic drops, and a burst that comes back every few seconds finds its connections still open.
//
// vigil used to close every connection that sat idle for a whole period, which throws away what a
// burst coming back every few seconds needs; HAProxy's rule keeps it. (The ~100 new server
// connections per bench get-c200-2t run that prompted this turned out to come from the workers'
// start-up order, fixed in daemon/proxy-subsystem.ts; this rule is kept for being HAProxy's.)

/** HAProxy's pool-purge-delay default */
export const defaultPurgeDelayMs = 5000;

export class IdlePurge {
  readonly #delayMs: number;
  /** the most transactions in progress at once since the last purge */
  #peak = 0;
  /** HAProxy's est_need_conns */
  #estimatedNeed = 0;
  #nextAt: number;

  /** `startMs`: the clock's reading now (performance.now, or a test's) */
  constructor(startMs: number, delayMs = defaultPurgeDelayMs) {
    this.#delayMs = delayMs;
    this.#nextAt = startMs + delayMs;
  }

  /** a transaction took a connection while `inUse` were in progress, itself included */
  noteInUse(inUse: number): void {
    if (inUse > this.#peak) this.#peak = inUse;
  }

  /** the connections to close now (0 before the period is over), oldest idle first */
  toClose(nowMs: number, inUse: number, idle: number): number {
    if (nowMs < this.#nextAt) return 0;
    const excess = inUse + idle - Math.max(this.#peak, this.#estimatedNeed);
    this.#estimatedNeed = Math.max((this.#estimatedNeed + this.#peak) / 2, this.#peak);
    this.#peak = inUse;
    this.#nextAt = nowMs + this.#delayMs;
    return excess > 0 ? Math.min(Math.ceil(excess / 2), idle) : 0;
  }
}
