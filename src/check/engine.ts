// Runs every health check of the process once (not once per data-path worker) and publishes
// server state changes to whoever listens: the proxy, the L4 path, the stats page, the logs.
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { Checker, CheckTarget, CheckTimeouts } from './checker.ts';
import type { HealthPolicy } from './health.ts';
import type { CheckOutcome } from './outcome.ts';
import { isServing, type AdminState, type LastCheck, type ServerSnapshot } from './server-state.ts';

export interface ProbeConfig {
  readonly checker: Checker;
  readonly policy: HealthPolicy;
  readonly target: CheckTarget;
  readonly timeouts: CheckTimeouts;
}

export interface MonitoredServerConfig {
  readonly id: string;
  readonly group: string;
  readonly name: string;
  readonly backup?: boolean;
  readonly weight: number;
  /** empty: the server is not checked and counts as UP */
  readonly probes: readonly ProbeConfig[];
  readonly admin?: AdminState;
  /** keepalived `warmup`: the first check waits a random time up to this */
  readonly warmupMs?: number;
}

export type ChangeCause = 'check' | 'admin' | 'passive' | 'weight';

export type EngineEvent =
  | { readonly type: 'check'; readonly server: ServerSnapshot; readonly probe: number; readonly outcome: CheckOutcome }
  | {
      readonly type: 'state';
      readonly server: ServerSnapshot;
      readonly previous: ServerSnapshot;
      readonly cause: ChangeCause;
      readonly outcome?: CheckOutcome;
    };

export type EngineListener = (event: EngineEvent) => void;

export interface EngineOptions {
  readonly clock: Clock;
  /**
   * Each delay is stretched or shrunk by up to this fraction at random (HAProxy's spread-checks),
   * so hundreds of checks started together drift apart instead of firing in the same millisecond.
   */
  readonly jitter?: number;
  readonly random?: () => number;
}

interface ProbeState {
  readonly config: ProbeConfig;
  timer?: TimerHandle;
  /** clock time the scheduled check runs at */
  dueAt?: number;
  abort?: AbortController;
  running: boolean;
}

interface ServerEntry {
  readonly config: MonitoredServerConfig;
  readonly probes: ProbeState[];
  admin: AdminState;
  /** MISC_CHECK misc_dynamic or the runtime API's `set server weight` */
  weight: number;
  forcedDown: boolean;
  lastChangeAt: number;
  downSince?: number;
  downtimeMs: number;
  downTransitions: number;
  failedChecks: number;
  lastCheck?: LastCheck;
  snapshot: ServerSnapshot;
}

export class CheckEngine {
  readonly #clock: Clock;
  readonly #jitter: number;
  readonly #random: () => number;
  readonly #servers = new Map<string, ServerEntry>();
  readonly #listeners = new Set<EngineListener>();
  #started = false;

  constructor(options: EngineOptions) {
    this.#clock = options.clock;
    this.#jitter = options.jitter ?? 0.05;
    this.#random = options.random ?? Math.random;
  }

  add(config: MonitoredServerConfig): void {
    if (this.#servers.has(config.id)) throw new Error(`Server "${config.id}" is monitored twice`);
    const entry: ServerEntry = {
      config,
      probes: config.probes.map((p) => ({ config: p, running: false })),
      admin: config.admin ?? 'ready',
      weight: config.weight,
      forcedDown: false,
      lastChangeAt: this.#clock.wallNow(),
      downtimeMs: 0,
      downTransitions: 0,
      failedChecks: 0,
      snapshot: undefined as unknown as ServerSnapshot,
    };
    entry.snapshot = this.#snapshot(entry);
    if (!entry.snapshot.up) entry.downSince = this.#clock.now();
    this.#servers.set(config.id, entry);
    if (this.#started) this.#startServer(entry, 0, 1);
  }

  on(listener: EngineListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get(id: string): ServerSnapshot | undefined {
    return this.#servers.get(id)?.snapshot;
  }

  all(): ServerSnapshot[] {
    return [...this.#servers.values()].map((e) => e.snapshot);
  }

  inGroup(group: string): ServerSnapshot[] {
    return this.all().filter((s) => s.group === group);
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    const entries = [...this.#servers.values()];
    entries.forEach((entry, index) => this.#startServer(entry, index, entries.length));
  }

  stop(): void {
    this.#started = false;
    for (const entry of this.#servers.values()) {
      for (const probe of entry.probes) {
        probe.timer?.cancel();
        probe.abort?.abort();
      }
    }
  }

  setAdmin(id: string, admin: AdminState): ServerSnapshot {
    const entry = this.#require(id);
    if (entry.admin !== admin) {
      entry.admin = admin;
      this.#publish(entry, 'admin');
    }
    return entry.snapshot;
  }

  setWeight(id: string, weight: number): ServerSnapshot {
    const entry = this.#require(id);
    if (entry.weight !== weight) {
      entry.weight = weight;
      this.#publish(entry, 'weight');
    }
    return entry.snapshot;
  }

  /**
   * Passive health: traffic showed the server failing (HAProxy `on-error mark-down` and
   * `sudden-death`). The server stays down until its checks bring it back up.
   */
  markDown(id: string, outcome: CheckOutcome): void {
    const entry = this.#require(id);
    for (const probe of entry.probes) probe.config.policy.force(false);
    entry.forcedDown = entry.probes.length === 0 ? true : entry.forcedDown;
    this.#publish(entry, 'passive', outcome);
  }

  /**
   * Passive health: traffic showed the server failing (HAProxy `on-error fail-check`, and
   * `sudden-death` with `preFatal`): counts as one failed check of every probe, which may take
   * the server DOWN. A server without checks is not affected (HAProxy observes checked servers).
   */
  recordFailure(id: string, outcome: CheckOutcome, preFatal = false): void {
    const entry = this.#require(id);
    if (entry.probes.length === 0) return;
    entry.failedChecks++;
    entry.lastCheck = { ...outcome, at: this.#clock.wallNow() };
    for (const probe of entry.probes) {
      if (preFatal) probe.config.policy.preFatal?.();
      probe.config.policy.record(outcome);
    }
    this.#publish(entry, 'passive', outcome);
  }

  /**
   * Asks for the next check of every probe of a server within `delayMs` (HAProxy `on-error
   * fastinter`); with `onlySooner`, a check already due sooner keeps its time.
   */
  checkSoon(id: string, delayMs: number, onlySooner = false): void {
    const entry = this.#require(id);
    for (const probe of entry.probes) {
      if (probe.running) continue;
      if (onlySooner && probe.dueAt !== undefined && probe.dueAt <= this.#clock.now() + delayMs) continue;
      probe.timer?.cancel();
      this.#schedule(entry, probe, delayMs);
    }
  }

  #startServer(entry: ServerEntry, index: number, count: number): void {
    entry.probes.forEach((probe) => {
      const interval = probe.config.policy.nextDelayMs();
      // HAProxy spreads the first checks of a backend evenly over one interval; keepalived's
      // warmup picks a random delay; both avoid a thundering start.
      const first =
        entry.config.warmupMs !== undefined
          ? this.#random() * entry.config.warmupMs
          : count > 1
            ? (interval * index) / count
            : 0;
      this.#schedule(entry, probe, first);
    });
  }

  #schedule(entry: ServerEntry, probe: ProbeState, delayMs: number): void {
    if (!this.#started) return;
    const spread = delayMs * this.#jitter * (this.#random() * 2 - 1);
    const delay = Math.max(0, delayMs + spread);
    probe.dueAt = this.#clock.now() + delay;
    probe.timer = this.#clock.setTimeout(() => void this.#runProbe(entry, probe), delay);
  }

  async #runProbe(entry: ServerEntry, probe: ProbeState): Promise<void> {
    if (!this.#started || probe.running) return;
    probe.running = true;
    const abort = new AbortController();
    probe.abort = abort;
    let outcome: CheckOutcome;
    try {
      outcome = await probe.config.checker.run(probe.config.target, probe.config.timeouts, abort.signal);
    } catch (error) {
      // a checker must not reject; if one does, count it as a failed check rather than lose it
      outcome = { ok: false, status: 'SOCKERR', info: error instanceof Error ? error.message : String(error), durationMs: 0 };
    } finally {
      probe.running = false;
    }
    if (abort.signal.aborted || !this.#started) return;
    this.#record(entry, probe, outcome);
    this.#schedule(entry, probe, probe.config.policy.nextDelayMs());
  }

  #record(entry: ServerEntry, probe: ProbeState, outcome: CheckOutcome): void {
    entry.lastCheck = { ...outcome, at: this.#clock.wallNow() };
    if (!outcome.ok) entry.failedChecks++;
    if (outcome.weight !== undefined) entry.weight = outcome.weight;
    if (outcome.ok) entry.forcedDown = false;
    probe.config.policy.record(outcome);
    const index = entry.probes.indexOf(probe);
    this.#publish(entry, 'check', outcome);
    this.#emit({ type: 'check', server: entry.snapshot, probe: index, outcome });
  }

  /** Recomputes the snapshot; emits a `state` event when anything a consumer acts on changed */
  #publish(entry: ServerEntry, cause: ChangeCause, outcome?: CheckOutcome): void {
    const previous = entry.snapshot;
    const next = this.#snapshot(entry);
    const changed =
      previous.up !== next.up ||
      previous.admin !== next.admin ||
      previous.weight !== next.weight ||
      previous.serving !== next.serving;
    if (!changed) {
      entry.snapshot = next;
      return;
    }
    const now = this.#clock.now();
    if (previous.up && !next.up) {
      entry.downSince = now;
      entry.downTransitions++;
    } else if (!previous.up && next.up && entry.downSince !== undefined) {
      entry.downtimeMs += now - entry.downSince;
      delete entry.downSince;
    }
    if (previous.up !== next.up || previous.admin !== next.admin) entry.lastChangeAt = this.#clock.wallNow();
    entry.snapshot = this.#snapshot(entry);
    this.#emit({
      type: 'state',
      server: entry.snapshot,
      previous,
      cause,
      ...(outcome === undefined ? {} : { outcome }),
    });
  }

  #snapshot(entry: ServerEntry): ServerSnapshot {
    const { config, probes, admin } = entry;
    const checked = probes.length > 0;
    // several checkers on one keepalived real server: it is up only while all of them are
    const up = checked ? probes.every((p) => p.config.policy.up) : !entry.forcedDown;
    const transitional = probes.some((p) => p.config.policy.transitional);
    const weight = admin === 'drain' ? 0 : entry.weight;
    const label =
      admin === 'maint'
        ? 'MAINT'
        : admin === 'drain' && up
          ? 'DRAIN'
          : !checked
            ? up ? 'no check' : 'DOWN'
            : (probes.find((p) => !p.config.policy.up || p.config.policy.transitional) ?? probes[0])?.config.policy.label ?? 'UP';
    const downtimeMs = entry.downtimeMs + (entry.downSince === undefined ? 0 : this.#clock.now() - entry.downSince);
    return {
      id: config.id,
      group: config.group,
      name: config.name,
      backup: config.backup ?? false,
      admin,
      up,
      checked,
      transitional,
      serving: isServing(up, admin, weight),
      configuredWeight: config.weight,
      weight,
      label,
      lastChangeAt: entry.lastChangeAt,
      ...(entry.lastCheck === undefined ? {} : { lastCheck: entry.lastCheck }),
      downtimeMs,
      downTransitions: entry.downTransitions,
      failedChecks: entry.failedChecks,
    };
  }

  #emit(event: EngineEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // a failing consumer must not stop checks or other consumers
      }
    }
  }

  #require(id: string): ServerEntry {
    const entry = this.#servers.get(id);
    if (entry === undefined) throw new Error(`No server "${id}"`);
    return entry;
  }
}
