// The kernel L4 data path (nftables) as an L4DataPath: every change of any virtual server is one
// atomic transaction over all of them; counters are read once a second for `vigil lvs -Ln`.
import type { VirtualServer } from '../config/keepalived/model.ts';
import { LinuxConntrackPort } from '../netctl/conntrack-linux.ts';
import { LinuxNeighborTablePort } from '../netctl/neighbor-table-linux.ts';
import { LinuxNftablesPort } from '../netctl/nftables-linux.ts';
import type { L4DataPath, RealServerCounters } from './data-path.ts';
import { kernelVirtualServer } from './kernel/from-keepalived.ts';
import type { KernelVirtualServer } from './kernel/model.ts';
import { KernelL4 } from './kernel/runtime.ts';
import type { TableEntry } from './virtual-server-state.ts';

export function startKernelPath(log: (line: string) => void): L4DataPath {
  const l4 = new KernelL4(
    { nftables: new LinuxNftablesPort(), neighbors: new LinuxNeighborTablePort(), conntrack: new LinuxConntrackPort() },
    { onWarning: (message) => log(`IPVS: ${message}`) },
  );
  const services = new Map<string, KernelVirtualServer>();
  const labels = new Map<string, string>();
  let counters = new Map<string, Map<string, RealServerCounters>>();
  const refresh = async (): Promise<void> => {
    const result = await l4.counters();
    if (!result.ok) return;
    counters = new Map(
      result.value.map((vs) => [
        vs.label,
        new Map(vs.realServers.map((rs) => [rs.id, { activeConnections: rs.activeConnections, inactiveConnections: rs.inactiveConnections }])),
      ]),
    );
  };
  const timer = setInterval(() => void refresh(), 1000);
  timer.unref();
  return {
    kind: 'kernel',
    async apply(id: string, virtualServer: VirtualServer, table: readonly TableEntry[]): Promise<void> {
      const adapted = kernelVirtualServer(virtualServer, table);
      for (const warning of adapted.warnings) log(`IPVS: ${warning}`);
      if (adapted.value === undefined) return;
      services.set(id, adapted.value);
      labels.set(id, adapted.value.label);
      const result = await l4.apply([...services.values()]);
      if (!result.ok) throw new Error(result.error.message);
      void refresh();
    },
    counters(id: string): ReadonlyMap<string, RealServerCounters> {
      return counters.get(labels.get(id) ?? '') ?? new Map();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      const result = await l4.stop();
      if (!result.ok) log(`IPVS: cannot remove the kernel rules: ${result.error.message}`);
    },
  };
}
