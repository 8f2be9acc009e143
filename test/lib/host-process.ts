// A long-running process inside a lab host (a daemon under test, an HTTP server, a capture).
// Its output goes to a file in the lab's log directory, for reading after a failure, and is
// kept in memory (the last MAX_KEPT_CHARS) for assertions and readiness checks.

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { killGroup } from './command.ts';

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface HostProcessSpec {
  /** The host's name, for messages. */
  readonly host: string;
  readonly netns: string;
  /** Unique per host; names the log file `<host>.<name>.log`. */
  readonly name: string;
  readonly argv: readonly string[];
  readonly logFile: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Told the process-group id while the process runs, so emergency cleanup can kill it. */
  readonly onStart: (pid: number) => void;
  readonly onExit: (pid: number) => void;
}

export interface WaitForOutputOptions {
  readonly timeoutMs?: number;
}

export interface StopOptions {
  /** Time between SIGTERM and SIGKILL. Defaults to 2 s. */
  readonly graceMs?: number;
}

const MAX_KEPT_CHARS = 1024 * 1024;

export class HostProcess {
  readonly host: string;
  readonly name: string;
  readonly argv: readonly string[];
  readonly logFile: string;
  readonly pid: number;
  /** Resolves when the process has exited and its output is closed. Never rejects. */
  readonly exited: Promise<ExitStatus>;

  #child: ChildProcess;
  #log: WriteStream;
  #stdout = '';
  #stderr = '';
  #output = '';
  #status: ExitStatus | undefined;
  #outputListeners = new Set<() => void>();

  constructor(spec: HostProcessSpec) {
    this.host = spec.host;
    this.name = spec.name;
    this.argv = spec.argv;
    this.logFile = spec.logFile;
    this.#log = createWriteStream(spec.logFile, { flags: 'a' });
    this.#log.on('error', () => {
      // A lost log file must not crash the test; the in-memory copy remains.
    });
    this.#log.write(`# ${spec.host}$ ${spec.argv.join(' ')}\n`);

    // `ip netns exec` execs the command in place, so the child's pid is the command's own.
    // detached: it leads a process group, and stop() signals the whole group.
    this.#child = spawn('ip', ['netns', 'exec', spec.netns, ...spec.argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: spec.env,
      ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
    });
    const pid = this.#child.pid;
    if (pid === undefined) {
      this.#child.once('error', () => {});
      this.#log.end();
      throw new Error(`Cannot start "${spec.argv.join(' ')}" in host "${spec.host}": "ip" did not start`);
    }
    this.pid = pid;
    spec.onStart(pid);

    // Decoded as streams so a multi-byte character split across chunks stays intact.
    this.#child.stdout?.setEncoding('utf8').on('data', (text: string) => this.#onOutput(text, 'stdout'));
    this.#child.stderr?.setEncoding('utf8').on('data', (text: string) => this.#onOutput(text, 'stderr'));
    this.#child.on('exit', (code, signal) => {
      this.#status = { code, signal };
    });
    this.exited = new Promise((resolve) => {
      this.#child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        const status = this.#status ?? { code, signal };
        this.#status = status;
        spec.onExit(pid);
        this.#log.end(`# exited: ${status.signal ?? `code ${status.code}`}\n`);
        for (const listener of this.#outputListeners) listener();
        resolve(status);
      });
    });
  }

  get running(): boolean {
    return this.#status === undefined;
  }

  /** Set once the process has exited. */
  get exitStatus(): ExitStatus | undefined {
    return this.#status;
  }

  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Standard output and error interleaved in arrival order. */
  get output(): string {
    return this.#output;
  }

  /**
   * Resolves with the first output line matching `pattern` (already printed or yet to come).
   * Rejects when the process exits first or after `timeoutMs` (default 5 s), quoting the output.
   */
  waitForOutput(pattern: RegExp | string, options: WaitForOutputOptions = {}): Promise<string> {
    const timeoutMs = options.timeoutMs ?? 5_000;
    const matches = (line: string): boolean => (typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line));
    const find = (): string | undefined => this.#output.split('\n').find(matches);

    return new Promise((resolve, reject) => {
      const check = (): void => {
        const line = find();
        if (line !== undefined) {
          finish();
          resolve(line);
        } else if (!this.running) {
          finish();
          reject(new Error(`Process "${this.name}" on "${this.host}" exited (${describeStatus(this.#status)}) before printing ${describePattern(pattern)}; output:\n${this.#output}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`Process "${this.name}" on "${this.host}" did not print ${describePattern(pattern)} within ${timeoutMs} ms; output:\n${this.#output}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.#outputListeners.delete(check);
      };
      this.#outputListeners.add(check);
      check();
    });
  }

  /** Sends `signal` to the process's whole group. */
  signal(signal: NodeJS.Signals): void {
    if (this.running) killGroup(this.pid, signal);
  }

  /**
   * SIGTERM, then SIGKILL after `graceMs`; resolves with the exit status. Bounded: if even
   * SIGKILL leaves the output open (a grandchild that left the group holds it), it gives up
   * after two more seconds and the namespace teardown kills the rest.
   */
  async stop(options: StopOptions = {}): Promise<ExitStatus | undefined> {
    if (!this.running) return this.#status;
    this.signal('SIGTERM');
    if (await settlesWithin(this.exited, options.graceMs ?? 2_000)) return this.#status;
    killGroup(this.pid, 'SIGKILL');
    await settlesWithin(this.exited, 2_000);
    return this.#status;
  }

  #onOutput(text: string, stream: 'stdout' | 'stderr'): void {
    this.#log.write(text);
    if (stream === 'stdout') this.#stdout = keepTail(this.#stdout + text);
    else this.#stderr = keepTail(this.#stderr + text);
    this.#output = keepTail(this.#output + text);
    for (const listener of this.#outputListeners) listener();
  }
}

export function describeStatus(status: ExitStatus | undefined): string {
  if (status === undefined) return 'running';
  return status.signal === null ? `exit code ${status.code}` : `killed by ${status.signal}`;
}

function describePattern(pattern: RegExp | string): string {
  return typeof pattern === 'string' ? `"${pattern}"` : String(pattern);
}

function keepTail(text: string): string {
  return text.length > MAX_KEPT_CHARS ? text.slice(text.length - MAX_KEPT_CHARS) : text;
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = await Promise.race([promise.then(() => true), timeout]);
  clearTimeout(timer);
  return settled;
}
