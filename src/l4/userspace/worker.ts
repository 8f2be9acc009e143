// The user-space L4 data path's thread: it relays the virtual servers' connections, so that
// traffic never shares an event loop with the health checks. The control thread sends table
// updates; this thread sends back connection counts twice a second.
import { parentPort, type MessagePort } from 'node:worker_threads';
import type { VirtualServer } from '../../config/keepalived/model.ts';
import { findLvsScheduler } from '../schedulers/registry.ts';
import type { TableEntry } from '../virtual-server-state.ts';
import { startUserspaceVirtualServer, userspaceSpecFromKeepalived, type UserspaceVirtualServer } from './virtual-server.ts';

export type ToUserspaceWorker =
  | { readonly type: 'apply'; readonly id: string; readonly virtualServer: VirtualServer; readonly table: readonly TableEntry[]; readonly seq: number }
  | { readonly type: 'stop' };

export type FromUserspaceWorker =
  | { readonly type: 'applied'; readonly seq: number; readonly error?: string }
  | { readonly type: 'counters'; readonly counters: Readonly<Record<string, Readonly<Record<string, { active: number; inactive: number }>>>> }
  | { readonly type: 'stopped' };

function channel(): MessagePort {
  if (parentPort === null) throw new Error('userspace/worker.ts runs as a worker thread');
  return parentPort;
}
const port = channel();
const send = (message: FromUserspaceWorker): void => port.postMessage(message);
const servers = new Map<string, UserspaceVirtualServer>();

async function apply(id: string, virtualServer: VirtualServer, table: readonly TableEntry[]): Promise<void> {
  const realServers = table.map((e) => ({ id: e.id, address: e.address, ...(e.port === undefined ? {} : { port: e.port }), weight: e.weight }));
  const existing = servers.get(id);
  if (existing !== undefined) {
    existing.update(realServers);
    return;
  }
  const lookup = findLvsScheduler(virtualServer.scheduler);
  if (!lookup.ok) throw new Error(lookup.error);
  const spec = { ...userspaceSpecFromKeepalived(virtualServer), realServers };
  servers.set(id, await startUserspaceVirtualServer(spec, lookup.algorithm));
}

const timer = setInterval(() => {
  const counters: Record<string, Record<string, { active: number; inactive: number }>> = {};
  for (const [id, server] of servers) {
    const perServer: Record<string, { active: number; inactive: number }> = {};
    for (const [rs, stats] of server.stats()) perServer[rs] = { active: stats.active, inactive: stats.inactive };
    counters[id] = perServer;
  }
  send({ type: 'counters', counters });
}, 500);

port.on('message', (message: ToUserspaceWorker) => {
  if (message.type === 'apply') {
    void apply(message.id, message.virtualServer, message.table).then(
      () => send({ type: 'applied', seq: message.seq }),
      (error: unknown) => send({ type: 'applied', seq: message.seq, error: error instanceof Error ? error.message : String(error) }),
    );
    return;
  }
  clearInterval(timer);
  void Promise.all([...servers.values()].map((s) => s.stop())).then(() => {
    send({ type: 'stopped' });
    port.close();
  });
});
