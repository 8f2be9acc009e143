// Status of the parts of vigil that are not the proxy: VRRP instances and LVS-style virtual
// servers. Those subsystems register a source here when they start; the stats page, the metrics
// and the runtime API render whatever sources exist, so the admin side needs no change when a
// subsystem lands, and a test can register a fake one.

/** keepalived's instance states (vrrp.h, and RFC 5798 section 6.4 for INIT/BACKUP/MASTER) */
export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

export interface VrrpTransition {
  /** wall-clock ms */
  readonly at: number;
  readonly from: VrrpState;
  readonly to: VrrpState;
  /** why, in words: "higher priority advert received", "master down timer expired" ... */
  readonly reason?: string;
}

export interface VrrpInstanceStatus {
  readonly name: string;
  readonly state: VrrpState;
  readonly interface: string;
  readonly virtualRouterId: number;
  /** the configured priority */
  readonly priority: number;
  /** after track_script/track_interface weights */
  readonly effectivePriority: number;
  /** as configured, with prefix length: `192.0.2.80/24` */
  readonly virtualAddresses: readonly string[];
  /** wall-clock ms this node became MASTER; absent when not MASTER */
  readonly masterSince?: number;
  readonly lastTransition?: VrrpTransition;
}

/** ipvsadm's names for the forwarding methods (ipvsadm.c fwd_name) */
export type LvsForward = 'Masq' | 'Route' | 'Tunnel' | 'Local';
export type LvsProtocol = 'TCP' | 'UDP' | 'SCTP';

export interface LvsRealServerStatus {
  readonly address: string;
  readonly port: number;
  readonly weight: number;
  readonly forward: LvsForward;
  readonly activeConnections: number;
  readonly inactiveConnections: number;
  /** health as the checks see it; a DOWN real server is usually removed (or weight 0) */
  readonly up?: boolean;
}

export interface LvsVirtualServerStatus {
  readonly protocol: LvsProtocol;
  /** the VIP; for a firewall-mark service, absent */
  readonly address?: string;
  readonly port?: number;
  readonly fwmark?: number;
  /** `rr`, `wrr`, `lc`, `sh` ... */
  readonly scheduler: string;
  /** seconds, when `persistence_timeout` is set */
  readonly persistenceTimeoutSec?: number;
  /** scheduler flags as ipvsadm prints them after the scheduler (`ops`, `sh-port` ...) */
  readonly flags: readonly string[];
  readonly realServers: readonly LvsRealServerStatus[];
}

/** What each kind of source reports */
export interface SourceData {
  readonly vrrp: readonly VrrpInstanceStatus[];
  readonly lvs: readonly LvsVirtualServerStatus[];
}
export type SourceName = keyof SourceData;

export interface StatusSource<N extends SourceName = SourceName> {
  readonly name: N;
  /** the current state; called on every page render and command, so it must be cheap */
  snapshot(): SourceData[N];
}

/**
 * The sources of one running daemon. Several sources of one kind (two keepalived configs) are
 * listed one after the other.
 */
export class StatusSources {
  readonly #sources = new Set<StatusSource>();

  /** returns a function that unregisters it (a subsystem that stops) */
  register<N extends SourceName>(source: StatusSource<N>): () => void {
    const entry = source as unknown as StatusSource;
    this.#sources.add(entry);
    return () => this.#sources.delete(entry);
  }

  has(name: SourceName): boolean {
    for (const source of this.#sources) if (source.name === name) return true;
    return false;
  }

  /** the data of every source of `name`; undefined when none is registered */
  snapshot<N extends SourceName>(name: N): SourceData[N] | undefined {
    let found = false;
    const items: unknown[] = [];
    for (const source of this.#sources) {
      if (source.name !== name) continue;
      found = true;
      items.push(...(source.snapshot() as readonly unknown[]));
    }
    return found ? (items as unknown as SourceData[N]) : undefined;
  }
}
