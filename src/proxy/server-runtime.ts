// One server of a backend as the data path sees it: where to connect, whether it takes traffic,
// how many connections it serves, and its idle keep-alive connections for reuse.
import { connect, type Socket } from 'node:net';
import type { BalanceServer } from '../balance/balancer.ts';
import { Counter, CounterWriter } from './counters.ts';
import type { ServerObservation } from './passive-observer.ts';
import { ignoreBytes, SocketReader } from './io/socket-reader.ts';
import { unlinkClosedSocket } from '../core/closed-socket.ts';
import { IdlePurge } from './idle-purge.ts';

/** Who gets a pooled connection's events while it carries a transaction */
export interface ServerConnectionOwner {
  onServerData(connection: ServerConnection, chunk: Buffer): void;
  onServerDrain(connection: ServerConnection): void;
  onServerClose(connection: ServerConnection, error: Error | undefined): void;
}

/**
 * A connection to a server. Its listeners are attached once and forward to the current owner, so
 * handing it from one transaction to the next costs no listener churn.
 */
export class ServerConnection {
  readonly socket: Socket;
  readonly server: ServerRuntime;
  owner: ServerConnectionOwner | undefined;
  /** the TCP handshake completed (it stays true once closed: see `closed`) */
  connected = false;
  closed = false;
  /** transactions carried, for "reused" counting and retry safety */
  uses = 0;
  #error: Error | undefined;

  /** the socket's reads; owners `lend()` it when a write of its bytes stays pending */
  readonly reader: SocketReader;

  constructor(server: ServerRuntime, socket: Socket, reader: SocketReader) {
    this.server = server;
    this.socket = socket;
    this.reader = reader;
    socket.setNoDelay(true);
    reader.sink = (chunk: Buffer) => {
      const owner = this.owner;
      if (owner !== undefined) owner.onServerData(this, chunk);
      else socket.destroy(); // an idle connection must stay silent; anything else is a protocol error
    };
    socket.on('drain', () => this.owner?.onServerDrain(this));
    socket.on('error', (error) => (this.#error = error));
    socket.on('close', () => {
      // `connected` stays as it was: the owner tells "never connected" (a connect failure, to
      // retry) from "closed after connecting" (the server ended its answer or aborted) by it
      this.closed = true;
      reader.release();
      this.server.forgetIdle(this);
      this.server.forgetLive(this);
      this.owner?.onServerClose(this, this.#error);
      unlinkClosedSocket(socket);
    });
  }

  get error(): Error | undefined {
    return this.#error;
  }
}

export interface ServerRuntimeConfig {
  readonly index: number;
  readonly backend: string;
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly weight: number;
  readonly backup: boolean;
  /** 0 = unlimited */
  readonly maxconn: number;
  /** 0 = unlimited */
  readonly maxqueue: number;
  /** idle connections kept for reuse at most */
  readonly maxIdle: number;
  /** HAProxy `source` / keepalived `bindto` style local address, if any */
  readonly localAddress?: string;
  /** `on-marked-down shutdown-sessions`: cut this server's connections when it goes DOWN */
  readonly shutdownOnDown?: boolean;
}

export class ServerRuntime implements BalanceServer {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly backend: string;
  readonly host: string;
  readonly port: number;
  readonly backup: boolean;
  readonly maxconn: number;
  readonly maxqueue: number;
  readonly configuredWeight: number;
  readonly #maxIdle: number;
  readonly #localAddress: string | undefined;
  /** effective weight from health/admin state (0 = takes no new traffic) */
  weight: number;
  /** takes new traffic (UP, READY, weight > 0) */
  serving = true;
  /** transactions in progress on this server (HAProxy's "cur sessions" for a server) */
  active = 0;
  /** UP by its checks (it may still not serve: maintenance, drain) */
  up = true;
  /** `observe layer4|layer7`: where sessions note what traffic shows (undefined: not observed) */
  observation: ServerObservation | undefined;
  readonly #shutdownOnDown: boolean;
  /** connections in use, kept only for `on-marked-down shutdown-sessions` */
  readonly #live = new Set<ServerConnection>();
  readonly #idle: ServerConnection[] = [];
  readonly #purge = new IdlePurge(performance.now());
  readonly counters: CounterWriter;
  readonly base: number;

  constructor(config: ServerRuntimeConfig, counters: CounterWriter, base: number) {
    this.index = config.index;
    this.backend = config.backend;
    this.name = config.name;
    this.id = `${config.backend}/${config.name}`;
    this.host = config.host;
    this.port = config.port;
    this.backup = config.backup;
    this.maxconn = config.maxconn;
    this.maxqueue = config.maxqueue;
    this.configuredWeight = config.weight;
    this.weight = config.weight;
    this.#maxIdle = config.maxIdle;
    this.#localAddress = config.localAddress;
    this.#shutdownOnDown = config.shutdownOnDown ?? false;
    this.counters = counters;
    this.base = base;
  }

  get full(): boolean {
    return this.maxconn > 0 && this.active >= this.maxconn;
  }

  get idleCount(): number {
    return this.#idle.length;
  }

  /** an idle pooled connection, most recently used first (warm in caches, least likely timed out) */
  takeIdle(): ServerConnection | undefined {
    this.#purge.noteInUse(this.active);
    for (;;) {
      const connection = this.#idle.pop();
      if (connection === undefined) return undefined;
      if (!connection.closed && connection.connected) {
        this.counters.set(this.base, Counter.idleConnections, this.#idle.length);
        return connection;
      }
    }
  }

  /** returns a connection after a transaction; false when it cannot be kept (then it is closed) */
  keepIdle(connection: ServerConnection): boolean {
    connection.owner = undefined;
    if (connection.closed || !this.serving || this.#idle.length >= this.#maxIdle) {
      connection.socket.destroy();
      return false;
    }
    // pool-purge-delay (idle-purge.ts), checked when a connection comes back: a pool nobody uses
    // is left to the servers' own keep-alive timeouts. Before the push: `active` still counts the
    // transaction that hands this connection back.
    for (let close = this.#purge.toClose(performance.now(), this.active, this.#idle.length); close > 0; close--) {
      (this.#idle.shift() as ServerConnection).socket.destroy();
    }
    this.#idle.push(connection);
    this.counters.set(this.base, Counter.idleConnections, this.#idle.length);
    return true;
  }

  forgetIdle(connection: ServerConnection): void {
    const at = this.#idle.indexOf(connection);
    if (at !== -1) {
      this.#idle.splice(at, 1);
      this.counters.set(this.base, Counter.idleConnections, this.#idle.length);
    }
  }

  forgetLive(connection: ServerConnection): void {
    if (this.#shutdownOnDown) this.#live.delete(connection);
  }

  /** the checks found it DOWN (or UP again); DOWN cuts its sessions when the config asks so */
  setUp(up: boolean): void {
    const wasUp = this.up;
    this.up = up;
    if (wasUp && !up && this.#shutdownOnDown) {
      for (const connection of [...this.#live]) connection.socket.destroy(new Error('Server marked down'));
    }
  }

  /** closes idle connections, e.g. when the server goes down or into maintenance */
  dropIdle(): void {
    for (const connection of this.#idle.splice(0)) connection.socket.destroy();
    this.counters.set(this.base, Counter.idleConnections, 0);
  }

  connect(owner: ServerConnectionOwner): ServerConnection {
    this.#purge.noteInUse(this.active);
    const reader = new SocketReader(ignoreBytes);
    const socket = connect({
      host: this.host,
      port: this.port,
      noDelay: true,
      onread: reader.onread,
      ...(this.#localAddress === undefined ? {} : { localAddress: this.#localAddress }),
    });
    const connection = new ServerConnection(this, socket, reader);
    connection.owner = owner;
    if (this.#shutdownOnDown) this.#live.add(connection);
    return connection;
  }
}
