// Runs keepalived.conf's virtual_servers: health checks on this (control) thread, the table of
// real servers each virtual server should have (quorum, sorry server, inhibit_on_failure) and
// the data path that carries the traffic (nftables in the kernel, or vigil's user-space relay).
import { spawn } from 'node:child_process';
import type { LvsForward, LvsVirtualServerStatus, StatusSource } from '../admin/sources.ts';
import { CheckEngine, type EngineEvent } from '../check/engine.ts';
import { keepalivedChecks } from '../check/from-keepalived.ts';
import type { ScriptCommand, VirtualServer } from '../config/keepalived/model.ts';
import type { LoadedConfig } from '../config/load.ts';
import { systemClock } from '../core/clock.ts';
import type { L4DataPath } from '../l4/data-path.ts';
import { virtualServerPolicy, VirtualServerState, type TableEntry, type Transition } from '../l4/virtual-server-state.ts';
import type { RunningSubsystem, Subsystem } from './subsystem.ts';

export interface L4SubsystemOptions {
  readonly register?: (source: StatusSource<'lvs'>) => () => void;
  /** picks the data path for this host and config (kernel when root with nftables, else user space) */
  readonly createDataPath: (config: LoadedConfig, log: (line: string) => void) => Promise<L4DataPath>;
}

const forwardNames: Readonly<Record<string, LvsForward>> = { NAT: 'Masq', DR: 'Route', TUN: 'Tunnel' };

/** keepalived runs notify/quorum scripts through /bin/sh without waiting for them */
function runScript(script: ScriptCommand, log: (line: string) => void): void {
  const child = spawn(script.path, [...script.args], { stdio: 'ignore', detached: false });
  child.on('error', (error) => log(`Cannot run ${script.command}: ${error.message}`));
}

export function createL4Subsystem(options: L4SubsystemOptions): Subsystem {
  return {
    name: 'l4',
    wants: (config) => (config.keepalived?.model.virtualServers.length ?? 0) > 0,
    start: (config, log) => startL4(config, log, options),
  };
}

async function startL4(loaded: LoadedConfig, log: (line: string) => void, options: L4SubsystemOptions): Promise<RunningSubsystem> {
  const config = loaded.keepalived?.model;
  if (config === undefined) throw new Error('no keepalived configuration');
  const checks = keepalivedChecks(config);
  for (const u of checks.unsupported) log(`${u.at.file}:${u.at.line}: ${u.type} on ${u.serverId} is not supported: ${u.reason}`);
  const engine = new CheckEngine({ clock: systemClock });
  for (const server of checks.servers) engine.add(server);
  const dataPath = await options.createDataPath(loaded, log);
  log(`IPVS: using the ${dataPath.kind} data path`);

  // `applied` is what the data path has installed, and what `show lvs` lists: ipvsadm -Ln reads the
  // kernel's table, so a real server it no longer lists gets no new connection. The state's own
  // table runs ahead of it while a change is being applied (an nft run takes a while on a busy host).
  interface Entry {
    readonly state: VirtualServerState;
    readonly virtualServer: VirtualServer;
    applied: readonly TableEntry[];
  }
  const states = new Map<string, Entry>();
  const apply = async (id: string, entry: Entry, transition: Transition): Promise<void> => {
    for (const line of transition.logs) log(line);
    for (const action of transition.actions) runScript(action.script, log);
    if (transition.changes.length > 0) await dataPath.apply(id, entry.virtualServer, transition.table);
    entry.applied = transition.table;
  };
  for (const vs of checks.virtualServers) {
    const { policy, warnings } = virtualServerPolicy(vs);
    for (const w of warnings) log(w);
    const state = new VirtualServerState(policy);
    const entry: Entry = { state, virtualServer: vs.virtualServer, applied: [] };
    states.set(vs.id, entry);
    const first = state.start(engine.inGroup(vs.id));
    for (const line of first.logs) log(line);
    for (const action of first.actions) runScript(action.script, log);
    await dataPath.apply(vs.id, vs.virtualServer, first.table);
    entry.applied = first.table;
  }
  // changes are applied one at a time, in order, so the kernel never sees two transactions race
  let queue: Promise<void> = Promise.resolve();
  engine.on((event: EngineEvent) => {
    if (event.type !== 'state') return;
    const entry = states.get(event.server.group);
    if (entry === undefined) return;
    const transition = entry.state.update(engine.inGroup(event.server.group));
    queue = queue.then(() => apply(event.server.group, entry, transition)).catch((error: unknown) => log(`IPVS: cannot apply: ${String(error)}`));
  });
  engine.start();

  const snapshot = (): LvsVirtualServerStatus[] =>
    [...states.entries()].map(([id, { applied, virtualServer: vs }]) => {
      const counters = dataPath.counters(id);
      const target = vs.target;
      return {
        protocol: vs.protocol ?? 'TCP',
        ...(target.kind === 'address' ? { address: target.address.address, ...(target.port === undefined ? {} : { port: target.port }) } : {}),
        ...(target.kind === 'fwmark' ? { fwmark: target.fwmark } : {}),
        scheduler: vs.scheduler ?? 'wlc',
        ...(vs.persistenceTimeoutS === undefined ? {} : { persistenceTimeoutSec: vs.persistenceTimeoutS }),
        flags: vs.schedulerFlags ?? [],
        realServers: applied.map((entry) => ({
          address: entry.address,
          port: entry.port ?? 0,
          weight: entry.weight,
          forward: forwardNames[vs.method ?? 'NAT'] ?? 'Masq',
          activeConnections: counters.get(entry.id)?.activeConnections ?? 0,
          inactiveConnections: counters.get(entry.id)?.inactiveConnections ?? 0,
          up: engine.get(entry.id)?.up ?? true,
        })),
      };
    });
  const unregister = options.register?.({ name: 'lvs', snapshot });
  return {
    async stop() {
      unregister?.();
      engine.stop();
      await queue;
      for (const { state } of states.values()) {
        const last = state.stop();
        for (const line of last.logs) log(line);
        for (const action of last.actions) runScript(action.script, log);
      }
      await dataPath.stop();
    },
  };
}
