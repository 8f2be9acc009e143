// The neighbour-announcement port: after taking over a VIP, tell the LAN its new MAC (gratuitous
// ARP for IPv4, RFC 5227 §3 / RFC 3768 §8.1.2; unsolicited Neighbor Advertisement for IPv6,
// RFC 4861 §7.2.6, RFC 5798 §8.2.3). One call sends one burst; announce-schedule.ts repeats
// bursts as keepalived's garp_master_delay / garp_master_refresh do.
// Implementations: neighbor-announce-linux.ts (arping), neighbor-announce-fake.ts (tests).
import type { HostResult } from './result.ts';

export interface AnnounceSpec {
  readonly interface: string;
  /** The VIP to announce; it must already be on the interface. */
  readonly address: string;
  /** Packets in the burst; keepalived's vrrp_garp_master_repeat, default 5. */
  readonly count?: number;
  /** Gap between the burst's packets; keepalived's vrrp_garp_interval. Default 0 (back to back). */
  readonly intervalMs?: number;
}

export interface AnnounceOutcome {
  /** Packets sent, as the sender reported. */
  readonly sent: number;
}

export interface NeighborAnnouncePort {
  /** Sends one burst. Resolves (never rejects); IPv6 fails with code unsupported on Linux today. */
  announce(spec: AnnounceSpec): Promise<HostResult<AnnounceOutcome>>;
}

export const DEFAULT_ANNOUNCE_COUNT = 5;
