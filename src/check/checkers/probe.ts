// One run of one check: its deadline, the caller's abort signal, and what must be torn down when it
// ends. Every check type runs its body through `runProbe`, which is what makes `Checker.run` never
// reject, always measure `durationMs` and always release sockets, timers and child processes.
import { CheckStatus, type CheckOutcome } from '../outcome.ts';

/** What a probe body found; `runProbe` adds `ok` and `durationMs` */
export interface ProbeResult {
  readonly status: CheckStatus;
  readonly info: string;
  readonly code?: number;
  readonly weight?: number;
}

/** A failure found while probing, thrown from deep inside a body and turned into its outcome */
export class ProbeFailure extends Error {
  readonly status: CheckStatus;
  readonly code: number | undefined;

  constructor(status: CheckStatus, info: string, code?: number) {
    super(info);
    this.name = 'ProbeFailure';
    this.status = status;
    this.code = code;
  }

  toResult(): ProbeResult {
    return this.code === undefined
      ? { status: this.status, info: this.message }
      : { status: this.status, info: this.message, code: this.code };
  }
}

/** Thrown by `Probe.within` when the caller aborted; `runProbe` reports it with the aborted status */
class ProbeAborted extends Error {
  constructor() {
    super('Check aborted');
    this.name = 'ProbeAborted';
  }
}

const passingStatuses: ReadonlySet<CheckStatus> = new Set([
  CheckStatus.l4ok,
  CheckStatus.l6ok,
  CheckStatus.l7ok,
  CheckStatus.processOk,
]);

export function isPassing(status: CheckStatus): boolean {
  return passingStatuses.has(status);
}

export class Probe {
  readonly #stop = new AbortController();
  readonly #cleanups: (() => void)[] = [];
  #aborted = false;

  /** Aborted when the deadline passes or the caller aborts, whichever comes first */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  /** Registers teardown work (destroy a socket, clear a timer); run once, in reverse order */
  defer(cleanup: () => void): void {
    this.#cleanups.push(cleanup);
  }

  /** A timer that is cleared with the probe, so no callback outlives the check */
  timer(delayMs: number, callback: () => void): void {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    this.defer(() => clearTimeout(handle));
  }

  /**
   * Waits for `work`, unless the deadline passes first (then throws what `onDeadline` builds, so
   * each phase reports its own timeout status) or the caller aborts. `work` keeps running until the
   * probe's cleanups tear down what feeds it; its late rejection is swallowed.
   */
  within<T>(work: Promise<T>, onDeadline: () => ProbeFailure): Promise<T> {
    const signal = this.#stop.signal;
    if (signal.aborted) {
      work.catch(() => {});
      return Promise.reject(this.#aborted ? new ProbeAborted() : onDeadline());
    }
    return new Promise<T>((resolve, reject) => {
      const onStop = (): void => {
        work.catch(() => {});
        reject(this.#aborted ? new ProbeAborted() : onDeadline());
      };
      signal.addEventListener('abort', onStop, { once: true });
      work.then(
        (value) => {
          signal.removeEventListener('abort', onStop);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onStop);
          reject(error);
        },
      );
    });
  }

  /** @internal used by runProbe */
  start(totalMs: number, caller: AbortSignal): void {
    const onCallerAbort = (): void => {
      this.#aborted = true;
      this.#stop.abort();
    };
    if (caller.aborted) {
      onCallerAbort();
      return;
    }
    caller.addEventListener('abort', onCallerAbort, { once: true });
    this.defer(() => caller.removeEventListener('abort', onCallerAbort));
    this.timer(totalMs, () => this.#stop.abort());
  }

  /** @internal used by runProbe */
  finish(): void {
    for (const cleanup of this.#cleanups.splice(0).reverse()) {
      try {
        cleanup();
      } catch {
        // teardown must not turn a finished check into a rejection
      }
    }
  }
}

export interface ProbeOptions {
  readonly totalMs: number;
  readonly signal: AbortSignal;
  /** the status an aborted run reports: SOCKERR for network checks, PROCERR for scripts */
  readonly abortedStatus: CheckStatus;
  /** the status a bug (an unexpected exception) reports */
  readonly errorStatus: CheckStatus;
}

/**
 * Runs `body` under a deadline of `totalMs` and the caller's signal. The returned promise never
 * rejects: ProbeFailure becomes its outcome, an abort becomes `abortedStatus`, anything else
 * (a bug) becomes `errorStatus` with the error's message.
 */
export async function runProbe(options: ProbeOptions, body: (probe: Probe) => Promise<ProbeResult>): Promise<CheckOutcome> {
  const started = performance.now();
  const probe = new Probe();
  let result: ProbeResult;
  try {
    probe.start(options.totalMs, options.signal);
    if (probe.aborted) throw new ProbeAborted();
    result = await body(probe);
  } catch (error) {
    if (error instanceof ProbeFailure) result = error.toResult();
    else if (error instanceof ProbeAborted || probe.aborted) result = { status: options.abortedStatus, info: 'Check aborted' };
    else result = { status: options.errorStatus, info: error instanceof Error ? error.message : String(error) };
  } finally {
    probe.finish();
  }
  const durationMs = Math.round(performance.now() - started);
  return { ok: isPassing(result.status), durationMs, ...result };
}
