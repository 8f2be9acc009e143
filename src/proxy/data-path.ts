// The data path: builds the proxies from the config, listens (SO_REUSEPORT, several sockets per
// address: io/accept-sockets.ts), and applies server state changes the control side sends. It
// runs on a worker thread of its own (worker.ts), or, when nothing on the control thread has
// timing to keep, on the control thread itself (proxy-subsystem.ts): either way it talks to the
// control side only through messages on a port.
import { formatDiagnostic } from '../config/diagnostics.ts';
import { buildProxies } from './build.ts';
import { createCounterLayout } from './counters.ts';
import { DeadlineTicker } from './deadlines.ts';
import { FrontendListener } from './listener.ts';
import { acceptSocketsFor } from './io/accept-sockets.ts';
import { sliceNudge } from './io/slice-nudge.ts';
import { PassiveReporter } from './passive-observer.ts';
import { createLogEnvironment } from './log/logger.ts';
import type { StatsRequest } from './stats-bridge.ts';
import type { FromWorker, ToWorker, WorkerStartData } from './worker-protocol.ts';

/** the data path's end of its channel to the control side: a worker's parentPort, or a MessagePort */
export interface DataPathPort {
  postMessage(message: FromWorker): void;
  on(event: 'message', listener: (message: ToWorker) => void): void;
  close(): void;
}

/** builds and runs one data path; reports `failed` on the port rather than rejecting */
export function runDataPath(port: DataPathPort, data: WorkerStartData): void {
  const send = (message: FromWorker): void => port.postMessage(message);
  void start(port, data, send).catch((error: unknown) => send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
}

async function start(port: DataPathPort, data: WorkerStartData, send: (message: FromWorker) => void): Promise<void> {
  const layout = createCounterLayout(data.keys, data.workers);
  const pendingStats = new Map<number, (bytes: Uint8Array) => void>();
  let nextStatsId = 1;
  const renderStats = (request: StatsRequest): Promise<Uint8Array> =>
    new Promise((resolve) => {
      const id = nextStatsId++;
      pendingStats.set(id, resolve);
      send({ type: 'stats-request', id, request });
    });
  const built = buildProxies(data.config, {
    renderStats,
    passive: new PassiveReporter((reports) => send({ type: 'passive', reports })),
    layout,
    counters: data.counters,
    worker: data.worker,
    workers: data.workers,
    logs: createLogEnvironment(),
  });
  if (built.diagnostics.hasErrors()) {
    send({ type: 'failed', message: built.diagnostics.items.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n') });
    return;
  }
  for (const state of data.states) built.backends.get(state.backend)?.applyState(state.server, state.serving, state.weight, state.up);
  // two data-path threads may share a CPU; one alone keeps the tick's longer slices
  sliceNudge.enable(data.workers > 1);
  const ticker = new DeadlineTicker();
  const processConnections = { value: 0 };
  const listeners: FrontendListener[] = [];
  const acceptSockets = data.config.global.noReusePort ? 1 : acceptSocketsFor(data.config.global.tune['tune.maxaccept']);
  const listening: { frontend: string; host: string; port: number }[] = [];
  let listen: () => void = () => {};
  const told = new Promise<void>((resolve) => (listen = resolve));
  let stopped = false;
  port.on('message', (message: ToWorker) => {
    if (message.type === 'listen') {
      listen();
    } else if (message.type === 'stats-response') {
      const resolve = pendingStats.get(message.id);
      pendingStats.delete(message.id);
      resolve?.(message.bytes);
    } else if (message.type === 'server-state') {
      built.backends.get(message.backend)?.applyState(message.server, message.serving, message.weight, message.up);
    } else if (message.type === 'stop') {
      stopped = true;
      void Promise.all(listeners.map((l) => l.close(message.graceful))).then(() => {
        // idle keep-alive connections to servers would keep this thread alive
        for (const backend of built.backends.values()) for (const server of backend.servers) server.dropIdle();
        ticker.stop();
        send({ type: 'stopped' });
        port.close();
      });
    }
  });
  // the control thread tells every worker to listen once all are built (proxy-subsystem.ts)
  send({ type: 'built' });
  await told;
  if (stopped) return;
  try {
    for (const frontend of built.frontends) {
      if (frontend.addresses.length === 0) continue;
      const listener = new FrontendListener({
        frontend: frontend.runtime,
        addresses: frontend.addresses,
        ticker,
        maxconn: frontend.maxconn,
        acceptSockets,
        shared: data.workers > 1,
        processConnections,
        ...(frontend.logger.enabled && frontend.logger.when === 'accept' ? { onAccept: frontend.logger } : {}),
      });
      await listener.listen();
      // a stop that came while binding has closed the listeners bound before it, not this one
      if (stopped) {
        await listener.close(false);
        return;
      }
      listeners.push(listener);
      const ports = listener.boundPorts();
      frontend.addresses.forEach((a, i) => listening.push({ frontend: frontend.runtime.name, host: a.host, port: ports[i] ?? a.port }));
    }
  } catch (error) {
    for (const listener of listeners.splice(0)) await listener.close(false);
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  send({ type: 'ready', listening });
}

