// The interface every LVS scheduler implements: the user-space data path's (and any other
// caller's) view of Linux IPVS's `struct ip_vs_scheduler`. A scheduler is built from the real
// servers of one virtual server as they stand now and only asked to `schedule` a new flow; when
// health, weights or the server set change it is rebuilt, handing the previous instance over so
// the algorithms whose kernel counterpart keeps state across destination changes (rr's position,
// wrr's current weight, lblc/lblcr's locality tables, mh's last weights) can carry it.
import type { LvsProtocol, LvsScheduler as LvsSchedulerName, SchedulerFlag } from '../../config/keepalived/model.ts';

export type { LvsSchedulerName, SchedulerFlag };

/** One real server as a scheduler sees it; the data path hands in its own objects and gets them back */
export interface LvsRealServer {
  /** stable identity across rebuilds (the check engine's id) */
  readonly id: string;
  readonly address: string;
  readonly port: number;
  /**
   * IPVS weight, 0..65535. 0 = quiesced (keepalived's inhibit_on_failure): the server stays in the
   * table, its established flows keep going, it takes no new flows.
   */
  readonly weight: number;
}

/** The first packet of a new flow (a TCP connection, a UDP client's datagram) */
export interface LvsFlow {
  readonly sourceAddress: string;
  readonly sourcePort: number;
  /** the virtual address the client reached (the VIP): dh, lblc and lblcr key on it */
  readonly destinationAddress: string;
  readonly destinationPort: number;
  readonly protocol: LvsProtocol;
}

/**
 * Live per-server connection counts, read at schedule time (IPVS's activeconns/inactconns).
 * `overloaded` is IPVS's IP_VS_DEST_F_OVERLOAD: every scheduler skips such a server.
 */
export interface ConnectionCounts {
  active(server: LvsRealServer): number;
  inactive(server: LvsRealServer): number;
  overloaded?(server: LvsRealServer): boolean;
}

export interface LvsSchedulerOptions {
  /** the virtual server's `lvs_flags` / scheduler flags (`sh-port`, `mh-fallback`, `flag-1`, ...) */
  readonly flags: ReadonlySet<SchedulerFlag>;
  readonly counts: ConnectionCounts;
  /** [0, 1); twos draws from it. Math.random when absent */
  readonly random?: () => number;
  /** monotonic milliseconds; lblc and lblcr age their tables with it. performance.now when absent */
  readonly now?: () => number;
}

export interface LvsScheduler {
  /** the real server for a new flow, or undefined when none can take it ("no destination available") */
  schedule(flow: LvsFlow): LvsRealServer | undefined;
}

export interface LvsSchedulerAlgorithm {
  /** keepalived's `lvs_sched` / `lb_algo` name, the same as ipvsadm's `-s` */
  readonly name: LvsSchedulerName;
  /** reads ConnectionCounts (the user-space data path must keep them; the nftables path cannot) */
  readonly usesCounts: boolean;
  /** which address the choice follows, for hashing and locality schedulers */
  readonly keyedOn?: 'source' | 'destination';
  /**
   * `previous` is the instance this one replaces (same algorithm), for the state the kernel keeps
   * across destination changes; pass undefined on first build.
   */
  build(servers: readonly LvsRealServer[], options: LvsSchedulerOptions, previous?: LvsScheduler): LvsScheduler;
}

/** Skips what IPVS skips before any algorithm looks at a server: weight 0 and the overload flag */
export function available(server: LvsRealServer, counts: ConnectionCounts): boolean {
  return server.weight > 0 && counts.overloaded?.(server) !== true;
}

/**
 * IPVS's ip_vs_dest_conn_overhead: an active connection is taken to cost 256 times an inactive
 * one (include/net/ip_vs.h)
 */
export function connectionOverhead(server: LvsRealServer, counts: ConnectionCounts): number {
  return counts.active(server) * 256 + counts.inactive(server);
}
