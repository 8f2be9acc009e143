// One probe of one server. Each check type lives in its own file under checkers/ and registers a
// factory here under its kind; the engine and the config adapters never switch over type names.
import type { CheckOutcome } from './outcome.ts';

export interface CheckTarget {
  /** address to connect to (HAProxy `addr`, keepalived `connect_ip`, else the server's) */
  readonly host: string;
  readonly port: number;
  /** keepalived `bindto` / HAProxy `source`: the local address to connect from */
  readonly localAddress?: string;
  readonly localPort?: number;
}

export interface CheckTimeouts {
  /** time allowed to establish the connection */
  readonly connectMs: number;
  /** time allowed for the whole check, connection included */
  readonly totalMs: number;
}

export interface Checker {
  readonly kind: string;
  /** human description for logs and the stats page, e.g. `HTTP GET /health` */
  readonly description: string;
  /** Never rejects: every failure is an outcome. Honour `signal` (engine stop/reload). */
  run(target: CheckTarget, timeouts: CheckTimeouts, signal: AbortSignal): Promise<CheckOutcome>;
}

/** Specs are plain data built from either config format; `kind` picks the factory */
export interface CheckSpec {
  readonly kind: string;
}

export type CheckerFactory = (spec: CheckSpec) => Checker;

const factories = new Map<string, CheckerFactory>();

export function registerChecker(kind: string, factory: CheckerFactory): void {
  if (factories.has(kind)) throw new Error(`Checker kind "${kind}" is registered twice`);
  factories.set(kind, factory);
}

export function createChecker(spec: CheckSpec): Checker {
  const factory = factories.get(spec.kind);
  if (factory === undefined) throw new Error(`No checker registered for kind "${spec.kind}"`);
  return factory(spec);
}

export function registeredCheckerKinds(): string[] {
  return [...factories.keys()];
}
