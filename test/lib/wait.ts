// Polling helpers with hard deadlines. Tests wait for observable conditions (a port accepting,
// a log line, a VIP moving) instead of sleeping for a guessed time.

import type { Host } from './netns.ts';

export interface WaitOptions {
  /** Give up after this long. Defaults to 5 s. */
  readonly timeoutMs?: number;
  /** Pause between attempts. Defaults to 50 ms. */
  readonly intervalMs?: number;
  /** Names the condition in the timeout error. */
  readonly description?: string;
}

/**
 * Calls `probe` until it returns a value other than false, null or undefined, and resolves with
 * that value. A probe that throws counts as "not yet"; its last error is attached to the timeout
 * error. A probe that hangs is abandoned at the deadline.
 */
export async function waitFor<T>(
  probe: () => T | false | null | undefined | Promise<T | false | null | undefined>,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const remaining = deadline - Date.now();
    try {
      const value = await withDeadline(Promise.resolve().then(probe), remaining);
      if (value !== false && value !== null && value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() + intervalMs > deadline) break;
    await sleep(intervalMs);
  }
  const what = options.description === undefined ? 'condition' : `"${options.description}"`;
  const message = `Cannot satisfy ${what} within ${timeoutMs} ms`;
  throw lastError === undefined ? new Error(message) : new Error(message, { cause: lastError });
}

export interface PortWaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/**
 * Waits until a TCP connection from inside `host` to `ip`:`port` succeeds. Uses bash's /dev/tcp,
 * which starts in a few milliseconds, rather than a Node process per attempt.
 */
export async function waitForPort(host: Host, ip: string, port: number, options: PortWaitOptions = {}): Promise<void> {
  await waitFor(
    async () => {
      const result = await host.exec(['bash', '-c', 'exec 3<>"/dev/tcp/$0/$1"', ip, String(port)], { timeoutMs: 1_000 });
      if (result.code !== 0) throw new Error(result.stderr.trim() || `connect exited with ${result.code}`);
      return true;
    },
    {
      timeoutMs: options.timeoutMs ?? 5_000,
      intervalMs: options.intervalMs ?? 50,
      description: `${host.name} connects to ${ip}:${port}`,
    },
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (ms <= 0) return Promise.reject(new Error('Deadline passed'));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Probe still running after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
