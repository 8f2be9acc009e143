// The TCP side shared by every stream check (tcp-connect, http, tcp-check, smtp): connecting with
// its own connect timeout, the TLS handshake, reading chunk by chunk under the probe's deadline, and
// the errno wording operators know from HAProxy's and keepalived's logs.
import net from 'node:net';
import type tls from 'node:tls';
import { getSystemErrorMessage } from 'node:util';
import { lazyTls } from '../../core/lazy-builtins.ts';
import { CheckStatus } from '../outcome.ts';
import { ProbeFailure, type Probe } from './probe.ts';

export interface StreamEndpoint {
  readonly host: string;
  readonly port: number;
  readonly localAddress?: string;
  readonly localPort?: number;
}

/**
 * glibc's strerror() wording, which HAProxy prints ("Connection refused"); libuv's own messages are
 * lower case and sometimes worded differently ("host is unreachable").
 */
const strerror: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  ECONNABORTED: 'Software caused connection abort',
  EHOSTUNREACH: 'No route to host',
  EHOSTDOWN: 'Host is down',
  ENETUNREACH: 'Network is unreachable',
  ENETDOWN: 'Network is down',
  ETIMEDOUT: 'Connection timed out',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EPIPE: 'Broken pipe',
  EINVAL: 'Invalid argument',
  ENOTFOUND: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
};

/** The strerror-style text for a Node system error, falling back to its message */
export function errnoText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, errno } = error as NodeJS.ErrnoException;
  if (code !== undefined && strerror[code] !== undefined) return strerror[code];
  if (typeof errno === 'number') {
    const text = getSystemErrorMessage(errno);
    return text.charAt(0).toUpperCase() + text.slice(1);
  }
  return error.message;
}

/**
 * Opens a TCP connection. Refusal and unreachability are L4CON with the errno text; no answer
 * within `connectMs` (or the probe's deadline) is L4TOUT. `describe` decorates both infos, e.g.
 * with tcp-check's "at step 1 of tcp-check (connect)".
 */
export async function openConnection(
  probe: Probe,
  endpoint: StreamEndpoint,
  connectMs: number,
  describe: (info: string) => string = (info) => info,
): Promise<net.Socket> {
  const socket = net.connect({
    host: endpoint.host,
    port: endpoint.port,
    ...(endpoint.localAddress !== undefined ? { localAddress: endpoint.localAddress } : {}),
    ...(endpoint.localPort !== undefined ? { localPort: endpoint.localPort } : {}),
    noDelay: true,
  });
  // Errors after the handshake surface through reads; this keeps an unread error from crashing
  socket.on('error', () => {});
  probe.defer(() => socket.destroy());
  const timeout = (): ProbeFailure => new ProbeFailure(CheckStatus.l4timeout, describe('Connection timeout'));
  const connected = new Promise<void>((resolve, reject) => {
    probe.timer(connectMs, () => reject(timeout()));
    socket.once('connect', () => resolve());
    socket.once('error', (error) => reject(new ProbeFailure(CheckStatus.l4connect, describe(errnoText(error)))));
  });
  await probe.within(connected, timeout);
  return socket;
}

export interface TlsOptions {
  /** SNI; an IP address is not sent (RFC 6066 §3 allows host names only) */
  readonly servername?: string;
}

/**
 * Runs a TLS handshake over a connected socket, without verifying the certificate (the default of
 * both HAProxy's `check-ssl` with `verify none` and keepalived's SSL_GET). A failed handshake is
 * L6RSP, a slow one L6TOUT.
 */
export async function startTls(
  probe: Probe,
  socket: net.Socket,
  options: TlsOptions,
  describe: (info: string) => string = (info) => info,
): Promise<tls.TLSSocket> {
  const servername = options.servername;
  const secure = lazyTls().connect({
    socket,
    rejectUnauthorized: false,
    ...(servername !== undefined && net.isIP(servername) === 0 ? { servername } : {}),
  });
  secure.on('error', () => {});
  probe.defer(() => secure.destroy());
  const handshake = new Promise<void>((resolve, reject) => {
    secure.once('secureConnect', () => resolve());
    secure.once('error', (error) =>
      reject(new ProbeFailure(CheckStatus.l6response, describe(`SSL handshake failure: ${error.message}`))),
    );
    secure.once('close', () => reject(new ProbeFailure(CheckStatus.l6response, describe('SSL handshake failure: connection closed'))));
  });
  await probe.within(handshake, () => new ProbeFailure(CheckStatus.l6timeout, describe('SSL handshake timeout')));
  return secure;
}

/**
 * Reads a connected stream one chunk at a time. `next` resolves with the next chunk, or null once
 * the peer closed; a socket error becomes SOCKERR (an I/O error after the connection was made, as
 * HAProxy reports it); the deadline becomes whatever `onDeadline` builds.
 */
export class ChunkReader {
  readonly #probe: Probe;
  readonly #chunks: Buffer[] = [];
  /** the peer's FIN: what follows (a reset provoked by our late write) does not change the story */
  #peerEnded = false;
  #closed = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;

  constructor(probe: Probe, stream: net.Socket) {
    this.#probe = probe;
    stream.on('data', (chunk: Buffer) => {
      this.#chunks.push(chunk);
      this.#notify();
    });
    stream.on('end', () => {
      this.#peerEnded = true;
      this.#notify();
    });
    stream.on('close', () => {
      this.#closed = true;
      this.#notify();
    });
    stream.on('error', (error) => {
      this.#error = error;
      this.#notify();
    });
  }

  async next(onDeadline: () => ProbeFailure): Promise<Buffer | null> {
    for (;;) {
      const chunk = this.#chunks.shift();
      if (chunk !== undefined) return chunk;
      if (this.#peerEnded) return null;
      if (this.#error !== undefined) throw new ProbeFailure(CheckStatus.socketError, errnoText(this.#error));
      if (this.#closed) return null;
      await this.#probe.within(
        new Promise<void>((resolve) => {
          this.#wake = resolve;
        }),
        onDeadline,
      );
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/** Writes and resolves once the bytes are handed to the kernel; a write error is SOCKERR */
export function writeAll(probe: Probe, stream: net.Socket, data: Uint8Array | string, onDeadline: () => ProbeFailure): Promise<void> {
  const written = new Promise<void>((resolve, reject) => {
    stream.write(data, (error) => {
      if (error) reject(new ProbeFailure(CheckStatus.socketError, errnoText(error)));
      else resolve();
    });
  });
  return probe.within(written, onDeadline);
}
