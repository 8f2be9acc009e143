// A backend as the data path runs it: its servers, the balancer over the ones taking traffic
// (rebuilt whenever health, admin state or weight changes), and the queue of requests waiting
// for a server slot when every candidate is at its maxconn.
import type { BalanceRequest, Balancer } from '../balance/balancer.ts';
import { Counter, type CounterWriter } from './counters.ts';
import type { ServerRuntime } from './server-runtime.ts';

/** HAProxy's three HTTP connection modes, the strictest of frontend and backend wins */
export type ConnectionMode = 'keep-alive' | 'server-close' | 'close';

export interface BackendTimeouts {
  readonly connect: number;
  readonly server: number;
  readonly queue: number;
  readonly tunnel: number;
  readonly serverFin: number;
}

/** A request waiting in the backend queue for a server slot */
export interface QueueWaiter {
  /** called when a slot may be free; the waiter picks again and may queue again */
  wake(): void;
}

export interface BackendRuntimeConfig {
  readonly name: string;
  readonly mode: 'http' | 'tcp';
  readonly servers: readonly ServerRuntime[];
  /** builds a balancer over the servers that take traffic now (backups handled inside) */
  readonly buildSelection: (servers: readonly ServerRuntime[]) => Balancer;
  readonly timeouts: BackendTimeouts;
  readonly retries: number;
  /**
   * `option redispatch [interval]`: 0 = never; a positive P redispatches every Pth retry; a
   * negative N redispatches on the Nth retry before the last (-1, the default, on the last one).
   */
  readonly redispatchInterval: number;
  readonly connectionMode: ConnectionMode;
  readonly counters: CounterWriter;
  readonly base: number;
}

export class BackendRuntime {
  readonly name: string;
  readonly mode: 'http' | 'tcp';
  readonly servers: readonly ServerRuntime[];
  readonly timeouts: BackendTimeouts;
  readonly retries: number;
  readonly connectionMode: ConnectionMode;
  readonly counters: CounterWriter;
  readonly base: number;
  readonly #redispatchInterval: number;
  readonly #buildSelection: (servers: readonly ServerRuntime[]) => Balancer;
  readonly #byName = new Map<string, ServerRuntime>();
  readonly #limited: boolean;
  readonly #queue: QueueWaiter[] = [];
  #selection: Balancer;
  /** sessions in progress through this backend */
  active = 0;

  constructor(config: BackendRuntimeConfig) {
    this.name = config.name;
    this.mode = config.mode;
    this.servers = config.servers;
    this.timeouts = config.timeouts;
    this.retries = config.retries;
    this.connectionMode = config.connectionMode;
    this.counters = config.counters;
    this.base = config.base;
    this.#redispatchInterval = config.redispatchInterval;
    this.#buildSelection = config.buildSelection;
    for (const server of config.servers) this.#byName.set(server.name, server);
    this.#limited = config.servers.some((s) => s.maxconn > 0);
    this.#selection = this.#buildSelection(this.servers);
  }

  server(name: string): ServerRuntime | undefined {
    return this.#byName.get(name);
  }

  /** applies a server's new state from the health engine and rebuilds the balancer if needed */
  applyState(name: string, serving: boolean, weight: number, up = serving): void {
    const server = this.#byName.get(name);
    if (server === undefined) return;
    server.setUp(up);
    if (server.serving === serving && server.weight === weight) return;
    server.serving = serving;
    server.weight = weight;
    if (!serving) server.dropIdle();
    this.#selection = this.#buildSelection(this.servers);
    if (serving) this.#wakeQueue();
  }

  /**
   * The server for a request, skipping servers in `tried` (a redispatched retry) and servers at
   * their maxconn. undefined: none can take it now (see `hasCapacityLater` to decide on queueing).
   */
  choose(request: BalanceRequest, tried: ReadonlySet<number> | undefined): ServerRuntime | undefined {
    if (!this.#limited) return this.#pick(request, tried);
    // HAProxy leaves a full server out of the choice instead of queueing on it while others are free
    let exclude: Set<number> | undefined;
    for (const server of this.servers) {
      if (server.full) (exclude ??= new Set(tried)).add(server.index);
    }
    return this.#pick(request, exclude ?? tried);
  }

  /** some serving server is only full, so waiting in the queue can succeed */
  hasCapacityLater(): boolean {
    return this.servers.some((s) => s.serving && s.full);
  }

  /** whether this retry (1-based) goes to another server */
  redispatchOn(retry: number): boolean {
    const p = this.#redispatchInterval;
    if (p === 0) return false;
    if (p > 0) return retry % p === 0;
    return retry === this.retries + 1 + p;
  }

  get queueLength(): number {
    return this.#queue.length;
  }

  /** false when the queue is at its limit (the sum of the servers' maxqueue, when all set one) */
  enqueue(waiter: QueueWaiter): boolean {
    const limit = this.servers.every((s) => s.maxqueue > 0) ? this.servers.reduce((sum, s) => sum + s.maxqueue, 0) : 0;
    if (limit > 0 && this.#queue.length >= limit) return false;
    this.#queue.push(waiter);
    this.counters.enter(this.base, Counter.queueCurrent, Counter.queueMax);
    return true;
  }

  dequeue(waiter: QueueWaiter): void {
    const at = this.#queue.indexOf(waiter);
    if (at === -1) return;
    this.#queue.splice(at, 1);
    this.counters.leave(this.base, Counter.queueCurrent);
  }

  /** a transaction on `server` ended: its slot may go to the oldest queued request */
  release(server: ServerRuntime): void {
    server.active--;
    server.counters.leave(server.base, Counter.sessionsCurrent);
    if (this.#queue.length > 0) this.#wakeQueue();
  }

  acquire(server: ServerRuntime): void {
    server.active++;
    server.counters.enter(server.base, Counter.sessionsCurrent, Counter.sessionsMax);
    server.counters.add(server.base, Counter.sessionsTotal);
    server.counters.set(server.base, Counter.lastSessionAt, Date.now());
  }

  #pick(request: BalanceRequest, exclude: ReadonlySet<number> | undefined): ServerRuntime | undefined {
    return this.#selection.pick(request, exclude) as ServerRuntime | undefined;
  }

  #wakeQueue(): void {
    const waiter = this.#queue.shift();
    if (waiter === undefined) return;
    this.counters.leave(this.base, Counter.queueCurrent);
    waiter.wake();
  }
}
