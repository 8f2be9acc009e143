// What the kernel data path is asked to install: virtual servers with their desired real-server
// tables (weights already decided by health, see ../virtual-server-state.ts). Plain data, built
// from keepalived's model by from-keepalived.ts; the compiler turns it into nftables rules.
import type { LvsMethod, LvsScheduler, SchedulerFlag } from '../../config/keepalived/model.ts';

export type KernelProtocol = 'tcp' | 'udp' | 'sctp';

/** What traffic a virtual server takes */
export type KernelServiceMatch =
  /** `virtual_server ADDR PORT`; no port (keepalived's port 0) takes every port of the address */
  | { readonly kind: 'address'; readonly address: string; readonly port?: number }
  /** `virtual_server fwmark N`: packets an earlier rule marked N (NAT only: DR runs before marking) */
  | { readonly kind: 'fwmark'; readonly fwmark: number };

export interface KernelRealServer {
  /** stable across applies: the engine's server id, or "address:port" */
  readonly id: string;
  readonly address: string;
  /** absent: keep the client's destination port */
  readonly port?: number;
  /** 0 = quiescent: no new flows, established ones carry on */
  readonly weight: number;
}

/**
 * Source NAT for NAT mode, vigil's addition (keepalived has no such keyword; see
 * docs/l4-kernel.md): without it the real servers must route replies through the director.
 */
export type KernelSourceNat = { readonly kind: 'masquerade' } | { readonly kind: 'address'; readonly address: string };

export interface KernelPersistence {
  readonly timeoutS: number;
  /** IPv4 netmask applied to the client address, "255.255.255.255" (one client) by default */
  readonly netmask: string;
}

export interface KernelVirtualServer {
  /** keepalived's label, e.g. `[198.51.100.15]:tcp:80`: names the server in warnings */
  readonly label: string;
  readonly match: KernelServiceMatch;
  readonly protocol: KernelProtocol;
  readonly method: LvsMethod;
  readonly scheduler: LvsScheduler;
  readonly schedulerFlags: readonly SchedulerFlag[];
  readonly persistence?: KernelPersistence;
  readonly sourceNat?: KernelSourceNat;
  /**
   * DR: the director's interface where client packets for the VIP arrive. Default: the interface
   * that reaches the real servers (one LAN, as in the classic LVS-DR setup).
   */
  readonly ingressInterface?: string;
  readonly realServers: readonly KernelRealServer[];
}

/** IPVS's connection timeouts (ipvsadm --set), keepalived's `lvs_timeouts`; seconds */
export interface FlowTimeouts {
  readonly tcpS: number;
  readonly tcpFinS: number;
  readonly udpS: number;
}

/** IPVS's defaults: 15 min established TCP, 2 min after FIN, 5 min UDP */
export const defaultFlowTimeouts: FlowTimeouts = { tcpS: 900, tcpFinS: 120, udpS: 300 };

/** A real server with what DR needs to address frames to it */
export interface ResolvedNeighbor {
  readonly interface: string;
  readonly mac: string;
}
