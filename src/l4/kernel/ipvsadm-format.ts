// `ipvsadm -Ln` as text, from KernelL4.counters(): what an operator used to LVS reads first.
import type { VirtualServerCounters } from './counters.ts';

const forwardNames: Readonly<Record<string, string>> = { NAT: 'Masq', DR: 'Route', TUN: 'Tunnel' };

export function formatIpvsadm(services: readonly VirtualServerCounters[]): string {
  const lines = [
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
  ];
  for (const vs of services) {
    // label is keepalived's `[address]:proto:port`
    const found = /^\[(.*)\]:(\w+):(\d+)$/.exec(vs.label);
    const service = found === null ? vs.label : `${(found[2] ?? '').toUpperCase()}  ${found[1] ?? ''}:${found[3] ?? ''}`;
    lines.push(`${service} ${vs.scheduler}`);
    for (const rs of vs.realServers) {
      const remote = `${rs.address}:${rs.port ?? 0}`.padEnd(28);
      lines.push(`  -> ${remote} ${(forwardNames[vs.method] ?? vs.method).padEnd(7)} ${String(rs.weight).padEnd(6)} ${String(rs.activeConnections).padEnd(10)} ${rs.inactiveConnections}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
