// Lets the kernel end a data-path thread's time slice at the end of an event-loop turn instead of
// at the next timer tick, for when two data-path threads share one CPU.
//
// A saturated worker never sleeps in epoll: every turn finds more ready sockets. Linux checks
// whether the running thread has used up its slice only when it accounts that thread's run time:
// at the timer tick, or when the thread itself asks for its CPU time. On a kernel with a 4 ms tick
// (this bench machine), two busy workers on one CPU therefore took turns in 4 ms stints,
// and a request that arrived for the waiting one waited up to 4 ms; perf sched showed exactly
// that (bench get-c200-2t: vigil p99 9.3 to 10.2 ms, HAProxy 6.4 to 7.5 ms). HAProxy calls
// clock_gettime(CLOCK_THREAD_CPUTIME_ID) in every loop, which accounts the running thread's time,
// so its threads were switched when their slice (about 1.7 ms here) ran out.
//
// Node has no call that reaches that clock; process.cpuUsage() does the same accounting
// (getrusage(RUSAGE_SELF) brings the calling thread's run time up to date). One call at the end of
// a turn that read something, at most once per `minIntervalMs`, costs 0.76 µs (measured, with
// three JS threads) per quarter-millisecond of work: 0.3% at most. If the slice has run out, the
// thread is switched right as the call returns: between two turns, not in the middle of one.

/** how often the nudge may run: well under a slice (0.75 ms and up), well over its own cost */
export const defaultMinIntervalMs = 0.25;

export interface SliceNudgeParts {
  /** asks the kernel for this thread's CPU time, which accounts the running thread */
  readonly account: () => void;
  /** ms, monotonic */
  readonly now: () => number;
  /** runs `callback` once the I/O callbacks of this turn are done */
  readonly afterTurn: (callback: () => void) => void;
}

export class SliceNudge {
  readonly #parts: SliceNudgeParts;
  readonly #minIntervalMs: number;
  #enabled = false;
  #armed = false;
  #lastMs = Number.NEGATIVE_INFINITY;
  /** how many times the kernel was asked, for tests */
  accounted = 0;
  readonly #turnEnd = (): void => {
    this.#armed = false;
    const now = this.#parts.now();
    if (now - this.#lastMs < this.#minIntervalMs) return;
    this.#lastMs = now;
    this.accounted++;
    this.#parts.account();
  };

  constructor(parts: SliceNudgeParts, minIntervalMs = defaultMinIntervalMs) {
    this.#parts = parts;
    this.#minIntervalMs = minIntervalMs;
  }

  /** on in a thread that shares the data path with other threads; off by default */
  enable(enabled: boolean): void {
    this.#enabled = enabled;
  }

  /** called on every read; the hot path pays one branch when off or already armed */
  noteRead(): void {
    if (!this.#enabled || this.#armed) return;
    this.#armed = true;
    this.#parts.afterTurn(this.#turnEnd);
  }
}

/** this thread's nudge (a module instance per worker thread); worker.ts enables it */
export const sliceNudge = new SliceNudge({
  account: () => void process.cpuUsage(),
  now: () => performance.now(),
  // setImmediate runs in the check phase, right after the turn's I/O callbacks
  afterTurn: (callback) => void setImmediate(callback),
});
