// The conntrack port: the kernel's connection-tracking table, read for ipvsadm-style
// ActiveConn/InActConn figures of NAT virtual servers (NAT flows are conntrack entries).
// Implementations: conntrack-linux.ts (/proc/net/nf_conntrack), conntrack-fake.ts (tests).
import type { HostResult } from './result.ts';

export interface ConntrackTuple {
  readonly source: string;
  readonly destination: string;
  /** Absent for protocols without ports (ICMP) */
  readonly sourcePort?: number;
  readonly destinationPort?: number;
}

export interface ConntrackEntry {
  /** "tcp", "udp", "sctp", "icmp", ... */
  readonly protocol: string;
  /** The TCP/SCTP state ("ESTABLISHED", "TIME_WAIT", ...); undefined for stateless protocols */
  readonly state?: string;
  /** As the client sent it (destination = the VIP for a NAT flow) */
  readonly original: ConntrackTuple;
  /** As the answer comes back (source = the real server for a NAT flow) */
  readonly reply: ConntrackTuple;
}

export interface ConntrackPort {
  /** IPv4 entries of the table now */
  list(): Promise<HostResult<ConntrackEntry[]>>;
}

/**
 * Parses /proc/net/nf_conntrack (or `conntrack -L -o extended`) lines, e.g.
 * `ipv4 2 tcp 6 431999 ESTABLISHED src=203.0.113.10 dst=203.0.113.15 sport=5 dport=80 src=198.51.100.100 dst=203.0.113.10 sport=80 dport=5 [ASSURED] mark=0 use=1`.
 * Lines that are not IPv4 are skipped.
 */
export function parseConntrack(text: string): ConntrackEntry[] {
  const entries: ConntrackEntry[] = [];
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words[0] !== 'ipv4') continue;
    const protocol = words[2];
    if (protocol === undefined) continue;
    // After "ipv4 2 PROTO NUM TIMEOUT" comes an optional state word, then key=value pairs.
    const state = words[5] !== undefined && !words[5].includes('=') ? words[5] : undefined;
    const tuples: Array<Record<string, string>> = [];
    for (const word of words.slice(5)) {
      const eq = word.indexOf('=');
      if (eq === -1) continue;
      const key = word.slice(0, eq);
      if (key === 'src') tuples.push({});
      const tuple = tuples.at(-1);
      if (tuple !== undefined && tuples.length <= 2 && !(key in tuple)) tuple[key] = word.slice(eq + 1);
    }
    const [original, reply] = tuples.map(toTuple);
    if (original === undefined || reply === undefined) continue;
    entries.push({ protocol, ...(state === undefined ? {} : { state }), original, reply });
  }
  return entries;
}

function toTuple(fields: Record<string, string>): ConntrackTuple | undefined {
  const source = fields['src'];
  const destination = fields['dst'];
  if (source === undefined || destination === undefined) return undefined;
  const sourcePort = fields['sport'] === undefined ? undefined : Number(fields['sport']);
  const destinationPort = fields['dport'] === undefined ? undefined : Number(fields['dport']);
  return {
    source,
    destination,
    ...(sourcePort === undefined ? {} : { sourcePort }),
    ...(destinationPort === undefined ? {} : { destinationPort }),
  };
}
