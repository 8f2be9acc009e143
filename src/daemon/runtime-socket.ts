// A runtime API socket for a vigil that runs no proxy (a keepalived.conf alone), so `vigil ctl
// show vrrp` and `vigil lvs -Ln` work there too. It reuses the proxy's admin hooks on an empty
// proxy: the socket is declared as a haproxy.cfg would (`stats socket PATH level admin`).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AdminHooks } from '../admin/wiring.ts';
import { CheckEngine } from '../check/engine.ts';
import { parseHaproxy } from '../config/haproxy/parser.ts';
import type { LoadedConfig } from '../config/load.ts';
import { systemClock } from '../core/clock.ts';
import { allocateCounters, createCounterLayout, CounterReader } from '../proxy/counters.ts';
import type { ProxyRuntime } from './proxy-subsystem.ts';
import type { RunningSubsystem, Subsystem } from './subsystem.ts';

export interface RuntimeSocketOptions {
  readonly admin: AdminHooks;
  /** `vigil run --socket PATH`; default /run/vigil/admin.sock, where `vigil ctl` looks */
  readonly path: string;
}

export function createRuntimeSocketSubsystem(options: RuntimeSocketOptions): Subsystem {
  return {
    name: 'runtime-socket',
    // with a haproxy.cfg the proxy serves its own `stats socket` lines
    wants: (config) => config.haproxy === undefined && config.keepalived !== undefined,
    start: (config, log) => startSocket(config, log, options),
  };
}

async function startSocket(_config: LoadedConfig, log: (line: string) => void, options: RuntimeSocketOptions): Promise<RunningSubsystem> {
  mkdirSync(dirname(options.path), { recursive: true });
  const config = parseHaproxy([{ file: '<runtime socket>', text: `global\n    stats socket ${options.path} mode 600 level admin\n` }], { env: {} });
  const layout = createCounterLayout([], 1);
  const runtime: ProxyRuntime = {
    engine: new CheckEngine({ clock: systemClock }),
    counters: new CounterReader(allocateCounters(layout), layout),
    config,
    listening: [],
    stop: async () => {},
  };
  try {
    const running = await options.admin.onStarted(runtime, log);
    return running ?? { stop: async () => {} };
  } catch (error) {
    // the socket is a convenience for `vigil ctl` / `vigil lvs`; another vigil on this host (in
    // another network namespace, sharing the file system) may hold the default path: carry on
    log(`[WARNING]  (${process.pid}) : no runtime API socket: ${(error as Error).message}; give another path with --socket`);
    return { stop: async () => {} };
  }
}
