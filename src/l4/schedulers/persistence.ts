// `persistence_timeout` with `persistence_granularity`: IPVS's persistent templates
// (ip_vs_sched_persist). A client, its source address masked by the granularity, is bound to the
// real server its first connection was scheduled to, and every later connection from it goes to
// the same server while the template lives. The template lives while any of its connections is
// open and for `timeout` after the last of them ends (or after the last one started, when that
// is later). The kernel gets there by re-arming the template's timer in whole timeouts while it
// still controls connections, so a kernel template can outlive its last connection by anything
// up to the timeout; vigil's expires exactly `timeout` after it.
//
// Pure: the clock is injected and nothing runs on a timer; lookups expire stale templates, and
// the owner calls `sweep()` now and then to bound memory. Both data paths share it: the
// user-space path here, and any kernel path that has to remember clients itself.
import { granularityPrefix, maskAddress } from './address.ts';

export interface PersistenceOptions {
  /** persistence_timeout in milliseconds (keepalived's default when the keyword has no value: 360 s) */
  readonly timeoutMs: number;
  /** persistence_granularity as written: a netmask (`255.255.255.0`) or a prefix length (`64`); absent = one client per address */
  readonly granularity?: string;
  /** monotonic milliseconds */
  readonly now: () => number;
}

export class PersistenceTemplate {
  readonly client: string;
  serverId: string;
  /** open connections (or live UDP flows) bound through this template */
  connections = 0;
  /** when a connection last started or ended */
  lastActivity: number;

  constructor(client: string, serverId: string, now: number) {
    this.client = client;
    this.serverId = serverId;
    this.lastActivity = now;
  }
}

export class PersistenceTable {
  readonly #templates = new Map<string, PersistenceTemplate>();
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #ipv4Prefix: number;
  readonly #ipv6Prefix: number;

  constructor(options: PersistenceOptions) {
    if (!(options.timeoutMs > 0)) throw new RangeError(`Cannot keep persistence for ${options.timeoutMs} ms: the timeout must be positive`);
    this.#timeoutMs = options.timeoutMs;
    this.#now = options.now;
    if (options.granularity === undefined) {
      this.#ipv4Prefix = 32;
      this.#ipv6Prefix = 128;
    } else {
      const prefix = granularityPrefix(options.granularity);
      if (prefix === undefined) throw new RangeError(`Cannot use persistence granularity "${options.granularity}": expected a netmask or a prefix length`);
      // a netmask speaks for IPv4 only; a prefix length for either family
      const isNetmask = options.granularity.includes('.');
      this.#ipv4Prefix = Math.min(prefix, 32);
      this.#ipv6Prefix = isNetmask ? 128 : prefix;
    }
  }

  get size(): number {
    return this.#templates.size;
  }

  /** The key a source address is filed under: the address with the granularity's host bits cleared */
  clientOf(sourceAddress: string): string {
    return maskAddress(sourceAddress, this.#ipv4Prefix, this.#ipv6Prefix);
  }

  /** The live template of the client `sourceAddress` belongs to, if any */
  find(sourceAddress: string): PersistenceTemplate | undefined {
    const client = this.clientOf(sourceAddress);
    const template = this.#templates.get(client);
    if (template === undefined) return undefined;
    if (this.#expired(template, this.#now())) {
      this.#templates.delete(client);
      return undefined;
    }
    return template;
  }

  /** Binds the client to a server (a new template, or the existing one moved) */
  bind(sourceAddress: string, serverId: string): PersistenceTemplate {
    const client = this.clientOf(sourceAddress);
    const now = this.#now();
    const existing = this.#templates.get(client);
    if (existing !== undefined && !this.#expired(existing, now)) {
      existing.serverId = serverId;
      existing.lastActivity = now;
      return existing;
    }
    const template = new PersistenceTemplate(client, serverId, now);
    this.#templates.set(client, template);
    return template;
  }

  /** A connection bound through the template started */
  opened(template: PersistenceTemplate): void {
    template.connections++;
    template.lastActivity = this.#now();
  }

  /** A connection bound through the template ended: the timeout runs from now once none is left */
  closed(template: PersistenceTemplate): void {
    if (template.connections > 0) template.connections--;
    template.lastActivity = this.#now();
  }

  /**
   * Forgets a client's template (its server went away, or is quiesced and the owner expires
   * quiescent templates); connections still open through it keep their server
   */
  drop(template: PersistenceTemplate): void {
    if (this.#templates.get(template.client) === template) this.#templates.delete(template.client);
  }

  /** Forgets every template bound to one of `serverIds` */
  dropServers(serverIds: ReadonlySet<string>): number {
    let dropped = 0;
    for (const [client, template] of this.#templates) {
      if (!serverIds.has(template.serverId)) continue;
      this.#templates.delete(client);
      dropped++;
    }
    return dropped;
  }

  /** Removes expired templates; returns how many */
  sweep(): number {
    const now = this.#now();
    let removed = 0;
    for (const [client, template] of this.#templates) {
      if (!this.#expired(template, now)) continue;
      this.#templates.delete(client);
      removed++;
    }
    return removed;
  }

  #expired(template: PersistenceTemplate, now: number): boolean {
    return template.connections === 0 && now - template.lastActivity >= this.#timeoutMs;
  }
}
