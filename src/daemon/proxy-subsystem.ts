// Runs the haproxy.cfg part: data-path worker threads for the traffic, and on this (control)
// thread the health checks, whose state changes go to every worker and to the logs. Keeping the
// checks here means a saturated data path cannot delay them. With no check to keep on time and
// one data path, that data path runs here too (data-path-host.ts): it has no one to delay.
import { unlinkSync, writeFileSync } from 'node:fs';
import { systemClock } from '../core/clock.ts';
import { CheckEngine, type EngineEvent } from '../check/engine.ts';
import { haproxyMonitoredServers } from '../check/from-haproxy.ts';
import { haproxyPassiveSettings, PassiveHealth } from '../check/passive.ts';
import { haproxyStateLines } from '../check/haproxy-log.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { HaproxyConfig } from '../config/haproxy/model.ts';
import { counterKeys } from '../proxy/build.ts';
import { allocateCounters, createCounterLayout, CounterReader } from '../proxy/counters.ts';
import { createLogEnvironment, createProxyLogger, eventLevels, type EventLogger } from '../proxy/log/logger.ts';
import type { StatsRenderer } from '../proxy/stats-bridge.ts';
import { buildErrorResponse } from '../proxy/http/error-pages.ts';
import type { FromWorker, ServerStateMessage, ToWorker, WorkerStartData } from '../proxy/worker-protocol.ts';
import type { BackendHealthBus } from './backend-health.ts';
import { hostDataPath, type DataPathHost, type DataPathPlacement } from './data-path-host.ts';
import type { RunningSubsystem, Subsystem } from './subsystem.ts';

export interface ProxyRuntime extends RunningSubsystem {
  readonly engine: CheckEngine;
  readonly counters: CounterReader;
  readonly config: HaproxyConfig;
  readonly listening: readonly { frontend: string; host: string; port: number }[];
}

export interface ProxySubsystemOptions {
  /** data-path workers; default the config's nbthread, else 1 */
  readonly workers?: number;
  /** where one data path runs; default inline when the control thread has no timed work */
  readonly placement?: DataPathPlacement;
  /** builds the stats page renderer once the runtime exists (src/admin) */
  readonly statsRenderer?: (runtime: ProxyRuntime) => StatsRenderer;
  /** publishes each backend's availability, for keepalived.conf's track_backend */
  readonly backendHealth?: BackendHealthBus;
  /** more services on the running proxy (the runtime API socket); stopped before the proxy */
  readonly onStarted?: (runtime: ProxyRuntime, log: (line: string) => void) => Promise<RunningSubsystem | undefined>;
}

/** a data-path worker that has built its proxies and waits to be told to listen */
interface StartingWorker {
  readonly thread: DataPathHost;
  /** binds its sockets; resolves once it serves, rejects with its bind error */
  listen(): Promise<void>;
}

export function createProxySubsystem(options: ProxySubsystemOptions = {}): Subsystem & { start(config: LoadedConfig, log: (line: string) => void): Promise<ProxyRuntime> } {
  return {
    name: 'proxy',
    wants: (config) => (config.haproxy?.model.proxies.length ?? 0) > 0,
    start: (config, log) => startProxy(config, log, options),
  };
}

/**
 * Health checks (the proxy's and the L4 side's) run on the control thread and must keep their
 * timing while the proxy is saturated, so a data path sharing that thread would delay them.
 * VRRP has a thread of its own (vrrp-subsystem.ts) and is not counted.
 */
function controlHasTimedWork(loaded: LoadedConfig): boolean {
  const haproxy = loaded.haproxy?.model;
  return (haproxy !== undefined && haproxyMonitoredServers(haproxy).some((s) => s.probes.length > 0)) || (loaded.keepalived?.model.virtualServers.length ?? 0) > 0;
}

async function startProxy(loaded: LoadedConfig, log: (line: string) => void, options: ProxySubsystemOptions): Promise<ProxyRuntime> {
  const config = loaded.haproxy?.model;
  if (config === undefined) throw new Error('no haproxy configuration');
  const workers = Math.max(1, options.workers ?? config.global.nbthread ?? 1);
  const placement = workers > 1 ? 'thread' : (options.placement ?? (controlHasTimedWork(loaded) ? 'thread' : 'inline'));
  const keys = counterKeys(config);
  const layout = createCounterLayout(keys, workers);
  const counters = allocateCounters(layout);

  const engine = new CheckEngine({ clock: systemClock, ...(config.global.spreadChecks === undefined ? {} : { jitter: config.global.spreadChecks / 100 }) });
  for (const server of haproxyMonitoredServers(config)) engine.add(server);
  const passive = new PassiveHealth(engine);
  for (const [id, settings] of haproxyPassiveSettings(config)) passive.observe(id, settings);

  const logs = createLogEnvironment();
  const backendLoggers = new Map<string, EventLogger>();
  for (const proxy of config.proxies) {
    if (proxy.kind !== 'frontend') backendLoggers.set(proxy.name, createProxyLogger(proxy.settings, config.global, logs));
  }

  const threads: DataPathHost[] = [];
  const broadcast = (message: ToWorker): void => {
    for (const thread of threads) thread.post(message);
  };
  const stateOf = (id: string): ServerStateMessage | undefined => {
    const s = engine.get(id);
    return s === undefined ? undefined : { type: 'server-state', backend: s.group, server: s.name, serving: s.serving, weight: s.weight, up: s.up };
  };

  const publishHealth = (backend: string): void => {
    options.backendHealth?.publish(backend, engine.inGroup(backend).some((s) => s.serving));
  };
  for (const proxy of config.proxies) if (proxy.kind !== 'frontend') publishHealth(proxy.name);

  engine.on((event: EngineEvent) => {
    if (event.type !== 'state') return;
    publishHealth(event.server.group);
    const message = stateOf(event.server.id);
    if (message !== undefined) broadcast(message);
    for (const line of haproxyStateLines(event, engine.inGroup(event.server.group))) {
      const alert = line.includes('has no server available') || (event.previous.up && !event.server.up);
      // like haproxy in the foreground: [WARNING]/[ALERT] lines on stderr
      log(`[${alert ? 'ALERT' : 'WARNING'}]  (${process.pid}) : ${line}`);
      const logger = backendLoggers.get(event.server.group);
      if (logger?.enabled === true) logger.logEvent(event.server.up ? eventLevels.serverUp : eventLevels.serverDown, line);
    }
  });

  const listening: { frontend: string; host: string; port: number }[] = [];
  let renderer: StatsRenderer | undefined;
  const answerStats = (thread: DataPathHost, id: number, request: Parameters<StatsRenderer['render']>[0]): void => {
    const pending = renderer === undefined ? Promise.resolve<Uint8Array>(buildErrorResponse(503, false)) : renderer.render(request);
    void pending.then(
      (bytes) => thread.post({ type: 'stats-response', id, bytes }),
      (error: unknown) => {
        log(`[WARNING]  (${process.pid}) : stats page failed: ${String(error)}`);
        thread.post({ type: 'stats-response', id, bytes: buildErrorResponse(500, false) });
      },
    );
  };
  // A worker starts in two steps: it builds its proxies and says `built`, then binds its
  // listening sockets when told to `listen`. Every worker binds with SO_REUSEPORT, and the kernel
  // spreads new connections only over the sockets bound so far: workers that each listened as soon
  // as they were built left the first one alone on the port for the others' start-up, and a load
  // already waiting (bench get-c200-2t: wrk right after the port opened) put all of its 200
  // keep-alive clients on that one thread for good. So all are built first, then told to listen
  // at once.
  const startWorker = (index: number, spawned?: DataPathHost[]): Promise<StartingWorker> =>
    new Promise((resolve, reject) => {
      const data: WorkerStartData = {
        config,
        keys,
        counters,
        worker: index,
        workers,
        states: engine.all().map((s) => ({ type: 'server-state', backend: s.group, server: s.name, serving: s.serving, weight: s.weight, up: s.up })),
      };
      const thread = hostDataPath(placement, data);
      spawned?.push(thread);
      let ready = false;
      let listened: { resolve: () => void; reject: (error: Error) => void } | undefined;
      const fail = (error: Error): void => {
        if (listened !== undefined) listened.reject(error);
        else reject(error);
      };
      thread.onMessage((message: FromWorker) => {
        if (message.type === 'built') {
          resolve({
            thread,
            listen: () =>
              new Promise<void>((resolveListen, rejectListen) => {
                listened = { resolve: resolveListen, reject: rejectListen };
                thread.post({ type: 'listen' });
              }),
          });
        } else if (message.type === 'ready') {
          ready = true;
          if (index === 0) listening.push(...message.listening);
          listened?.resolve();
        } else if (message.type === 'failed') {
          fail(new Error(message.message));
        } else if (message.type === 'stats-request') {
          answerStats(thread, message.id, message.request);
        } else if (message.type === 'passive') {
          for (const report of message.reports) passive.apply(report);
        } else if (message.type === 'warning') {
          log(`[WARNING]  (${process.pid}) : ${message.message}`);
        }
      });
      thread.onError((error: Error) => {
        if (!ready) fail(error);
        else log(`[ALERT]    (${process.pid}) : data-path worker ${index} failed: ${error.message}`);
      });
      thread.onExit((code) => {
        if (!ready || stopping) return;
        // a worker that died takes its connections with it; start another so the ports stay served
        log(`[ALERT]    (${process.pid}) : data-path worker ${index} exited with code ${code}; restarting it`);
        const at = threads.indexOf(thread);
        void startWorker(index)
          .then(async (replacement) => {
            await replacement.listen();
            if (at !== -1) threads[at] = replacement.thread;
          })
          .catch((error: unknown) => log(`[ALERT]    (${process.pid}) : cannot restart worker ${index}: ${String(error)}`));
      });
    });

  let stopping = false;
  const starting: DataPathHost[] = [];
  try {
    const built = await Promise.all(Array.from({ length: workers }, (_, i) => startWorker(i, starting)));
    await Promise.all(built.map((worker) => worker.listen()));
    threads.push(...built.map((worker) => worker.thread));
  } catch (error) {
    stopping = true;
    await Promise.all(starting.map((t) => t.terminate()));
    throw error;
  }
  engine.start();

  const pidfile = config.global.pidfile;
  if (pidfile !== undefined) {
    try {
      writeFileSync(pidfile, `${process.pid}\n`);
    } catch (error) {
      log(`[WARNING]  (${process.pid}) : cannot write pidfile ${pidfile}: ${(error as Error).message}`);
    }
  }
  for (const l of listening) log(`[NOTICE]   (${process.pid}) : proxy ${l.frontend} listening on ${l.host}:${l.port}`);

  const runtime: ProxyRuntime = {
    engine,
    counters: new CounterReader(counters, layout),
    config,
    listening,
    async stop() {
      stopping = true;
      engine.stop();
      await Promise.all(
        threads.map(
          (thread) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => void thread.terminate().then(() => resolve()), 5000);
              thread.onExit(() => {
                clearTimeout(timer);
                resolve();
              });
              thread.post({ type: 'stop', graceful: false });
            }),
        ),
      );
      logs.sinks.close();
      if (pidfile !== undefined) {
        try {
          unlinkSync(pidfile);
        } catch {
          // already gone
        }
      }
    },
  };
  renderer = options.statsRenderer?.(runtime);
  const extra = await options.onStarted?.(runtime, log);
  if (extra === undefined) return runtime;
  return { ...runtime, stop: async () => { await extra.stop(); await runtime.stop(); } };
}
