// A frontend as the data path runs it: its listeners, limits and the HTTP routing policy
// (http-request rules, use_backend, default_backend) compiled from the config at start.
import type { Socket } from 'node:net';
import type { BackendRuntime, ConnectionMode } from './backend.ts';
import type { CounterWriter } from './counters.ts';
import type { ErrorPages } from './http/error-pages.ts';
import type { ConnectionView, RequestView, ResponseView } from './http/message-view.ts';
import type { LogContext } from './log/log-context.ts';
import type { StatsService } from './stats-bridge.ts';

/** What a rule step decided: go on, or answer the client with these bytes */
export type Verdict =
  | { readonly kind: 'continue' }
  | { readonly kind: 'response'; readonly bytes: Buffer; readonly close: boolean; readonly status: number };

export const continueVerdict: Verdict = { kind: 'continue' };

export interface HttpRouting {
  /** frontend http-request rules; also reports whether it changed the request head */
  readonly frontendRequest: (view: RequestView) => RuleOutcome;
  readonly chooseBackend: (view: RequestView) => BackendRuntime | undefined;
  /** the chosen backend's http-request rules and forwardfor */
  readonly backendRequest: (backend: BackendRuntime, view: RequestView) => RuleOutcome;
  /** backend then frontend http-response rules */
  readonly response: (backend: BackendRuntime, view: ResponseView) => RuleOutcome;
  /** whether any response step exists for this backend (else the head is forwarded untouched) */
  readonly hasResponseRules: (backend: BackendRuntime) => boolean;
}

export interface RuleOutcome {
  readonly verdict: Verdict;
  /** a rule or forwardfor edited the head, so it must be written out again */
  readonly modified: boolean;
}

export interface FrontendTimeouts {
  readonly client: number;
  readonly httpRequest: number;
  readonly httpKeepAlive: number;
  readonly clientFin: number;
}

export interface FrontendRuntime {
  readonly name: string;
  readonly mode: 'http' | 'tcp';
  readonly timeouts: FrontendTimeouts;
  readonly errorPages: ErrorPages;
  /** the frontend's own mode; the session combines it with the backend's */
  readonly connectionMode: ConnectionMode;
  readonly http?: HttpRouting;
  /** the stats page on this frontend (`stats enable` / `stats uri`), undefined without */
  readonly stats?: StatsService;
  /** tcp mode: the backend for a connection (use_backend on connection fetches, default_backend) */
  readonly chooseTcpBackend?: (view: ConnectionView) => BackendRuntime | undefined;
  readonly counters: CounterWriter;
  readonly base: number;
  /** HAProxy's dontlognull and friends are applied by the logger; undefined when not logging */
  readonly log?: (context: LogContext) => void;
  /** `option dontlognull` */
  readonly dontLogNull: boolean;
  /** requests larger than this head size get a 400 (HAProxy tune.bufsize less its reserve) */
  readonly maxHeadBytes: number;
}

/**
 * Connections over the frontend's maxconn wait paused (not read, not refused), the way HAProxy
 * leaves them in the accept queue, and start when a slot frees.
 */
export class ConnectionGate {
  readonly #limit: number;
  readonly #waiting: Array<() => void> = [];
  active = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** runs `start` now or once a slot frees; returns false when it had to wait */
  admit(socket: Socket, start: () => void): boolean {
    if (this.#limit <= 0 || this.active < this.#limit) {
      this.active++;
      start();
      return true;
    }
    socket.pause();
    const entry = (): void => {
      this.active++;
      socket.resume();
      start();
    };
    this.#waiting.push(entry);
    socket.once('close', () => {
      const at = this.#waiting.indexOf(entry);
      if (at !== -1) this.#waiting.splice(at, 1);
    });
    return false;
  }

  done(): void {
    this.active--;
    const next = this.#waiting.shift();
    if (next !== undefined) next();
  }
}
