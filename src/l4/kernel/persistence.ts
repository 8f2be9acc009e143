// persistence_timeout / persistence_granularity: a client (or a client network, the address
// masked by the granularity) keeps its real server while it comes back within the timeout.
// Realised as one dynamic set per real server holding the masked client addresses that server
// owns, each element expiring `timeout` after it was last refreshed.
import { isIPv4 } from 'node:net';
import type { KernelPersistence } from './model.ts';
import { nftSeconds } from './ruleset.ts';

/** keepalived's default granularity for IPv4: each client address on its own */
export const fullNetmask = '255.255.255.255';

/**
 * Parses persistence_granularity: a dotted netmask ("255.255.255.0") or a prefix length ("24").
 * Returns the dotted netmask, or undefined when the text is neither or the mask has holes.
 */
export function parseGranularity(text: string | undefined): string | undefined {
  if (text === undefined) return fullNetmask;
  if (/^\d{1,2}$/.test(text)) {
    const length = Number(text);
    if (length > 32) return undefined;
    const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
    return [24, 16, 8, 0].map((shift) => (mask >>> shift) & 0xff).join('.');
  }
  if (!isIPv4(text)) return undefined;
  const value = text.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const inverted = ~value >>> 0;
  // a valid netmask's inverse is 2^k - 1
  return (inverted & (inverted + 1)) === 0 ? text : undefined;
}

/** The set key of a client: `ip saddr`, or `ip saddr & MASK` for a coarser granularity */
export function persistenceKey(persistence: KernelPersistence): string {
  return persistence.netmask === fullNetmask ? 'ip saddr' : `ip saddr & ${persistence.netmask}`;
}

export function persistenceSetDefinition(persistence: KernelPersistence, size: number): string {
  return `typeof ip saddr; flags dynamic,timeout; timeout ${nftSeconds(persistence.timeoutS)}s; size ${size};`;
}
