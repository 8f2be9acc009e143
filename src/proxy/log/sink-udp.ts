// Syslog over UDP (RFC 5426): `log 127.0.0.1 local2`, `log 10.0.0.9:5140 local0 info`,
// `log [::1]:514 ...`, `log syslog.example:514 ...`. One unconnected dgram socket per
// destination, created once and unref'd so logging never keeps the process alive. A send error
// (ICMP port unreachable, no route, a full socket buffer) is counted, never thrown.
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns';
import { isIP } from 'node:net';
import type { LogDestination, LogTransport, TransportResult, TransportStats } from './sink.ts';

class UdpTransport implements LogTransport {
  readonly stats: TransportStats = { sent: 0, dropped: 0 };
  readonly lengthIncludesNewline = false;
  readonly #socket: Socket;
  readonly #port: number;
  /** the resolved address; undefined while a host name is being looked up */
  #address: string | undefined;
  #closed = false;
  /** one callback for every send, so sending allocates no closure */
  readonly #onSent = (error: Error | null): void => {
    if (error === null) this.stats.sent++;
    else this.#drop(error);
  };

  constructor(destination: LogDestination) {
    const family = destination.family ?? (isIP(destination.host) === 6 ? 6 : 4);
    this.#socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    this.#socket.unref();
    this.#socket.on('error', (error) => this.#drop(error, false));
    this.#port = destination.port;
    if (isIP(destination.host) !== 0) {
      this.#address = destination.host;
    } else {
      // HAProxy resolves a log server's name once, at start-up; lines sent before the answer drop
      lookup(destination.host, { family }, (error, address) => {
        if (error !== null) this.#drop(error, false);
        else this.#address = address;
      });
    }
  }

  send(line: string | Uint8Array): void {
    const address = this.#address;
    if (this.#closed || address === undefined) {
      this.stats.dropped++;
      return;
    }
    try {
      this.#socket.send(line, this.#port, address, this.#onSent);
    } catch (error) {
      this.#drop(error as Error);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#socket.close();
    } catch {
      // already closed: nothing to release
    }
  }

  #drop(error: Error, countLine = true): void {
    if (countLine) this.stats.dropped++;
    this.stats.lastError = error.message;
  }
}

export function createUdpTransport(destination: LogDestination): TransportResult {
  try {
    return { transport: new UdpTransport(destination) };
  } catch (error) {
    return { unsupported: `Cannot log to "${destination.text}": ${(error as Error).message}` };
  }
}
