// HTTP/1.x message heads: a lean parser over the bytes of one head (request or status line plus
// header fields), validating what RFC 9112 requires of an intermediary so that requests cannot be
// smuggled past it. Pure and synchronous; the hot path of the proxy calls it once per message.
//
// Headers are kept as a flat array [name, value, name, value, ...] of latin1 strings as received:
// no per-header objects, no lower-casing except for the few names the proxy itself reads.

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
const crlfcrlf = Buffer.from('\r\n\r\n', 'latin1');

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

/** Index just past the head's final CRLFCRLF, or -1 while it has not all arrived */
export function findHeadEnd(buffer: Buffer, from = 0): number {
  const at = buffer.indexOf(crlfcrlf, from);
  return at === -1 ? -1 : at + 4;
}

// RFC 9110 section 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
// "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
const tokenChars = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") tokenChars[c.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) tokenChars[c] = 1;
for (let c = 65; c <= 90; c++) tokenChars[c] = 1;
for (let c = 97; c <= 122; c++) tokenChars[c] = 1;

// RFC 9110 section 5.5: field-value = VCHAR / SP / HTAB / obs-text; CR, LF and NUL are never allowed
const valueChars = new Uint8Array(256);
valueChars[9] = 1;
for (let c = 32; c <= 126; c++) valueChars[c] = 1;
for (let c = 128; c <= 255; c++) valueChars[c] = 1;

// request-target: visible characters only (no SP, no CTL); obs-text is let through like HAProxy
const targetChars = new Uint8Array(256);
for (let c = 33; c <= 126; c++) targetChars[c] = 1;
for (let c = 128; c <= 255; c++) targetChars[c] = 1;

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
  headers: string[];
  contentLength: number;
  chunked: boolean;
  lengthConflict: boolean;
  lengthRepeated: boolean;
  connectionClose: boolean;
  connectionKeepAlive: boolean;
  connectionUpgrade: boolean;
  upgrade: string | undefined;
  host: string | undefined;
  hostCount: number;
  expectContinue: boolean;
  transferEncoding: string | undefined;
}

/**
 * Parses the header fields of `text` from `pos` (just after the start line's CRLF) to the end.
 * Returns a failure reason, or undefined when every field is valid.
 */
function scanFields(text: string, pos: number, scan: FieldScan): string | undefined {
  const end = text.length - 2; // the final empty line's CRLF
  let contentLengthSeen: string | undefined;
  while (pos < end) {
    const lineEnd = text.indexOf('\r\n', pos);
    if (lineEnd === -1 || lineEnd > end) return 'header line not terminated by CRLF';
    const first = text.charCodeAt(pos);
    // RFC 9112 section 5.2: obs-fold is rejected (a recipient MAY reject; we do, it hides fields)
    if (first === 32 || first === 9) return 'obsolete line folding in header';
    let colon = pos;
    while (colon < lineEnd && tokenChars[text.charCodeAt(colon)] === 1) colon++;
    if (colon === pos) return 'empty or invalid header name';
    // RFC 9112 section 5.1: no whitespace between the field name and the colon, ever
    if (colon >= lineEnd || text.charCodeAt(colon) !== 58) return 'invalid character in header name';
    let valueStart = colon + 1;
    let valueEnd = lineEnd;
    for (let i = valueStart; i < valueEnd; i++) {
      if (valueChars[text.charCodeAt(i)] !== 1) return 'invalid character in header value';
    }
    while (valueStart < valueEnd && (text.charCodeAt(valueStart) === 32 || text.charCodeAt(valueStart) === 9)) valueStart++;
    while (valueEnd > valueStart && (text.charCodeAt(valueEnd - 1) === 32 || text.charCodeAt(valueEnd - 1) === 9)) valueEnd--;
    const name = text.slice(pos, colon);
    const value = text.slice(valueStart, valueEnd);
    scan.headers.push(name, value);
    // only names of these lengths matter to the proxy; skip the compare for the rest
    switch (name.length) {
      case 4:
        if (nameIs(name, 'host')) {
          scan.host = value;
          scan.hostCount++;
        }
        break;
      case 6:
        if (nameIs(name, 'expect') && value.length === 12 && nameIs(value, '100-continue')) scan.expectContinue = true;
        break;
      case 7:
        if (nameIs(name, 'upgrade')) scan.upgrade = value;
        break;
      case 10:
        if (nameIs(name, 'connection')) {
          if (listHas(value, 'close')) scan.connectionClose = true;
          if (listHas(value, 'keep-alive')) scan.connectionKeepAlive = true;
          if (listHas(value, 'upgrade')) scan.connectionUpgrade = true;
        }
        break;
      case 14:
        if (nameIs(name, 'content-length')) {
          const failure = readContentLength(value, contentLengthSeen, scan);
          if (failure !== undefined) return failure;
          contentLengthSeen = value;
        }
        break;
      case 17:
        if (nameIs(name, 'transfer-encoding')) {
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
 * RFC 9110 section 8.6: digits only; a list of identical values (from merged fields) counts as
 * one value; differing values are an error, never "pick one".
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

function newScan(): FieldScan {
  return {
    headers: [],
    contentLength: -1,
    chunked: false,
    lengthConflict: false,
    lengthRepeated: false,
    connectionClose: false,
    connectionKeepAlive: false,
    connectionUpgrade: false,
    upgrade: undefined,
    host: undefined,
    hostCount: 0,
    expectContinue: false,
    transferEncoding: undefined,
  };
}

function readVersion(text: string, at: number): 10 | 11 | 0 {
  // "HTTP/1.1" or "HTTP/1.0", exactly (case-sensitive, RFC 9112 section 2.3)
  if (
    text.charCodeAt(at) === 72 &&
    text.charCodeAt(at + 1) === 84 &&
    text.charCodeAt(at + 2) === 84 &&
    text.charCodeAt(at + 3) === 80 &&
    text.charCodeAt(at + 4) === 47 &&
    text.charCodeAt(at + 5) === 49 &&
    text.charCodeAt(at + 6) === 46
  ) {
    const minor = text.charCodeAt(at + 7);
    if (minor === 49) return 11;
    if (minor === 48) return 10;
  }
  return 0;
}

/** Parses a request head: `buffer[start, end)` must end with CRLFCRLF (see findHeadEnd) */
export function parseRequestHead(buffer: Buffer, start: number, end: number): RequestHead | HeadFailure {
  const text = buffer.toString('latin1', start, end);
  const lineEnd = text.indexOf('\r\n');
  if (lineEnd <= 0) return fail('empty request line');
  const sp1 = text.indexOf(' ');
  if (sp1 <= 0 || sp1 > lineEnd) return fail('malformed request line');
  for (let i = 0; i < sp1; i++) if (tokenChars[text.charCodeAt(i)] !== 1) return fail('invalid method');
  const sp2 = text.indexOf(' ', sp1 + 1);
  if (sp2 === -1 || sp2 > lineEnd || sp2 === sp1 + 1) return fail('malformed request line');
  for (let i = sp1 + 1; i < sp2; i++) if (targetChars[text.charCodeAt(i)] !== 1) return fail('invalid request target');
  if (lineEnd - sp2 - 1 !== 8) return fail('malformed HTTP version');
  const version = readVersion(text, sp2 + 1);
  if (version === 0) return fail('unsupported HTTP version');
  const scan = newScan();
  const failure = scanFields(text, lineEnd + 2, scan);
  if (failure !== undefined) return fail(failure);
  // RFC 9112 section 3.2: a 1.1 request without exactly one Host is a 400
  if (version === 11 && scan.hostCount !== 1) return fail(scan.hostCount === 0 ? 'missing Host header' : 'several Host headers');
  if (scan.hostCount > 1) return fail('several Host headers');
  // RFC 9112 section 6.1: Transfer-Encoding in an HTTP/1.0 request cannot be trusted
  if (version === 10 && scan.transferEncoding !== undefined) return fail('Transfer-Encoding in an HTTP/1.0 request');
  if (scan.transferEncoding !== undefined && !scan.chunked) return fail('request Transfer-Encoding does not end with chunked');
  const method = text.slice(0, sp1);
  return {
    ok: true,
    version,
    headers: scan.headers,
    contentLength: scan.contentLength,
    chunked: scan.chunked,
    lengthConflict: scan.lengthConflict,
    lengthRepeated: scan.lengthRepeated && !scan.lengthConflict,
    wantsClose: scan.connectionClose || (version === 10 && !scan.connectionKeepAlive) || scan.lengthConflict,
    upgrade: scan.connectionUpgrade ? scan.upgrade : undefined,
    headLength: end - start,
    method,
    target: text.slice(sp1 + 1, sp2),
    host: scan.host,
    expectContinue: scan.expectContinue && version === 11,
  };
}

/** Parses a response head from a server; refusals become a 502 for the client */
export function parseResponseHead(buffer: Buffer, start: number, end: number): ResponseHead | HeadFailure {
  const text = buffer.toString('latin1', start, end);
  const lineEnd = text.indexOf('\r\n');
  if (lineEnd < 12) return fail('malformed status line');
  const version = readVersion(text, 0);
  if (version === 0 || text.charCodeAt(8) !== 32) return fail('malformed status line');
  const d0 = text.charCodeAt(9) - 48;
  const d1 = text.charCodeAt(10) - 48;
  const d2 = text.charCodeAt(11) - 48;
  if (d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return fail('invalid status code');
  if (lineEnd > 12 && text.charCodeAt(12) !== 32) return fail('malformed status line');
  const scan = newScan();
  const failure = scanFields(text, lineEnd + 2, scan);
  if (failure !== undefined) return fail(failure);
  return {
    ok: true,
    version,
    headers: scan.headers,
    contentLength: scan.contentLength,
    chunked: scan.chunked,
    lengthConflict: scan.lengthConflict,
    lengthRepeated: scan.lengthRepeated && !scan.lengthConflict,
    wantsClose: scan.connectionClose || (version === 10 && !scan.connectionKeepAlive) || scan.lengthConflict,
    upgrade: scan.connectionUpgrade ? scan.upgrade : undefined,
    headLength: end - start,
    status: d0 * 100 + d1 * 10 + d2,
    reason: lineEnd > 13 ? text.slice(13, lineEnd) : '',
  };
}

/** RFC 9110 section 6.4.1 / RFC 9112 section 6.3: responses that never carry a body */
export function responseHasNoBody(status: number, requestMethod: string): boolean {
  return requestMethod === 'HEAD' || (status >= 100 && status < 200) || status === 204 || status === 304;
}
