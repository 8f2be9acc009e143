// The user-space L4 data path as an L4DataPath: vigil relays each connection itself (NAT-like:
// real servers see vigil as the client), on a thread of its own. Used where the kernel path
// cannot run (not root, no nftables) and for schedulers that need live connection counts.
import { Worker } from 'node:worker_threads';
import type { VirtualServer } from '../config/keepalived/model.ts';
import type { L4DataPath, RealServerCounters } from './data-path.ts';
import type { FromUserspaceWorker, ToUserspaceWorker } from './userspace/worker.ts';
import type { TableEntry } from './virtual-server-state.ts';

const workerUrl = new URL('./userspace/worker.ts', import.meta.url);

export async function startUserspacePath(): Promise<L4DataPath> {
  const thread = new Worker(workerUrl);
  let seq = 0;
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let counters: Readonly<Record<string, Readonly<Record<string, { active: number; inactive: number }>>>> = {};
  let stopped: (() => void) | undefined;
  thread.on('message', (message: FromUserspaceWorker) => {
    if (message.type === 'applied') {
      const w = waiting.get(message.seq);
      waiting.delete(message.seq);
      if (message.error === undefined) w?.resolve();
      else w?.reject(new Error(message.error));
    } else if (message.type === 'counters') {
      counters = message.counters;
    } else {
      stopped?.();
    }
  });
  await new Promise<void>((resolve, reject) => {
    thread.once('online', resolve);
    thread.once('error', reject);
  });
  return {
    kind: 'userspace',
    apply(id: string, virtualServer: VirtualServer, table: readonly TableEntry[]): Promise<void> {
      const n = ++seq;
      return new Promise((resolve, reject) => {
        waiting.set(n, { resolve, reject });
        thread.postMessage({ type: 'apply', id, virtualServer, table, seq: n } satisfies ToUserspaceWorker);
      });
    },
    counters(id: string): ReadonlyMap<string, RealServerCounters> {
      const perServer = counters[id] ?? {};
      return new Map(Object.entries(perServer).map(([rs, c]) => [rs, { activeConnections: c.active, inactiveConnections: c.inactive }]));
    },
    async stop(): Promise<void> {
      await new Promise<void>((resolve) => {
        stopped = resolve;
        const timer = setTimeout(() => void thread.terminate().then(() => resolve()), 5000);
        thread.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        thread.postMessage({ type: 'stop' } satisfies ToUserspaceWorker);
      });
    },
  };
}
