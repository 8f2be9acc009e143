// What an instance tracks (vrrp_script, track_interface, track_file) and how that moves its
// effective priority or puts it in FAULT, with keepalived's rules:
// - weight 0 (the default): the tracked thing failing puts the instance in FAULT;
// - a positive weight is added to the priority while the thing is OK, a negative one while it
//   has failed (`reverse` swaps OK and failed);
// - track_file: the number in the file times the weight (default 1) is added; with weight 0 a
//   non-zero number means FAULT.
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { ScriptRun } from './host.ts';

export interface TrackingHost {
  /** runs a check script; resolves with its exit code, or -1 when it timed out or could not run */
  runCheck(run: ScriptRun): Promise<number>;
  /** current link state of an interface (undefined: no such interface) */
  linkUp(name: string): boolean | undefined;
  onLinkChange(listener: (name: string, up: boolean) => void): () => void;
  /** a file's content, undefined when it cannot be read */
  readFile(path: string): Promise<string | undefined>;
}

export interface ScriptTrackerConfig {
  readonly name: string;
  readonly run: ScriptRun;
  readonly intervalMs: number;
  readonly rise: number;
  readonly fall: number;
  /** keepalived `init_fail`: start failed instead of OK */
  readonly initFail: boolean;
}

/** A vrrp_script: run every interval; `rise` successes make it OK, `fall` failures make it fail */
export class ScriptTracker {
  readonly config: ScriptTrackerConfig;
  readonly #host: TrackingHost;
  readonly #clock: Clock;
  readonly #log: (line: string) => void;
  readonly #listeners = new Set<() => void>();
  #ok: boolean;
  #streak = 0;
  #timer: TimerHandle | undefined;
  #running = false;
  #stopped = true;

  constructor(config: ScriptTrackerConfig, host: TrackingHost, clock: Clock, log: (line: string) => void) {
    this.config = config;
    this.#host = host;
    this.#clock = clock;
    this.#log = log;
    this.#ok = !config.initFail;
  }

  get ok(): boolean {
    return this.#ok;
  }

  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
  }

  /** feeds one result in (exported for tests of the rise/fall rule) */
  record(success: boolean): void {
    if (success === this.#ok) {
      this.#streak = 0;
      return;
    }
    this.#streak++;
    const needed = success ? this.config.rise : this.config.fall;
    if (this.#streak < needed) return;
    this.#streak = 0;
    this.#ok = success;
    this.#log(`Script \`${this.config.name}\` now returning ${success ? 0 : 1}`);
    this.#log(`VRRP_Script(${this.config.name}) ${success ? 'succeeded' : 'failed'}`);
    for (const listener of this.#listeners) listener();
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = this.#clock.setTimeout(() => void this.#runOnce(), delayMs);
  }

  async #runOnce(): Promise<void> {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    try {
      const code = await this.#host.runCheck(this.config.run);
      if (code === -1) this.#log(`Script \`${this.config.name}\` timed out or could not run`);
      this.record(code === 0);
    } finally {
      this.#running = false;
      this.#schedule(this.config.intervalMs);
    }
  }
}

/** A track_file: its number is read every second (keepalived watches it with inotify) */
export class FileTracker {
  readonly name: string;
  readonly path: string;
  readonly #host: TrackingHost;
  readonly #clock: Clock;
  readonly #listeners = new Set<() => void>();
  #value = 0;
  #timer: TimerHandle | undefined;
  #stopped = true;

  constructor(name: string, path: string, host: TrackingHost, clock: Clock) {
    this.name = name;
    this.path = path;
    this.#host = host;
    this.#clock = clock;
  }

  get value(): number {
    return this.#value;
  }

  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }

  start(): void {
    this.#stopped = false;
    void this.#read();
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
  }

  async #read(): Promise<void> {
    if (this.#stopped) return;
    const text = await this.#host.readFile(this.path);
    // keepalived: a missing or unreadable file counts as 0
    const value = text === undefined ? 0 : Number.parseInt(text.trim(), 10) || 0;
    if (value !== this.#value) {
      this.#value = value;
      for (const listener of this.#listeners) listener();
    }
    this.#timer = this.#clock.setTimeout(() => void this.#read(), 1000);
  }
}

export interface TrackedScript {
  readonly tracker: ScriptTracker;
  readonly weight: number;
  readonly reverse: boolean;
}

export interface TrackedInterface {
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
}

export interface TrackedFile {
  readonly tracker: FileTracker;
  /** default 1 */
  readonly weight: number;
  readonly reverse: boolean;
}

/** track_backend (a vigil extension): a backend of vigil's own proxy, OK while a server is available */
export interface TrackedBackend {
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
}

export interface TrackingState {
  readonly fault: boolean;
  readonly reasons: readonly string[];
  readonly priority: number;
}

/** Adds a weight the keepalived way: positive while OK, negative while failed */
function weightFor(ok: boolean, weight: number, reverse: boolean): number {
  const good = reverse ? !ok : ok;
  if (weight > 0) return good ? weight : 0;
  return good ? 0 : weight;
}

/** Folds everything an instance tracks into FAULT or an effective priority */
export function evaluateTracking(
  basePriority: number,
  scripts: readonly TrackedScript[],
  interfaces: readonly TrackedInterface[],
  files: readonly TrackedFile[],
  linkUp: (name: string) => boolean | undefined,
  backends: readonly TrackedBackend[] = [],
  backendUp: (name: string) => boolean | undefined = () => undefined,
): TrackingState {
  let priority = basePriority;
  const reasons: string[] = [];
  for (const b of backends) {
    // not heard of yet (the proxy starts after VRRP): counted as available
    const available = backendUp(b.name) ?? true;
    if (b.weight === 0) {
      if (available === b.reverse) reasons.push(`backend ${b.name} ${available ? 'available (reverse)' : 'has no server available'}`);
    } else {
      priority += weightFor(available, b.weight, b.reverse);
    }
  }
  for (const s of scripts) {
    const ok = s.reverse ? !s.tracker.ok : s.tracker.ok;
    if (s.weight === 0) {
      if (!ok) reasons.push(`script ${s.tracker.config.name} failed`);
    } else {
      priority += weightFor(s.tracker.ok, s.weight, s.reverse);
    }
  }
  for (const i of interfaces) {
    const up = linkUp(i.name) === true;
    if (i.weight === 0) {
      if (up === i.reverse) reasons.push(`interface ${i.name} ${up ? 'up (reverse)' : 'down'}`);
    } else {
      priority += weightFor(up, i.weight, i.reverse);
    }
  }
  for (const f of files) {
    const value = f.tracker.value;
    if (f.weight === 0) {
      if (value !== 0) reasons.push(`track_file ${f.tracker.name} is ${value}`);
    } else {
      priority += (f.reverse ? -1 : 1) * value * f.weight;
    }
  }
  return { fault: reasons.length > 0, reasons, priority };
}
