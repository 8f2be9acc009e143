// `ipvsadm -Ln`'s layout, character for character (ipvsadm.c list_all, print_title and
// print_service_entry): the version line, the two title lines, then per virtual service
// `%s %s` (protocol and address cut to 33 characters, then the scheduler and flags) and per real
// server `  -> %-28s %-7s %-6d %-10u %-10u`. Sorted as ipvsadm sorts without --nosort.
import { isIPv6 } from 'node:net';
import type { LvsRealServerStatus, LvsVirtualServerStatus } from './sources.ts';

/** what ipvsadm prints for the kernel's IP_VS_VERSION_CODE 0x010201 and the default table size */
export const ipvsVersionLine = 'IP Virtual Server version 1.2.1 (size=4096)';
export const ipvsTitle = 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn';

function addressPort(address: string, port: number): string {
  return isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

/** IPv4 as a number for sorting; other addresses sort after, by text */
function addressKey(address: string | undefined): [number, string] {
  const parts = (address ?? '').split('.');
  if (parts.length === 4 && parts.every((p) => /^\d+$/.test(p))) return [parts.reduce((n, p) => n * 256 + Number(p), 0), ''];
  return [Number.MAX_SAFE_INTEGER, address ?? ''];
}

function compare(a: [number, string], b: [number, string]): number {
  return a[0] - b[0] || a[1].localeCompare(b[1]);
}

const protocolOrder: Readonly<Record<string, number>> = { TCP: 6, UDP: 17, SCTP: 132 };

function serviceLine(vs: LvsVirtualServerStatus): string {
  let name: string;
  if (vs.fwmark !== undefined) {
    name = `FWM  ${vs.fwmark}${vs.address !== undefined && isIPv6(vs.address) ? ' IPv6' : ''}`;
  } else {
    const address = vs.address ?? '0.0.0.0';
    name = `${vs.protocol}  ${addressPort(address, vs.port ?? 0)}`;
    if (!isIPv6(address)) name = name.slice(0, 33);
  }
  let line = `${name} ${vs.scheduler}`;
  if (vs.persistenceTimeoutSec !== undefined) line += ` persistent ${vs.persistenceTimeoutSec}`;
  for (const flag of vs.flags) line += ` ${flag}`;
  return line;
}

function realServerLine(vs: LvsVirtualServerStatus, rs: LvsRealServerStatus): string {
  let name = addressPort(rs.address, rs.port);
  if (!isIPv6(rs.address)) name = name.slice(0, 28);
  return `  -> ${name.padEnd(28)} ${rs.forward.padEnd(7)} ${String(rs.weight).padEnd(6)} ${String(rs.activeConnections).padEnd(10)} ${String(rs.inactiveConnections).padEnd(10)}`;
}

/** the whole `ipvsadm -Ln` output, each line ending with "\n" */
export function renderIpvsadm(services: readonly LvsVirtualServerStatus[]): string {
  const sorted = [...services].sort(
    (a, b) =>
      (a.fwmark ?? 0) - (b.fwmark ?? 0) ||
      (protocolOrder[a.protocol] ?? 0) - (protocolOrder[b.protocol] ?? 0) ||
      compare(addressKey(a.address), addressKey(b.address)) ||
      (a.port ?? 0) - (b.port ?? 0),
  );
  let out = `${ipvsVersionLine}\n${ipvsTitle}\n`;
  for (const vs of sorted) {
    out += `${serviceLine(vs)}\n`;
    const reals = [...vs.realServers].sort((a, b) => compare(addressKey(a.address), addressKey(b.address)) || a.port - b.port);
    for (const rs of reals) out += `${realServerLine(vs, rs)}\n`;
  }
  return out;
}
