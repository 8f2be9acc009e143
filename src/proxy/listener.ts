// Opens a frontend's bind addresses and hands each accepted connection to a session of the
// frontend's mode. With several data-path workers every worker listens on the same ports with
// SO_REUSEPORT and the kernel spreads connections across them.
import { createServer, type Server, type Socket } from 'node:net';
import type { DeadlineTicker } from './deadlines.ts';
import { ConnectionGate, type FrontendRuntime } from './frontend.ts';
import { HttpSession } from './http/session.ts';
import { TcpSession } from './tcp/session.ts';

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
  readonly reusePort: boolean;
  readonly processConnections: { value: number };
}

export class FrontendListener {
  readonly #servers: Server[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #options: ListenerOptions;
  readonly gate: ConnectionGate;

  constructor(options: ListenerOptions) {
    this.#options = options;
    this.gate = new ConnectionGate(options.maxconn);
  }

  /** binds every address; rejects with the first bind error (port in use, permission) */
  async listen(): Promise<void> {
    const { frontend, ticker, processConnections } = this.#options;
    const context = { frontend, ticker, gate: this.gate, processConnections };
    const onConnection = (socket: Socket): void => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
      this.gate.admit(socket, () => {
        if (frontend.mode === 'http') new HttpSession(socket, context);
        else new TcpSession(socket, context);
      });
    };
    for (const address of this.#options.addresses) {
      // allowHalfOpen: a client that shuts its sending side after the request still gets its answer
      const server = createServer({ allowHalfOpen: true, noDelay: true }, onConnection);
      server.on('error', () => {
        // errors after listening (EMFILE on accept and the like) must not end the process;
        // Node retries accepting by itself
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(
          { host: address.host, port: address.port, ipv6Only: address.ipv6Only, reusePort: this.#options.reusePort, backlog: 1024 },
          () => {
            server.off('error', reject);
            resolve();
          },
        );
      });
      this.#servers.push(server);
    }
  }

  /** the ports actually bound (useful when a config asks for port 0 in tests) */
  boundPorts(): number[] {
    return this.#servers.map((s) => {
      const address = s.address();
      return typeof address === 'object' && address !== null ? address.port : 0;
    });
  }

  /** stops accepting; `graceful` lets sessions in progress finish, else they are cut */
  async close(graceful: boolean): Promise<void> {
    // server.close() resolves only once every connection has ended, so cut them first if asked
    const closed = Promise.all(this.#servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    if (!graceful) for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  get connections(): number {
    return this.#sockets.size;
  }
}
