// Real peers for the checker tests: TCP servers on 127.0.0.1 ephemeral ports, a port nobody listens
// on, a listener whose accept queue is full (so connects hang), and a self-signed certificate.
// Everything a test starts is closed by the test's `after` hook.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { CheckTarget, CheckTimeouts } from '../checker.ts';

export const neverAborted: AbortSignal = new AbortController().signal;

export function timeouts(connectMs: number, totalMs: number): CheckTimeouts {
  return { connectMs, totalMs };
}

export function local(port: number): CheckTarget {
  return { host: '127.0.0.1', port };
}

/** A TCP server whose connections go to `handler`; closed, connections and all, after the test */
export async function tcpServer(t: TestContext, handler: (socket: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    handler(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return (server.address() as net.AddressInfo).port;
}

/** A port that refuses connections: bound once, then released */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A port where the SYN is never answered: a listener (in python3, as Node always accepts) with a
 * backlog of 0 that never accepts, its queue filled by one connection. Returns the reason instead
 * when python3 is missing.
 */
export async function unansweredPort(t: TestContext): Promise<number | string> {
  const program = 'import socket,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)';
  const child = spawn('python3', ['-c', program], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(() => child.kill('SIGKILL'));
  const port = await new Promise<number | string>((resolve) => {
    child.once('error', () => resolve('python3 is not installed'));
    child.stdout.once('data', (data: Buffer) => resolve(Number(data.toString().trim())));
  });
  if (typeof port === 'string') return port;
  const filler = net.connect(port, '127.0.0.1');
  filler.on('error', () => {});
  t.after(() => filler.destroy());
  await new Promise<void>((resolve) => filler.once('connect', () => resolve()));
  return port;
}

export interface Certificate {
  readonly key: Buffer;
  readonly cert: Buffer;
}

/** A self-signed certificate for localhost made with `openssl req`, or the reason there is none */
export async function selfSignedCertificate(): Promise<Certificate | string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vigil-cert-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost'];
    const failure = await new Promise<string | undefined>((resolve) => {
      execFile('openssl', args, { timeout: 20_000 }, (error) => resolve(error === null ? undefined : `openssl failed: ${error.message}`));
    });
    if (failure !== undefined) return failure.includes('ENOENT') ? 'openssl is not installed' : failure;
    return { key: await readFile(keyFile), cert: await readFile(certFile) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Resolves with everything a socket sent until `complete` says it is enough */
export function receive(socket: net.Socket, complete: (data: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve) => {
    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      data = Buffer.concat([data, chunk]);
      if (complete(data)) {
        socket.off('data', onData);
        resolve(data);
      }
    };
    socket.on('data', onData);
  });
}

/** Resolves with an HTTP request's head (up to the blank line) */
export function receiveRequestHead(socket: net.Socket): Promise<string> {
  return receive(socket, (data) => data.includes('\r\n\r\n')).then((data) => data.toString('latin1').split('\r\n\r\n')[0] ?? '');
}
