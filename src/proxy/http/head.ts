// HTTP/1.x message heads: a lean parser over the bytes of one head (request or status line plus
// header fields), validating what RFC 9112 requires of an intermediary so that requests cannot be
// smuggled past it. Pure and synchronous; the hot path of the proxy calls it once per message.
//
// It scans the bytes where they were read and makes strings only of what the proxy acts on (the
// method, the target, Host, Upgrade...). The header list, a flat array [name, value, name,
// value, ...] of latin1 strings as received, is built only when a rule, an ACL or a balancer
// asks for it. Until then the head points into the read's memory; a session that keeps a head
// past the read calls `detach`, which copies its bytes (see io/socket-reader.ts).

/** Why a head was refused; the proxy answers 400 (request) or 502 (response) and closes */
export interface HeadFailure {
  readonly ok: false;
  readonly reason: string;
}

export interface HeadCommon {
  readonly ok: true;
  /** 10 for HTTP/1.0, 11 for HTTP/1.1 */
  readonly version: 10 | 11;
  /** flat [name0, value0, name1, value1, ...] as received (values trimmed of OWS) */
  readonly headers: string[];
  /** body length from Content-Length, or -1 when absent */
  readonly contentLength: number;
  /** Transfer-Encoding ends with chunked */
  readonly chunked: boolean;
  /**
   * Both Content-Length and Transfer-Encoding were present (RFC 9112 section 6.3): the length is
   * ignored, Content-Length must not be forwarded, and the connection closes after the message.
   */
  readonly lengthConflict: boolean;
  /**
   * Content-Length came as several identical values (repeated fields or a list): one value, but
   * it must be forwarded once, as many recipients refuse the repetition (RFC 9110 section 8.6)
   */
  readonly lengthRepeated: boolean;
  /** `Connection: close` (or HTTP/1.0 without `Connection: keep-alive`) */
  readonly wantsClose: boolean;
  /** the Upgrade header's value when `Connection: upgrade` asks for one */
  readonly upgrade: string | undefined;
  /** the head's length in bytes, CRLFCRLF included */
  readonly headLength: number;
  /**
   * The head's bytes lie in `memory`, which is about to be reused: keep a copy of them. Returns
   * the copy when one was made now (the head's bytes, CRLFCRLF included), for callers that need
   * the same bytes.
   */
  detach(memory: ArrayBufferLike): Buffer | undefined;
  /**
   * The head as received without its hop-by-hop connection fields (Connection, Keep-Alive,
   * Proxy-Connection), with `extra` (whole lines, each ending in CRLF) added at the end, and the
   * version raised to 1.1 when `version11` says so: what connection handling changes, made from
   * the bytes without building the header list.
   */
  withConnection(version11: boolean, extra: string): Buffer;
}

export interface RequestHead extends HeadCommon {
  readonly method: string;
  readonly target: string;
  readonly host: string | undefined;
  readonly expectContinue: boolean;
}

export interface ResponseHead extends HeadCommon {
  readonly status: number;
  readonly reason: string;
}

const CR = 13;
const LF = 10;

/**
 * Whether an incomplete head holds a LF not preceded by CR. RFC 9112 section 2.2 lets a recipient
 * accept a bare LF as a line end; a proxy that did would read the message differently from a
 * server that does not, so vigil refuses it at once rather than wait for a CRLFCRLF that may
 * never come.
 */
export function hasBareLf(buffer: Buffer): boolean {
  let at = buffer.indexOf(LF);
  while (at !== -1) {
    if (at === 0 || buffer[at - 1] !== CR) return true;
    at = buffer.indexOf(LF, at + 1);
  }
  return false;
}

const crlfcrlf = Buffer.from('\r\n\r\n', 'latin1');
// bytes findHeadEnd looks through itself before it hands the rest to Buffer's indexOf
const scanLimit = 2048;

/**
 * Index just past the head's final CRLFCRLF, or -1 while it has not all arrived.
 *
 * A loop of our own rather than `buffer.indexOf`, whose argument checks and call into C++ cost
 * more than the search on a head of a few hundred bytes (bench/head.bench.ts). It looks at the
 * byte where a CRLFCRLF would end and skips as far as that byte allows: past any byte that is
 * neither CR nor LF no CRLFCRLF can end at it or at the three bytes after it, so most bytes of a head
 * are never read.
 */
export function findHeadEnd(buffer: Buffer, from = 0): number {
  const length = buffer.length;
  const stop = Math.min(length, from + scanLimit);
  let at = from + 3;
  while (at < stop) {
    const byte = buffer[at];
    if (byte === LF) {
      if (buffer[at - 1] === CR && buffer[at - 2] === LF && buffer[at - 3] === CR) return at + 1;
      // this LF can still be the second of a CRLFCRLF ending two bytes on
      at += 2;
    } else if (byte === CR) {
      // ... and this CR the second, ending at the next byte
      at += 1;
    } else {
      at += 4;
    }
  }
  if (stop === length) return -1;
  // a long search (a read of body bytes with no head end in it) is faster in C++; it starts where
  // the first CRLFCRLF not yet ruled out could begin
  const found = buffer.indexOf(crlfcrlf, stop - 3);
  return found === -1 ? -1 : found + 4;
}

// RFC 9110 section 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
// "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
const tokenChars = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") tokenChars[c.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) tokenChars[c] = 1;
for (let c = 65; c <= 90; c++) tokenChars[c] = 1;
for (let c = 97; c <= 122; c++) tokenChars[c] = 1;

// request-target: visible characters only (no SP, no CTL); obs-text is let through like HAProxy
const targetChars = new Uint8Array(256);
for (let c = 33; c <= 126; c++) targetChars[c] = 1;
for (let c = 128; c <= 255; c++) targetChars[c] = 1;

// Buffer's own latin1Slice is what toString('latin1') ends in, after argument checks and an
// encoding lookup that cost more than the slice itself on a small head. Undocumented, so it is
// used only where it exists.
interface Latin1Slicing {
  latin1Slice(start: number, end: number): string;
}
const directLatin1 = typeof (Buffer.prototype as unknown as Partial<Latin1Slicing>).latin1Slice === 'function';

function latin1Text(buffer: Buffer, start: number, end: number): string {
  return directLatin1 ? (buffer as unknown as Latin1Slicing).latin1Slice(start, end) : buffer.toString('latin1', start, end);
}

function fail(reason: string): HeadFailure {
  return { ok: false, reason };
}

/** Case-insensitive compare of a header name with a lower-case ASCII constant, no allocation */
export function nameIs(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < name.length; i++) {
    if ((name.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** The first value of a header, case-insensitive; undefined when absent */
export function headerValue(headers: readonly string[], lowerName: string): string | undefined {
  for (let i = 0; i < headers.length; i += 2) {
    if (nameIs(headers[i] as string, lowerName)) return headers[i + 1];
  }
  return undefined;
}

/** Whether a comma-separated header value lists `lowerToken` (case-insensitive) */
export function listHas(value: string, lowerToken: string): boolean {
  let start = 0;
  while (start <= value.length) {
    let end = value.indexOf(',', start);
    if (end === -1) end = value.length;
    let a = start;
    let b = end;
    while (a < b && (value.charCodeAt(a) === 32 || value.charCodeAt(a) === 9)) a++;
    while (b > a && (value.charCodeAt(b - 1) === 32 || value.charCodeAt(b - 1) === 9)) b--;
    if (b - a === lowerToken.length) {
      let same = true;
      for (let i = 0; i < lowerToken.length; i++) {
        if ((value.charCodeAt(a + i) | 0x20) !== lowerToken.charCodeAt(i)) {
          same = false;
          break;
        }
      }
      if (same) return true;
    }
    start = end + 1;
  }
  return false;
}

interface FieldScan {
  contentLength: number;
  chunked: boolean;
  lengthConflict: boolean;
  lengthRepeated: boolean;
  connectionClose: boolean;
  /** [start, end) of every Connection, Keep-Alive and Proxy-Connection line, CRLF included */
  hopLines: number[] | undefined;
  connectionKeepAlive: boolean;
  connectionUpgrade: boolean;
  upgrade: string | undefined;
  /** where the Host value lies, OWS trimmed (-1: no Host); its string is made when first read */
  hostAt: number;
  hostEnd: number;
  hostCount: number;
  expectContinue: boolean;
  transferEncoding: string | undefined;
}

// One table for the field scan: 1 for token characters (RFC 9110 section 5.6.2: names, and fine
// in values), 2 for the other characters a value may hold (SP, HTAB, VCHAR, obs-text: section
// 5.5), 0 for the rest (controls, DEL; CR is the line end and is looked at on its own).
const fieldChars = new Uint8Array(256);
for (let c = 0; c < 256; c++) fieldChars[c] = tokenChars[c] === 1 ? 1 : c === 9 || (c >= 32 && c !== 127) ? 2 : 0;

/** Whether `bytes[at, at + lower.length)` spell the lower-case ASCII name `lower`, in any case */
function bytesAre(bytes: Buffer, at: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    if (((bytes[at + i] as number) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

// Where trimmed() and listItem() last found their bytes. Parsing is synchronous and never
// re-entered, so one record serves every call, as one scan record serves every head.
const found = { at: 0, end: 0 };

/** `bytes[from, to)` without leading and trailing OWS (SP, HTAB): sets found.at and found.end */
function trimmed(bytes: Buffer, from: number, to: number): void {
  while (from < to && (bytes[from] === 32 || bytes[from] === 9)) from++;
  while (to > from && (bytes[to - 1] === 32 || bytes[to - 1] === 9)) to--;
  found.at = from;
  found.end = to;
}

/** A field's value: `bytes[from, to)` without its leading and trailing OWS, as a string */
function valueOf(bytes: Buffer, from: number, to: number): string {
  trimmed(bytes, from, to);
  return latin1Text(bytes, found.at, found.end);
}

/**
 * The item of the comma-separated list in `bytes[start, to)` that starts at `start`, trimmed
 * (found.at, found.end); returns where the next item starts, past `to` after the last
 */
function listItem(bytes: Buffer, start: number, to: number): number {
  let end = start;
  while (end < to && bytes[end] !== 44) end++;
  trimmed(bytes, start, end);
  return end + 1;
}

/** Whether the comma-separated list in `bytes[from, to)` holds `lowerToken`, in any case */
function bytesListHas(bytes: Buffer, from: number, to: number, lowerToken: string): boolean {
  for (let next = from; next <= to; ) {
    next = listItem(bytes, next, to);
    if (found.end - found.at === lowerToken.length && bytesAre(bytes, found.at, lowerToken)) return true;
  }
  return false;
}

/**
 * The connection options in a Connection value (RFC 9110 section 7.6.1) the proxy acts on, in
 * one pass over the list (a server's `Connection: keep-alive` is on nearly every response)
 */
function noteConnectionOptions(bytes: Buffer, from: number, to: number, scan: FieldScan): void {
  for (let next = from; next <= to; ) {
    next = listItem(bytes, next, to);
    switch (found.end - found.at) {
      case 5:
        if (bytesAre(bytes, found.at, 'close')) scan.connectionClose = true;
        break;
      case 10:
        if (bytesAre(bytes, found.at, 'keep-alive')) scan.connectionKeepAlive = true;
        break;
      case 7:
        if (bytesAre(bytes, found.at, 'upgrade')) scan.connectionUpgrade = true;
        break;
    }
  }
}

/** Content-Length as plain digits, or -1 when the value is anything else (then read as text) */
function plainLength(bytes: Buffer, from: number, to: number): number {
  trimmed(bytes, from, to);
  const at = found.at;
  const end = found.end;
  if (end === at || end - at > 15) return -1;
  let n = 0;
  for (let i = at; i < end; i++) {
    const digit = (bytes[i] as number) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/**
 * Validates the header fields in `bytes[pos, end)` (from just after the start line's CRLF to the
 * end of the head) and reads the few the proxy acts on. Returns a failure reason, or undefined
 * when every field is valid.
 */
function scanFields(bytes: Buffer, pos: number, end: number, scan: FieldScan): string | undefined {
  const last = end - 2; // the final empty line's CRLF
  let contentLengthSeen: string | undefined;
  // one pass over the bytes: the head ends in CRLFCRLF, so every loop below meets a CR
  while (pos < last) {
    const first = bytes[pos];
    // RFC 9112 section 5.2: obs-fold is rejected (a recipient MAY reject; we do, it hides fields)
    if (first === 32 || first === 9) return 'obsolete line folding in header';
    let colon = pos;
    while (fieldChars[bytes[colon] as number] === 1) colon++;
    if (colon === pos) return 'empty or invalid header name';
    // RFC 9112 section 5.1: no whitespace between the field name and the colon, ever
    if (bytes[colon] !== 58) return 'invalid character in header name';
    let lineEnd = colon + 1;
    for (;;) {
      const c = bytes[lineEnd] as number;
      if (c === 13) break;
      if (fieldChars[c] === 0) return 'invalid character in header value';
      lineEnd++;
    }
    // RFC 9112 section 2.2: a CR only as part of the CRLF that ends the line
    if (bytes[lineEnd + 1] !== 10) return 'invalid character in header value';
    const from = colon + 1;
    // only names of these lengths matter to the proxy; skip the compare for the rest
    switch (colon - pos) {
      case 4:
        if (bytesAre(bytes, pos, 'host')) {
          trimmed(bytes, from, lineEnd);
          scan.hostAt = found.at;
          scan.hostEnd = found.end;
          scan.hostCount++;
        }
        break;
      case 6:
        if (bytesAre(bytes, pos, 'expect') && bytesListHas(bytes, from, lineEnd, '100-continue')) {
          scan.expectContinue = valueOf(bytes, from, lineEnd).length === 12;
        }
        break;
      case 7:
        if (bytesAre(bytes, pos, 'upgrade')) scan.upgrade = valueOf(bytes, from, lineEnd);
        break;
      case 10:
        if (bytesAre(bytes, pos, 'connection')) {
          noteConnectionOptions(bytes, from, lineEnd, scan);
          noteHopLine(scan, pos, lineEnd + 2);
        } else if (bytesAre(bytes, pos, 'keep-alive')) {
          noteHopLine(scan, pos, lineEnd + 2);
        }
        break;
      case 16:
        if (bytesAre(bytes, pos, 'proxy-connection')) noteHopLine(scan, pos, lineEnd + 2);
        break;
      case 14:
        if (bytesAre(bytes, pos, 'content-length')) {
          const plain = contentLengthSeen === undefined ? plainLength(bytes, from, lineEnd) : -1;
          if (plain !== -1) {
            scan.contentLength = plain;
            contentLengthSeen = '';
          } else {
            const value = valueOf(bytes, from, lineEnd);
            const failure = readContentLength(value, contentLengthSeen, scan);
            if (failure !== undefined) return failure;
            contentLengthSeen = value;
          }
        }
        break;
      case 17:
        if (bytesAre(bytes, pos, 'transfer-encoding')) {
          const value = valueOf(bytes, from, lineEnd);
          scan.transferEncoding = scan.transferEncoding === undefined ? value : `${scan.transferEncoding}, ${value}`;
        }
        break;
    }
    pos = lineEnd + 2;
  }
  if (scan.transferEncoding !== undefined) {
    const failure = readTransferEncoding(scan.transferEncoding, scan);
    if (failure !== undefined) return failure;
    if (scan.contentLength !== -1) {
      scan.lengthConflict = true;
      scan.contentLength = -1;
    }
  }
  return undefined;
}

/**
 * Notes a hop-by-hop line [start, end). Most heads that have one have one (a server's
 * `Connection: keep-alive`): a literal pair is sized for it, where a push onto an empty array
 * would allocate room for 17.
 */
function noteHopLine(scan: FieldScan, start: number, end: number): void {
  if (scan.hopLines === undefined) scan.hopLines = [start, end];
  else scan.hopLines.push(start, end);
}

/** The flat [name, value, ...] list of a field block scanFields accepted */
function collectFields(bytes: Buffer, pos: number, end: number): string[] {
  const headers: string[] = [];
  const last = end - 2;
  while (pos < last) {
    let colon = pos;
    while (bytes[colon] !== 58) colon++;
    let lineEnd = colon + 1;
    while (bytes[lineEnd] !== 13) lineEnd++;
    headers.push(latin1Text(bytes, pos, colon), valueOf(bytes, colon + 1, lineEnd));
    pos = lineEnd + 2;
  }
  return headers;
}

/**
 * RFC 9110 section 8.6: digits only; a list of identical values (from merged fields) counts as
 * one value; differing values are an error, never "pick one". `previous` is the text of an
 * earlier Content-Length field ('' when it was a plain number already in `scan`).
 */
function readContentLength(value: string, previous: string | undefined, scan: FieldScan): string | undefined {
  let parsed = -1;
  if (previous !== undefined || value.includes(',')) scan.lengthRepeated = true;
  for (const part of value.split(',')) {
    const digits = part.trim();
    if (digits.length === 0 || digits.length > 15 || !/^\d+$/.test(digits)) return 'invalid Content-Length';
    const n = Number(digits);
    if (parsed !== -1 && n !== parsed) return 'conflicting Content-Length values';
    parsed = n;
  }
  if (previous !== undefined && parsed !== scan.contentLength) return 'conflicting Content-Length headers';
  scan.contentLength = parsed;
  return undefined;
}

/**
 * RFC 9112 section 6.1: chunked must be the final coding, applied once. Anything else on a
 * request cannot be framed and is refused.
 */
function readTransferEncoding(value: string, scan: FieldScan): string | undefined {
  const codings = value.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c.length > 0);
  if (codings.length === 0) return 'empty Transfer-Encoding';
  for (const coding of codings) {
    for (let i = 0; i < coding.length; i++) {
      if (tokenChars[coding.charCodeAt(i)] !== 1 && coding.charCodeAt(i) !== 59 && coding.charCodeAt(i) !== 61 && coding.charCodeAt(i) !== 32) {
        return 'invalid Transfer-Encoding';
      }
    }
  }
  const chunkedCount = codings.filter((c) => c === 'chunked').length;
  if (chunkedCount > 1) return 'chunked applied more than once';
  scan.chunked = codings[codings.length - 1] === 'chunked';
  if (chunkedCount === 1 && !scan.chunked) return 'chunked is not the final transfer coding';
  return undefined;
}

// Parsing is synchronous and never re-entered, so one scan record serves every head
const scanRecord: FieldScan = {
  contentLength: -1,
  chunked: false,
  lengthConflict: false,
  lengthRepeated: false,
  connectionClose: false,
  hopLines: undefined,
  connectionKeepAlive: false,
  connectionUpgrade: false,
  upgrade: undefined,
  hostAt: -1,
  hostEnd: -1,
  hostCount: 0,
  expectContinue: false,
  transferEncoding: undefined,
};

function freshScan(): FieldScan {
  const scan = scanRecord;
  scan.contentLength = -1;
  scan.chunked = false;
  scan.lengthConflict = false;
  scan.lengthRepeated = false;
  scan.connectionClose = false;
  scan.hopLines = undefined;
  scan.connectionKeepAlive = false;
  scan.connectionUpgrade = false;
  scan.upgrade = undefined;
  scan.hostAt = -1;
  scan.hostEnd = -1;
  scan.hostCount = 0;
  scan.expectContinue = false;
  scan.transferEncoding = undefined;
  return scan;
}

/** What request and response heads share; the header list is built on first use */
class ParsedHead {
  readonly ok = true as const;
  readonly version: 10 | 11;
  readonly contentLength: number;
  readonly chunked: boolean;
  readonly lengthConflict: boolean;
  readonly lengthRepeated: boolean;
  readonly wantsClose: boolean;
  readonly upgrade: string | undefined;
  readonly headLength: number;
  /** the head's bytes: a view of the read until `detach` copies them */
  #bytes: Buffer;
  /** where the header fields start in `#bytes`; they end at `#end` */
  #fieldsAt: number;
  #end: number;
  #headers: string[] | undefined;
  /** hop-by-hop connection lines as [start, end) pairs from the head's first byte */
  readonly #hopLines: number[] | undefined;
  /** the minor version digit, from the head's first byte */
  readonly #versionDigitAt: number;

  constructor(bytes: Buffer, fieldsAt: number, end: number, version: 10 | 11, scan: FieldScan, headLength: number, versionDigitAt: number) {
    this.#bytes = bytes;
    this.#fieldsAt = fieldsAt;
    this.#end = end;
    const start = end - headLength;
    const lines = scan.hopLines;
    if (lines !== undefined) for (let i = 0; i < lines.length; i++) lines[i] = (lines[i] as number) - start;
    this.#hopLines = lines;
    this.#versionDigitAt = versionDigitAt - start;
    this.version = version;
    this.contentLength = scan.contentLength;
    this.chunked = scan.chunked;
    this.lengthConflict = scan.lengthConflict;
    this.lengthRepeated = scan.lengthRepeated && !scan.lengthConflict;
    this.wantsClose = scan.connectionClose || (version === 10 && !scan.connectionKeepAlive) || scan.lengthConflict;
    this.upgrade = scan.connectionUpgrade ? scan.upgrade : undefined;
    this.headLength = headLength;
  }

  /** flat [name0, value0, ...] as received; the same array every time, so edits stay */
  get headers(): string[] {
    return (this.#headers ??= collectFields(this.#bytes, this.#fieldsAt, this.#end));
  }

  detach(memory: ArrayBufferLike): Buffer | undefined {
    if (this.#bytes.buffer !== memory) return undefined;
    const start = this.#end - this.headLength;
    // a copy by Buffer#copy makes one Buffer object; Buffer.from of a subarray made two
    const copy = Buffer.allocUnsafe(this.headLength);
    this.#bytes.copy(copy, 0, start, this.#end);
    this.#bytes = copy;
    this.#fieldsAt -= start;
    this.#end -= start;
    this.detached(start);
    return copy;
  }

  withConnection(version11: boolean, extra: string): Buffer {
    const bytes = this.#bytes;
    const start = this.#end - this.headLength;
    const lines = this.#hopLines;
    let dropped = 0;
    if (lines !== undefined) for (let i = 0; i < lines.length; i += 2) dropped += (lines[i + 1] as number) - (lines[i] as number);
    const out = Buffer.allocUnsafe(this.headLength - dropped + extra.length);
    let at = 0;
    let from = start;
    if (lines !== undefined) {
      for (let i = 0; i < lines.length; i += 2) {
        at += bytes.copy(out, at, from, start + (lines[i] as number));
        from = start + (lines[i + 1] as number);
      }
    }
    // everything up to the final empty line, then the added lines, then the empty line
    at += bytes.copy(out, at, from, this.#end - 2);
    at += out.write(extra, at, 'latin1');
    out[at] = 13;
    out[at + 1] = 10;
    if (version11) out[this.#versionDigitAt] = 49;
    return out;
  }

  /** the bytes moved: `shift` is how far back everything a subclass points at went */
  protected detached(_shift: number): void {}

  protected get bytes(): Buffer {
    return this.#bytes;
  }
}

class ParsedRequestHead extends ParsedHead implements RequestHead {
  readonly method: string;
  readonly expectContinue: boolean;
  /** the request target lies at `#targetAt` up to `#targetEnd` of the head's bytes until first read */
  #targetAt: number;
  #targetEnd: number;
  #target: string | undefined;
  /**
   * the Host value lies at `#hostAt` up to `#hostEnd` of the head's bytes until first read (-1:
   * none): most requests never ask (HTTP/1.0 forwarding does; rules read the header list)
   */
  #hostAt: number;
  #hostEnd: number;
  #host: string | undefined;

  constructor(bytes: Buffer, fieldsAt: number, end: number, version: 10 | 11, scan: FieldScan, headLength: number, method: string, targetAt: number, targetEnd: number) {
    // the request line ends "HTTP/1.x" just before the CRLF that starts the fields
    super(bytes, fieldsAt, end, version, scan, headLength, fieldsAt - 3);
    this.method = method;
    this.#targetAt = targetAt;
    this.#targetEnd = targetEnd;
    this.#hostAt = scan.hostAt;
    this.#hostEnd = scan.hostEnd;
    this.expectContinue = scan.expectContinue && version === 11;
  }

  /** forwarding sends the received bytes, so most requests never make this string */
  get target(): string {
    return (this.#target ??= latin1Text(this.bytes, this.#targetAt, this.#targetEnd));
  }

  get host(): string | undefined {
    if (this.#hostAt === -1) return undefined;
    return (this.#host ??= latin1Text(this.bytes, this.#hostAt, this.#hostEnd));
  }

  protected override detached(shift: number): void {
    this.#targetAt -= shift;
    this.#targetEnd -= shift;
    if (this.#hostAt === -1) return;
    this.#hostAt -= shift;
    this.#hostEnd -= shift;
  }
}

class ParsedResponseHead extends ParsedHead implements ResponseHead {
  readonly status: number;
  /** the reason phrase lies at `#reasonAt` up to `#reasonEnd` until first read */
  #reasonAt: number;
  #reasonEnd: number;
  #reason: string | undefined;

  constructor(bytes: Buffer, fieldsAt: number, end: number, version: 10 | 11, scan: FieldScan, headLength: number, status: number, reasonAt: number, reasonEnd: number) {
    // "HTTP/1.x" opens the status line
    super(bytes, fieldsAt, end, version, scan, headLength, end - headLength + 7);
    this.status = status;
    this.#reasonAt = reasonAt;
    this.#reasonEnd = reasonEnd;
  }

  get reason(): string {
    return (this.#reason ??= this.#reasonEnd > this.#reasonAt ? latin1Text(this.bytes, this.#reasonAt, this.#reasonEnd) : '');
  }

  protected override detached(shift: number): void {
    this.#reasonAt -= shift;
    this.#reasonEnd -= shift;
  }
}

/** "HTTP/1.1" or "HTTP/1.0" at `at`, exactly (case-sensitive, RFC 9112 section 2.3) */
function readVersion(bytes: Buffer, at: number): 10 | 11 | 0 {
  if (
    bytes[at] === 72 &&
    bytes[at + 1] === 84 &&
    bytes[at + 2] === 84 &&
    bytes[at + 3] === 80 &&
    bytes[at + 4] === 47 &&
    bytes[at + 5] === 49 &&
    bytes[at + 6] === 46
  ) {
    const minor = bytes[at + 7];
    if (minor === 49) return 11;
    if (minor === 48) return 10;
  }
  return 0;
}

// the methods nearly every request uses, as constants: no string to make for them
const commonMethods = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'];

function methodOf(bytes: Buffer, start: number, end: number): string {
  for (const method of commonMethods) {
    if (method.length !== end - start) continue;
    let same = true;
    for (let i = 0; i < method.length; i++) {
      if (bytes[start + i] !== method.charCodeAt(i)) {
        same = false;
        break;
      }
    }
    if (same) return method;
  }
  return latin1Text(bytes, start, end);
}

/** Parses a request head: `buffer[start, end)` must end with CRLFCRLF (see findHeadEnd) */
export function parseRequestHead(buffer: Buffer, start: number, end: number): RequestHead | HeadFailure {
  let lineEnd = start;
  while (lineEnd < end && buffer[lineEnd] !== 13) lineEnd++;
  if (lineEnd === start) return fail('empty request line');
  if (buffer[lineEnd + 1] !== 10) return fail('malformed request line');
  let sp1 = start;
  while (sp1 < lineEnd && buffer[sp1] !== 32) sp1++;
  if (sp1 === start || sp1 === lineEnd) return fail('malformed request line');
  for (let i = start; i < sp1; i++) if (tokenChars[buffer[i] as number] !== 1) return fail('invalid method');
  let sp2 = sp1 + 1;
  while (sp2 < lineEnd && buffer[sp2] !== 32) sp2++;
  if (sp2 === lineEnd || sp2 === sp1 + 1) return fail('malformed request line');
  for (let i = sp1 + 1; i < sp2; i++) if (targetChars[buffer[i] as number] !== 1) return fail('invalid request target');
  if (lineEnd - sp2 - 1 !== 8) return fail('malformed HTTP version');
  const version = readVersion(buffer, sp2 + 1);
  if (version === 0) return fail('unsupported HTTP version');
  const scan = freshScan();
  const failure = scanFields(buffer, lineEnd + 2, end, scan);
  if (failure !== undefined) return fail(failure);
  // RFC 9112 section 3.2: a 1.1 request without exactly one Host is a 400
  if (version === 11 && scan.hostCount !== 1) return fail(scan.hostCount === 0 ? 'missing Host header' : 'several Host headers');
  if (scan.hostCount > 1) return fail('several Host headers');
  // RFC 9112 section 6.1: Transfer-Encoding in an HTTP/1.0 request cannot be trusted
  if (version === 10 && scan.transferEncoding !== undefined) return fail('Transfer-Encoding in an HTTP/1.0 request');
  if (scan.transferEncoding !== undefined && !scan.chunked) return fail('request Transfer-Encoding does not end with chunked');
  const method = methodOf(buffer, start, sp1);
  return new ParsedRequestHead(buffer, lineEnd + 2, end, version, scan, end - start, method, sp1 + 1, sp2);
}

/** Parses a response head from a server; refusals become a 502 for the client */
export function parseResponseHead(buffer: Buffer, start: number, end: number): ResponseHead | HeadFailure {
  let lineEnd = start;
  while (lineEnd < end && buffer[lineEnd] !== 13) lineEnd++;
  if (lineEnd - start < 12 || buffer[lineEnd + 1] !== 10) return fail('malformed status line');
  const version = readVersion(buffer, start);
  if (version === 0 || buffer[start + 8] !== 32) return fail('malformed status line');
  const d0 = (buffer[start + 9] as number) - 48;
  const d1 = (buffer[start + 10] as number) - 48;
  const d2 = (buffer[start + 11] as number) - 48;
  if (d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return fail('invalid status code');
  if (lineEnd - start > 12 && buffer[start + 12] !== 32) return fail('malformed status line');
  // the reason phrase: HTAB, SP, VCHAR, obs-text (RFC 9112 section 4)
  for (let i = start + 13; i < lineEnd; i++) if (fieldChars[buffer[i] as number] === 0) return fail('invalid reason phrase');
  const scan = freshScan();
  const failure = scanFields(buffer, lineEnd + 2, end, scan);
  if (failure !== undefined) return fail(failure);
  const reasonAt = Math.min(start + 13, lineEnd);
  return new ParsedResponseHead(buffer, lineEnd + 2, end, version, scan, end - start, d0 * 100 + d1 * 10 + d2, reasonAt, lineEnd);
}

/** RFC 9110 section 6.4.1 / RFC 9112 section 6.3: responses that never carry a body */
export function responseHasNoBody(status: number, requestMethod: string): boolean {
  return requestMethod === 'HEAD' || (status >= 100 && status < 200) || status === 204 || status === 304;
}
