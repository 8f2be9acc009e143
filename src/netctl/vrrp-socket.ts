// The VRRP socket port: raw IP protocol 112 on one interface, for one address family. The
// state machine (src/vrrp) sends adverts and receives its peers' through this and nothing else.
// Implementations: vrrp-socket-linux.ts (the addon), vrrp-socket-fake.ts (tests).
import type { NetctlError } from './errors.ts';

export type IpFamily = 4 | 6;

/** RFC 3768 §5.2.2 (IPv4) and RFC 5798 §5.1.2.2 (IPv6): the VRRP multicast groups. */
export const VRRP_GROUP_V4 = '224.0.0.18';
export const VRRP_GROUP_V6 = 'ff02::12';

export function defaultVrrpGroup(family: IpFamily): string {
  return family === 4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6;
}

export interface VrrpSocketOptions {
  readonly interface: string;
  readonly family: IpFamily;
  /**
   * Join the multicast group (default true). False for instances that only talk to
   * `unicast_peer`s: unicast adverts arrive either way.
   */
  readonly multicast?: boolean;
  /** The group to join and advertise to; default 224.0.0.18 / ff02::12 (keepalived `mcast_dst_ip`). */
  readonly group?: string;
}

export interface ReceivedVrrpPacket {
  readonly interface: string;
  readonly family: IpFamily;
  /** Source address of the IP packet (the peer's interface address). */
  readonly from: string;
  /** Destination: the group, or our address for unicast. */
  readonly to: string;
  /** IPv4 TTL / IPv6 hop limit; RFC 3768 §7.1 and RFC 5798 §7.1 drop anything but 255. */
  readonly ttl: number;
  /** The VRRP message, from its version/type byte; no IP header. */
  readonly data: Uint8Array;
  /**
   * IPv4 only: the IP header as received (protocol, total length, options). IPv6 raw sockets do
   * not deliver it; there the kernel has already checked the VRRPv3 checksum.
   */
  readonly ipHeader?: Uint8Array;
}

export type SendResult = { readonly ok: true; readonly bytes: number } | { readonly ok: false; readonly error: NetctlError };

export interface VrrpSocket {
  readonly interface: string;
  readonly family: IpFamily;
  readonly group: string;
  /**
   * Sends one VRRP message (no IP header: the kernel adds it, with TTL 255 and TOS 0xc0) to
   * `destination` (the group or a unicast peer), from `source` when given, else from the
   * interface's primary address. Never blocks and never throws. On IPv6 the kernel fills in the
   * checksum.
   */
  send(message: Uint8Array, destination: string, source?: string): SendResult;
  on(event: 'packet', listener: (packet: ReceivedVrrpPacket) => void): this;
  /** Receive errors; the socket stays open. Unheard errors are dropped. */
  on(event: 'error', listener: (error: NetctlError) => void): this;
  off(event: 'packet', listener: (packet: ReceivedVrrpPacket) => void): this;
  off(event: 'error', listener: (error: NetctlError) => void): this;
  /** Stops receiving and releases the socket; idempotent. An open socket keeps the process alive. */
  close(): void;
  readonly closed: boolean;
}

export interface VrrpSocketPort {
  /**
   * Opens a socket on `options.interface`. Throws a NetctlError: nativeMissing when the addon is
   * not built, socket (with errno) when the kernel refuses (EPERM without CAP_NET_RAW, ENODEV
   * for a missing interface).
   */
  open(options: VrrpSocketOptions): VrrpSocket;
}
