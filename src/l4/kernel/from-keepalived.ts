// keepalived's virtual_server plus its desired table (../virtual-server-state.ts) → what the
// kernel data path installs. Defaults are keepalived's: lb_kind NAT, lb_algo wlc, protocol TCP.
import type { VirtualServer } from '../../config/keepalived/model.ts';
import { virtualServerLabel } from '../keepalived-format.ts';
import type { TableEntry } from '../virtual-server-state.ts';
import type { KernelProtocol, KernelSourceNat, KernelVirtualServer } from './model.ts';
import { fullNetmask, parseGranularity } from './persistence.ts';

export interface KernelAdapterOptions {
  /**
   * NAT source translation, vigil's addition to keepalived.conf (see docs/l4-kernel.md): the
   * caller reads it from the virtual_server's `vigil_snat` keyword.
   */
  readonly sourceNat?: KernelSourceNat;
  /** DR: the interface client packets arrive on, when not the one facing the real servers */
  readonly ingressInterface?: string;
}

export interface KernelAdapterResult {
  /** undefined when the kernel path cannot run this virtual server (the warnings say why) */
  readonly value: KernelVirtualServer | undefined;
  readonly warnings: readonly string[];
}

export function kernelVirtualServer(vs: VirtualServer, table: readonly TableEntry[], options: KernelAdapterOptions = {}): KernelAdapterResult {
  const label = virtualServerLabel(vs);
  const warnings: string[] = [];
  const target = vs.target;
  if (target.kind === 'group') {
    return { value: undefined, warnings: [`Virtual server ${label}: virtual_server_group is not supported by the kernel data path yet; skipped`] };
  }
  const method = vs.method ?? 'NAT';
  for (const rs of vs.realServers) {
    if (rs.method !== undefined && rs.method !== method) {
      warnings.push(`Virtual server ${label}: real server ${rs.address.address} asks for lb_kind ${rs.method}; the kernel data path uses ${method} for the whole virtual server`);
    }
  }
  let netmask = fullNetmask;
  if (vs.persistenceGranularity !== undefined) {
    const parsed = parseGranularity(vs.persistenceGranularity);
    if (parsed === undefined) warnings.push(`Virtual server ${label}: cannot use persistence_granularity "${vs.persistenceGranularity}"; using ${fullNetmask}`);
    else netmask = parsed;
  }
  const value: KernelVirtualServer = {
    label,
    match: target.kind === 'fwmark' ? { kind: 'fwmark', fwmark: target.fwmark } : { kind: 'address', address: target.address.address, ...(target.port === undefined ? {} : { port: target.port }) },
    protocol: (vs.protocol ?? 'TCP').toLowerCase() as KernelProtocol,
    method,
    scheduler: vs.scheduler ?? 'wlc',
    schedulerFlags: vs.schedulerFlags,
    ...(vs.persistenceTimeoutS === undefined || vs.persistenceTimeoutS <= 0 ? {} : { persistence: { timeoutS: vs.persistenceTimeoutS, netmask } }),
    ...(options.sourceNat === undefined ? {} : { sourceNat: options.sourceNat }),
    ...(options.ingressInterface === undefined ? {} : { ingressInterface: options.ingressInterface }),
    realServers: table.map((entry) => ({
      id: entry.id,
      address: entry.address,
      ...(entry.port === undefined ? {} : { port: entry.port }),
      weight: entry.weight,
    })),
  };
  return { value, warnings };
}
