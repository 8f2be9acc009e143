// Address arithmetic the schedulers and persistence need, on the text form Node's sockets give
// (`127.0.0.1`, `::ffff:127.0.0.1` from a dual-stack listener, `2001:db8::1`), without allocating
// on the IPv4 path that every new flow takes.

/** 0xffffffff when `text` is not an address this module can read */
const INVALID = -1;

/** The 32-bit value of a dotted quad starting at `from`, or INVALID */
function parseIpv4(text: string, from: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return INVALID;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return INVALID;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      return INVALID;
    }
  }
  if (digits === 0 || dots !== 3) return INVALID;
  return (value * 256 + octet) >>> 0;
}

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail fills the last two), or undefined */
export function parseIpv6(text: string): Uint16Array | undefined {
  const groups = new Uint16Array(8);
  const zone = text.indexOf('%');
  const body = zone === -1 ? text : text.slice(0, zone);
  const gap = body.indexOf('::');
  if (gap !== -1 && body.indexOf('::', gap + 1) !== -1) return undefined;
  const head = gap === -1 ? body : body.slice(0, gap);
  const tail = gap === -1 ? '' : body.slice(gap + 2);
  const headGroups = head.length === 0 ? [] : head.split(':');
  const tailGroups = tail.length === 0 ? [] : tail.split(':');
  const words: number[] = [];
  const read = (parts: string[], out: number[]): boolean => {
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part, 0);
        if (v4 === INVALID) return false;
        out.push(v4 >>> 16, v4 & 0xffff);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return false;
      out.push(parseInt(part, 16));
    }
    return true;
  };
  const headWords: number[] = [];
  const tailWords: number[] = [];
  if (!read(headGroups, headWords) || !read(tailGroups, tailWords)) return undefined;
  const total = headWords.length + tailWords.length;
  if (gap === -1 ? total !== 8 : total > 7) return undefined;
  words.push(...headWords);
  for (let i = total; i < 8; i++) words.push(0);
  words.push(...tailWords);
  groups.set(words);
  return groups;
}

function isMappedIpv4(text: string): boolean {
  return text.length > 7 && (text.startsWith('::ffff:') || text.startsWith('::FFFF:')) && text.indexOf('.', 7) !== -1;
}

/**
 * The kernel's `addr_fold` as a host-order number: an IPv4 address's value (ntohl), an IPv6
 * address's four 32-bit words XORed together. IPv4-mapped IPv6 text counts as the IPv4 address,
 * so a dual-stack listener hashes clients as an IPv4 listener would. 0 for unreadable text.
 */
export function foldAddress(text: string): number {
  const v4 = parseIpv4(text, isMappedIpv4(text) ? 7 : 0);
  if (v4 !== INVALID) return v4;
  const groups = parseIpv6(text);
  if (groups === undefined) return 0;
  let folded = 0;
  for (let i = 0; i < 8; i += 2) folded ^= ((groups[i]! << 16) | groups[i + 1]!) >>> 0;
  return folded >>> 0;
}

/** The kernel's hash_32 (include/linux/hash.h): multiply by GOLDEN_RATIO_32, keep the top `bits` */
export function hash32(value: number, bits: number): number {
  return Math.imul(value >>> 0, 0x61c88647) >>> (32 - bits);
}

/**
 * A persistence granularity as the prefix length it means: keepalived writes a netmask for IPv4
 * (`255.255.255.0`) and a prefix length for IPv6 (`64`); a bare number below 33 is read as a
 * prefix length for IPv4 too. Undefined for text that is neither.
 */
export function granularityPrefix(granularity: string): number | undefined {
  if (/^\d{1,3}$/.test(granularity)) {
    const prefix = Number(granularity);
    return prefix <= 128 ? prefix : undefined;
  }
  const mask = parseIpv4(granularity, 0);
  if (mask === INVALID) return undefined;
  const prefix = Math.clz32(~mask >>> 0);
  // a netmask's ones must be contiguous: 255.0.255.0 is not one
  return prefix === 32 || ((mask << prefix) >>> 0) === 0 ? prefix : undefined;
}

/**
 * The client key persistence files a client under: its address with the host bits below
 * `prefix` cleared, as text. IPv4 (and IPv4-mapped) addresses use min(prefix, 32); IPv6 ones use
 * the prefix as given. Unreadable text is its own key.
 */
export function maskAddress(text: string, ipv4Prefix: number, ipv6Prefix: number): string {
  const v4 = parseIpv4(text, isMappedIpv4(text) ? 7 : 0);
  if (v4 !== INVALID) {
    const prefix = Math.min(ipv4Prefix, 32);
    if (prefix === 32) return isMappedIpv4(text) ? text.slice(7) : text;
    const masked = prefix === 0 ? 0 : (v4 & (0xffffffff << (32 - prefix))) >>> 0;
    return `${masked >>> 24}.${(masked >>> 16) & 255}.${(masked >>> 8) & 255}.${masked & 255}`;
  }
  const groups = parseIpv6(text);
  if (groups === undefined) return text;
  for (let i = 0; i < 8; i++) {
    const keep = Math.max(0, Math.min(16, ipv6Prefix - i * 16));
    groups[i] = keep === 0 ? 0 : groups[i]! & ((0xffff << (16 - keep)) & 0xffff);
  }
  return Array.from(groups, (group) => group.toString(16)).join(':');
}
