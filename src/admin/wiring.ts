// Connects the admin side to a running proxy (src/daemon/registry.ts passes these hooks to
// createProxySubsystem): the stats page renderer, the per-second rate sampler, and the runtime
// API sockets. VRRP and L4 subsystems register their status sources in the same StatusSources.
import { readFileSync } from 'node:fs';
import type { ProxyRuntime } from '../daemon/proxy-subsystem.ts';
import type { RunningSubsystem } from '../daemon/subsystem.ts';
import type { StatsRenderer } from '../proxy/stats-bridge.ts';
import { buildSnapshot, numberObjects } from './builder.ts';
import { createCommandRegistry } from './commands/index.ts';
import type { AdminContext } from './context.ts';
import { ratedCounters, RateTracker } from './rates.ts';
import { RuntimeApi } from './runtime-api.ts';
import { StatusSources } from './sources.ts';
import { StatsPage } from './stats-page.ts';

export interface AdminHooks {
  readonly statsRenderer: (runtime: ProxyRuntime) => StatsRenderer;
  readonly onStarted: (runtime: ProxyRuntime, log: (line: string) => void) => Promise<RunningSubsystem | undefined>;
}

interface AdminRuntime {
  readonly context: AdminContext;
  readonly stop: () => void;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The admin state of one running proxy: created by whichever hook runs first, shared by both */
function createAdminRuntime(runtime: ProxyRuntime, sources: StatusSources): AdminRuntime {
  const startedAt = Date.now();
  const version = packageVersion();
  // a backend's sessions are counted on its servers (see builder.ts), so its rate sums theirs
  const serverKeys = new Map<string, string[]>();
  for (const proxy of runtime.config.proxies) {
    if (proxy.kind !== 'frontend') serverKeys.set(`b:${proxy.name}`, proxy.servers.map((s) => `s:${proxy.name}/${s.name}`));
  }
  const rates = new RateTracker((key) => {
    const values = runtime.counters.read(key);
    for (const serverKey of serverKeys.get(key) ?? []) {
      const server = runtime.counters.read(serverKey);
      for (const counter of ratedCounters) values[counter] = (values[counter] ?? 0) + (server[counter] ?? 0);
    }
    return values;
  });
  const keys = runtime.counters.keys();
  rates.sample(keys);
  const timer = setInterval(() => rates.sample(keys), 1000);
  timer.unref();
  const numbering = numberObjects(runtime.config);
  const context: AdminContext = {
    config: runtime.config,
    servers: runtime.engine,
    numbering,
    sources,
    snapshot: () =>
      buildSnapshot(
        {
          config: runtime.config,
          servers: runtime.engine,
          counters: runtime.counters,
          rates,
          sources,
          process: { pid: process.pid, startedAt, version, nbthread: runtime.config.global.nbthread ?? 1, listeners: runtime.listening.length },
          now: () => Date.now(),
        },
        numbering,
      ),
  };
  return { context, stop: () => clearInterval(timer) };
}

export function createAdminHooks(sources: StatusSources = new StatusSources()): AdminHooks {
  const admins = new WeakMap<ProxyRuntime, AdminRuntime>();
  const adminOf = (runtime: ProxyRuntime): AdminRuntime => {
    let admin = admins.get(runtime);
    if (admin === undefined) {
      admin = createAdminRuntime(runtime, sources);
      admins.set(runtime, admin);
    }
    return admin;
  };
  return {
    statsRenderer: (runtime) => new StatsPage(adminOf(runtime).context, { listening: runtime.listening }),
    onStarted: async (runtime, log) => {
      const admin = adminOf(runtime);
      const global = runtime.config.global;
      const api = new RuntimeApi({
        context: admin.context,
        registry: createCommandRegistry(),
        sockets: global.statsSockets,
        ...(global.statsTimeoutMs === undefined ? {} : { timeoutMs: global.statsTimeoutMs }),
        log,
      });
      try {
        await api.start();
      } catch (error) {
        admin.stop();
        throw error;
      }
      for (const socket of global.statsSockets) {
        log(`[NOTICE]   (${process.pid}) : stats socket ${socket.address.text} level ${socket.options.level ?? 'operator'}`);
      }
      return {
        stop: async () => {
          admin.stop();
          await api.stop();
        },
      };
    },
  };
}
