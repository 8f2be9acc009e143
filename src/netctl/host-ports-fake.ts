// The fake HostPorts for tests: each port records its calls; tests inject packets and link
// events and read back what was sent, added and announced.
import type { AddressSpec } from './address.ts';
import { FakeAddressPort } from './address-fake.ts';
import { FakeLinkPort } from './link-fake.ts';
import type { LinkState } from './link.ts';
import { FakeNeighborAnnouncePort } from './neighbor-announce-fake.ts';
import { FakeScriptPort } from './script-fake.ts';
import type { HostPorts } from './host-ports.ts';
import { FakeVrrpSocketPort, type FakeVrrpLan } from './vrrp-socket-fake.ts';

export interface FakeHostPorts extends HostPorts {
  readonly vrrpSocket: FakeVrrpSocketPort;
  readonly addresses: FakeAddressPort;
  readonly neighborAnnounce: FakeNeighborAnnouncePort;
  readonly links: FakeLinkPort;
  readonly scripts: FakeScriptPort;
}

export interface FakeHostPortsOptions {
  /** Links present at the start (all up unless said); default ["lo", "eth0"]. */
  readonly links?: ReadonlyArray<string | (Partial<LinkState> & { readonly name: string })>;
  /** Addresses present at the start (a stale VIP left by a crash, say). */
  readonly addresses?: readonly AddressSpec[];
  /** Share one LAN between several fake hosts so their VRRP sockets hear each other. */
  readonly lan?: FakeVrrpLan;
  /** This host's own addresses on the LAN (source of its adverts, target of unicast). */
  readonly hostAddresses?: readonly string[];
}

export function createFakeHostPorts(options: FakeHostPortsOptions = {}): FakeHostPorts {
  return {
    vrrpSocket: new FakeVrrpSocketPort({
      ...(options.lan === undefined ? {} : { lan: options.lan }),
      ...(options.hostAddresses === undefined ? {} : { addresses: options.hostAddresses }),
    }),
    addresses: new FakeAddressPort(options.addresses ?? []),
    neighborAnnounce: new FakeNeighborAnnouncePort(),
    links: new FakeLinkPort(options.links ?? ['lo', 'eth0']),
    scripts: new FakeScriptPort(),
  };
}
