// IP addresses and networks for the `ip` match method (`src`, `dst`, `hdr_ip` ...). Patterns are
// parsed once into numbers; a sample is parsed per evaluation into a reused scratch array, so a
// match allocates nothing. As in HAProxy, an IPv4 pattern matches a v4-mapped IPv6 sample
// (`::ffff:10.0.0.1`, what a dual-stack socket reports) and an IPv6 pattern matches an IPv4
// sample through its v4-mapped form.

export interface Ipv4Network {
  readonly family: 4;
  /** network address, host bits cleared, as an unsigned 32-bit number */
  readonly address: number;
  readonly mask: number;
}

export interface Ipv6Network {
  readonly family: 6;
  /** four big-endian 32-bit words, host bits cleared */
  readonly words: Uint32Array;
  readonly mask: Uint32Array;
}

export type IpNetwork = Ipv4Network | Ipv6Network;

/** IPv4 address in `text[start, end)` as an unsigned number, or -1 when it is not one */
export function parseIpv4(text: string, start: number, end: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      digits++;
      if (part > 255 || digits > 3) return -1;
    } else if (c === 46) {
      if (digits === 0 || parts === 3) return -1;
      value = value * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (digits === 0 || parts !== 3) return -1;
  return value * 256 + part;
}

/**
 * IPv6 address in `text[start, end)` into `out` (four words); false when it is not one. Accepts
 * `::` compression, a trailing dotted IPv4 part and a `%zone` suffix (ignored).
 */
export function parseIpv6(text: string, start: number, end: number, out: Uint32Array): boolean {
  const zone = text.indexOf('%', start);
  if (zone !== -1 && zone < end) end = zone;
  // groups are collected as 16-bit values, those after `::` kept apart and shifted in at the end
  let head = 0;
  let tail = -1;
  let tailCount = 0;
  out[0] = 0;
  out[1] = 0;
  out[2] = 0;
  out[3] = 0;
  let i = start;
  if (end - start < 2) return false;
  if (text.charCodeAt(i) === 58) {
    if (text.charCodeAt(i + 1) !== 58) return false;
    tail = 0;
    i += 2;
    if (i === end) return true;
  }
  let groups = 0;
  const groupValues = scratchGroups;
  while (i < end) {
    let value = 0;
    let digits = 0;
    const groupStart = i;
    while (i < end) {
      const c = text.charCodeAt(i);
      const hex = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (hex === -1) break;
      value = value * 16 + hex;
      digits++;
      i++;
    }
    if (i < end && text.charCodeAt(i) === 46) {
      // the last 32 bits written as dotted IPv4
      const v4 = parseIpv4(text, groupStart, end);
      if (v4 === -1 || groups > 6) return false;
      groupValues[groups++] = v4 >>> 16;
      groupValues[groups++] = v4 & 0xffff;
      if (tail !== -1) tailCount += 2;
      i = end;
      break;
    }
    if (digits === 0 || digits > 4 || groups === 8) return false;
    groupValues[groups++] = value;
    if (tail !== -1) tailCount++;
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && text.charCodeAt(i) === 58) {
      if (tail !== -1) return false;
      tail = groups;
      i++;
    } else if (i === end) {
      return false;
    }
  }
  if (tail === -1 ? groups !== 8 : groups > 7) return false;
  head = tail === -1 ? groups : tail;
  for (let g = 0; g < head; g++) setGroup(out, g, groupValues[g] as number);
  for (let g = 0; g < tailCount; g++) setGroup(out, 8 - tailCount + g, groupValues[head + g] as number);
  return true;
}

const scratchGroups = new Uint32Array(8);

function setGroup(out: Uint32Array, group: number, value: number): void {
  const word = group >> 1;
  const current = out[word] as number;
  out[word] = group & 1 ? ((current & 0xffff0000) | value) >>> 0 : ((value << 16) | (current & 0xffff)) >>> 0;
}

function prefixMask(bits: number, words: number): Uint32Array {
  const mask = new Uint32Array(words);
  for (let w = 0; w < words; w++) {
    const take = Math.max(0, Math.min(32, bits - w * 32));
    mask[w] = take === 0 ? 0 : (0xffffffff << (32 - take)) >>> 0;
  }
  return mask;
}

/**
 * A pattern as HAProxy writes them: an address, `addr/prefix`, or IPv4 `addr/dotted.mask`.
 * Returns an error message (sentence case, value quoted) when it is none of those.
 */
export function parseNetwork(pattern: string): IpNetwork | string {
  const slash = pattern.indexOf('/');
  const addressEnd = slash === -1 ? pattern.length : slash;
  const v4 = parseIpv4(pattern, 0, addressEnd);
  if (v4 !== -1) {
    let mask = 0xffffffff;
    if (slash !== -1) {
      const maskText = pattern.slice(slash + 1);
      if (/^\d{1,2}$/.test(maskText) && Number(maskText) <= 32) {
        mask = (prefixMask(Number(maskText), 1)[0] as number) >>> 0;
      } else {
        const dotted = parseIpv4(maskText, 0, maskText.length);
        if (dotted === -1) return `Cannot parse network mask "${maskText}" in "${pattern}"`;
        mask = dotted;
      }
    }
    return { family: 4, address: (v4 & mask) >>> 0, mask };
  }
  const words = new Uint32Array(4);
  if (!parseIpv6(pattern, 0, addressEnd, words)) return `Cannot parse IP address "${pattern.slice(0, addressEnd)}"`;
  let bits = 128;
  if (slash !== -1) {
    const maskText = pattern.slice(slash + 1);
    if (!/^\d{1,3}$/.test(maskText) || Number(maskText) > 128) return `Cannot parse IPv6 prefix length "${maskText}" in "${pattern}"`;
    bits = Number(maskText);
  }
  const mask = prefixMask(bits, 4);
  for (let w = 0; w < 4; w++) words[w] = ((words[w] as number) & (mask[w] as number)) >>> 0;
  return { family: 6, words, mask };
}

const sampleWords = new Uint32Array(4);

/**
 * Builds a test of whether the address in `text[start, end)` lies in one of `networks`.
 * Text that is not an address never matches.
 */
export function networkTest(networks: readonly IpNetwork[]): (text: string, start: number, end: number) => boolean {
  const v4 = networks.filter((n): n is Ipv4Network => n.family === 4);
  const v6 = networks.filter((n): n is Ipv6Network => n.family === 6);
  const v4Addresses = Uint32Array.from(v4, (n) => n.address);
  const v4Masks = Uint32Array.from(v4, (n) => n.mask);
  const inV4 = (address: number): boolean => {
    for (let i = 0; i < v4Addresses.length; i++) {
      if (((address & (v4Masks[i] as number)) >>> 0) === v4Addresses[i]) return true;
    }
    return false;
  };
  const inV6 = (words: Uint32Array): boolean => {
    for (const network of v6) {
      if (
        ((words[0]! & network.mask[0]!) >>> 0) === network.words[0] &&
        ((words[1]! & network.mask[1]!) >>> 0) === network.words[1] &&
        ((words[2]! & network.mask[2]!) >>> 0) === network.words[2] &&
        ((words[3]! & network.mask[3]!) >>> 0) === network.words[3]
      ) {
        return true;
      }
    }
    return false;
  };
  return (text, start, end) => {
    const address = parseIpv4(text, start, end);
    if (address !== -1) {
      if (inV4(address)) return true;
      if (v6.length === 0) return false;
      // RFC 4291 section 2.5.5.2: the v4-mapped form ::ffff:a.b.c.d
      sampleWords[0] = 0;
      sampleWords[1] = 0;
      sampleWords[2] = 0xffff;
      sampleWords[3] = address;
      return inV6(sampleWords);
    }
    if (!parseIpv6(text, start, end, sampleWords)) return false;
    if (inV6(sampleWords)) return true;
    return sampleWords[0] === 0 && sampleWords[1] === 0 && sampleWords[2] === 0xffff && inV4(sampleWords[3] as number);
  };
}
