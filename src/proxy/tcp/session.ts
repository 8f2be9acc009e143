// One client connection in `mode tcp`: pick a backend and server, connect (with HAProxy's
// retries and redispatch), then relay bytes both ways with backpressure until either side ends.
import type { Socket } from 'node:net';
import type { BalanceRequest } from '../../balance/balancer.ts';
import type { BackendRuntime, QueueWaiter } from '../backend.ts';
import { AnalyzeStatus } from '../../check/passive.ts';
import { ConnectionEnds } from '../client-address.ts';
import { Counter } from '../counters.ts';
import type { DeadlineTicker, Expirable } from '../deadlines.ts';
import type { ConnectionGate, FrontendRuntime } from '../frontend.ts';
import type { ConnectionView } from '../http/message-view.ts';
import type { LogContext } from '../log/log-context.ts';
import type { ServerConnection, ServerConnectionOwner, ServerRuntime } from '../server-runtime.ts';
import { retain, type SocketReader } from '../io/socket-reader.ts';

const Phase = { routing: 0, queued: 1, connecting: 2, relaying: 3, closed: 4 } as const;
type Phase = (typeof Phase)[keyof typeof Phase];

export interface TcpSessionContext {
  readonly frontend: FrontendRuntime;
  readonly ticker: DeadlineTicker;
  readonly gate: ConnectionGate;
  readonly processConnections: { value: number };
}

export class TcpSession implements ServerConnectionOwner, Expirable, QueueWaiter, ConnectionView, BalanceRequest {
  deadline = 0;
  /** this session's place in the deadline ticker's list */
  slot = -1;
  readonly frontend: string;
  readonly #ends: ConnectionEnds;
  readonly uri = '';
  readonly #client: Socket;
  readonly #clientReader: SocketReader;
  readonly #context: TcpSessionContext;
  #phase: Phase = Phase.routing;
  #backend: BackendRuntime | undefined;
  #server: ServerRuntime | undefined;
  #connection: ServerConnection | undefined;
  #pending: Buffer[] = [];
  #tried: Set<number> | undefined;
  #retries = 0;
  #redispatched = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #clientPaused = false;
  #serverPaused = false;
  #clientEnded = false;
  #finalized = false;
  #termination = '--';
  #bytesIn = 0;
  #bytesOut = 0;
  readonly #acceptedAt = Date.now();
  #queuedAt = 0;
  #connectStartAt = 0;
  #connectedAt = 0;

  constructor(client: Socket, reader: SocketReader, context: TcpSessionContext) {
    this.#client = client;
    this.#clientReader = reader;
    this.#context = context;
    this.#ends = new ConnectionEnds(client);
    // the log needs the addresses when the connection ends, when the socket can no longer tell
    if (context.frontend.log !== undefined) this.#ends.resolve();
    this.frontend = context.frontend.name;
    client.setNoDelay(true);
    reader.sink = (chunk: Buffer) => this.#onClientData(chunk);
    client.on('drain', () => {
      if (this.#serverPaused && this.#connection !== undefined) {
        this.#serverPaused = false;
        this.#connection.socket.resume();
      }
    });
    client.on('end', () => this.#onClientEnd());
    client.on('error', () => this.#setTermination('C'));
    client.on('close', () => this.#onClientClose());
    const fe = context.frontend;
    fe.counters.enter(fe.base, Counter.sessionsCurrent, Counter.sessionsMax);
    fe.counters.add(fe.base, Counter.sessionsTotal);
    fe.counters.set(fe.base, Counter.lastSessionAt, this.#acceptedAt);
    context.processConnections.value++;
    context.ticker.add(this);
    const backend = fe.chooseTcpBackend?.(this);
    if (backend === undefined) {
      this.#setTermination('P');
      client.destroy();
      return;
    }
    this.#backend = backend;
    backend.active++;
    this.#connect();
  }

  get source(): string {
    return this.#ends.source;
  }

  get sourcePort(): number {
    return this.#ends.sourcePort;
  }

  get destination(): string {
    return this.#ends.destination;
  }

  get destinationPort(): number {
    return this.#ends.destinationPort;
  }

  header(): string | undefined {
    return undefined;
  }

  expire(): void {
    switch (this.#phase) {
      case Phase.queued:
        this.#backend?.dequeue(this);
        this.#termination = 'sQ';
        this.#client.destroy();
        return;
      case Phase.connecting:
        this.#connection?.socket.destroy(new Error('Connection timeout'));
        return;
      case Phase.relaying:
        this.#setTermination('c');
        this.#destroyAll();
        return;
    }
  }

  #arm(phase: Phase): void {
    this.#phase = phase;
    const b = this.#backend?.timeouts;
    const t = this.#context.frontend.timeouts;
    const ms =
      phase === Phase.queued ? b?.queue || b?.connect || 0
      : phase === Phase.connecting ? b?.connect ?? 0
      : phase === Phase.relaying ? (b?.tunnel || Math.max(t.client, b?.server ?? 0))
      : 0;
    this.deadline = this.#context.ticker.after(ms);
  }

  #connect(): void {
    const backend = this.#backend;
    if (backend === undefined) return;
    const server = backend.choose(this, this.#tried);
    if (server === undefined) {
      if (backend.hasCapacityLater() && backend.enqueue(this)) {
        if (this.#queuedAt === 0) this.#queuedAt = Date.now();
        this.#arm(Phase.queued);
        return;
      }
      this.#setTermination('s');
      this.#client.destroy();
      return;
    }
    this.#open(server);
  }

  #open(server: ServerRuntime): void {
    const backend = this.#backend;
    if (backend === undefined) return;
    this.#server = server;
    backend.acquire(server);
    this.#connectStartAt = Date.now();
    const connection = server.connect(this);
    this.#connection = connection;
    connection.socket.once('connect', () => {
      if (connection !== this.#connection || connection.closed) return;
      connection.connected = true;
      server.observation?.note(AnalyzeStatus.l4Ok);
      this.#connectedAt = Date.now();
      this.#arm(Phase.relaying);
      for (const bytes of this.#pending) this.#toServer(bytes);
      this.#pending = [];
      if (this.#clientEnded) connection.socket.end();
    });
    this.#arm(Phase.connecting);
  }

  wake(): void {
    if (this.#phase === Phase.queued) this.#connect();
  }

  #onClientData(chunk: Buffer): void {
    this.#bytesIn += chunk.length;
    const fe = this.#context.frontend;
    fe.counters.add(fe.base, Counter.bytesIn, chunk.length);
    const connection = this.#connection;
    if (connection === undefined || !connection.connected) {
      // held until the server connection is up, past this read: a copy (socket-reader.ts)
      this.#pending.push(retain(chunk));
      return;
    }
    this.#toServer(chunk);
    this.#arm(Phase.relaying);
  }

  #toServer(bytes: Buffer): void {
    const connection = this.#connection;
    if (connection === undefined) return;
    const socket = connection.socket;
    if (!socket.write(bytes) && !this.#clientPaused) {
      this.#clientPaused = true;
      this.#client.pause();
    }
    // the kernel did not take it all: the pending write points into the client's read memory
    if (socket.writableLength !== 0) this.#clientReader.lend(socket);
  }

  onServerDrain(): void {
    if (this.#clientPaused) {
      this.#clientPaused = false;
      this.#client.resume();
    }
  }

  onServerData(connection: ServerConnection, chunk: Buffer): void {
    if (connection !== this.#connection) return;
    this.#bytesOut += chunk.length;
    const fe = this.#context.frontend;
    fe.counters.add(fe.base, Counter.bytesOut, chunk.length);
    const client = this.#client;
    if (!client.write(chunk) && !this.#serverPaused) {
      this.#serverPaused = true;
      connection.socket.pause();
    }
    if (client.writableLength !== 0) connection.reader.lend(client);
    this.#arm(Phase.relaying);
  }

  onServerClose(connection: ServerConnection, error: Error | undefined): void {
    if (connection !== this.#connection) return;
    this.#connection = undefined;
    const backend = this.#backend;
    const server = this.#server;
    if (this.#phase === Phase.connecting && backend !== undefined && server !== undefined) {
      backend.counters.add(backend.base, Counter.connectionErrors);
      server.counters.add(server.base, Counter.connectionErrors);
      server.observation?.note(AnalyzeStatus.l4Error);
      backend.release(server);
      this.#server = undefined;
      if (this.#retries >= backend.retries) {
        this.#setTermination(error?.message === 'Connection timeout' ? 's' : 'S');
        this.#client.destroy();
        return;
      }
      this.#retries++;
      backend.counters.add(backend.base, Counter.retries);
      if (backend.redispatchOn(this.#retries)) {
        (this.#tried ??= new Set()).add(server.index);
        this.#redispatched = true;
        backend.counters.add(backend.base, Counter.redispatches);
        this.#connect();
        return;
      }
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        if (this.#phase !== Phase.connecting || this.#finalized) return;
        if (server.serving) this.#open(server);
        else this.#connect();
      }, Math.min(backend.timeouts.connect || 1000, 1000));
      this.deadline = 0;
      return;
    }
    // the server finished (or failed): pass its end on once its last bytes are written
    if (error !== undefined) this.#setTermination('S');
    this.#client.end();
  }

  #onClientEnd(): void {
    this.#clientEnded = true;
    const connection = this.#connection;
    if (connection !== undefined && connection.connected) connection.socket.end();
  }

  #onClientClose(): void {
    if (this.#finalized) return;
    this.#finalized = true;
    this.#phase = Phase.closed;
    this.#context.ticker.remove(this);
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    const backend = this.#backend;
    if (backend !== undefined) {
      backend.dequeue(this);
      if (this.#server !== undefined) backend.release(this.#server);
      backend.active--;
    }
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection !== undefined) {
      connection.owner = undefined;
      connection.socket.destroy();
    }
    this.#log();
    const fe = this.#context.frontend;
    fe.counters.leave(fe.base, Counter.sessionsCurrent);
    this.#context.processConnections.value--;
    this.#context.gate.done();
  }

  #destroyAll(): void {
    this.#connection?.socket.destroy();
    this.#client.destroy();
  }

  #setTermination(cause: string): void {
    if (this.#termination !== '--') return;
    const state = this.#phase === Phase.queued ? 'Q' : this.#phase === Phase.connecting ? 'C' : this.#phase === Phase.relaying ? 'D' : 'R';
    this.#termination = `${cause}${state}`;
  }

  #log(): void {
    const fe = this.#context.frontend;
    if (fe.log === undefined) return;
    if (fe.dontLogNull && this.#bytesIn === 0 && this.#bytesOut === 0) return;
    const now = Date.now();
    const backend = this.#backend;
    const server = this.#server;
    const context: LogContext = {
      clientIp: this.source,
      clientPort: this.sourcePort,
      frontendIp: this.destination,
      frontendPort: this.destinationPort,
      acceptDate: this.#acceptedAt,
      requestDate: this.#acceptedAt,
      frontend: fe.name,
      frontendTransport: fe.name,
      backend: backend?.name ?? fe.name,
      server: server?.name ?? '<NOSRV>',
      serverIp: server?.host ?? '-',
      serverPort: server?.port ?? 0,
      timeRequest: -1,
      timeQueue: this.#queuedAt === 0 ? 0 : this.#connectStartAt - this.#queuedAt,
      timeConnect: this.#connectedAt === 0 ? -1 : this.#connectedAt - this.#connectStartAt,
      timeResponse: -1,
      timeActive: now - this.#acceptedAt,
      timeTotal: now - this.#acceptedAt,
      timeHandshake: 0,
      timeIdle: 0,
      status: -1,
      bytesRead: this.#bytesOut,
      bytesUploaded: this.#bytesIn,
      terminationState: this.#termination,
      terminationStateCookie: `${this.#termination}--`,
      capturedRequestCookie: '-',
      capturedResponseCookie: '-',
      activeConnections: this.#context.processConnections.value,
      frontendConnections: this.#context.gate.active,
      backendConnections: backend?.active ?? 0,
      serverConnections: server?.active ?? 0,
      retries: this.#retries,
      redispatched: this.#redispatched,
      serverQueue: 0,
      backendQueue: backend?.queueLength ?? 0,
      capturedRequestHeaders: [],
      capturedResponseHeaders: [],
      requestLine: '',
      method: '',
      uri: '',
      httpVersion: '',
      uniqueId: '',
      processId: process.pid,
      hostname: '',
    };
    fe.log(context);
  }
}
