// Opens a frontend's bind addresses and hands each accepted connection to a session of the
// frontend's mode. Every address is a group of sockets bound with SO_REUSEPORT, several per
// thread (accept-sockets.ts says why) and one group per data-path worker: the kernel spreads
// incoming connections across all of them.
import { createServer, type Server, type Socket } from 'node:net';
import { plainAddress } from './client-address.ts';
import type { DeadlineTicker } from './deadlines.ts';
import type { LogContext } from './log/log-context.ts';
import { ConnectionGate, type FrontendRuntime } from './frontend.ts';
import { HttpSession } from './http/session.ts';
import { TcpSession } from './tcp/session.ts';
import { acceptWithReaders, type AcceptPath } from './io/accept.ts';
import { unlinkClosedSocket } from '../core/closed-socket.ts';
import { SlotList } from '../core/slot-list.ts';
import type { SocketReader } from './io/socket-reader.ts';

export interface ListenAddress {
  /** '0.0.0.0', '::', or a literal address */
  readonly host: string;
  readonly port: number;
  /** IPv6 only (HAProxy `v6only`); otherwise `::` is dual-stack */
  readonly ipv6Only: boolean;
}

export interface ListenerOptions {
  readonly frontend: FrontendRuntime;
  readonly addresses: readonly ListenAddress[];
  readonly ticker: DeadlineTicker;
  /** frontend maxconn for this worker's share; 0 = unlimited */
  readonly maxconn: number;
  /** listening sockets per address in this thread (accept-sockets.ts); 1 without SO_REUSEPORT */
  readonly acceptSockets: number;
  /** other threads listen on the same addresses: SO_REUSEPORT even with one socket here */
  readonly shared: boolean;
  readonly processConnections: { value: number };
  /** HAProxy's default log without `option httplog`/`tcplog`: "Connect from" at accept time */
  readonly onAccept?: { logSession(context: LogContext): void };
}

/** an open client connection, in the listener's list */
interface OpenConnection {
  readonly socket: Socket;
  slot: number;
}

export class FrontendListener {
  /** per bind address, its listening sockets */
  readonly #groups: Server[][] = [];
  /** open client connections (a SlotList, not a Set: see core/slot-list.ts) */
  readonly #sockets = new SlotList<OpenConnection>();
  readonly #options: ListenerOptions;
  readonly gate: ConnectionGate;
  /** how accepted connections are read (accept.ts): 'onread' unless the runtime lacks the hook */
  acceptPath: AcceptPath = 'stream';
  #drained: (() => void) | undefined;

  constructor(options: ListenerOptions) {
    this.#options = options;
    this.gate = new ConnectionGate(options.maxconn);
  }

  /** binds every address; rejects with the first bind error (port in use, permission) */
  async listen(): Promise<void> {
    const { frontend, ticker, processConnections } = this.#options;
    const context = { frontend, ticker, gate: this.gate, processConnections };
    const onAccept = this.#options.onAccept;
    const onAccepted = (socket: Socket, reader: SocketReader): void => {
      if (onAccept !== undefined) onAccept.logSession(acceptContext(socket, frontend.name, processConnections.value, this.gate.active));
      const open: OpenConnection = { socket, slot: -1 };
      this.#sockets.add(open);
      socket.once('close', () => {
        this.#sockets.remove(open);
        reader.release();
        unlinkClosedSocket(socket);
        if (this.#sockets.size === 0) this.#drained?.();
      });
      this.gate.admit(socket, () => {
        if (frontend.mode === 'http') new HttpSession(socket, reader, context);
        else new TcpSession(socket, reader, context);
      });
    };
    const count = Math.max(1, this.#options.acceptSockets);
    const reusePort = count > 1 || this.#options.shared;
    try {
      await this.#bindAll(count, reusePort, onAccepted);
    } catch (error) {
      // a bind that failed part way leaves nothing bound behind it
      await Promise.all(this.#groups.flat().map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      this.#groups.length = 0;
      throw error;
    }
  }

  async #bindAll(count: number, reusePort: boolean, onAccepted: (socket: Socket, reader: SocketReader) => void): Promise<void> {
    for (const address of this.#options.addresses) {
      const group: Server[] = [];
      this.#groups.push(group);
      // the first socket binds the address as written (port 0: the kernel picks one); the others
      // join it on the port it got
      let port = address.port;
      for (let i = 0; i < count; i++) {
        const server = await bindOne({ host: address.host, port, ipv6Only: address.ipv6Only, reusePort });
        group.push(server);
        this.acceptPath = acceptWithReaders(server, true, onAccepted);
        if (i === 0) port = portOf(server);
      }
    }
  }

  /** the ports actually bound (useful when a config asks for port 0 in tests) */
  boundPorts(): number[] {
    return this.#groups.map((group) => (group[0] === undefined ? 0 : portOf(group[0])));
  }

  /** stops accepting; `graceful` lets sessions in progress finish, else they are cut */
  async close(graceful: boolean): Promise<void> {
    const closed = Promise.all(this.#groups.flat().map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    if (!graceful) for (const open of this.#sockets.toArray()) open.socket.destroy();
    await closed;
    // sockets built from accepted handles (accept.ts) are not the server's to count, so its
    // close does not wait for them: wait here until the last one has ended
    if (this.#sockets.size > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
  }

  get connections(): number {
    return this.#sockets.size;
  }
}

interface BindOptions {
  readonly host: string;
  readonly port: number;
  readonly ipv6Only: boolean;
  readonly reusePort: boolean;
}

/** one listening socket; rejects with the bind error (port in use, permission) */
function bindOne(options: BindOptions): Promise<Server> {
  // allowHalfOpen: a client that shuts its sending side after the request still gets its answer
  const server = createServer({ allowHalfOpen: true, noDelay: true });
  return new Promise<Server>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ ...options, backlog: 1024 }, () => {
      server.off('error', reject);
      server.on('error', () => {
        // errors after listening (EMFILE on accept and the like) must not end the process;
        // Node retries accepting by itself
      });
      resolve(server);
    });
  });
}

function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** What is known of a session the moment it is accepted, for the "Connect from" line */
function acceptContext(socket: Socket, frontend: string, active: number, frontendActive: number): LogContext {
  const now = Date.now();
  return {
    clientIp: plainAddress(socket.remoteAddress), clientPort: socket.remotePort ?? 0,
    frontendIp: plainAddress(socket.localAddress), frontendPort: socket.localPort ?? 0,
    acceptDate: now, requestDate: now, frontend, frontendTransport: frontend, backend: frontend,
    server: '<NOSRV>', serverIp: '-', serverPort: 0,
    timeRequest: -1, timeQueue: -1, timeConnect: -1, timeResponse: -1, timeActive: 0, timeTotal: 0,
    timeHandshake: 0, timeIdle: 0, status: -1, bytesRead: 0, bytesUploaded: 0,
    terminationState: '--', terminationStateCookie: '----', capturedRequestCookie: '-', capturedResponseCookie: '-',
    activeConnections: active, frontendConnections: frontendActive, backendConnections: 0, serverConnections: 0,
    retries: 0, redispatched: false, serverQueue: 0, backendQueue: 0,
    capturedRequestHeaders: [], capturedResponseHeaders: [],
    requestLine: '', method: '', uri: '', httpVersion: '', uniqueId: '', processId: process.pid, hostname: '',
  };
}
