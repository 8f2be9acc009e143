// Runs host commands (ip, arping, notify scripts) asynchronously with a hard time bound: never
// spawnSync, which would stall VRRP adverts. Each command leads its own process group, so a
// timeout ends whatever it started too (SIGTERM, then SIGKILL after a grace period).
import { spawn } from 'node:child_process';
import { NetctlError, NetctlErrorCode } from './errors.ts';

export interface CommandOptions {
  /** Kill the command after this long. */
  readonly timeoutMs: number;
  /** Between SIGTERM and SIGKILL once timed out. Default 1000 ms. */
  readonly killGraceMs?: number;
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly uid?: number;
  readonly gid?: number;
}

export interface CommandResult {
  readonly argv: readonly string[];
  /** Exit code, or null when a signal ended the command. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly durationMs: number;
}

// Output past this is dropped; `ip -json addr` on a host with thousands of addresses fits.
const maxCapturedBytes = 8 * 1024 * 1024;

/**
 * Resolves with how the command ended (a non-zero exit is a result). Rejects only with a
 * NetctlError (code command) when the program cannot be started at all.
 */
export function runCommand(argv: readonly string[], options: CommandOptions): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new NetctlError(NetctlErrorCode.invalid, 'Cannot run an empty command'));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(file, args, {
        stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        detached: true,
        ...(options.env === undefined ? {} : { env: options.env }),
        ...(options.uid === undefined ? {} : { uid: options.uid }),
        ...(options.gid === undefined ? {} : { gid: options.gid }),
      });
    } catch (error) {
      reject(cannotStart(argv, error));
      return;
    }
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let captured = 0;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      if (captured >= maxCapturedBytes) return;
      captured += chunk.length;
      into.push(chunk);
    };
    child.stdout?.on('data', collect(stdout));
    child.stderr?.on('data', collect(stderr));

    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), options.killGraceMs ?? 1000);
    }, options.timeoutMs);

    child.once('error', (error) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      reject(cannotStart(argv, error));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      // Whatever the command left running in its group goes with it.
      if (timedOut) signalGroup(child.pid, 'SIGKILL');
      resolve({
        argv,
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
        durationMs: performance.now() - started,
      });
    });
    if (options.input !== undefined) {
      child.stdin?.on('error', () => {
        // The command exited without reading its input; its exit status tells the story.
      });
      child.stdin?.end(options.input);
    }
  });
}

/** A NetctlError for a command that ran and failed (non-zero exit, signal or timeout). */
export function commandFailure(what: string, result: CommandResult): NetctlError {
  const stderr = result.stderr.trim();
  const how = result.timedOut
    ? `timed out after ${Math.round(result.durationMs)} ms`
    : result.code === null
      ? `was killed by ${result.signal ?? 'a signal'}`
      : `exited with code ${result.code}`;
  return new NetctlError(
    result.timedOut ? NetctlErrorCode.timeout : NetctlErrorCode.command,
    `Cannot ${what}: "${result.argv.join(' ')}" ${how}${stderr === '' ? '' : `: ${stderr}`}`,
    { argv: result.argv, stderr },
  );
}

function cannotStart(argv: readonly string[], error: unknown): NetctlError {
  const errno = (error as NodeJS.ErrnoException).code;
  return new NetctlError(NetctlErrorCode.command, `Cannot run "${argv[0] ?? ''}": ${(error as Error).message}`, {
    cause: error,
    argv,
    ...(errno === undefined ? {} : { errno }),
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}
