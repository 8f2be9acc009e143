// The subsystems `vigil run` can start, in start order. Each claims its part of the config.
import { createRequire } from 'node:module';
import { createAdminHooks } from '../admin/wiring.ts';
import { StatusSources } from '../admin/sources.ts';
import { createProxySubsystem } from './proxy-subsystem.ts';
import { BackendHealthBus } from './backend-health.ts';
import { createRuntimeSocketSubsystem } from './runtime-socket.ts';
import { defaultAdminSocket } from '../admin/client.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { DaemonOptions, Subsystem } from './subsystem.ts';

const requireModule = createRequire(import.meta.url);

export function subsystemsFor(options: DaemonOptions): Subsystem[] {
  // the VRRP and L4 subsystems register their status here, for the stats page and runtime API
  const sources = new StatusSources();
  const admin = createAdminHooks(sources);
  const backendHealth = new BackendHealthBus();
  return [
    // VRRP first: it claims the addresses, which the proxy's listeners may use
    deferred('vrrp', () => {
      const { createVrrpSubsystem } = requireModule('./vrrp-subsystem.ts') as typeof import('./vrrp-subsystem.ts');
      return createVrrpSubsystem({ register: (source) => sources.register(source), backendHealth });
    }),
    deferred('l4', () => {
      const { createL4Subsystem } = requireModule('./l4-subsystem.ts') as typeof import('./l4-subsystem.ts');
      const { chooseL4DataPath } = requireModule('./l4-data-path.ts') as typeof import('./l4-data-path.ts');
      return createL4Subsystem({
        register: (source) => sources.register(source),
        createDataPath: (config, log) => chooseL4DataPath(config, log, options.l4Path ?? 'auto'),
      });
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

/**
 * A subsystem of keepalived.conf's parts, whose modules load only when a keepalived.conf is given:
 * a vigil that runs a haproxy.cfg alone never holds them (see config/load.ts for the reader).
 */
function deferred(name: string, create: () => Subsystem): Subsystem {
  let subsystem: Subsystem | undefined;
  const loaded = (): Subsystem => (subsystem ??= create());
  return {
    name,
    wants: (config: LoadedConfig) => config.keepalived !== undefined && loaded().wants(config),
    start: (config, log) => loaded().start(config, log),
  };
}
