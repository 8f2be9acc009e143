// Everything vigil's VRRP side does to the host, as one bundle of ports: the daemon builds the
// Linux one, tests build the fake one (host-ports-fake.ts) and inspect it.
import type { AddressPort } from './address.ts';
import { LinuxAddressPort } from './address-linux.ts';
import type { LinkPort } from './link.ts';
import { LinuxLinkPort } from './link-linux.ts';
import type { NeighborAnnouncePort } from './neighbor-announce.ts';
import { LinuxNeighborAnnouncePort } from './neighbor-announce-linux.ts';
import type { ScriptPort } from './script.ts';
import { LinuxScriptPort } from './script-linux.ts';
import type { VrrpSocketPort } from './vrrp-socket.ts';
import { LinuxVrrpSocketPort } from './vrrp-socket-linux.ts';

export interface HostPorts {
  readonly vrrpSocket: VrrpSocketPort;
  readonly addresses: AddressPort;
  readonly neighborAnnounce: NeighborAnnouncePort;
  readonly links: LinkPort;
  readonly scripts: ScriptPort;
}

export interface LinuxHostPortsOptions {
  /**
   * Run everything inside this named network namespace (/run/netns/NAME), as keepalived's
   * `net_namespace` does. Default: the process's own namespace.
   */
  readonly netns?: string;
  /** LinkPort's poll interval; default 500 ms. */
  readonly linkPollIntervalMs?: number;
}

/** Nothing touches the host until a port is used; the VRRP addon loads on the first open(). */
export function createLinuxHostPorts(options: LinuxHostPortsOptions = {}): HostPorts {
  const netns = { netns: options.netns };
  return {
    vrrpSocket: new LinuxVrrpSocketPort(netns),
    addresses: new LinuxAddressPort(netns),
    neighborAnnounce: new LinuxNeighborAnnouncePort(netns),
    links: new LinuxLinkPort({ ...netns, ...(options.linkPollIntervalMs === undefined ? {} : { pollIntervalMs: options.linkPollIntervalMs }) }),
    scripts: new LinuxScriptPort(netns),
  };
}
