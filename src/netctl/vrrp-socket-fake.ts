// A VrrpSocketPort for tests: records what is sent and lets the test inject received packets.
// Sockets opened on ports sharing one FakeVrrpLan hear each other, so two VRRP state machines
// can run against each other without a kernel: a send to the group reaches every other socket
// on the LAN with the same interface name and family; a unicast send reaches the sockets whose
// port owns that address.
import { NetctlError, NetctlErrorCode } from './errors.ts';
import { Listeners } from './listeners.ts';
import {
  defaultVrrpGroup,
  type IpFamily,
  type ReceivedVrrpPacket,
  type SendResult,
  type VrrpSocket,
  type VrrpSocketOptions,
  type VrrpSocketPort,
} from './vrrp-socket.ts';

export interface SentVrrpPacket {
  readonly data: Uint8Array;
  readonly destination: string;
  readonly source: string | undefined;
}

export class FakeVrrpLan {
  readonly #sockets = new Set<FakeVrrpSocket>();

  attach(socket: FakeVrrpSocket): void {
    this.#sockets.add(socket);
  }

  detach(socket: FakeVrrpSocket): void {
    this.#sockets.delete(socket);
  }

  deliver(sender: FakeVrrpSocket, data: Uint8Array, destination: string, source: string): void {
    for (const socket of this.#sockets) {
      if (socket === sender || socket.family !== sender.family || socket.interface !== sender.interface) continue;
      const multicast = destination === socket.group && socket.multicast;
      if (!multicast && !socket.ownAddresses.includes(destination)) continue;
      socket.inject({ from: source, to: destination, data: Uint8Array.from(data) });
    }
  }
}

export interface FakeVrrpSocketPortOptions {
  readonly lan?: FakeVrrpLan;
  /** This host's addresses: the default source of its sends, and where unicast sends land. */
  readonly addresses?: readonly string[];
}

export class FakeVrrpSocketPort implements VrrpSocketPort {
  /** Every socket opened, in order (closed ones included). */
  readonly opened: FakeVrrpSocket[] = [];
  readonly #options: FakeVrrpSocketPortOptions;
  #openError: NetctlError | undefined;

  constructor(options: FakeVrrpSocketPortOptions = {}) {
    this.#options = options;
  }

  /** Makes the next open() throw `error` (say, nativeMissing or EPERM). */
  failNextOpen(error: NetctlError): void {
    this.#openError = error;
  }

  open(options: VrrpSocketOptions): VrrpSocket {
    const error = this.#openError;
    if (error !== undefined) {
      this.#openError = undefined;
      throw error;
    }
    const socket = new FakeVrrpSocket(options, this.#options.addresses ?? [], this.#options.lan);
    this.opened.push(socket);
    return socket;
  }

  /** The open sockets on `interface` (and `family`, if given). */
  socketsOn(interfaceName: string, family?: IpFamily): FakeVrrpSocket[] {
    return this.opened.filter((socket) => !socket.closed && socket.interface === interfaceName && (family === undefined || socket.family === family));
  }
}

export interface InjectedPacket {
  readonly data: Uint8Array;
  readonly from: string;
  /** Default: the socket's group. */
  readonly to?: string;
  /** Default 255. */
  readonly ttl?: number;
  readonly ipHeader?: Uint8Array;
}

export class FakeVrrpSocket implements VrrpSocket {
  readonly interface: string;
  readonly family: IpFamily;
  readonly group: string;
  readonly multicast: boolean;
  readonly ownAddresses: readonly string[];
  /** Everything sent, in order. */
  readonly sent: SentVrrpPacket[] = [];
  readonly #lan: FakeVrrpLan | undefined;
  readonly #packetListeners = new Listeners<ReceivedVrrpPacket>();
  readonly #errorListeners = new Listeners<NetctlError>();
  #closed = false;
  #sendError: NetctlError | undefined;

  constructor(options: VrrpSocketOptions, ownAddresses: readonly string[], lan: FakeVrrpLan | undefined) {
    this.interface = options.interface;
    this.family = options.family;
    this.group = options.group ?? defaultVrrpGroup(options.family);
    this.multicast = options.multicast ?? true;
    this.ownAddresses = ownAddresses;
    this.#lan = lan;
    lan?.attach(this);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Makes sends fail with `error` until called again with undefined. */
  failSends(error: NetctlError | undefined): void {
    this.#sendError = error;
  }

  send(message: Uint8Array, destination: string, source?: string): SendResult {
    if (this.#closed) return { ok: false, error: new NetctlError(NetctlErrorCode.closed, `Cannot send on "${this.interface}": the VRRP socket is closed`) };
    if (this.#sendError !== undefined) return { ok: false, error: this.#sendError };
    const data = Uint8Array.from(message);
    this.sent.push({ data, destination, source });
    this.#lan?.deliver(this, data, destination, source ?? this.ownAddresses[0] ?? (this.family === 4 ? '0.0.0.0' : '::'));
    return { ok: true, bytes: data.length };
  }

  /** Delivers a packet to this socket's listeners as if it came off the wire. */
  inject(packet: InjectedPacket): void {
    if (this.#closed) return;
    this.#packetListeners.emit({
      interface: this.interface,
      family: this.family,
      from: packet.from,
      to: packet.to ?? this.group,
      ttl: packet.ttl ?? 255,
      data: packet.data,
      ...(packet.ipHeader === undefined ? {} : { ipHeader: packet.ipHeader }),
    });
  }

  /** Reports a receive error to this socket's error listeners. */
  injectError(error: NetctlError): void {
    if (!this.#closed) this.#errorListeners.emit(error);
  }

  on(event: 'packet', listener: (packet: ReceivedVrrpPacket) => void): this;
  on(event: 'error', listener: (error: NetctlError) => void): this;
  on(event: 'packet' | 'error', listener: ((packet: ReceivedVrrpPacket) => void) | ((error: NetctlError) => void)): this {
    if (event === 'packet') this.#packetListeners.add(listener as (packet: ReceivedVrrpPacket) => void);
    else this.#errorListeners.add(listener as (error: NetctlError) => void);
    return this;
  }

  off(event: 'packet', listener: (packet: ReceivedVrrpPacket) => void): this;
  off(event: 'error', listener: (error: NetctlError) => void): this;
  off(event: 'packet' | 'error', listener: ((packet: ReceivedVrrpPacket) => void) | ((error: NetctlError) => void)): this {
    if (event === 'packet') this.#packetListeners.delete(listener as (packet: ReceivedVrrpPacket) => void);
    else this.#errorListeners.delete(listener as (error: NetctlError) => void);
    return this;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#lan?.detach(this);
    this.#packetListeners.clear();
    this.#errorListeners.clear();
  }
}
