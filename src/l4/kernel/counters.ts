// ipvsadm-style figures per real server, read back from the kernel: packets and bytes from
// vigil's named nft counters, connections from conntrack (NAT) or the DR flow sets.
//   ActiveConn:  NAT: ESTABLISHED conntrack entries; DR: remembered flows that have not seen
//                FIN or RST
//   InActConn:   NAT: other TCP states and every UDP flow (as IPVS counts them); DR: flows that
//                have seen FIN/RST, until the tcp_fin timeout forgets them
//   Conns:       new flows the server was given since vigil installed it
import type { ConntrackEntry } from '../../netctl/conntrack.ts';
import type { NftObject } from '../../netctl/nftables.ts';
import type { CompiledRealServer, CompiledVirtualServer } from './compiled.ts';

export interface RealServerCounters {
  readonly id: string;
  readonly address: string;
  readonly port?: number;
  readonly weight: number;
  readonly activeConnections: number;
  readonly inactiveConnections: number;
  /** new flows scheduled to it (ipvsadm --stats "Conns") */
  readonly connections: number;
  readonly inPackets: number;
  readonly inBytes: number;
  /** NAT only; DR replies never cross the director */
  readonly outPackets: number;
  readonly outBytes: number;
}

export interface VirtualServerCounters {
  readonly label: string;
  readonly method: string;
  readonly scheduler: string;
  readonly realServers: readonly RealServerCounters[];
}

/** What `nft -j list table ...` said about one table: counters and set elements by name */
export interface TableState {
  readonly counters: ReadonlyMap<string, { readonly packets: number; readonly bytes: number }>;
  readonly setElements: ReadonlyMap<string, readonly string[]>;
}

export function parseTableState(objects: readonly NftObject[]): TableState {
  const counters = new Map<string, { packets: number; bytes: number }>();
  const setElements = new Map<string, string[]>();
  for (const object of objects) {
    const counter = object['counter'] as { name?: unknown; packets?: unknown; bytes?: unknown } | undefined;
    if (counter !== undefined && typeof counter.name === 'string') {
      counters.set(counter.name, { packets: Number(counter.packets ?? 0), bytes: Number(counter.bytes ?? 0) });
    }
    const set = object['set'] as { name?: unknown; elem?: unknown } | undefined;
    if (set !== undefined && typeof set.name === 'string') {
      const elements = Array.isArray(set.elem) ? set.elem : [];
      // Elements with a timeout come as { elem: { val, expires } }; plain ones as the value.
      setElements.set(
        set.name,
        elements.map((element: unknown) => JSON.stringify((element as { elem?: { val?: unknown } }).elem?.val ?? element)),
      );
    }
  }
  return { counters, setElements };
}

export function countersOf(
  virtualServers: readonly CompiledVirtualServer[],
  tables: ReadonlyMap<string, TableState>,
  conntrack: readonly ConntrackEntry[] | undefined,
): VirtualServerCounters[] {
  return virtualServers.map((vs) => ({
    label: vs.label,
    method: vs.method,
    scheduler: vs.scheduler,
    realServers: vs.realServers.map((rs) => {
      const table = tables.get(`${rs.family} ${rs.table}`);
      const counter = (name: string | undefined) => (name === undefined ? undefined : table?.counters.get(name));
      const connections = vs.method === 'DR' ? drConnections(rs, table) : natConnections(vs, rs, conntrack);
      return {
        id: rs.id,
        address: rs.address,
        ...(rs.port === undefined ? {} : { port: rs.port }),
        weight: rs.weight,
        ...connections,
        connections: counter(rs.connectionsCounter)?.packets ?? 0,
        inPackets: counter(rs.inCounter)?.packets ?? 0,
        inBytes: counter(rs.inCounter)?.bytes ?? 0,
        outPackets: counter(rs.outCounter)?.packets ?? 0,
        outBytes: counter(rs.outCounter)?.bytes ?? 0,
      };
    }),
  }));
}

function drConnections(rs: CompiledRealServer, table: TableState | undefined): { activeConnections: number; inactiveConnections: number } {
  const flows = rs.flowSet === undefined ? [] : (table?.setElements.get(rs.flowSet) ?? []);
  const closing = new Set(rs.closingSet === undefined ? [] : (table?.setElements.get(rs.closingSet) ?? []));
  const active = flows.filter((flow) => !closing.has(flow)).length;
  return { activeConnections: active, inactiveConnections: closing.size };
}

function natConnections(
  vs: CompiledVirtualServer,
  rs: CompiledRealServer,
  conntrack: readonly ConntrackEntry[] | undefined,
): { activeConnections: number; inactiveConnections: number } {
  let active = 0;
  let inactive = 0;
  const match = vs.source.match;
  for (const entry of conntrack ?? []) {
    if (entry.protocol !== vs.protocol || entry.reply.source !== rs.address) continue;
    if (rs.port !== undefined && entry.reply.sourcePort !== rs.port) continue;
    if (match.kind === 'address') {
      if (entry.original.destination !== match.address) continue;
      if (match.port !== undefined && match.port !== 0 && entry.original.destinationPort !== match.port) continue;
    } else if (entry.original.destination === rs.address) {
      continue; // not translated: the client talked to the server directly
    }
    if (entry.state === 'ESTABLISHED') active += 1;
    else inactive += 1;
  }
  return { activeConnections: active, inactiveConnections: inactive };
}
