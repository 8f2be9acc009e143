// The neighbour-table port: which interface and link-layer (MAC) address reach an IPv4 address,
// as the director's own ARP table says. LVS-DR needs it: the director rewrites a frame's
// destination MAC to the real server's and sends it out of the interface that reaches it.
// Implementations: neighbor-table-linux.ts (`ip route get`, `ip neigh`, a ping to fill the table),
// neighbor-table-fake.ts (tests).
import type { HostResult } from './result.ts';

export interface Neighbor {
  /** "198.51.100.100" */
  readonly address: string;
  /** The interface the route to `address` leaves by */
  readonly interface: string;
  /** Lowercase, "aa:bb:cc:dd:ee:ff" */
  readonly mac: string;
}

export interface NeighborTablePort {
  /**
   * The neighbour entry for an on-link `address`, probing once (one ARP request) when the table
   * has none. `value` is undefined when the host does not answer or is not on a directly
   * connected network (DR cannot reach it then).
   */
  resolve(address: string): Promise<HostResult<Neighbor | undefined>>;
  /** The MAC address of the director's own interface */
  interfaceMac(interfaceName: string): Promise<HostResult<string>>;
}
