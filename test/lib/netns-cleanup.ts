// Removing lab namespaces, in every way a test process can end:
//
// - `Lab.down()` calls `removeNamespaces` (async) after stopping its processes gracefully.
// - A process 'exit' handler (normal end, process.exit, uncaught exception) and SIGINT, SIGTERM
//   and SIGHUP handlers remove whatever live labs remain, synchronously, since nothing
//   asynchronous runs at that point.
// - SIGKILL or a power cut leave namespaces behind; `sweepStaleNamespaces`, run by every
//   `Lab.create`, removes those whose owner process (encoded in the name) is gone.
//
// Processes inside a namespace are killed before it is deleted: `ip netns del` only unmounts the
// name, and a namespace with processes still in it lives on, unnamed, with its interfaces and
// the processes' sockets (a daemon would keep sending VRRP adverts into a ghost network).

import { writeSync } from 'node:fs';
import { run, runChecked, runSync, killGroup } from './command.ts';
import { isProcessAlive, ownerOf } from './netns-names.ts';
import { sleep } from './wait.ts';

/** What the emergency handlers need to know about a lab that has not been taken down yet. */
export interface LiveLab {
  readonly labId: number;
  /** Added before each `ip netns add`, so a half-built lab is removed too. */
  readonly namespaces: Set<string>;
  /** Process-group leaders spawned with `Host.spawn` and still running. */
  readonly processGroups: Set<number>;
}

interface Registry {
  nextLabId: number;
  readonly live: Map<number, LiveLab>;
  exitHandlerInstalled: boolean;
  signalHandlersInstalled: boolean;
}

// Kept on globalThis so that two copies of this module in one process (imported through
// different URLs) still share one lab counter: two copies counting separately would hand out the
// same namespace names, and each would sweep the other's labs as stale.
const REGISTRY_KEY = Symbol.for('vigil.test.netns.registry');
const globalStore = globalThis as typeof globalThis & { [REGISTRY_KEY]?: Registry };
const registry: Registry = (globalStore[REGISTRY_KEY] ??= {
  nextLabId: 1,
  live: new Map(),
  exitHandlerInstalled: false,
  signalHandlersInstalled: false,
});

const CLEANUP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

// How long to keep killing processes in a namespace before deleting it anyway.
const KILL_DEADLINE_MS = 3_000;

export function registerLab(): LiveLab {
  const lab: LiveLab = { labId: registry.nextLabId++, namespaces: new Set(), processGroups: new Set() };
  registry.live.set(lab.labId, lab);
  installHandlers();
  return lab;
}

export function unregisterLab(lab: LiveLab): void {
  registry.live.delete(lab.labId);
  if (registry.live.size === 0) uninstallSignalHandlers();
}

/** Names of all network namespaces (`ip netns list`), the harness's or not. */
export async function listNamespaces(): Promise<string[]> {
  const result = await runChecked(['ip', 'netns', 'list'], { timeoutMs: 5_000 });
  return parseNamespaceList(result.stdout);
}

/**
 * Kills every process inside the given namespaces, then deletes them. Names that no longer exist
 * are ignored. Rejects if any namespace is still there afterwards.
 */
export async function removeNamespaces(names: Iterable<string>): Promise<void> {
  const existing = new Set(await listNamespaces());
  const targets = [...new Set(names)].filter((name) => existing.has(name));
  if (targets.length === 0) return;

  await Promise.all(targets.map(killProcessesIn));
  // One `ip -batch` process deletes them all; -force carries on past a name that vanished.
  await run(['ip', '-force', '-batch', '-'], { input: deleteBatch(targets), timeoutMs: 10_000 });

  const remaining = new Set(await listNamespaces());
  const left = targets.filter((name) => remaining.has(name));
  if (left.length > 0) throw new Error(`Cannot delete network namespaces ${left.map((n) => `"${n}"`).join(', ')}`);
}

/**
 * Removes namespaces left by earlier runs that died without cleaning up: those whose owner pid
 * is dead, and those claiming this process as owner but belonging to no live lab here (a
 * crashed run whose pid was reused by this process). Never touches a live run's namespaces.
 * Resolves with the names removed.
 */
export async function sweepStaleNamespaces(): Promise<string[]> {
  const stale = (await listNamespaces()).filter(isStale);
  if (stale.length > 0) await removeNamespaces(stale);
  return stale;
}

function isStale(namespace: string): boolean {
  const owner = ownerOf(namespace);
  if (owner === undefined) return false;
  if (owner.pid === process.pid) return !registry.live.has(owner.labId);
  return !isProcessAlive(owner.pid);
}

async function killProcessesIn(namespace: string): Promise<void> {
  const deadline = Date.now() + KILL_DEADLINE_MS;
  while (Date.now() < deadline) {
    const result = await run(['ip', 'netns', 'pids', namespace], { timeoutMs: 5_000 });
    const pids = parsePids(result.stdout);
    if (result.code !== 0 || pids.length === 0) return;
    for (const pid of pids) killPid(pid);
    await sleep(20);
  }
}

/** Synchronous teardown of every live lab, for the exit and signal handlers. */
function emergencyCleanup(): void {
  if (registry.live.size === 0) return;
  const labs = [...registry.live.values()];
  registry.live.clear();

  for (const lab of labs) for (const pid of lab.processGroups) killGroup(pid, 'SIGKILL');
  const namespaces = labs.flatMap((lab) => [...lab.namespaces]);
  const existing = new Set(parseNamespaceList(runSync(['ip', 'netns', 'list']).stdout));
  const targets = namespaces.filter((name) => existing.has(name));
  for (const namespace of targets) {
    for (const pid of parsePids(runSync(['ip', 'netns', 'pids', namespace]).stdout)) killPid(pid);
  }
  if (targets.length > 0) runSync(['ip', '-force', '-batch', '-'], deleteBatch(targets));
  if (targets.length > 0) {
    // Written synchronously: at 'exit' an asynchronous write to a pipe would be lost.
    writeSync(2, `netns harness: removed ${targets.length} namespace(s) of a lab that was not taken down\n`);
  }
}

function installHandlers(): void {
  if (!registry.exitHandlerInstalled) {
    // Runs on normal exit, process.exit() and after an uncaught exception.
    process.on('exit', emergencyCleanup);
    registry.exitHandlerInstalled = true;
  }
  if (!registry.signalHandlersInstalled) {
    for (const signal of CLEANUP_SIGNALS) process.on(signal, onSignal);
    registry.signalHandlersInstalled = true;
  }
}

function uninstallSignalHandlers(): void {
  if (!registry.signalHandlersInstalled) return;
  for (const signal of CLEANUP_SIGNALS) process.off(signal, onSignal);
  registry.signalHandlersInstalled = false;
}

function onSignal(signal: NodeJS.Signals): void {
  emergencyCleanup();
  // Listening for a signal replaces Node's default of dying from it. When no one else listens,
  // restore that default and re-raise, so the process still ends "killed by SIGINT" as the
  // shell and the test runner expect. Otherwise the other listener (node:test's, say) decides.
  if (process.listenerCount(signal) === 1) {
    uninstallSignalHandlers();
    process.kill(process.pid, signal);
  }
}

function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function deleteBatch(namespaces: readonly string[]): string {
  return namespaces.map((name) => `netns del ${name}\n`).join('');
}

// Lines look like "name" or "name (id: 3)".
function parseNamespaceList(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name !== '');
}

function parsePids(text: string): number[] {
  return text
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0 && pid !== process.pid);
}
