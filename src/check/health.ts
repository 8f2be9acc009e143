// How check results turn into UP/DOWN. Two policies, one per anchor, behind one interface:
// HAProxy's health counter (rise/fall, inter/fastinter/downinter) and keepalived's
// retry/delay_before_retry/delay_loop.
import type { CheckOutcome } from './outcome.ts';

export interface HealthPolicy {
  readonly up: boolean;
  /** for displays: "UP", "DOWN", "UP 1/3" (going down), "DOWN 1/2" (going up) */
  readonly label: string;
  readonly transitional: boolean;
  /** feeds one result in; returns true when `up` changed */
  record(outcome: CheckOutcome): boolean;
  /** the delay before the next check, given the current state */
  nextDelayMs(): number;
  /** forces the state (passive checks' mark-down, admin "set health"); returns true on change */
  force(up: boolean): boolean;
  /**
   * HAProxy's `on-error sudden-death`: an UP server is left one failure short of going DOWN
   * by the failure recorded next. Optional: policies without a health counter ignore it.
   */
  preFatal?(): void;
}

export interface RiseFallSettings {
  readonly rise: number;
  readonly fall: number;
  readonly interMs: number;
  readonly fastInterMs?: number;
  readonly downInterMs?: number;
  /**
   * HAProxy's init-state: `up` (default before 3.1 and after: available at once, the first failed
   * check marks it down), `fully-up` (needs `fall` failures), `down` (first success marks it up),
   * `fully-down` (needs `rise` successes).
   */
  readonly initial?: 'up' | 'fully-up' | 'down' | 'fully-down';
}

/**
 * HAProxy's health counter: 0..rise-1 is DOWN, rise..rise+fall-1 is UP. A success moves it up by
 * one, a failure down by one, except that the first failure below `rise` drops it to 0 and the
 * first success reaching `rise` lifts it to the top, so a server needs `fall` consecutive failures
 * to leave and `rise` consecutive successes to return (HAProxy src/check.c).
 */
export class RiseFallHealth implements HealthPolicy {
  readonly #settings: RiseFallSettings;
  #health: number;
  #up: boolean;

  constructor(settings: RiseFallSettings) {
    this.#settings = settings;
    const { rise, fall } = settings;
    const top = rise + fall - 1;
    switch (settings.initial ?? 'up') {
      case 'fully-up':
        this.#health = top;
        this.#up = true;
        break;
      case 'up':
        this.#health = rise;
        this.#up = true;
        break;
      case 'down':
        this.#health = Math.max(0, rise - 1);
        this.#up = false;
        break;
      case 'fully-down':
        this.#health = 0;
        this.#up = false;
        break;
    }
  }

  get up(): boolean {
    return this.#up;
  }

  get health(): number {
    return this.#health;
  }

  get #top(): number {
    return this.#settings.rise + this.#settings.fall - 1;
  }

  get transitional(): boolean {
    return this.#up ? this.#health < this.#top : this.#health > 0;
  }

  get label(): string {
    const { rise, fall } = this.#settings;
    if (this.#up) {
      // HAProxy shows "UP 2/3": two of the three failures that take it down have not happened
      return this.transitional ? `UP ${this.#health - rise + 1}/${fall}` : 'UP';
    }
    return this.transitional ? `DOWN ${this.#health}/${rise}` : 'DOWN';
  }

  record(outcome: CheckOutcome): boolean {
    const { rise } = this.#settings;
    if (outcome.ok) {
      if (this.#health < this.#top) this.#health++;
      if (!this.#up && this.#health >= rise) {
        this.#health = this.#top;
        this.#up = true;
        return true;
      }
      return false;
    }
    if (this.#up) {
      if (this.#health > rise) {
        this.#health--;
        return false;
      }
      this.#health = 0;
      this.#up = false;
      return true;
    }
    this.#health = 0;
    return false;
  }

  force(up: boolean): boolean {
    const changed = up !== this.#up;
    this.#up = up;
    this.#health = up ? this.#top : 0;
    return changed;
  }

  preFatal(): void {
    // HAProxy src/check.c: `if (health > rise) health = rise + 1`, then a failed check follows
    const { rise } = this.#settings;
    if (this.#up && this.#health > rise) this.#health = rise + 1;
  }

  nextDelayMs(): number {
    const { interMs, fastInterMs, downInterMs } = this.#settings;
    if (!this.#up && this.#health === 0) return downInterMs ?? interMs;
    if (this.transitional) return fastInterMs ?? interMs;
    return interMs;
  }
}

export interface RetrySettings {
  /** keepalived's delay_loop: the interval between checks */
  readonly delayLoopMs: number;
  /** keepalived's retry (nb_get_retry): further attempts after a failure before the server is down */
  readonly retry: number;
  readonly delayBeforeRetryMs: number;
  /** keepalived's alpha: start DOWN until a check succeeds */
  readonly startDown?: boolean;
}

/**
 * keepalived's checker loop: a failure of an UP server is retried `retry` times, each after
 * `delay_before_retry`; when the last retry fails the server is DOWN. One success brings it back
 * (keepalived/check/check_tcp.c, check_api.c).
 */
export class RetryHealth implements HealthPolicy {
  readonly #settings: RetrySettings;
  #up: boolean;
  #failures = 0;

  constructor(settings: RetrySettings) {
    this.#settings = settings;
    this.#up = !(settings.startDown ?? false);
  }

  get up(): boolean {
    return this.#up;
  }

  get transitional(): boolean {
    return this.#up && this.#failures > 0;
  }

  get label(): string {
    if (!this.#up) return 'DOWN';
    return this.#failures > 0 ? `UP ${this.#failures}/${this.#settings.retry + 1} failed` : 'UP';
  }

  record(outcome: CheckOutcome): boolean {
    if (outcome.ok) {
      this.#failures = 0;
      if (this.#up) return false;
      this.#up = true;
      return true;
    }
    if (!this.#up) return false;
    this.#failures++;
    if (this.#failures <= this.#settings.retry) return false;
    this.#failures = 0;
    this.#up = false;
    return true;
  }

  force(up: boolean): boolean {
    const changed = up !== this.#up;
    this.#up = up;
    this.#failures = 0;
    return changed;
  }

  nextDelayMs(): number {
    return this.transitional ? this.#settings.delayBeforeRetryMs : this.#settings.delayLoopMs;
  }
}
