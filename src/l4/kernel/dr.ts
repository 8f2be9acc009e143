// LVS-DR in nftables: one `netdev vigil_dr_<ifname>` table per interface where client packets
// arrive, its ingress chain running before the IP stack. A packet for a DR service gets the
// chosen real server's MAC as destination and the director's as source, and leaves by the
// interface that reaches the server (`fwd`), its IP header untouched: the real server, holding
// the VIP on lo, answers the client directly.
//
// Ingress has no conntrack, so each flow's choice is remembered in a dynamic set per real server
// (flow key: client address and port, plus the destination port for all-port services):
//
//   ingress:           <service match> jump <vs>
//   <vs>:              a SYN of a flow in S's closing set drops the flow from S's sets; flow in
//                      server S's set → goto S; [client in S's persistence set → goto new_S];
//                      the pick → goto new_S
//   n_<vs>__<rs>:      add the flow to S's set, count it, goto S
//   <vs>__<rs>:        after FIN/RST the flow also enters S's closing set and expires with it
//                      (the tcp_fin timeout), no longer refreshed; otherwise refresh its expiry;
//                      rewrite the MACs, fwd
//
// A SYN on a closing flow is a new connection from a client port the old one used (IPVS's
// conn_reuse_mode): without the drop it would go to the old flow's server, even one at weight 0.
// A retransmitted SYN of a flow not yet closing keeps its server.
//
// Weight 0 leaves S out of the pick (and of persistence) but keeps its set: its flows carry on.
// A removed server's set goes with it, so its remaining flows are picked afresh (and reset by
// the server that gets them, which does not know them). Sets keep their names across applies.
import type { CompiledRealServer, CompiledVirtualServer } from './compiled.ts';
import { type FlowTimeouts, type KernelRealServer, type KernelVirtualServer, type ResolvedNeighbor } from './model.ts';
import { persistenceKey, persistenceSetDefinition } from './persistence.ts';
import { pickRule } from './pick.ts';
import { nameFragment, nftSeconds, type NftChain, type NftSet, type NftTable } from './ruleset.ts';
import { kernelSchedulers } from './schedulers.ts';
import { allPorts, realServerKey, serviceMatch, virtualServerKey } from './service-match.ts';

export interface DrOptions {
  readonly maxSlots: number;
  readonly setSize: number;
  readonly timeouts: FlowTimeouts;
  /** the real servers' neighbour entries, by address; servers without one are left out */
  readonly neighbors: ReadonlyMap<string, ResolvedNeighbor>;
  /** the director's MAC of each egress interface */
  readonly interfaceMacs: ReadonlyMap<string, string>;
}

export interface DrCompilation {
  readonly tables: NftTable[];
  readonly virtualServers: CompiledVirtualServer[];
  readonly warnings: string[];
}

/** `vigil_dr_eth0`; interface names may hold characters nft names may not */
export function drTableName(interfaceName: string): string {
  return `vigil_dr_${nameFragment(interfaceName)}`;
}

// Before everything else on ingress: a packet vigil forwards never reaches later hooks anyway.
const ingressPriority = -500;

interface TableParts {
  readonly interfaceName: string;
  readonly counters: string[];
  readonly sets: NftSet[];
  readonly chains: NftChain[];
  readonly entry: string[];
}

export function compileDr(services: readonly KernelVirtualServer[], options: DrOptions): DrCompilation {
  const byInterface = new Map<string, TableParts>();
  const compiled: CompiledVirtualServer[] = [];
  const warnings: string[] = [];

  for (const vs of services) {
    if (vs.match.kind === 'fwmark') {
      warnings.push(`Virtual server ${vs.label}: DR with fwmark is not supported by the kernel data path (ingress runs before packets are marked); skipped`);
      continue;
    }
    const reachable: Array<{ rs: KernelRealServer; neighbor: ResolvedNeighbor; mac: string }> = [];
    for (const rs of vs.realServers) {
      const neighbor = options.neighbors.get(rs.address);
      const mac = neighbor === undefined ? undefined : options.interfaceMacs.get(neighbor.interface);
      if (neighbor === undefined || mac === undefined) {
        warnings.push(`Virtual server ${vs.label}: real server ${rs.address} has no neighbour entry (not on a directly connected network, or not answering ARP); left out until it resolves`);
        continue;
      }
      if (rs.port !== undefined && vs.match.port !== undefined && vs.match.port !== 0 && rs.port !== vs.match.port) {
        warnings.push(`Virtual server ${vs.label}: DR cannot change ports; real server ${rs.address} gets port ${vs.match.port}, not ${rs.port}`);
      }
      reachable.push({ rs, neighbor, mac });
    }
    const firstNeighbor = reachable[0]?.neighbor;
    const ingress = vs.ingressInterface ?? firstNeighbor?.interface;
    if (ingress === undefined) {
      warnings.push(`Virtual server ${vs.label}: no real server is reachable and no ingress interface is set; nothing installed`);
      continue;
    }
    const parts = byInterface.get(ingress) ?? { interfaceName: ingress, counters: [], sets: [], chains: [], entry: [] };
    byInterface.set(ingress, parts);
    const tableName = drTableName(ingress);
    const usable = { ...vs, realServers: reachable.map((entry) => entry.rs) };
    const flowKey = drFlowKey(vs);
    const flowTimeout = vs.protocol === 'udp' ? options.timeouts.udpS : options.timeouts.tcpS;
    const vsChain = virtualServerKey(vs);
    const vsRules: string[] = [];
    const reuseRules: string[] = [];
    const persistRules: string[] = [];
    const realServers: CompiledRealServer[] = [];

    for (const { rs, neighbor, mac } of reachable) {
      const key = realServerKey(vs, rs);
      const names = { conns: `c_${key}`, in: `i_${key}`, flows: `f_${key}`, closing: `x_${key}`, persist: `p_${key}`, fresh: `n_${key}` };
      parts.counters.push(names.conns, names.in);
      parts.sets.push({ name: names.flows, definition: flowSetDefinition(vs, flowTimeout, options.setSize) });
      const tcp = vs.protocol === 'tcp';
      if (tcp) parts.sets.push({ name: names.closing, definition: flowSetDefinition(vs, options.timeouts.tcpFinS, options.setSize) });
      vsRules.push(`${flowKey} @${names.flows} goto ${key}`);
      if (tcp) {
        reuseRules.push(
          `tcp flags & (syn | ack) == syn ${flowKey} @${names.closing} delete @${names.flows} { ${flowKey} } delete @${names.closing} { ${flowKey} }`,
        );
      }

      const toRules: string[] = [];
      if (tcp) {
        const finTimeout = nftSeconds(options.timeouts.tcpFinS);
        toRules.push(`tcp flags & (fin | rst) != 0 update @${names.closing} { ${flowKey} } update @${names.flows} { ${flowKey} timeout ${finTimeout}s }`);
        toRules.push(`${flowKey} != @${names.closing} update @${names.flows} { ${flowKey} }`);
      } else {
        toRules.push(`update @${names.flows} { ${flowKey} }`);
      }
      const persistence = vs.persistence;
      if (persistence !== undefined) {
        parts.sets.push({ name: names.persist, definition: persistenceSetDefinition(persistence, options.setSize) });
        if (rs.weight > 0) persistRules.push(`${persistenceKey(persistence)} @${names.persist} goto ${names.fresh}`);
        toRules.push(`update @${names.persist} { ${persistenceKey(persistence)} }`);
      }
      toRules.push(`counter name "${names.in}" ether saddr set ${mac} ether daddr set ${neighbor.mac} fwd to "${neighbor.interface}"`);
      parts.chains.push({ name: key, rules: toRules });
      // `add` and `goto` apart: when the set is full the add fails and ends its rule, and the
      // packet must still be forwarded (that flow is then not remembered).
      parts.chains.push({ name: names.fresh, rules: [`add @${names.flows} { ${flowKey} }`, `counter name "${names.conns}" goto ${key}`] });
      realServers.push({
        id: rs.id,
        address: rs.address,
        ...(rs.port === undefined ? {} : { port: rs.port }),
        weight: rs.weight,
        family: 'netdev',
        table: tableName,
        connectionsCounter: names.conns,
        inCounter: names.in,
        flowSet: names.flows,
        ...(tcp ? { closingSet: names.closing } : {}),
      });
    }
    // the drops first: a flow they remove must not match its old server's set below
    vsRules.unshift(...reuseRules);
    vsRules.push(...persistRules);
    const pick = pickRule(usable, (rs) => `n_${realServerKey(vs, rs)}`, options);
    if (pick !== undefined) vsRules.push(pick);
    parts.chains.push({ name: vsChain, rules: vsRules });
    parts.entry.push(`meta protocol ip ${serviceMatch(vs)} jump ${vsChain}`);
    const approximation = kernelSchedulers[vs.scheduler].approximation;
    compiled.push({
      label: vs.label,
      method: 'DR',
      scheduler: vs.scheduler,
      ...(approximation === undefined ? {} : { approximation }),
      protocol: vs.protocol,
      source: vs,
      realServers,
    });
  }

  const tables = [...byInterface.values()].map(
    (parts): NftTable => ({
      family: 'netdev',
      name: drTableName(parts.interfaceName),
      counters: parts.counters,
      sets: parts.sets,
      chains: [
        {
          name: 'ingress',
          base: `type filter hook ingress device "${parts.interfaceName}" priority ${ingressPriority}; policy accept;`,
          rules: parts.entry,
        },
        ...parts.chains,
      ],
    }),
  );
  return { tables, virtualServers: compiled, warnings };
}

/** The flow key: `ip saddr . tcp sport`, with `. tcp dport` when the service takes every port */
export function drFlowKey(vs: KernelVirtualServer): string {
  const base = `ip saddr . ${vs.protocol} sport`;
  return allPorts(vs) ? `${base} . ${vs.protocol} dport` : base;
}

function flowSetDefinition(vs: KernelVirtualServer, timeoutS: number, size: number): string {
  return `typeof ${drFlowKey(vs)}; flags dynamic,timeout; timeout ${nftSeconds(timeoutS)}s; size ${size};`;
}

