// What a VRRP instance needs from the host, as one small interface: the daemon adapts vigil's
// netctl ports (raw socket, addresses, gratuitous ARP, scripts) to it, and tests use a fake. Every
// call returns at once; the slow parts (spawning `ip`, arping, scripts) happen behind it, so an
// advert is never late because the host is busy.
import type { IpFamily } from './constants.ts';

export interface VirtualIp {
  readonly address: string;
  readonly prefix: number;
  readonly family: IpFamily;
  /** the interface it goes on: `dev`, else the instance's interface */
  readonly dev: string;
  readonly label?: string;
  readonly scope?: string;
  readonly broadcast?: string;
}

export interface OutgoingAdvert {
  readonly interface: string;
  readonly family: IpFamily;
  /** 224.0.0.18, ff02::12, or a unicast peer */
  readonly destination: string;
  /** unicast_src_ip / mcast_src_ip, else the interface's primary address */
  readonly source?: string;
  /** the VRRP message; the host adds the IP header (protocol 112, TTL 255, TOS 0xc0) */
  readonly payload: Uint8Array;
}

export interface ScriptRun {
  readonly command: string;
  readonly args: readonly string[];
  readonly user?: string;
  readonly timeoutMs: number;
}

export interface VrrpHost {
  send(advert: OutgoingAdvert): void;
  addAddresses(vips: readonly VirtualIp[]): void;
  removeAddresses(vips: readonly VirtualIp[]): void;
  /** gratuitous ARP (IPv4) or unsolicited neighbour advertisements (IPv6), `repeat` of them */
  announce(vips: readonly VirtualIp[], repeat: number, intervalMs: number): void;
  /** runs a notify script without waiting for it */
  runScript(run: ScriptRun): void;
}

/** A host that records what it was asked to do, for tests */
export class RecordingVrrpHost implements VrrpHost {
  readonly sent: OutgoingAdvert[] = [];
  readonly addresses = new Set<string>();
  readonly calls: string[] = [];
  readonly scripts: ScriptRun[] = [];

  send(advert: OutgoingAdvert): void {
    this.sent.push(advert);
  }

  addAddresses(vips: readonly VirtualIp[]): void {
    for (const v of vips) this.addresses.add(`${v.address}/${v.prefix} dev ${v.dev}`);
    this.calls.push(`add ${vips.map((v) => v.address).join(' ')}`);
  }

  removeAddresses(vips: readonly VirtualIp[]): void {
    for (const v of vips) this.addresses.delete(`${v.address}/${v.prefix} dev ${v.dev}`);
    this.calls.push(`remove ${vips.map((v) => v.address).join(' ')}`);
  }

  announce(vips: readonly VirtualIp[], repeat: number, intervalMs: number): void {
    this.calls.push(`announce ${vips.map((v) => v.address).join(' ')} x${repeat} every ${intervalMs}ms`);
  }

  runScript(run: ScriptRun): void {
    this.scripts.push(run);
  }
}
