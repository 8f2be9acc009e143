// What the L4 control loop needs of a data path, kernel (nftables) or user space: install a
// virtual server's current table of real servers, report its connections, remove everything.
import type { VirtualServer } from '../config/keepalived/model.ts';
import type { TableEntry } from './virtual-server-state.ts';

export interface RealServerCounters {
  readonly activeConnections: number;
  readonly inactiveConnections: number;
}

export interface L4DataPath {
  /** 'kernel' (nftables) or 'userspace' (vigil relays the connections itself) */
  readonly kind: string;
  /**
   * Installs or replaces the real servers of one virtual server, atomically: flows on servers
   * that stay keep going; weight 0 takes no new flows (inhibit_on_failure).
   */
  apply(id: string, virtualServer: VirtualServer, table: readonly TableEntry[]): Promise<void>;
  /** connection counts per real server id, for `vigil lvs -Ln`'s ActiveConn/InActConn */
  counters(id: string): ReadonlyMap<string, RealServerCounters>;
  /** removes everything this data path installed */
  stop(): Promise<void>;
}
