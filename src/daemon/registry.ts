// The subsystems `vigil run` can start, in start order. Each claims its part of the config.
import { createAdminHooks } from '../admin/wiring.ts';
import { StatusSources } from '../admin/sources.ts';
import { createProxySubsystem } from './proxy-subsystem.ts';
import { BackendHealthBus } from './backend-health.ts';
import { createVrrpSubsystem } from './vrrp-subsystem.ts';
import { createL4Subsystem } from './l4-subsystem.ts';
import { chooseL4DataPath } from './l4-data-path.ts';
import { createRuntimeSocketSubsystem } from './runtime-socket.ts';
import { defaultAdminSocket } from '../admin/client.ts';
import type { DaemonOptions, Subsystem } from './subsystem.ts';

export function subsystemsFor(options: DaemonOptions): Subsystem[] {
  // the VRRP and L4 subsystems register their status here, for the stats page and runtime API
  const sources = new StatusSources();
  const admin = createAdminHooks(sources);
  const backendHealth = new BackendHealthBus();
  return [
    // VRRP first: it claims the addresses, which the proxy's listeners may use
    createVrrpSubsystem({ register: (source) => sources.register(source), backendHealth }),
    createL4Subsystem({
      register: (source) => sources.register(source),
      createDataPath: (config, log) => chooseL4DataPath(config, log, options.l4Path ?? 'auto'),
    }),
    createRuntimeSocketSubsystem({ admin, path: options.socket ?? defaultAdminSocket }),
    createProxySubsystem({
      backendHealth,
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      statsRenderer: admin.statsRenderer,
      onStarted: admin.onStarted,
    }),
  ];
}
