// The few bits of the DNS wire format (RFC 1035 §4.1) a health check needs: build a one-question
// query, and read a response's header and question back to judge it. Pure over bytes.

/** RFC 1035 §3.2.2 TYPE values; AAAA from RFC 3596 §2.1 */
export const DnsType = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28 } as const;
export type DnsTypeName = keyof typeof DnsType;

/** RFC 1035 §3.2.4 CLASS IN */
const classInternet = 1;
/** RFC 1035 §4.1.1: the header is 12 bytes */
const headerLength = 12;
/** RFC 1035 §4.1.1 flag bits of the second 16-bit word */
const flagResponse = 0x8000;
const flagRecursionDesired = 0x0100;
/** RFC 1035 §2.3.4 size limits */
const maxLabelLength = 63;
const maxNameLength = 255;

/** RFC 1035 §4.1.1 RCODE values, and RFC 2136 §2.2 for the higher ones */
const rcodeNames: readonly string[] = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

export function rcodeName(rcode: number): string {
  return rcodeNames[rcode] ?? `RCODE${rcode}`;
}

/** A name in wire form (RFC 1035 §3.1): length-prefixed labels ending with the root's zero byte */
export function encodeName(name: string): Buffer {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  const labels = trimmed === '' ? [] : trimmed.split('.');
  const parts: Buffer[] = [];
  for (const label of labels) {
    const bytes = Buffer.from(label, 'ascii');
    if (bytes.length === 0 || bytes.length > maxLabelLength) throw new Error(`Cannot encode DNS name "${name}": label "${label}" is empty or too long`);
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  const wire = Buffer.concat(parts);
  if (wire.length > maxNameLength) throw new Error(`Cannot encode DNS name "${name}": longer than ${maxNameLength} bytes`);
  return wire;
}

/** A standard query with recursion desired and one question */
export function encodeQuery(id: number, name: string, type: DnsTypeName): Buffer {
  const header = Buffer.alloc(headerLength);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(flagRecursionDesired, 2);
  header.writeUInt16BE(1, 4); // QDCOUNT
  const question = Buffer.alloc(4);
  question.writeUInt16BE(DnsType[type], 0);
  question.writeUInt16BE(classInternet, 2);
  return Buffer.concat([header, encodeName(name), question]);
}

export type DnsVerdict =
  | { readonly kind: 'ok' }
  /** not an answer to this query (another id, or not a response): keep waiting */
  | { readonly kind: 'unrelated' }
  | { readonly kind: 'malformed'; readonly reason: string }
  | { readonly kind: 'error'; readonly rcode: number };

/**
 * Judges `response` against the `query` it should answer: same id, QR set, the question echoed
 * back (names compared case-insensitively, RFC 4343), and RCODE NOERROR.
 */
export function judgeResponse(query: Buffer, response: Buffer): DnsVerdict {
  if (response.length < headerLength) return { kind: 'malformed', reason: 'DNS response shorter than its header' };
  if (response.readUInt16BE(0) !== query.readUInt16BE(0)) return { kind: 'unrelated' };
  const flags = response.readUInt16BE(2);
  if ((flags & flagResponse) === 0) return { kind: 'unrelated' };
  const rcode = flags & 0x000f;
  // A server refusing or failing may legitimately drop the question section (RFC 6895 §2)
  if (rcode !== 0) return { kind: 'error', rcode };
  if (response.readUInt16BE(4) !== 1) return { kind: 'malformed', reason: 'DNS response does not echo one question' };
  const question = query.subarray(headerLength);
  const echoed = response.subarray(headerLength, headerLength + question.length);
  if (echoed.length < question.length || !sameQuestion(question, echoed)) {
    return { kind: 'malformed', reason: 'DNS response question does not match the query' };
  }
  return { kind: 'ok' };
}

/** Byte equality with ASCII letters folded, enough for names this module encoded */
function sameQuestion(a: Buffer, b: Buffer): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    const fold = (c: number): number => (c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
    if (fold(x) !== fold(y)) return false;
  }
  return true;
}
