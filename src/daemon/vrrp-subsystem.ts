// Runs the keepalived.conf's vrrp_instances on a thread of their own (src/vrrp/worker.ts) and
// keeps the latest status for the stats page and the runtime API.
import { Worker } from 'node:worker_threads';
import type { StatusSource, VrrpInstanceStatus } from '../admin/sources.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { InstanceStatus } from '../vrrp/instance.ts';
import type { FromVrrpWorker, ToVrrpWorker, VrrpWorkerData } from '../vrrp/worker-protocol.ts';
import type { BackendHealthBus } from './backend-health.ts';
import type { RunningSubsystem, Subsystem } from './subsystem.ts';

export interface VrrpRuntime extends RunningSubsystem {
  status(): readonly InstanceStatus[];
}

const workerUrl = new URL('../vrrp/worker.ts', import.meta.url);

/** keepalived's console log prefix: `Wed Nov 25 10:22:33 2026: ` */
function keepalivedTimestamp(now = new Date()): string {
  const text = now.toString(); // "Wed Nov 25 2026 10:22:33 GMT+0000 (...)"
  const [day, month, date, year, time] = text.split(' ');
  return `${day} ${month} ${date} ${time} ${year}`;
}

export interface VrrpSubsystemOptions {
  /** the proxy's backend availability, for track_backend */
  readonly backendHealth?: BackendHealthBus;
  /** publishes the instances' state to the stats page and runtime API */
  readonly register?: (source: StatusSource<'vrrp'>) => () => void;
}

export function createVrrpSubsystem(options: VrrpSubsystemOptions = {}): Subsystem & { start(config: LoadedConfig, log: (line: string) => void): Promise<VrrpRuntime> } {
  return {
    name: 'vrrp',
    wants: (config) => (config.keepalived?.model.vrrpInstances.length ?? 0) > 0,
    start: (config, log) => startVrrp(config, log, options),
  };
}

function toAdminStatus(s: InstanceStatus): VrrpInstanceStatus {
  return {
    name: s.name,
    state: s.state,
    interface: s.interface,
    virtualRouterId: s.vrid,
    priority: s.basePriority,
    effectivePriority: s.effectivePriority,
    virtualAddresses: s.vips,
    ...(s.masterSince === undefined ? {} : { masterSince: s.masterSince }),
    ...(s.lastTransition === undefined ? {} : { lastTransition: s.lastTransition }),
  };
}

async function startVrrp(loaded: LoadedConfig, log: (line: string) => void, options: VrrpSubsystemOptions): Promise<VrrpRuntime> {
  const config = loaded.keepalived?.model;
  if (config === undefined) throw new Error('no keepalived configuration');
  let latest: readonly InstanceStatus[] = [];
  const thread = new Worker(workerUrl, { workerData: { config } satisfies VrrpWorkerData });
  let stopped: (() => void) | undefined;
  await new Promise<void>((resolve, reject) => {
    thread.on('message', (message: FromVrrpWorker) => {
      switch (message.type) {
        case 'ready':
          resolve();
          break;
        case 'failed':
          reject(new Error(message.message));
          break;
        case 'log':
          log(`${keepalivedTimestamp()}: ${message.line}`);
          break;
        case 'status':
          latest = message.instances;
          break;
        case 'stopped':
          stopped?.();
          break;
      }
    });
    thread.on('error', reject);
  });
  const unregister = options.register?.({ name: 'vrrp', snapshot: () => latest.map(toAdminStatus) });
  const unsubscribe = options.backendHealth?.subscribe((backend, available) =>
    thread.postMessage({ type: 'backend-health', backend, available } satisfies ToVrrpWorker),
  );
  return {
    status: () => latest,
    async reload(next: LoadedConfig) {
      const model = next.keepalived?.model;
      if (model !== undefined) thread.postMessage({ type: 'reload', config: model } satisfies ToVrrpWorker);
    },
    async stop() {
      unregister?.();
      unsubscribe?.();
      await new Promise<void>((resolve) => {
        stopped = resolve;
        const timer = setTimeout(() => void thread.terminate().then(() => resolve()), 5000);
        thread.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        thread.postMessage({ type: 'stop' } satisfies ToVrrpWorker);
      });
    },
  };
}
