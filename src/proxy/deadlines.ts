// Timeouts for thousands of connections without a timer each: every session keeps one deadline
// (a number) and a single ticker sweeps them. Setting a deadline on the hot path is an assignment,
// not a timer allocation. The price is precision: a timeout fires up to one tick late, which is
// nothing next to HAProxy-style timeouts counted in seconds.
import { SlotList, type Slotted } from '../core/slot-list.ts';

/** `slot` is the item's place in the ticker's list (-1 when not in it), see SlotList for why */
export interface Expirable extends Slotted {
  /** coarse-clock ms at which `expire` is due; 0 means none */
  deadline: number;
  expire(now: number): void;
}

export class DeadlineTicker {
  readonly #items = new SlotList<Expirable>();
  readonly #tickMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** the coarse clock: monotonic ms, refreshed every tick and on demand */
  now = performance.now();

  constructor(tickMs = 50) {
    this.#tickMs = tickMs;
  }

  add(item: Expirable): void {
    this.#items.add(item);
    if (this.#timer === undefined) this.#start();
  }

  remove(item: Expirable): void {
    this.#items.remove(item);
  }

  /** a deadline `ms` from now, or 0 (none) for a zero timeout */
  after(ms: number): number {
    return ms > 0 ? this.now + ms : 0;
  }

  get size(): number {
    return this.#items.size;
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #start(): void {
    this.#timer = setInterval(() => this.#sweep(), this.#tickMs);
    this.#timer.unref();
  }

  #sweep(): void {
    const now = (this.now = performance.now());
    // an expiring session usually removes itself; one visited twice has its deadline at 0 by then
    this.#items.forEachBackward((item) => {
      if (item.deadline !== 0 && item.deadline <= now) {
        item.deadline = 0;
        try {
          item.expire(now);
        } catch {
          // one broken session must not stop the sweep for the others
        }
      }
    });
  }
}
