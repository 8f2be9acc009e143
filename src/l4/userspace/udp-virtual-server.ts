// A UDP virtual server in user space: datagrams to VIP:port are grouped into flows by the
// client's address and port (IPVS's UDP connection entries); the first datagram of a flow is
// scheduled, and the flow gets its own socket towards the real server, so replies come back to
// it and are sent to the client from the VIP socket (the client sees answers from the address it
// asked). A flow ends after `idleTimeoutMs` without a datagram either way (IPVS's udp timeout,
// 300 s by default) or when its real server leaves the table. Each flow counts as one inactive
// connection on its server, as IPVS counts UDP; the real server sees vigil as the client.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { PersistenceTemplate } from '../schedulers/persistence.ts';
import type { Dispatcher, ServerEntry } from './dispatcher.ts';
import type { Closable, FlowEntry } from './server-stats.ts';

export interface UdpRelayOptions {
  readonly idleTimeoutMs: number;
  /** flows held at once; datagrams that would open another are dropped */
  readonly maxFlows: number;
  readonly now: () => number;
}

/** datagrams held per flow while its socket towards the real server is still connecting */
const MAX_PENDING = 64;

class UdpFlow implements Closable {
  readonly #flowEntry: FlowEntry = { flow: this, slot: -1 };
  readonly #owner: UdpVirtualServer;
  readonly key: string;
  readonly clientAddress: string;
  readonly clientPort: number;
  readonly #server: ServerEntry;
  #template: PersistenceTemplate | undefined;
  readonly #socket: Socket;
  #pending: Buffer[] | undefined = [];
  lastActivity: number;
  #closed = false;

  constructor(owner: UdpVirtualServer, key: string, client: RemoteInfo, server: ServerEntry, template: PersistenceTemplate | undefined) {
    this.#owner = owner;
    this.key = key;
    this.clientAddress = client.address;
    this.clientPort = client.port;
    this.#server = server;
    this.#template = template;
    this.lastActivity = owner.options.now();
    const stats = server.stats;
    stats.closing++;
    stats.connections++;
    stats.flows.add(this.#flowEntry);
    if (template !== undefined) owner.dispatcher.persistence?.opened(template);
    const socket = createSocket(isIPv6(server.address) ? 'udp6' : 'udp4');
    this.#socket = socket;
    socket.on('error', () => this.close());
    socket.on('message', (reply) => {
      this.lastActivity = owner.options.now();
      stats.bytesOut += reply.length;
      owner.reply(reply, this.clientPort, this.clientAddress);
    });
    socket.connect(server.port, server.address, () => {
      const pending = this.#pending ?? [];
      this.#pending = undefined;
      for (const datagram of pending) this.#forward(datagram);
    });
  }

  send(datagram: Buffer): void {
    this.lastActivity = this.#owner.options.now();
    this.#server.stats.bytesIn += datagram.length;
    if (this.#pending === undefined) this.#forward(datagram);
    else if (this.#pending.length < MAX_PENDING) this.#pending.push(datagram);
  }

  #forward(datagram: Buffer): void {
    if (this.#closed) return;
    // ICMP unreachable from the real server surfaces as an error on the next send: end the flow
    this.#socket.send(datagram, (error) => {
      if (error !== null) this.close();
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const stats = this.#server.stats;
    stats.closing--;
    stats.flows.remove(this.#flowEntry);
    if (this.#template !== undefined) {
      this.#owner.dispatcher.persistence?.closed(this.#template);
      this.#template = undefined;
    }
    this.#owner.forget(this);
    try {
      this.#socket.close();
    } catch {
      // already closed after an error
    }
  }
}

export class UdpVirtualServer {
  readonly dispatcher: Dispatcher;
  readonly options: UdpRelayOptions;
  readonly #flows = new Map<string, UdpFlow>();
  #socket: Socket | undefined;
  #sweeper: ReturnType<typeof setInterval> | undefined;
  /** datagrams no real server could take, or beyond maxFlows */
  dropped = 0;

  constructor(dispatcher: Dispatcher, options: UdpRelayOptions) {
    this.dispatcher = dispatcher;
    this.options = options;
  }

  get flowCount(): number {
    return this.#flows.size;
  }

  listen(address: string, port: number): Promise<void> {
    const socket = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4' });
    this.#socket = socket;
    socket.on('message', (datagram, client) => this.#receive(datagram, client));
    // a sweep every tenth of the idle timeout ends idle flows within 10% of it
    const every = Math.min(5000, Math.max(50, Math.floor(this.options.idleTimeoutMs / 10)));
    this.#sweeper = setInterval(() => this.#sweep(), every);
    this.#sweeper.unref();
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        clearInterval(this.#sweeper);
        reject(error);
      };
      socket.once('error', onError);
      socket.bind({ address, port, exclusive: true }, () => {
        socket.off('error', onError);
        socket.on('error', () => {});
        resolve();
      });
    });
  }

  get port(): number {
    return this.#socket?.address().port ?? 0;
  }

  #receive(datagram: Buffer, client: RemoteInfo): void {
    const key = `${client.address}|${client.port}`;
    let flow = this.#flows.get(key);
    if (flow === undefined) {
      if (this.#flows.size >= this.options.maxFlows) {
        this.dropped++;
        return;
      }
      const local = this.#socket!.address();
      const dispatch = this.dispatcher.dispatch({
        sourceAddress: client.address,
        sourcePort: client.port,
        destinationAddress: local.address,
        destinationPort: local.port,
        protocol: 'UDP',
      });
      if (dispatch === undefined) {
        this.dropped++;
        return;
      }
      flow = new UdpFlow(this, key, client, dispatch.server, dispatch.template);
      this.#flows.set(key, flow);
    }
    flow.send(datagram);
  }

  reply(datagram: Buffer, port: number, address: string): void {
    this.#socket?.send(datagram, port, address);
  }

  forget(flow: UdpFlow): void {
    if (this.#flows.get(flow.key) === flow) this.#flows.delete(flow.key);
  }

  #sweep(): void {
    const now = this.options.now();
    for (const flow of this.#flows.values()) if (now - flow.lastActivity >= this.options.idleTimeoutMs) flow.close();
    this.dispatcher.persistence?.sweep();
  }

  closeFlowsOf(servers: readonly ServerEntry[]): void {
    for (const server of servers) for (const entry of server.stats.flows.toArray()) entry.flow.close();
  }

  stop(): Promise<void> {
    clearInterval(this.#sweeper);
    for (const flow of [...this.#flows.values()]) flow.close();
    const socket = this.#socket;
    this.#socket = undefined;
    return new Promise((resolve) => (socket === undefined ? resolve() : socket.close(() => resolve())));
  }
}
