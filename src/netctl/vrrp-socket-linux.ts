// VrrpSocketPort over the native addon (native/vrrp_socket.c): one raw socket and one receive
// thread per open(). Raw sockets each get a copy of every matching packet, so several
// instances may open sockets on one interface; each filters by VRID.
import { errnoName, NetctlError, NetctlErrorCode } from './errors.ts';
import { Listeners } from './listeners.ts';
import { loadVrrpAddon, type NativeEvent, type NativeHandle, type VrrpAddon } from './native-addon.ts';
import { namespacePath, type NamespaceOption } from './netns.ts';
import {
  defaultVrrpGroup,
  type IpFamily,
  type ReceivedVrrpPacket,
  type SendResult,
  type VrrpSocket,
  type VrrpSocketOptions,
  type VrrpSocketPort,
} from './vrrp-socket.ts';

export class LinuxVrrpSocketPort implements VrrpSocketPort {
  readonly #netns: string | undefined;

  constructor(options: NamespaceOption = {}) {
    this.#netns = options.netns;
  }

  open(options: VrrpSocketOptions): VrrpSocket {
    const addon = loadVrrpAddon();
    if (addon instanceof NetctlError) throw addon;
    return new LinuxVrrpSocket(addon, options, this.#netns);
  }
}

class LinuxVrrpSocket implements VrrpSocket {
  readonly interface: string;
  readonly family: IpFamily;
  readonly group: string;
  readonly #addon: VrrpAddon;
  readonly #handle: NativeHandle;
  readonly #packetListeners = new Listeners<ReceivedVrrpPacket>();
  readonly #errorListeners = new Listeners<NetctlError>();
  #closed = false;

  constructor(addon: VrrpAddon, options: VrrpSocketOptions, netns: string | undefined) {
    this.interface = options.interface;
    this.family = options.family;
    this.group = options.group ?? defaultVrrpGroup(options.family);
    this.#addon = addon;
    try {
      this.#handle = addon.open(
        {
          family: options.family,
          ifname: options.interface,
          group: this.group,
          join: options.multicast ?? true,
          ...(netns === undefined ? {} : { netns: namespacePath(netns) }),
        },
        (event) => this.#onEvent(event),
      );
    } catch (error) {
      throw socketError(`open a VRRP socket on "${options.interface}" (IPv${options.family})`, error);
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(message: Uint8Array, destination: string, source?: string): SendResult {
    if (this.#closed) return { ok: false, error: new NetctlError(NetctlErrorCode.closed, `Cannot send on "${this.interface}": the VRRP socket is closed`) };
    try {
      const bytes = this.#addon.send(this.#handle, message, destination, source);
      return { ok: true, bytes };
    } catch (error) {
      return { ok: false, error: socketError(`send a VRRP advert to "${destination}" on "${this.interface}"`, error) };
    }
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
    this.#packetListeners.clear();
    this.#errorListeners.clear();
    this.#addon.close(this.#handle);
  }

  #onEvent(event: NativeEvent): void {
    if (this.#closed) return;
    if ('errno' in event) {
      const error = new NetctlError(NetctlErrorCode.socket, `Cannot receive on "${this.interface}": ${event.syscall} failed with ${errnoName(event.errno)}`, {
        errno: errnoName(event.errno),
      });
      this.#errorListeners.emit(error);
      return;
    }
    const { packet, headerLength } = event;
    this.#packetListeners.emit({
      interface: this.interface,
      family: this.family,
      from: event.from,
      to: event.to,
      ttl: event.ttl,
      data: packet.subarray(headerLength),
      ...(headerLength > 0 ? { ipHeader: packet.subarray(0, headerLength) } : {}),
    });
  }
}

/** The addon throws Errors carrying `errno` (a number) and `syscall`; TypeErrors for bad arguments. */
function socketError(what: string, error: unknown): NetctlError {
  const native = error as Error & { errno?: number; syscall?: string };
  if (typeof native.errno !== 'number') {
    return new NetctlError(NetctlErrorCode.invalid, `Cannot ${what}: ${native.message}`, { cause: error });
  }
  const name = errnoName(native.errno);
  const hint = name === 'EPERM' ? ' (raw sockets need root or CAP_NET_RAW)' : '';
  return new NetctlError(NetctlErrorCode.socket, `Cannot ${what}: ${native.message}${hint}`, { cause: error, errno: name });
}
