// One VRRP router's state machine (RFC 3768 section 6.4, RFC 5798 section 6.4), pure and steppable:
// time comes from an injected clock, packets arrive already validated, and everything it decides
// leaves as events (send an advert, change state). Where the RFCs leave room it follows
// keepalived 2.2: every instance starts as BACKUP unless it owns the addresses (priority 255),
// a master that hears a lower priority answers at once to end the election sooner, and
// preemption can be delayed or disabled.
import type { Clock, TimerHandle } from '../core/clock.ts';
import { ownerPriority, stopPriority, type VrrpVersion } from './constants.ts';

export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT';

export interface MachineConfig {
  readonly name: string;
  readonly version: VrrpVersion;
  /** configured priority, 1..255 (tracking moves the effective priority, see setPriority) */
  readonly priority: number;
  readonly advertIntervalMs: number;
  /** false with keepalived's `nopreempt` */
  readonly preempt: boolean;
  /** keepalived's `preempt_delay`: a backup waits this long after start before preempting */
  readonly preemptDelayMs: number;
  /** this router's primary address, which breaks ties between equal priorities */
  readonly primaryAddress: string;
}

export interface ReceivedAdvert {
  readonly priority: number;
  /** the sender's advertisement interval, in centiseconds (v2 adverts carry whole seconds) */
  readonly intervalCs: number;
  /** the IP source address of the packet (the sender's primary address) */
  readonly source: string;
}

export type MachineEvent =
  | { readonly type: 'send'; readonly priority: number }
  | { readonly type: 'transition'; readonly from: VrrpState; readonly to: VrrpState; readonly reason: string }
  | { readonly type: 'log'; readonly text: string };

/** Compares two addresses as unsigned numbers (RFC 3768 section 6.4.3: the higher one wins) */
export function compareAddresses(a: string, b: string): number {
  const bytes = (text: string): number[] => (text.includes(':') ? expand6(text) : text.split('.').map(Number));
  const x = bytes(a);
  const y = bytes(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function expand6(text: string): number[] {
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.flatMap((g) => {
    const v = parseInt(g, 16);
    return [v >> 8, v & 0xff];
  });
}

export class VrrpStateMachine {
  readonly #config: MachineConfig;
  readonly #clock: Clock;
  readonly #emit: (event: MachineEvent) => void;
  #state: VrrpState = 'INIT';
  #priority: number;
  #timer: TimerHandle | undefined;
  /** RFC 5798 section 6.1: the interval the current master advertises (v3 learns it) */
  #masterAdvertIntervalMs: number;
  #startedAt = 0;
  #fault = false;
  #timerDueAt = 0;

  constructor(config: MachineConfig, clock: Clock, emit: (event: MachineEvent) => void) {
    this.#config = config;
    this.#clock = clock;
    this.#emit = emit;
    this.#priority = config.priority;
    this.#masterAdvertIntervalMs = config.advertIntervalMs;
  }

  get state(): VrrpState {
    return this.#state;
  }

  get priority(): number {
    return this.#priority;
  }

  /** when the running timer (advertisement or master down) fires, on the clock's time */
  get timerDueAt(): number {
    return this.#timerDueAt;
  }

  /** RFC 3768 section 6.1 Skew_Time; RFC 5798 section 6.1 scales it with Master_Adver_Interval */
  get skewMs(): number {
    const span = 256 - this.#priority;
    return this.#config.version === 2 ? (span * 1000) / 256 : (span * this.#masterAdvertIntervalMs) / 256;
  }

  /** 3 x the master's advertisement interval + Skew_Time */
  get masterDownIntervalMs(): number {
    const interval = this.#config.version === 2 ? this.#config.advertIntervalMs : this.#masterAdvertIntervalMs;
    return 3 * interval + this.skewMs;
  }

  /** RFC 3768 section 6.4.1: the owner of the addresses starts as master, every other as backup */
  start(): void {
    if (this.#state !== 'INIT') return;
    this.#startedAt = this.#clock.now();
    if (this.#fault) {
      this.#transition('FAULT', 'interface or tracked resource down at start');
      return;
    }
    if (this.#priority === ownerPriority) {
      this.#becomeMaster('address owner (priority 255)');
      return;
    }
    this.#transition('BACKUP', 'init');
    this.#armMasterDown(this.masterDownIntervalMs);
  }

  /** RFC 3768 section 6.4.3: a master that stops tells the others with priority 0 */
  stop(): void {
    this.#cancel();
    if (this.#state === 'MASTER') this.#emit({ type: 'send', priority: stopPriority });
    if (this.#state !== 'INIT') this.#transition('INIT', 'stopping');
  }

  /** A valid advertisement for this VRID arrived */
  receive(advert: ReceivedAdvert): void {
    if (this.#state === 'BACKUP') this.#backupReceives(advert);
    else if (this.#state === 'MASTER') this.#masterReceives(advert);
  }

  /**
   * Tracking changed the effective priority. A master advertises the new priority at its next
   * advertisement; a backup that now outranks the master takes over when its down timer runs out,
   * since it stops resetting it for lower-priority adverts.
   */
  setPriority(priority: number): void {
    const clamped = Math.max(1, Math.min(254, priority));
    const effective = this.#config.priority === ownerPriority ? ownerPriority : clamped;
    if (effective === this.#priority) return;
    this.#emit({ type: 'log', text: `(${this.#config.name}) Changing effective priority from ${this.#priority} to ${effective}` });
    this.#priority = effective;
  }

  /** An interface or tracked resource failed (FAULT) or came back */
  setFault(fault: boolean, reason: string): void {
    if (fault === this.#fault) return;
    this.#fault = fault;
    if (this.#state === 'INIT') return;
    if (fault) {
      this.#cancel();
      this.#transition('FAULT', reason);
      return;
    }
    // leaving FAULT is a fresh start as backup (keepalived does not jump straight to master)
    this.#transition('BACKUP', reason);
    this.#armMasterDown(this.masterDownIntervalMs);
  }

  /** vrrp_sync_group: another member became master, so this one follows at once */
  forceMaster(reason: string): void {
    if (this.#state === 'BACKUP') this.#becomeMaster(reason);
  }

  /** vrrp_sync_group: another member fell back to backup, so this one stops being master */
  forceBackup(reason: string): void {
    if (this.#state !== 'MASTER') return;
    this.#cancel();
    this.#transition('BACKUP', reason);
    this.#armMasterDown(this.masterDownIntervalMs);
  }

  #backupReceives(advert: ReceivedAdvert): void {
    const name = this.#config.name;
    if (advert.priority === stopPriority) {
      // RFC 3768 section 6.4.2: the master stopped; take over after the skew time only
      this.#emit({ type: 'log', text: `(${name}) Backup received priority 0 advertisement` });
      this.#armMasterDown(this.skewMs);
      return;
    }
    if (this.#config.version === 3) this.#masterAdvertIntervalMs = advert.intervalCs * 10;
    const preemptAllowed = this.#config.preempt && this.#clock.now() - this.#startedAt >= this.#config.preemptDelayMs;
    if (!preemptAllowed || advert.priority >= this.#priority) {
      this.#armMasterDown(this.masterDownIntervalMs);
      return;
    }
    // a lower priority master: ignore it, so the down timer runs out and this router preempts
    this.#emit({ type: 'log', text: `(${name}) received lower priority (${advert.priority}) advert from ${advert.source} - discarding` });
  }

  #masterReceives(advert: ReceivedAdvert): void {
    const name = this.#config.name;
    if (advert.priority === stopPriority) {
      // RFC 3768 section 6.4.3: another master stopped; assert ourselves at once
      this.#sendAdvert();
      this.#armAdvert();
      return;
    }
    const higher = advert.priority > this.#priority;
    const tieLost = advert.priority === this.#priority && compareAddresses(advert.source, this.#config.primaryAddress) > 0;
    if (higher || tieLost) {
      this.#emit({
        type: 'log',
        text: `(${name}) Master received advert from ${advert.source} with ${higher ? 'higher' : 'same'} priority ${advert.priority}, ours ${this.#priority}`,
      });
      if (this.#config.version === 3) this.#masterAdvertIntervalMs = advert.intervalCs * 10;
      this.#cancel();
      this.#transition('BACKUP', 'higher priority advert');
      this.#armMasterDown(this.masterDownIntervalMs);
      return;
    }
    // keepalived: answer a lower priority master at once instead of waiting for the next advert
    this.#emit({
      type: 'log',
      text: `(${name}) Received advert from ${advert.source} with lower priority ${advert.priority}, ours ${this.#priority}, forcing new election`,
    });
    this.#sendAdvert();
    this.#armAdvert();
  }

  #becomeMaster(reason: string): void {
    this.#transition('MASTER', reason);
    this.#masterAdvertIntervalMs = this.#config.advertIntervalMs;
    this.#sendAdvert();
    this.#armAdvert();
  }

  #sendAdvert(): void {
    this.#emit({ type: 'send', priority: this.#priority });
  }

  #armAdvert(): void {
    this.#arm(this.#config.advertIntervalMs, () => {
      if (this.#state !== 'MASTER') return;
      // how late the periodic advert leaves against its schedule: what a busy host would show
      this.#recordLateness(this.#clock.now() - this.#timerDueAt);
      this.#sendAdvert();
      this.#armAdvert();
    });
  }

  readonly #lateness: number[] = [];
  #latenessCount = 0;

  #recordLateness(ms: number): void {
    // keep the last 1000 samples: enough for a p99, bounded memory
    this.#lateness[this.#latenessCount % 1000] = Math.max(0, ms);
    this.#latenessCount++;
  }

  /** periodic adverts sent and how late they left (ms): maximum, median and 99th percentile */
  advertLateness(): { readonly count: number; readonly maxMs: number; readonly p50Ms: number; readonly p99Ms: number } {
    const sorted = [...this.#lateness].sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { count: this.#latenessCount, maxMs: sorted.at(-1) ?? 0, p50Ms: at(0.5), p99Ms: at(0.99) };
  }

  #armMasterDown(delayMs: number): void {
    this.#arm(delayMs, () => {
      if (this.#state !== 'BACKUP') return;
      this.#emit({ type: 'log', text: `(${this.#config.name}) Receive advertisement timeout` });
      this.#becomeMaster('master down timer expired');
    });
  }

  #arm(delayMs: number, fire: () => void): void {
    this.#cancel();
    this.#timerDueAt = this.#clock.now() + delayMs;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      fire();
    }, delayMs);
  }

  #cancel(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #transition(to: VrrpState, reason: string): void {
    const from = this.#state;
    this.#state = to;
    this.#emit({ type: 'transition', from, to, reason });
  }
}
