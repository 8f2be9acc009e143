// Real servers and clients for the user-space data path's end-to-end tests, all on loopback:
// 127.0.0.0/8 gives every server and client its own address (VIP 127.0.0.15, real servers
// 127.0.0.100 and 127.0.0.200, as in the seed's .15/.100/.200 numbering).
import { once } from 'node:events';
import { createServer as createHttpServer, get, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, connect, type Server as TcpServer, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

export const VIP = '127.0.0.15';
export const REAL_SERVER_ADDRESSES = ['127.0.0.100', '127.0.0.200'] as const;

export interface HttpRealServer {
  readonly address: string;
  readonly port: number;
  /** requests answered so far */
  requests: number;
  /** peer addresses it saw */
  readonly peers: Set<string>;
  close(): Promise<void>;
}

/** An HTTP server answering every request with its own address and a newline */
export async function startHttpRealServer(address: string): Promise<HttpRealServer> {
  const server: HttpServer = createHttpServer((request, response) => {
    state.requests++;
    state.peers.add(request.socket.remoteAddress ?? '');
    response.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    response.end(`${address}\n`);
  });
  server.listen(0, address);
  await once(server, 'listening');
  const state: HttpRealServer = {
    address,
    port: (server.address() as AddressInfo).port,
    requests: 0,
    peers: new Set(),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return state;
}

export interface TcpRealServer {
  readonly address: string;
  readonly port: number;
  readonly sockets: Set<Socket>;
  close(): Promise<void>;
}

/**
 * A TCP server that sends its own address on connect, then echoes everything; when the client
 * half-closes it sends "bye from <address>" and ends (to exercise half-close)
 */
export async function startTcpRealServer(address: string): Promise<TcpRealServer> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.write(`${address}\n`);
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('end', () => socket.end(`bye from ${address}\n`));
  });
  server.listen(0, address);
  await once(server, 'listening');
  return {
    address,
    port: (server.address() as AddressInfo).port,
    sockets,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface UdpRealServer {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A UDP server answering each datagram with `<address> <payload>` */
export async function startUdpRealServer(address: string): Promise<UdpRealServer> {
  const socket: UdpSocket = createSocket('udp4');
  socket.on('message', (message, peer) => socket.send(`${address} ${message.toString()}`, peer.port, peer.address));
  socket.bind(0, address);
  await once(socket, 'listening');
  return { address, port: socket.address().port, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

/** One HTTP GET through the VIP from a chosen source address; resolves with the body's first line */
export function httpGet(port: number, options: { localAddress?: string; host?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = get(
      { host: options.host ?? VIP, port, path: '/', agent: false, ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }) },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve(body.trim()));
        response.on('error', reject);
      },
    );
    request.setTimeout(options.timeoutMs ?? 5000, () => request.destroy(new Error('request timed out')));
    request.on('error', reject);
  });
}

/** A raw TCP connection through the VIP that resolves once the real server's greeting arrived */
export async function openHeld(port: number, localAddress?: string): Promise<{ socket: Socket; greeting: string }> {
  const socket = connect({ host: VIP, port, ...(localAddress === undefined ? {} : { localAddress }) });
  socket.setEncoding('utf8');
  const [greeting] = (await once(socket, 'data')) as [string];
  return { socket, greeting: greeting.trim() };
}

/** Polls until `probe` is true, failing after `timeoutMs` */
export async function until(probe: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
