// The ruleset compiler: virtual servers with their desired real-server tables in, the nftables
// ruleset (one ip table for NAT, one netdev table per DR ingress interface) and what it could
// not do exactly out. Pure: the DR neighbour entries are looked up beforehand (runtime.ts).
import type { CompiledVirtualServer, Compilation } from './compiled.ts';
import { compileDr } from './dr.ts';
import { defaultFlowTimeouts, type FlowTimeouts, type KernelVirtualServer, type ResolvedNeighbor } from './model.ts';
import { compileNat } from './nat.ts';
import type { NftTable } from './ruleset.ts';
import { defaultMaxSlots } from './weights.ts';

export interface CompileOptions {
  /** largest scheduler map; bigger weight sums are scaled down (default 1024) */
  readonly maxSlots?: number;
  /** elements per dynamic set (flows of one DR real server, persistent clients); default 65536 */
  readonly setSize?: number;
  readonly timeouts?: FlowTimeouts;
  readonly neighbors?: ReadonlyMap<string, ResolvedNeighbor>;
  readonly interfaceMacs?: ReadonlyMap<string, string>;
}

export const defaultSetSize = 65536;

export function compileRuleset(services: readonly KernelVirtualServer[], options: CompileOptions = {}): Compilation {
  const warnings: string[] = [];
  const nat: KernelVirtualServer[] = [];
  const dr: KernelVirtualServer[] = [];
  for (const vs of services) {
    const unsupported = unsupportedReason(vs);
    if (unsupported !== undefined) {
      warnings.push(`Virtual server ${vs.label}: ${unsupported}; skipped`);
      continue;
    }
    (vs.method === 'DR' ? dr : nat).push(vs);
  }
  const common = { maxSlots: options.maxSlots ?? defaultMaxSlots, setSize: options.setSize ?? defaultSetSize };
  const natPart = compileNat(nat, common);
  const drPart = compileDr(dr, {
    ...common,
    timeouts: options.timeouts ?? defaultFlowTimeouts,
    neighbors: options.neighbors ?? new Map(),
    interfaceMacs: options.interfaceMacs ?? new Map(),
  });
  const virtualServers: CompiledVirtualServer[] = [...natPart.virtualServers, ...drPart.virtualServers];
  for (const vs of virtualServers) {
    if (vs.approximation !== undefined) warnings.push(`Virtual server ${vs.label}: scheduler ${vs.scheduler} is approximated in the kernel: ${vs.approximation}`);
  }
  warnings.push(...drPart.warnings);
  const tables: NftTable[] = [...(natPart.table === undefined ? [] : [natPart.table]), ...drPart.tables];
  return { ruleset: { tables }, virtualServers, warnings };
}

function unsupportedReason(vs: KernelVirtualServer): string | undefined {
  if (vs.method === 'TUN') return 'lb_kind TUN is not supported by the kernel data path yet';
  if (vs.match.kind === 'address' && vs.match.address.includes(':')) return 'IPv6 virtual servers are not supported by the kernel data path yet';
  if (vs.realServers.some((rs) => rs.address.includes(':'))) return 'IPv6 real servers are not supported by the kernel data path yet';
  return undefined;
}
