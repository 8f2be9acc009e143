// Running external commands for the test harness: asynchronously, with a hard time bound, and
// with the whole process group killed on timeout so a stuck `sh -c` pipeline cannot outlive it.
//
// The synchronous variant exists only for the process 'exit' and signal handlers, where nothing
// asynchronous can run any more; every other path uses `run` so a stalled command never blocks
// the event loop (and with it node:test's own timeouts and teardown).

import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface RunResult {
  /** Exit code, or null when the process was ended by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the command was killed because it exceeded its time bound. */
  readonly timedOut: boolean;
}

export interface RunOptions {
  /** Kill the command (and its process group) after this long. Defaults to 10 s. */
  readonly timeoutMs?: number;
  /** Written to the command's standard input, which is then closed. */
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export const DEFAULT_RUN_TIMEOUT_MS = 10_000;

// Output past this is dropped: a runaway command must not exhaust the test process's memory.
const MAX_CAPTURED_BYTES = 4 * 1024 * 1024;

/** Runs `argv` and resolves with its outcome; a non-zero exit is a result, not an error. */
export function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('Cannot run an empty command'));
  const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;

  return new Promise((resolve, reject) => {
    // detached: the command leads its own process group, so a timeout can kill everything it
    // started, not just the first process.
    const child = spawn(file, args, {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true,
      env: options.env ?? process.env,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    });
    const stdout = new BoundedText();
    const stderr = new BoundedText();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, timeoutMs);

    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Cannot run "${file}": ${error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: stdout.text(), stderr: stderr.text(), timedOut });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Like `run`, but rejects unless the command exits with code 0. For setup steps. */
export async function runChecked(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await run(argv, options);
  if (result.code !== 0) throw new Error(describeFailure(argv, result, options.input));
  return result;
}

export function describeFailure(argv: readonly string[], result: RunResult, input?: string): string {
  const how = result.timedOut
    ? 'timed out'
    : result.code === null
      ? `was killed by ${result.signal ?? 'a signal'}`
      : `failed with exit code ${result.code}`;
  const parts = [`Command "${argv.join(' ')}" ${how}`];
  const stderr = result.stderr.trim();
  if (stderr !== '') parts.push(`stderr: ${stderr}`);
  if (input !== undefined) parts.push(`input:\n${input.trimEnd()}`);
  return parts.join('\n');
}

export interface SyncResult {
  readonly code: number | null;
  readonly stdout: string;
}

/**
 * Synchronous run for exit and signal handlers only. Bounded by `timeoutMs` and never throws:
 * a cleanup step that fails must not stop the next one.
 */
export function runSync(argv: readonly string[], input?: string, timeoutMs = 5_000): SyncResult {
  const [file, ...args] = argv;
  if (file === undefined) return { code: null, stdout: '' };
  const result = spawnSync(file, args, {
    input: input ?? '',
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  return { code: result.status, stdout: result.stdout ?? '' };
}

/** Sends `signal` to the process group led by `pid`; a group already gone is not an error. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: already exited.
  }
}

/** Whether an executable named `name` is on PATH (as `ip netns exec` will look it up). */
export function commandExists(name: string): boolean {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // Not in this directory.
    }
  }
  return false;
}

/** Accumulates output up to MAX_CAPTURED_BYTES and drops the rest. */
class BoundedText {
  #chunks: Buffer[] = [];
  #bytes = 0;

  push(chunk: Buffer): void {
    if (this.#bytes >= MAX_CAPTURED_BYTES) return;
    const room = MAX_CAPTURED_BYTES - this.#bytes;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.#chunks.push(kept);
    this.#bytes += kept.length;
  }

  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}
