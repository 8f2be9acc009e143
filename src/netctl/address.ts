// The address port: adds and removes addresses (VIPs) on interfaces and lists what is there.
// Implementations: address-linux.ts (`ip addr`), address-fake.ts (tests).
import type { IpFamily } from './vrrp-socket.ts';
import type { HostResult } from './result.ts';

/** One address as keepalived's `virtual_ipaddress` describes it. */
export interface AddressSpec {
  /** "198.51.100.80" or "2001:db8::80", without a length. */
  readonly address: string;
  /** Default 32 (IPv4) / 128 (IPv6), as keepalived. */
  readonly prefixLength?: number;
  readonly interface: string;
  /** IPv4 only; must start with the interface name ("eth0:vip"), a kernel rule. */
  readonly label?: string;
  /** "global" (default), "site", "link", "host", "nowhere" or a number. */
  readonly scope?: string;
  /** IPv4 broadcast: an address, or "+" to derive it from the prefix (keepalived `brd +`). */
  readonly broadcast?: string;
}

export interface ConfiguredAddress {
  readonly interface: string;
  readonly family: IpFamily;
  readonly address: string;
  readonly prefixLength: number;
  readonly scope: string;
  readonly label?: string;
  readonly broadcast?: string;
  /** The kernel's "secondary" flag: another address of the same subnet came first. */
  readonly secondary: boolean;
}

export interface AddressChange {
  /** False when the address was already there (add) or already gone (remove). */
  readonly changed: boolean;
}

/**
 * Every method resolves (never rejects) with a HostResult. Changes to one interface run one at
 * a time, in call order.
 */
export interface AddressPort {
  /** Adds the address; already present is success with `changed: false`. */
  add(spec: AddressSpec): Promise<HostResult<AddressChange>>;
  /** Removes the address; already absent is success with `changed: false`. */
  remove(spec: AddressSpec): Promise<HostResult<AddressChange>>;
  /** Addresses on `interfaceName`, or on every interface. */
  list(interfaceName?: string): Promise<HostResult<ConfiguredAddress[]>>;
}

export function familyOf(address: string): IpFamily {
  return address.includes(':') ? 6 : 4;
}

export function prefixLengthOf(spec: AddressSpec): number {
  return spec.prefixLength ?? (familyOf(spec.address) === 4 ? 32 : 128);
}
