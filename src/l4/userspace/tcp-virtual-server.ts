// A TCP virtual server in user space: listens on VIP:port, schedules each accepted connection to
// a real server and relays bytes both ways. NAT-like, but more than NAT: vigil terminates the
// client's connection and opens its own to the real server, so the real server sees vigil's
// address as the client (no LVS-DR/TUN source preservation; no kernel, no root needed).
//
// Choices where a relay differs from IPVS, each visible to users:
// - Connect retry: IPVS forwards the client's SYN and has nothing to retry; a client whose real
//   server refuses sees the refusal. Here the client's connection is already accepted, so a
//   refused or timed-out connect is retried on another server (up to `retries`, each on a server
//   not yet tried) before the client is reset. keepalived's checker notices the failing server
//   on its own schedule either way.
// - A real server leaving the table (update without it) has its connections closed at once
//   (both sockets destroyed, the client sees a reset). IPVS keeps such connections in its table
//   until they time out but, with expire_nodest_conn off (its default), drops their packets, so
//   they hang; closing is what expire_nodest_conn=1 gives and what a client recovers from
//   quicker. A quiesced server (weight 0) keeps its established connections, as in IPVS.
// - Half-close is passed through: a FIN from one side ends the write side towards the other,
//   and the connection closes once both directions have ended.
import { Socket, connect, createServer, type Server } from 'node:net';
import type { LvsFlow } from '../schedulers/scheduler.ts';
import type { PersistenceTemplate } from '../schedulers/persistence.ts';
import type { Dispatcher, ServerEntry } from './dispatcher.ts';
import type { Closable, FlowEntry } from './server-stats.ts';
import { unlinkClosedSocket } from '../../core/closed-socket.ts';
import { SlotList } from '../../core/slot-list.ts';

export interface TcpRelayOptions {
  readonly connectTimeoutMs: number;
  readonly retries: number;
  /** IPVS's tcp (established) timeout: a connection with no bytes either way for this long is closed */
  readonly idleTimeoutMs: number;
  readonly lingerMs: number;
  readonly now: () => number;
}

const State = { connecting: 0, established: 1, halfClosed: 2, closed: 3 } as const;
type State = (typeof State)[keyof typeof State];

/** One client connection and its connection to a real server */
class TcpRelay implements Closable {
  /** its place in the virtual server's list of relays */
  slot = -1;
  readonly #flowEntry: FlowEntry = { flow: this, slot: -1 };
  readonly #owner: TcpVirtualServer;
  readonly #client: Socket;
  readonly #flow: LvsFlow;
  #server: ServerEntry | undefined;
  #template: PersistenceTemplate | undefined;
  #upstream: Socket | undefined;
  #state: State = State.connecting;
  #tried: Set<string> | undefined;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  #clientEnded = false;
  #upstreamEnded = false;
  #clientClosed = false;
  #upstreamClosed = false;

  constructor(owner: TcpVirtualServer, client: Socket) {
    this.#owner = owner;
    this.#client = client;
    this.#flow = {
      sourceAddress: client.remoteAddress ?? '',
      sourcePort: client.remotePort ?? 0,
      destinationAddress: client.localAddress ?? '',
      destinationPort: client.localPort ?? 0,
      protocol: 'TCP',
    };
    client.setNoDelay(true);
    client.on('error', () => this.close());
    client.on('close', (hadError: boolean) => {
      this.#clientClosed = true;
      // a clean close (both directions ended) waits for the real server's side to finish too
      if (hadError || !this.#clientEnded || this.#upstreamClosed || this.#upstream === undefined) this.close();
    });
    client.on('timeout', () => this.close());
    client.once('close', () => unlinkClosedSocket(client));
    client.setTimeout(owner.options.idleTimeoutMs);
  }

  start(): void {
    const dispatch = this.#owner.dispatcher.dispatch(this.#flow, this.#tried);
    if (dispatch === undefined) {
      // no destination available: IPVS drops the SYN (or ICMP-rejects); the accepted client is reset
      this.#owner.unscheduled++;
      this.close();
      return;
    }
    const server = dispatch.server;
    this.#server = server;
    this.#template = dispatch.template;
    if (this.#template !== undefined) this.#owner.dispatcher.persistence?.opened(this.#template);
    server.stats.active++;
    server.stats.connections++;
    server.stats.flows.add(this.#flowEntry);
    const upstream = connect({ host: server.address, port: server.port, allowHalfOpen: true, noDelay: true });
    this.#upstream = upstream;
    this.#connectTimer = setTimeout(() => this.#connectFailed(upstream), this.#owner.options.connectTimeoutMs);
    upstream.once('connect', () => this.#connected(upstream));
    upstream.on('error', () => (this.#state === State.connecting ? this.#connectFailed(upstream) : this.close()));
    upstream.on('close', (hadError: boolean) => {
      if (upstream !== this.#upstream || this.#state === State.connecting) return;
      this.#upstreamClosed = true;
      if (hadError || !this.#upstreamEnded || this.#clientClosed) this.close();
    });
    upstream.once('close', () => unlinkClosedSocket(upstream));
  }

  #connected(upstream: Socket): void {
    if (upstream !== this.#upstream || this.#state !== State.connecting) return;
    clearTimeout(this.#connectTimer);
    this.#state = State.established;
    const client = this.#client;
    const stats = this.#server!.stats;
    client.on('data', (chunk: Buffer) => {
      stats.bytesIn += chunk.length;
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('data', (chunk: Buffer) => {
      stats.bytesOut += chunk.length;
      if (!client.write(chunk)) upstream.pause();
    });
    upstream.on('drain', () => client.resume());
    client.on('drain', () => upstream.resume());
    client.on('end', () => {
      this.#clientEnded = true;
      this.#halfClose();
      upstream.end();
    });
    upstream.on('end', () => {
      this.#upstreamEnded = true;
      this.#halfClose();
      client.end();
    });
    upstream.setTimeout(this.#owner.options.idleTimeoutMs);
    upstream.on('timeout', () => this.close());
    // the listener accepted with pauseOnConnect: bytes the client sent meanwhile wait in the kernel
    client.resume();
  }

  /** IPVS moves a connection from active to inactive on the first FIN (FIN_WAIT / CLOSE_WAIT) */
  #halfClose(): void {
    if (this.#state !== State.established) return;
    this.#state = State.halfClosed;
    const stats = this.#server!.stats;
    stats.active--;
    stats.closing++;
  }

  #connectFailed(upstream: Socket): void {
    if (upstream !== this.#upstream || this.#state !== State.connecting) return;
    clearTimeout(this.#connectTimer);
    upstream.removeAllListeners();
    upstream.on('error', () => {});
    upstream.destroy();
    this.#upstream = undefined;
    const server = this.#server!;
    this.#release(server, false);
    this.#owner.connectFailures++;
    const tried = (this.#tried ??= new Set());
    tried.add(server.id);
    if (tried.size > this.#owner.options.retries || this.#client.destroyed) {
      this.close();
      return;
    }
    this.#owner.retried++;
    this.start();
  }

  /** Gives the server's counts back; `linger` counts the connection as recently closed */
  #release(server: ServerEntry, linger: boolean): void {
    const stats = server.stats;
    if (this.#state === State.halfClosed) stats.closing--;
    else stats.active--;
    stats.flows.remove(this.#flowEntry);
    if (linger) stats.linger(this.#owner.options.now(), this.#owner.options.lingerMs);
    if (this.#template !== undefined) {
      this.#owner.dispatcher.persistence?.closed(this.#template);
      this.#template = undefined;
    }
    this.#server = undefined;
  }

  close(): void {
    if (this.#state === State.closed) return;
    clearTimeout(this.#connectTimer);
    const server = this.#server;
    if (server !== undefined) this.#release(server, this.#state !== State.connecting);
    this.#state = State.closed;
    this.#owner.relays.remove(this);
    // a clean close has both directions ended already; anything else is an abort
    this.#upstream?.destroy();
    this.#client.destroy();
  }
}

export class TcpVirtualServer {
  readonly dispatcher: Dispatcher;
  readonly options: TcpRelayOptions;
  /** open relays (a SlotList, not a Set: see core/slot-list.ts) */
  readonly relays = new SlotList<TcpRelay>();
  readonly #listener: Server;
  /** accepted connections no real server could take */
  unscheduled = 0;
  connectFailures = 0;
  retried = 0;

  constructor(dispatcher: Dispatcher, options: TcpRelayOptions) {
    this.dispatcher = dispatcher;
    this.options = options;
    this.#listener = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (client) => {
      const relay = new TcpRelay(this, client);
      this.relays.add(relay);
      relay.start();
    });
  }

  listen(address: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.#listener.once('error', onError);
      this.#listener.listen({ host: address, port, exclusive: true }, () => {
        this.#listener.off('error', onError);
        this.#listener.on('error', () => {});
        resolve();
      });
    });
  }

  get port(): number {
    const address = this.#listener.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  /** Closes the flows of servers that left the table */
  closeFlowsOf(servers: readonly ServerEntry[]): void {
    for (const server of servers) for (const entry of server.stats.flows.toArray()) entry.flow.close();
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.#listener.close(() => resolve());
      for (const relay of this.relays.toArray()) relay.close();
    });
  }
}
