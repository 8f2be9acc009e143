// The nft match for the traffic of one virtual server, and the names vigil gives its objects.
import type { KernelRealServer, KernelVirtualServer } from './model.ts';
import { nameFragment } from './ruleset.ts';

/** `ip daddr 198.51.100.15 tcp dport 80`, `ip daddr 198.51.100.15 meta l4proto tcp`, `meta mark 7 meta l4proto tcp` */
export function serviceMatch(vs: KernelVirtualServer): string {
  const match = vs.match;
  if (match.kind === 'fwmark') return `meta mark ${match.fwmark} meta l4proto ${vs.protocol}`;
  const port = match.port;
  return port === undefined || port === 0
    ? `ip daddr ${match.address} meta l4proto ${vs.protocol}`
    : `ip daddr ${match.address} ${vs.protocol} dport ${port}`;
}

/** Whether the service takes every port of its address (keepalived's port 0, or a fwmark) */
export function allPorts(vs: KernelVirtualServer): boolean {
  return vs.match.kind === 'fwmark' || vs.match.port === undefined || vs.match.port === 0;
}

/** `v_tcp_198_51_100_15_80`, `v_fwm_7_tcp` */
export function virtualServerKey(vs: KernelVirtualServer): string {
  const match = vs.match;
  return match.kind === 'fwmark'
    ? `v_fwm_${match.fwmark}_${vs.protocol}`
    : `v_${vs.protocol}_${nameFragment(match.address)}_${match.port ?? 0}`;
}

/** `v_tcp_198_51_100_15_80__198_51_100_100_80`: one real server of one virtual server */
export function realServerKey(vs: KernelVirtualServer, rs: KernelRealServer): string {
  return `${virtualServerKey(vs)}__${nameFragment(rs.address)}_${rs.port ?? 0}`;
}

/** "198.51.100.100:80", or the bare address when the client's port is kept */
export function realServerName(rs: KernelRealServer): string {
  return rs.port === undefined ? rs.address : `${rs.address}:${rs.port}`;
}
