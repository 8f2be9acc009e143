// The VRRP host on real netctl ports: raw sockets per interface, addresses through `ip`,
// gratuitous ARP through arping, scripts, link watching. Every call returns at once; failures
// are logged, never thrown, so nothing the host does can delay or stop an advert.
import { readFile } from 'node:fs/promises';
import type { AddressPort } from '../netctl/address.ts';
import type { LinkPort, LinkState } from '../netctl/link.ts';
import type { NeighborAnnouncePort } from '../netctl/neighbor-announce.ts';
import type { ScriptPort } from '../netctl/script.ts';
import type { ReceivedVrrpPacket, VrrpSocket, VrrpSocketPort } from '../netctl/vrrp-socket.ts';
import type { IpFamily } from './constants.ts';
import type { OutgoingAdvert, ScriptRun, VirtualIp, VrrpHost } from './host.ts';
import type { TrackingHost } from './tracking.ts';

export interface NetctlPorts {
  readonly sockets: VrrpSocketPort;
  readonly addresses: AddressPort;
  readonly announce: NeighborAnnouncePort;
  readonly links: LinkPort;
  readonly scripts: ScriptPort;
}

export class NetctlVrrpHost implements VrrpHost, TrackingHost {
  readonly #ports: NetctlPorts;
  readonly #log: (line: string) => void;
  readonly #sockets = new Map<string, VrrpSocket>();
  readonly #links = new Map<string, LinkState>();
  readonly #linkListeners = new Set<(name: string, up: boolean) => void>();
  /** per address: the last add/remove in flight, so an announce waits for its address */
  readonly #pending = new Map<string, Promise<unknown>>();
  #unwatch: (() => void) | undefined;

  constructor(ports: NetctlPorts, log: (line: string) => void) {
    this.#ports = ports;
    this.#log = log;
  }

  /** reads link states once and starts watching them; call before the router starts */
  async init(): Promise<void> {
    const links = await this.#ports.links.list();
    if (links.ok) for (const link of links.value) this.#links.set(link.name, link);
    else this.#log(`Cannot read links: ${links.error.message}`);
    const watch = this.#ports.links.watch(
      (change) => {
        const before = change.previous?.up === true;
        if (change.current === undefined) this.#links.delete(change.interface);
        else this.#links.set(change.interface, change.current);
        const after = change.current?.up === true;
        if (before !== after) for (const listener of this.#linkListeners) listener(change.interface, after);
      },
      (error) => this.#log(`Link watch error: ${error.message}`),
    );
    this.#unwatch = () => watch.close();
  }

  /** opens (once) the raw socket of an interface and family, delivering packets to `onPacket` */
  listen(iface: string, family: IpFamily, multicast: boolean, onPacket: (packet: ReceivedVrrpPacket) => void): void {
    const key = `${iface}/${family}`;
    if (this.#sockets.has(key)) return;
    const socket = this.#ports.sockets.open({ interface: iface, family, multicast });
    socket.on('packet', onPacket);
    socket.on('error', (error) => this.#log(`VRRP socket error on ${iface}: ${error.message}`));
    this.#sockets.set(key, socket);
  }

  close(): void {
    this.#unwatch?.();
    for (const socket of this.#sockets.values()) socket.close();
    this.#sockets.clear();
  }

  /** waits for address changes in flight (so a stop really removed the VIPs before exit) */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#pending.values()]);
  }

  send(advert: OutgoingAdvert): void {
    const socket = this.#sockets.get(`${advert.interface}/${advert.family}`);
    if (socket === undefined) {
      this.#log(`No VRRP socket on ${advert.interface}; advert not sent`);
      return;
    }
    const result = socket.send(advert.payload, advert.destination, advert.source);
    if (!result.ok) this.#log(`Cannot send VRRP advert on ${advert.interface}: ${result.error.message}`);
  }

  addAddresses(vips: readonly VirtualIp[]): void {
    for (const vip of vips) this.#change(vip, 'add');
  }

  removeAddresses(vips: readonly VirtualIp[]): void {
    for (const vip of vips) this.#change(vip, 'remove');
  }

  announce(vips: readonly VirtualIp[], repeat: number, intervalMs: number): void {
    for (const vip of vips) {
      const key = `${vip.dev}/${vip.address}`;
      const before = this.#pending.get(key) ?? Promise.resolve();
      const next = before.then(async () => {
        const result = await this.#ports.announce.announce({ interface: vip.dev, address: vip.address, count: repeat, intervalMs });
        if (!result.ok) this.#log(`Cannot announce ${vip.address} on ${vip.dev}: ${result.error.message}`);
      });
      this.#pending.set(key, next);
    }
  }

  runScript(run: ScriptRun): void {
    void this.#ports.scripts
      .run({ argv: [run.command, ...run.args], timeoutMs: run.timeoutMs, ...(run.user === undefined ? {} : { user: run.user }) })
      .then((result) => {
        if (!result.ok) this.#log(`Cannot run ${run.command}: ${result.error.message}`);
        else if (result.value.timedOut) this.#log(`Script ${run.command} timed out`);
      });
  }

  async runCheck(run: ScriptRun): Promise<number> {
    const result = await this.#ports.scripts.run({ argv: [run.command, ...run.args], timeoutMs: run.timeoutMs, ...(run.user === undefined ? {} : { user: run.user }) });
    if (!result.ok || result.value.timedOut || result.value.code === null) return -1;
    return result.value.code;
  }

  linkUp(name: string): boolean | undefined {
    return this.#links.get(name)?.up;
  }

  onLinkChange(listener: (name: string, up: boolean) => void): () => void {
    this.#linkListeners.add(listener);
    return () => this.#linkListeners.delete(listener);
  }

  async readFile(path: string): Promise<string | undefined> {
    try {
      return await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
  }

  #change(vip: VirtualIp, action: 'add' | 'remove'): void {
    const key = `${vip.dev}/${vip.address}`;
    const before = this.#pending.get(key) ?? Promise.resolve();
    const spec = {
      address: vip.address,
      prefixLength: vip.prefix,
      interface: vip.dev,
      ...(vip.label === undefined ? {} : { label: vip.label }),
      ...(vip.scope === undefined ? {} : { scope: vip.scope }),
      ...(vip.broadcast === undefined ? {} : { broadcast: vip.broadcast }),
    };
    const next = before.then(async () => {
      const result = action === 'add' ? await this.#ports.addresses.add(spec) : await this.#ports.addresses.remove(spec);
      if (!result.ok) this.#log(`Cannot ${action} ${vip.address}/${vip.prefix} on ${vip.dev}: ${result.error.message}`);
    });
    this.#pending.set(key, next);
  }
}
