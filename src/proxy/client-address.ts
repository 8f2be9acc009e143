// A client's address as views, ACLs, headers and logs show it. On a dual-stack bind (`bind :::80
// v4v6`) the kernel reports an IPv4 client as an IPv4-mapped IPv6 address (RFC 4291 section
// 2.5.5.2, `::ffff:192.0.2.1`); vigil shows the plain IPv4 address, so one client looks the same
// whichever bind it came through. (HAProxy 2.6 keeps the mapped form in `src` and in logs.)
import type { Socket } from 'node:net';

/** `::ffff:a.b.c.d` becomes `a.b.c.d`; any other address is returned as it is */
export function plainAddress(address: string | undefined): string {
  if (address === undefined) return '';
  return address.length > 7 && address.startsWith('::ffff:') && address.includes('.', 7) ? address.slice(7) : address;
}

/**
 * The two ends of a client connection as views show them, read from the socket when first asked:
 * most connections are never asked (no ACL on addresses, no log), and the lookups are two system
 * calls (getpeername, getsockname) on every accepted connection otherwise. A socket's addresses
 * cannot be read once it has closed, so whoever needs them at the end (the logger) calls
 * `resolve()` while it is open.
 */
export class ConnectionEnds {
  readonly #socket: Socket;
  #source: string | undefined;
  #sourcePort = 0;
  #destination: string | undefined;
  #destinationPort = 0;

  constructor(socket: Socket) {
    this.#socket = socket;
  }

  get source(): string {
    if (this.#source === undefined) this.#readPeer();
    return this.#source as string;
  }

  get sourcePort(): number {
    if (this.#source === undefined) this.#readPeer();
    return this.#sourcePort;
  }

  get destination(): string {
    if (this.#destination === undefined) this.#readLocal();
    return this.#destination as string;
  }

  get destinationPort(): number {
    if (this.#destination === undefined) this.#readLocal();
    return this.#destinationPort;
  }

  resolve(): void {
    if (this.#source === undefined) this.#readPeer();
    if (this.#destination === undefined) this.#readLocal();
  }

  #readPeer(): void {
    this.#source = plainAddress(this.#socket.remoteAddress);
    this.#sourcePort = this.#socket.remotePort ?? 0;
  }

  #readLocal(): void {
    this.#destination = plainAddress(this.#socket.localAddress);
    this.#destinationPort = this.#socket.localPort ?? 0;
  }
}
