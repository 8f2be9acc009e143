// VRRP advertisements as bytes: a pure codec for VRRPv2 (RFC 3768 section 5) and VRRPv3
// (RFC 5798 section 5) over IPv4 and IPv6. Decoding never throws: a malformed packet is a reason.
import { isIP } from 'node:net';
import { internetChecksum, onesComplementSum } from './checksum.ts';
import { advertisementType, authDataLength, AuthType, maxV3IntervalCs, vrrpProtocol, type IpFamily, type VrrpVersion } from './constants.ts';

export interface Advertisement {
  readonly version: VrrpVersion;
  readonly vrid: number;
  readonly priority: number;
  /** the virtual addresses, as text */
  readonly addresses: readonly string[];
  /** v2: whole seconds on the wire; v3: centiseconds on the wire; here always centiseconds */
  readonly intervalCs: number;
  /** v2 only */
  readonly authType: AuthType;
  /** v2 only: the 8 octets of PASS authentication, NULs trimmed */
  readonly authPassword: string;
}

export type DecodeResult =
  | { readonly ok: true; readonly advert: Advertisement; readonly checksumOk: boolean }
  | { readonly ok: false; readonly reason: string };

function ipv4Bytes(address: string): Uint8Array {
  return Uint8Array.from(address.split('.').map(Number));
}

function ipv6Bytes(address: string): Uint8Array {
  // expand "::" and embedded IPv4, then pack eight 16-bit groups
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4 !== null) {
    const b = ipv4Bytes(v4[1] as string);
    text = `${text.slice(0, v4.index)}${(((b[0] as number) << 8) | (b[1] as number)).toString(16)}:${(((b[2] as number) << 8) | (b[3] as number)).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

export function addressBytes(address: string): Uint8Array {
  return isIP(address) === 6 ? ipv6Bytes(address) : ipv4Bytes(address);
}

function ipv4Text(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

function ipv6Text(bytes: Uint8Array, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push((((bytes[at + i * 2] as number) << 8) | (bytes[at + i * 2 + 1] as number)).toString(16));
  // RFC 5952: compress the longest run of zero groups
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart === -1) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}

/** RFC 5798 section 5.2.8: the v3 checksum covers a pseudo-header (RFC 2460 section 8.1 for IPv6) */
function pseudoHeaderSum(family: IpFamily, source: string, destination: string, length: number): number {
  const src = addressBytes(source);
  const dst = addressBytes(destination);
  const header = new Uint8Array(family === 4 ? 12 : 40);
  if (family === 4) {
    header.set(src, 0);
    header.set(dst, 4);
    header[9] = vrrpProtocol;
    header[10] = length >> 8;
    header[11] = length & 0xff;
  } else {
    header.set(src, 0);
    header.set(dst, 16);
    header[34] = length >> 8;
    header[35] = length & 0xff;
    header[39] = vrrpProtocol;
  }
  return onesComplementSum(header);
}

export interface EncodeOptions {
  /** v3 only: the IP source and destination, for the pseudo-header */
  readonly source?: string;
  readonly destination?: string;
}

export function encodeAdvertisement(advert: Advertisement, options: EncodeOptions = {}): Uint8Array {
  const family: IpFamily = advert.addresses.some((a) => isIP(a) === 6) ? 6 : 4;
  const addressLength = family === 4 ? 4 : 16;
  const tail = advert.version === 2 ? authDataLength : 0;
  const bytes = new Uint8Array(8 + advert.addresses.length * addressLength + tail);
  bytes[0] = (advert.version << 4) | advertisementType;
  bytes[1] = advert.vrid;
  bytes[2] = advert.priority;
  bytes[3] = advert.addresses.length;
  if (advert.version === 2) {
    bytes[4] = advert.authType;
    // RFC 3768 section 5.3.7: Adver Int in whole seconds
    bytes[5] = Math.max(1, Math.min(255, Math.round(advert.intervalCs / 100)));
  } else {
    const cs = Math.min(maxV3IntervalCs, Math.max(1, Math.round(advert.intervalCs)));
    bytes[4] = cs >> 8;
    bytes[5] = cs & 0xff;
  }
  advert.addresses.forEach((a, i) => bytes.set(addressBytes(a), 8 + i * addressLength));
  if (advert.version === 2 && advert.authType === AuthType.simple) {
    bytes.set(Buffer.from(advert.authPassword.slice(0, authDataLength), 'latin1'), 8 + advert.addresses.length * addressLength);
  }
  let initial = 0;
  if (advert.version === 3) {
    if (options.source === undefined || options.destination === undefined) throw new Error('VRRPv3 needs source and destination for its checksum');
    initial = pseudoHeaderSum(family, options.source, options.destination, bytes.length);
  }
  const sum = internetChecksum(bytes, initial);
  bytes[6] = sum >> 8;
  bytes[7] = sum & 0xff;
  return bytes;
}

export interface DecodeOptions {
  readonly family: IpFamily;
  /** v3 checksums need the IP addresses the packet travelled with */
  readonly source?: string;
  readonly destination?: string;
}

/** Decodes the VRRP part of a packet (after the IP header) */
export function decodeAdvertisement(bytes: Uint8Array, options: DecodeOptions): DecodeResult {
  if (bytes.length < 8) return { ok: false, reason: `packet too short (${bytes.length} bytes)` };
  const version = (bytes[0] as number) >> 4;
  const type = (bytes[0] as number) & 0x0f;
  if (version !== 2 && version !== 3) return { ok: false, reason: `unsupported VRRP version ${version}` };
  if (type !== advertisementType) return { ok: false, reason: `unknown VRRP packet type ${type}` };
  const count = bytes[3] as number;
  const addressLength = options.family === 4 ? 4 : 16;
  const tail = version === 2 ? authDataLength : 0;
  const expected = 8 + count * addressLength + tail;
  if (bytes.length < expected) return { ok: false, reason: `packet of ${bytes.length} bytes is shorter than its ${count} addresses need (${expected})` };
  const packet = bytes.subarray(0, expected);
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = 8 + i * addressLength;
    addresses.push(options.family === 4 ? ipv4Text(packet, at) : ipv6Text(packet, at));
  }
  let initial = 0;
  if (version === 3 && options.source !== undefined && options.destination !== undefined) {
    initial = pseudoHeaderSum(options.family, options.source, options.destination, packet.length);
  }
  const checksumOk = internetChecksum(packet, initial) === 0;
  const authType = (version === 2 ? packet[4] : 0) as AuthType;
  const authBytes = version === 2 ? packet.subarray(8 + count * addressLength, expected) : new Uint8Array(0);
  const zero = authBytes.indexOf(0);
  return {
    ok: true,
    checksumOk,
    advert: {
      version: version as VrrpVersion,
      vrid: packet[1] as number,
      priority: packet[2] as number,
      addresses,
      intervalCs: version === 2 ? (packet[5] as number) * 100 : (((packet[4] as number) & 0x0f) << 8) | (packet[5] as number),
      authType,
      authPassword: Buffer.from(zero === -1 ? authBytes : authBytes.subarray(0, zero)).toString('latin1'),
    },
  };
}

export interface Ipv4Packet {
  readonly source: string;
  readonly destination: string;
  readonly ttl: number;
  readonly protocol: number;
  readonly payload: Uint8Array;
}

/** Splits a raw IPv4 packet (as a raw socket delivers it) into header fields and payload */
export function parseIpv4Packet(bytes: Uint8Array): Ipv4Packet | undefined {
  if (bytes.length < 20 || (bytes[0] as number) >> 4 !== 4) return undefined;
  const headerLength = ((bytes[0] as number) & 0x0f) * 4;
  const total = ((bytes[2] as number) << 8) | (bytes[3] as number);
  if (headerLength < 20 || bytes.length < headerLength) return undefined;
  return {
    ttl: bytes[8] as number,
    protocol: bytes[9] as number,
    source: ipv4Text(bytes, 12),
    destination: ipv4Text(bytes, 16),
    payload: bytes.subarray(headerLength, Math.min(bytes.length, Math.max(total, headerLength))),
  };
}
