// LVS-NAT in nftables: table `ip vigil_lvs`.
//
//   prerouting (nat, dstnat):  <service match> jump <vs>
//   <vs>:                      [client in a server's persistence set → goto it], then the pick
//   <vs>__<rs>:                refresh persistence, count the connection, dnat to RS[:port]
//   forward (filter):          count client→server and server→client packets per server,
//                              refresh persistence on every client packet
//   postrouting (nat, srcnat): masquerade / snat to ADDR for services that asked for it
//
// Only a connection's first packet crosses a nat chain: conntrack remembers the translation, so
// a flow keeps its real server for its life, whatever later applies change (weight 0 included).
// The director must forward (net.ipv4.ip_forward=1) and the replies must come back through it:
// real servers route to the clients via the director, or the service uses source NAT.
import type { CompiledRealServer, CompiledVirtualServer } from './compiled.ts';
import type { KernelRealServer, KernelVirtualServer } from './model.ts';
import { persistenceKey, persistenceSetDefinition } from './persistence.ts';
import { pickRule } from './pick.ts';
import type { NftChain, NftSet, NftTable } from './ruleset.ts';
import { kernelSchedulers } from './schedulers.ts';
import { realServerKey, serviceMatch, virtualServerKey } from './service-match.ts';

export const natTableName = 'vigil_lvs';

export interface NatOptions {
  readonly maxSlots: number;
  readonly setSize: number;
}

export interface NatCompilation {
  readonly table: NftTable | undefined;
  readonly virtualServers: CompiledVirtualServer[];
}

export function compileNat(services: readonly KernelVirtualServer[], options: NatOptions): NatCompilation {
  if (services.length === 0) return { table: undefined, virtualServers: [] };
  const counters: string[] = [];
  const sets: NftSet[] = [];
  const chains: NftChain[] = [];
  const prerouting: string[] = [];
  const forward: string[] = [];
  const postrouting: string[] = [];
  const compiled: CompiledVirtualServer[] = [];

  for (const vs of services) {
    const vsChain = virtualServerKey(vs);
    const persistence = vs.persistence;
    const vsRules: string[] = [];
    const realServers: CompiledRealServer[] = [];
    for (const rs of vs.realServers) {
      const key = realServerKey(vs, rs);
      const names = { conns: `c_${key}`, in: `i_${key}`, out: `o_${key}`, persist: `p_${key}` };
      counters.push(names.conns, names.in, names.out);
      const rsRules: string[] = [];
      if (persistence !== undefined) {
        sets.push({ name: names.persist, definition: persistenceSetDefinition(persistence, options.setSize) });
        // A quiescent server keeps its flows but gets no returning clients (like IPVS with
        // expire_quiescent_template=1): weight 0 must mean "no new connections".
        if (rs.weight > 0) vsRules.push(`${persistenceKey(persistence)} @${names.persist} goto ${key}`);
        rsRules.push(`update @${names.persist} { ${persistenceKey(persistence)} }`);
      }
      rsRules.push(`counter name "${names.conns}"`, `meta l4proto ${vs.protocol} dnat to ${destination(rs)}`);
      chains.push({ name: key, rules: rsRules });

      const toServer = `ip daddr ${rs.address}${rs.port === undefined ? ` meta l4proto ${vs.protocol}` : ` ${vs.protocol} dport ${rs.port}`}`;
      const fromServer = `ip saddr ${rs.address}${rs.port === undefined ? ` meta l4proto ${vs.protocol}` : ` ${vs.protocol} sport ${rs.port}`}`;
      const owner = flowOwner(vs);
      forward.push(
        `${toServer} ${owner} counter name "${names.in}"${persistence === undefined ? '' : ` update @${names.persist} { ${persistenceKey(persistence)} }`}`,
        `${fromServer} ${owner} counter name "${names.out}"`,
      );
      const snat = vs.sourceNat;
      if (snat !== undefined) {
        postrouting.push(`${toServer} ${owner} ${snat.kind === 'masquerade' ? 'masquerade' : `snat to ${snat.address}`}`);
      }
      realServers.push({
        id: rs.id,
        address: rs.address,
        ...(rs.port === undefined ? {} : { port: rs.port }),
        weight: rs.weight,
        family: 'ip',
        table: natTableName,
        connectionsCounter: names.conns,
        inCounter: names.in,
        outCounter: names.out,
      });
    }
    const pick = pickRule(vs, (rs) => realServerKey(vs, rs), options);
    if (pick !== undefined) vsRules.push(pick);
    chains.push({ name: vsChain, rules: vsRules });
    prerouting.push(`${serviceMatch(vs)} jump ${vsChain}`);
    const approximation = kernelSchedulers[vs.scheduler].approximation;
    compiled.push({
      label: vs.label,
      method: 'NAT',
      scheduler: vs.scheduler,
      ...(approximation === undefined ? {} : { approximation }),
      protocol: vs.protocol,
      source: vs,
      realServers,
    });
  }

  const baseChains: NftChain[] = [
    { name: 'prerouting', base: 'type nat hook prerouting priority dstnat; policy accept;', rules: prerouting },
    { name: 'forward', base: 'type filter hook forward priority filter; policy accept;', rules: forward },
  ];
  if (postrouting.length > 0) baseChains.push({ name: 'postrouting', base: 'type nat hook postrouting priority srcnat; policy accept;', rules: postrouting });
  return { table: { family: 'ip', name: natTableName, counters, sets, chains: [...baseChains, ...chains] }, virtualServers: compiled };
}

function destination(rs: KernelRealServer): string {
  return rs.port === undefined ? rs.address : `${rs.address}:${rs.port}`;
}

/**
 * Which service a forwarded packet belongs to, from its conntrack entry: the address (and port)
 * the client originally asked for. For a fwmark service, any translated flow (the mark is not
 * on replies, so flows of two fwmark services sharing a real server count for both).
 */
function flowOwner(vs: KernelVirtualServer): string {
  const match = vs.match;
  if (match.kind === 'fwmark') return 'ct status dnat';
  const port = match.port === undefined || match.port === 0 ? '' : ` ct original proto-dst ${match.port}`;
  return `ct original ip daddr ${match.address}${port}`;
}
