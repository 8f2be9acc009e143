// Every process the benchmark starts goes through here, so that all of them are stopped on a
// normal exit, on a failure and on Ctrl-C. Each runs in its own process group (nginx's master
// forks workers); stopping sends SIGTERM to the group by its id, then SIGKILL after a grace time.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { get } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Pinning {
  /** taskset is present and the machine has 2+ CPUs */
  readonly enabled: boolean;
  readonly taskset: string | undefined;
}

export interface StartOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** a taskset CPU list ("0", "1", "0,1"); ignored when pinning is off */
  readonly cpus?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export class Started {
  readonly name: string;
  readonly child: ChildProcess;
  #output = '';
  #exited: Promise<number | null>;
  exitCode: number | null | undefined = undefined;

  constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.child = child;
    const keep = (chunk: Buffer): void => {
      // the last few KiB are enough to say why something failed to start
      this.#output = (this.#output + chunk.toString('utf8')).slice(-8192);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal === null ? null : -1);
        resolve(code);
      });
      child.once('error', (error) => {
        this.#output += `\n${error.message}`;
        this.exitCode = -1;
        resolve(-1);
      });
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`Cannot find the process id of ${this.name}: it did not start`);
    return this.child.pid;
  }

  get output(): string {
    return this.#output;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  exited(): Promise<number | null> {
    return this.#exited;
  }
}

export class ProcessGroup {
  readonly #pinning: Pinning;
  readonly #live = new Set<Started>();

  constructor(pinning: Pinning) {
    this.#pinning = pinning;
  }

  start(options: StartOptions): Started {
    const pinned = this.#pinning.enabled && options.cpus !== undefined && this.#pinning.taskset !== undefined;
    // taskset execs the command: the pid is the pinned program's own
    const [command, args] = pinned
      ? [this.#pinning.taskset as string, ['-c', options.cpus as string, options.command, ...options.args]]
      : [options.command, [...options.args]];
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    const started = new Started(options.name, child);
    this.#live.add(started);
    void started.exited().then(() => this.#live.delete(started));
    return started;
  }

  /** SIGTERM to the process group, SIGKILL if it is still there after `graceMs` */
  async stop(started: Started, graceMs = 5000): Promise<void> {
    if (!started.running) return;
    signalGroup(started, 'SIGTERM');
    const stopped = await Promise.race([started.exited().then(() => true), sleep(graceMs).then(() => false)]);
    if (!stopped) {
      signalGroup(started, 'SIGKILL');
      await started.exited();
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#live].map((s) => this.stop(s)));
  }

  /** For process 'exit' and signal handlers, which cannot wait: SIGKILL to every live group */
  killAllNow(): void {
    for (const started of this.#live) signalGroup(started, 'SIGKILL');
  }

  /** Runs a command to completion (a load generator), pinned like the rest; output is collected */
  async run(options: StartOptions & { readonly timeoutMs: number }): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const started = this.start(options);
    let stdout = '';
    let stderr = '';
    started.child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    started.child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => signalGroup(started, 'SIGKILL'), options.timeoutMs);
    const code = await started.exited();
    clearTimeout(timer);
    return { code, stdout, stderr };
  }
}

function signalGroup(started: Started, signal: NodeJS.Signals): void {
  try {
    process.kill(-started.pid, signal);
  } catch {
    // already gone
  }
}

/** Resolves once every port accepts a TCP connection; fails if the process exits or time runs out */
export async function waitForPorts(started: Started, ports: readonly number[], timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    for (;;) {
      if (!started.running) throw new Error(`${started.name} exited (code ${String(started.exitCode)}) before listening on ${port}:\n${started.output}`);
      if (await accepts(port)) break;
      if (Date.now() > deadline) throw new Error(`${started.name} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms:\n${started.output}`);
      await sleep(50);
    }
  }
}

/** Resolves once nothing listens on the ports any more (the previous proxy let them go) */
export async function waitForPortsFree(ports: readonly number[], timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    while (await accepts(port)) {
      if (Date.now() > deadline) throw new Error(`Cannot start: something else still listens on 127.0.0.1:${port}`);
      await sleep(50);
    }
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The process and its descendants (nginx: master and workers) */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const parent = out[i] as number;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        const children = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8').trim();
        if (children !== '') for (const child of children.split(/\s+/)) out.push(Number(child));
      } catch {
        // the task ended meanwhile
      }
    }
  }
  return out;
}

/** A /proc/PID/status memory field in KiB (VmHWM = peak RSS, VmRSS = current RSS), summed over the tree */
export function memoryKiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  let total = 0;
  const pattern = new RegExp(`^${field}:\\s*(\\d+) kB`, 'm');
  for (const p of processTree(pid)) {
    try {
      total += Number(pattern.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return total;
}

/** utime + stime of the process and its descendants, in clock ticks (threads included) */
export function cpuTicks(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) total += statTicks(`/proc/${p}/stat`, false);
  return total;
}

/** This process's own CPU ticks plus those of the children it has reaped (the load generators) */
export function ownAndReapedTicks(): number {
  return statTicks('/proc/self/stat', true);
}

function statTicks(path: string, withChildren: boolean): number {
  try {
    const text = readFileSync(path, 'utf8');
    // the fields after the command name, which may hold spaces: field 3 (state) is fields[0]
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const at = (field: number): number => Number(fields[field - 3] ?? 0);
    return at(14) + at(15) + (withChildren ? at(16) + at(17) : 0);
  } catch {
    return 0;
  }
}

/** Busy clock ticks of every CPU together (/proc/stat: all but idle and iowait) */
export function machineBusyTicks(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
}

/**
 * Counts the CPU that processes other than the bench's own used while a load ran: on a shared
 * machine a figure measured next to someone else's test suite says so in its JSON.
 */
export class ForeignCpu {
  readonly #pids: readonly number[];
  #busy = 0;
  #ours = 0;
  #at = 0;

  constructor(pids: readonly number[]) {
    this.#pids = pids;
  }

  #ourTicks(): number {
    return this.#pids.reduce((sum, pid) => sum + cpuTicks(pid), ownAndReapedTicks());
  }

  start(): void {
    this.#busy = machineBusyTicks();
    this.#ours = this.#ourTicks();
    this.#at = performance.now();
  }

  /** percent of one CPU used by others since start() (clock ticks are 1/100 s on Linux) */
  stop(): number {
    const seconds = (performance.now() - this.#at) / 1000;
    const foreign = machineBusyTicks() - this.#busy - (this.#ourTicks() - this.#ours);
    return seconds > 0 ? Math.max(0, foreign) / seconds : 0;
  }
}

/** nginx stub_status's "accepts" counter: connections the backend has accepted since it started */
export function backendAccepts(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    // a connection of its own (no agent pool), which the counter then includes: callers subtract 1
    const request = get({ host: '127.0.0.1', port, path: '/bench-status', agent: false }, (response) => {
      let body = '';
      response.setEncoding('latin1');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        // "Active connections: 1 \nserver accepts handled requests\n 12 12 40 \n..."
        const accepts = /^\s*(\d+)\s+\d+\s+\d+\s*$/m.exec(body)?.[1];
        if (accepts === undefined) reject(new Error(`Cannot read the backend's stub_status: "${body.slice(0, 80)}"`));
        else resolve(Number(accepts));
      });
    });
    request.on('error', reject);
  });
}
