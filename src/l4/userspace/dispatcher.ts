// What both user-space virtual servers (TCP and UDP) share: the current real-server table, the
// scheduler built over it, persistence, and the connection counts the schedulers read. `update`
// swaps the table in one synchronous step, so a flow is scheduled either against the old set or
// the new one, never a mix.
import { PersistenceTable, type PersistenceTemplate } from '../schedulers/persistence.ts';
import type { ConnectionCounts, LvsFlow, LvsRealServer, LvsScheduler, LvsSchedulerAlgorithm, SchedulerFlag } from '../schedulers/scheduler.ts';
import { ServerStats } from './server-stats.ts';

/** A real server as `update` takes it: the desired LVS table's entries fit (virtual-server-state's TableEntry) */
export interface UserspaceRealServer {
  readonly id: string;
  readonly address: string;
  /** absent: the virtual server's port, as keepalived does for a real server without one */
  readonly port?: number;
  /** 0 quiesces: established flows continue, no new ones */
  readonly weight: number;
  /** keepalived's uthreshold: at this many connections (active + inactive) the server takes no new flows */
  readonly upperThreshold?: number;
  /** lthreshold: it takes new flows again below this (default three quarters of the upper) */
  readonly lowerThreshold?: number;
}

/** The table entry handed to schedulers: the LvsRealServer they see, plus the data path's own parts */
export interface ServerEntry extends LvsRealServer {
  readonly stats: ServerStats;
  readonly upperThreshold: number;
  readonly lowerThreshold: number;
}

export interface DispatcherOptions {
  readonly algorithm: LvsSchedulerAlgorithm;
  readonly flags: ReadonlySet<SchedulerFlag>;
  readonly virtualPort: number;
  readonly persistence?: { readonly timeoutMs: number; readonly granularity?: string };
  /** the kernel's expire_quiescent_template sysctl (default off: a quiesced server keeps its persistent clients) */
  readonly expireQuiescentTemplate: boolean;
  readonly now: () => number;
  readonly random?: () => number;
}

export interface Dispatch {
  readonly server: ServerEntry;
  /** the persistence template the flow is bound through, to report its end to */
  readonly template: PersistenceTemplate | undefined;
}

export class Dispatcher implements ConnectionCounts {
  readonly #options: DispatcherOptions;
  readonly persistence: PersistenceTable | undefined;
  #servers: readonly ServerEntry[] = [];
  #byId = new Map<string, ServerEntry>();
  #scheduler: LvsScheduler;
  /** servers a retrying flow has already tried, seen by schedulers as overloaded during its pick */
  #excluding: ReadonlySet<string> | undefined;
  /** the clock read once per dispatch, so a scheduler walking N servers does not read it N times */
  #at: number | undefined;

  constructor(options: DispatcherOptions) {
    this.#options = options;
    this.persistence =
      options.persistence === undefined
        ? undefined
        : new PersistenceTable({
            timeoutMs: options.persistence.timeoutMs,
            now: options.now,
            ...(options.persistence.granularity === undefined ? {} : { granularity: options.persistence.granularity }),
          });
    this.#scheduler = this.#build([], undefined);
  }

  get servers(): readonly ServerEntry[] {
    return this.#servers;
  }

  active(server: LvsRealServer): number {
    return (server as ServerEntry).stats.active;
  }

  inactive(server: LvsRealServer): number {
    return (server as ServerEntry).stats.inactive(this.#at ?? this.#options.now());
  }

  overloaded(server: LvsRealServer): boolean {
    const entry = server as ServerEntry;
    if (this.#excluding?.has(entry.id) === true) return true;
    if (entry.upperThreshold === 0) return false;
    // ip_vs_bind_dest / ip_vs_unbind_dest, evaluated when a scheduler asks
    const stats = entry.stats;
    const total = stats.active + stats.inactive(this.#at ?? this.#options.now());
    if (!stats.overloaded && total >= entry.upperThreshold) stats.overloaded = true;
    else if (stats.overloaded && (entry.lowerThreshold > 0 ? total < entry.lowerThreshold : total * 4 < entry.upperThreshold * 3)) stats.overloaded = false;
    return stats.overloaded;
  }

  /**
   * Replaces the table. Returns the entries that left it (or changed address or port): their
   * flows are the caller's to close. A server whose weight changed keeps its counts and flows.
   */
  update(realServers: readonly UserspaceRealServer[]): ServerEntry[] {
    const next: ServerEntry[] = [];
    const byId = new Map<string, ServerEntry>();
    for (const real of realServers) {
      if (byId.has(real.id)) continue;
      const port = real.port ?? this.#options.virtualPort;
      const previous = this.#byId.get(real.id);
      const kept = previous !== undefined && previous.address === real.address && previous.port === port;
      const entry: ServerEntry = {
        id: real.id,
        address: real.address,
        port,
        weight: Math.max(0, Math.min(65535, Math.trunc(real.weight))),
        stats: kept ? previous.stats : new ServerStats(),
        upperThreshold: real.upperThreshold ?? 0,
        lowerThreshold: real.lowerThreshold ?? 0,
      };
      next.push(entry);
      byId.set(entry.id, entry);
    }
    const removed: ServerEntry[] = [];
    for (const old of this.#servers) {
      if (byId.get(old.id)?.stats !== old.stats) removed.push(old);
    }
    this.#servers = next;
    this.#byId = byId;
    this.#scheduler = this.#build(next, this.#scheduler);
    if (removed.length > 0) this.persistence?.dropServers(new Set(removed.map((entry) => entry.id)));
    return removed;
  }

  /**
   * The server for a new flow, through the client's persistence template when it has a live
   * one. `exclude` lists servers this flow already failed to reach: it goes elsewhere, and a
   * persistent client is not rebound by such a detour.
   */
  dispatch(flow: LvsFlow, exclude?: ReadonlySet<string>): Dispatch | undefined {
    const persistence = this.persistence;
    let template: PersistenceTemplate | undefined;
    if (persistence !== undefined) {
      template = persistence.find(flow.sourceAddress);
      if (template !== undefined) {
        const bound = this.#byId.get(template.serverId);
        // ip_vs_check_template: a server that left expires the template, a quiesced one only
        // when expire_quiescent_template is on
        if (bound === undefined || (bound.weight === 0 && this.#options.expireQuiescentTemplate)) {
          persistence.drop(template);
          template = undefined;
        } else if (exclude === undefined || !exclude.has(bound.id)) {
          return { server: bound, template };
        }
      }
    }
    this.#excluding = exclude;
    this.#at = this.#options.now();
    let server: ServerEntry | undefined;
    try {
      server = this.#scheduler.schedule(flow) as ServerEntry | undefined;
    } finally {
      this.#excluding = undefined;
      this.#at = undefined;
    }
    if (server === undefined) return undefined;
    if (persistence !== undefined && template === undefined) template = persistence.bind(flow.sourceAddress, server.id);
    else if (template !== undefined && template.serverId !== server.id) template = undefined;
    return { server, template };
  }

  #build(servers: readonly ServerEntry[], previous: LvsScheduler | undefined): LvsScheduler {
    const options = this.#options;
    return options.algorithm.build(
      servers,
      { flags: options.flags, counts: this, now: options.now, ...(options.random === undefined ? {} : { random: options.random }) },
      previous,
    );
  }
}
