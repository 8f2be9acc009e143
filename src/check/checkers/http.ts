// kind `http`: one or more HTTP/1.x requests written on a raw socket (TLS when `tls` is set), each
// on its own connection, all of which must pass. One spec shape serves both anchors:
//
// HAProxy `option httpchk [METH] [URI] [VER]` + `http-check send meth|uri|ver|hdr|body` +
// `http-check expect [!] status <codes>|rstatus <re>|string <s>|rstring <re>`:
//   one request; method defaults to OPTIONS in HAProxy, so the adapter sets it; `expect` holds the
//   expect rules in order (all must pass); with no expect rule the spec's `defaultStatus` decides
//   (HAProxy: 2xx and 3xx, `haproxyDefaultStatus`). No Host header unless a `hdr host` says so.
// keepalived HTTP_GET / SSL_GET with `url { path digest status_code virtualhost }` blocks:
//   one request per url block, method GET, `version` from http_protocol ("1.0C" is 1.0 with
//   `connectionClose`, "1.1" also sends Connection: close as keepalived does), `host` from the
//   virtualhost or else `hostFromTarget` (keepalived sends "Host: <ip>:<port>"), and `expect` holds
//   a status expectation (status_code, else `keepalivedDefaultStatus`, 2xx) plus an `md5` one for
//   `digest`.
//
// Outcomes follow HAProxy: L7OK / L7STS "HTTP status check returned code <503>" / L7RSP for a
// malformed response or a content or digest mismatch (the info says which) / L7TOUT while waiting
// for the response / L4CON, L4TOUT while connecting / L6RSP, L6TOUT during the TLS handshake.
import type { Hash } from 'node:crypto';
import net from 'node:net';
import { lazyCrypto } from '../../core/lazy-builtins.ts';
import { registerChecker, type CheckSpec, type Checker, type CheckTarget, type CheckTimeouts } from '../checker.ts';
import { CheckStatus, type CheckOutcome } from '../outcome.ts';
import { HttpParseError, HttpResponseParser, type HttpResponseHead } from './http-response.ts';
import { isPassing, ProbeFailure, runProbe, type Probe, type ProbeResult } from './probe.ts';
import { ChunkReader, openConnection, startTls, writeAll, type TlsOptions } from './stream.ts';

/** An inclusive range of status codes; a single code is `{ min: 200, max: 200 }` */
export interface HttpStatusRange {
  readonly min: number;
  readonly max: number;
}

/** One `http-check expect` rule or keepalived url condition; all of a request's must pass */
export type HttpExpectation =
  | { readonly match: 'status'; readonly codes: readonly HttpStatusRange[]; readonly negate?: boolean }
  | { readonly match: 'rstatus'; readonly pattern: string; readonly negate?: boolean }
  | { readonly match: 'string'; readonly text: string; readonly negate?: boolean }
  | { readonly match: 'rstring'; readonly pattern: string; readonly negate?: boolean }
  /** keepalived `digest`: the MD5 of the whole body, hex */
  | { readonly match: 'md5'; readonly digest: string };

export interface HttpHeader {
  readonly name: string;
  readonly value: string;
}

export interface HttpCheckRequest {
  /** default GET */
  readonly method?: string;
  /** request target, default "/" */
  readonly path?: string;
  /** default "1.0" */
  readonly version?: '1.0' | '1.1';
  /** sent in this order, before the Host/Connection/Content-Length the checker adds */
  readonly headers?: readonly HttpHeader[];
  /** sent with a Content-Length */
  readonly body?: string;
  /**
   * Host header value. Without it (and no Host in `headers`): `hostFromTarget` sends
   * "<address>:<port>"; an HTTP/1.1 request sends the same, since RFC 9112 §3.2 requires Host; an
   * HTTP/1.0 request sends none.
   */
  readonly host?: string;
  readonly hostFromTarget?: boolean;
  /** adds "Connection: close" */
  readonly connectionClose?: boolean;
  /** empty or absent: the status must be in the spec's `defaultStatus` */
  readonly expect?: readonly HttpExpectation[];
}

export interface HttpCheckSpec extends CheckSpec {
  readonly kind: 'http';
  /** at least one; run in order, each on a new connection, all must pass */
  readonly requests: readonly HttpCheckRequest[];
  /** check-ssl / SSL_GET; certificates are not verified */
  readonly tls?: TlsOptions;
  /** the passing codes of a request without expectations; default `haproxyDefaultStatus` */
  readonly defaultStatus?: readonly HttpStatusRange[];
  /** body bytes kept for string/rstring matching, default 1 MiB; the digest covers the whole body */
  readonly maxBodyBytes?: number;
}

/** HAProxy `option httpchk` without `http-check expect`: 2xx and 3xx pass */
export const haproxyDefaultStatus: readonly HttpStatusRange[] = [{ min: 200, max: 399 }];
/** keepalived url without `status_code`: 2xx pass */
export const keepalivedDefaultStatus: readonly HttpStatusRange[] = [{ min: 200, max: 299 }];

/**
 * Parses status codes as both anchors write them: HAProxy's "200,201,300-310" and keepalived's
 * space-separated "200 300-399". Throws on anything else.
 */
export function parseStatusCodes(text: string): HttpStatusRange[] {
  const ranges: HttpStatusRange[] = [];
  for (const item of text.split(/[\s,]+/).filter((part) => part !== '')) {
    const match = /^(\d{3})(?:-(\d{3}))?$/.exec(item);
    const min = Number(match?.[1]);
    const max = match?.[2] === undefined ? min : Number(match[2]);
    if (match === null || min < 100 || max > 599 || min > max) throw new Error(`Cannot parse HTTP status code "${item}"`);
    ranges.push({ min, max });
  }
  if (ranges.length === 0) throw new Error(`Cannot parse HTTP status codes "${text}"`);
  return ranges;
}

type CompiledExpectation =
  | { readonly match: 'status'; readonly test: (code: number) => boolean; readonly negate: boolean }
  | { readonly match: 'content'; readonly test: (body: Buffer) => boolean; readonly negate: boolean }
  | { readonly match: 'md5'; readonly digest: string };

interface CompiledRequest {
  readonly label: string;
  readonly method: string;
  readonly build: (target: CheckTarget) => Buffer;
  readonly expectations: readonly CompiledExpectation[];
  readonly keepsBody: boolean;
  readonly hashesBody: boolean;
}

const defaultMaxBodyBytes = 1024 * 1024;
const headerToken = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export class HttpChecker implements Checker {
  readonly kind = 'http';
  readonly description: string;
  readonly #requests: readonly CompiledRequest[];
  readonly #tls: TlsOptions | undefined;
  readonly #defaultStatus: readonly HttpStatusRange[];
  readonly #maxBodyBytes: number;

  constructor(spec: HttpCheckSpec) {
    if (spec.requests.length === 0) throw new Error('Cannot build an HTTP check without a request');
    this.#requests = spec.requests.map(compileRequest);
    this.#tls = spec.tls;
    this.#defaultStatus = spec.defaultStatus ?? haproxyDefaultStatus;
    this.#maxBodyBytes = spec.maxBodyBytes ?? defaultMaxBodyBytes;
    const more = this.#requests.length > 1 ? ` (+${this.#requests.length - 1} more)` : '';
    this.description = `${spec.tls === undefined ? 'HTTP' : 'HTTPS'} ${this.#requests[0]?.label ?? ''}${more}`;
  }

  run(target: CheckTarget, timeouts: CheckTimeouts, signal: AbortSignal): Promise<CheckOutcome> {
    const options = { totalMs: timeouts.totalMs, signal, abortedStatus: CheckStatus.socketError, errorStatus: CheckStatus.socketError };
    return runProbe(options, async (probe) => {
      let result: ProbeResult = { status: CheckStatus.l7ok, info: '' };
      for (const request of this.#requests) {
        // keepalived's url blocks: say which one failed when there are several
        const which = (info: string): string => (this.#requests.length > 1 ? `${info} (${request.label})` : info);
        try {
          result = await this.#check(probe, target, timeouts, request);
        } catch (error) {
          if (error instanceof ProbeFailure) throw new ProbeFailure(error.status, which(error.message), error.code);
          throw error;
        }
        if (!isPassing(result.status)) return { ...result, info: which(result.info) };
      }
      return result;
    });
  }

  async #check(probe: Probe, target: CheckTarget, timeouts: CheckTimeouts, request: CompiledRequest): Promise<ProbeResult> {
    const socket = await openConnection(probe, target, Math.min(timeouts.connectMs, timeouts.totalMs));
    const stream = this.#tls === undefined ? socket : await startTls(probe, socket, this.#tls);
    try {
      const reader = new ChunkReader(probe, stream);
      const timeout = (): ProbeFailure => new ProbeFailure(CheckStatus.l7timeout, 'Timeout waiting for the HTTP response');
      await writeAll(probe, stream, request.build(target), timeout);

      const hash = request.hashesBody ? lazyCrypto().createHash('md5') : undefined;
      const kept: Buffer[] = [];
      let keptBytes = 0;
      const parser = new HttpResponseParser({
        headRequest: request.method === 'HEAD',
        onBody: (chunk) => {
          hash?.update(chunk);
          if (request.keepsBody && keptBytes < this.#maxBodyBytes) {
            const slice = chunk.subarray(0, this.#maxBodyBytes - keptBytes);
            kept.push(slice);
            keptBytes += slice.length;
          }
        },
      });
      for (;;) {
        const chunk = await reader.next(timeout);
        if (feed(parser, chunk)) break;
        // stop reading once nothing more can change the verdict
        if (parser.head !== undefined && !request.hashesBody && (!request.keepsBody || keptBytes >= this.#maxBodyBytes)) break;
      }
      const head = parser.head;
      if (head === undefined) throw new ProbeFailure(CheckStatus.l7response, 'Incomplete HTTP response headers');
      return this.#evaluate(request, head, Buffer.concat(kept), hash);
    } finally {
      stream.destroy();
      socket.destroy();
    }
  }

  #evaluate(request: CompiledRequest, head: HttpResponseHead, body: Buffer, hash: Hash | undefined): ProbeResult {
    const code = head.status;
    const statusInfo = `HTTP status check returned code <${code}>`;
    if (request.expectations.length === 0) {
      const passed = inRanges(code, this.#defaultStatus);
      return { status: passed ? CheckStatus.l7ok : CheckStatus.l7status, info: statusInfo, code };
    }
    let info = statusInfo;
    for (const expectation of request.expectations) {
      switch (expectation.match) {
        case 'status':
          if (expectation.test(code) === expectation.negate) return { status: CheckStatus.l7status, info: statusInfo, code };
          break;
        case 'content':
          if (expectation.test(body) === expectation.negate) {
            const why = expectation.negate ? 'HTTP check matched unwanted content' : 'HTTP content check did not match';
            return { status: CheckStatus.l7response, info: why, code };
          }
          info = 'HTTP content check matched';
          break;
        case 'md5': {
          const actual = hash?.digest('hex') ?? '';
          if (actual !== expectation.digest) {
            return { status: CheckStatus.l7response, info: `MD5 digest mismatch: got ${actual}, expected ${expectation.digest}`, code };
          }
          info = 'MD5 digest matched';
          break;
        }
      }
    }
    return { status: CheckStatus.l7ok, info, code };
  }
}

/** Feeds one read (null: the peer closed) to the parser; true when the response is complete */
function feed(parser: HttpResponseParser, chunk: Buffer | null): boolean {
  try {
    if (chunk !== null) return parser.push(chunk);
    parser.end();
    return true;
  } catch (error) {
    if (error instanceof HttpParseError) throw new ProbeFailure(CheckStatus.l7response, error.message);
    throw error;
  }
}

function inRanges(code: number, ranges: readonly HttpStatusRange[]): boolean {
  return ranges.some((range) => code >= range.min && code <= range.max);
}

function compileRegex(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new Error(`Cannot compile regular expression "${pattern}": ${(error as Error).message}`, { cause: error });
  }
}

function compileExpectation(expectation: HttpExpectation): CompiledExpectation {
  switch (expectation.match) {
    case 'status': {
      const codes = expectation.codes;
      return { match: 'status', test: (code) => inRanges(code, codes), negate: expectation.negate ?? false };
    }
    case 'rstatus': {
      const regex = compileRegex(expectation.pattern);
      return { match: 'status', test: (code) => regex.test(String(code)), negate: expectation.negate ?? false };
    }
    case 'string': {
      const needle = Buffer.from(expectation.text, 'utf8');
      return { match: 'content', test: (body) => body.includes(needle), negate: expectation.negate ?? false };
    }
    case 'rstring': {
      const regex = compileRegex(expectation.pattern);
      return { match: 'content', test: (body) => regex.test(body.toString('utf8')), negate: expectation.negate ?? false };
    }
    case 'md5': {
      const digest = expectation.digest.toLowerCase();
      if (!/^[0-9a-f]{32}$/.test(digest)) throw new Error(`Cannot use MD5 digest "${expectation.digest}": expected 32 hex digits`);
      return { match: 'md5', digest };
    }
  }
}

function assertNoLineBreak(what: string, value: string): void {
  if (/[\r\n]/.test(value)) throw new Error(`Cannot send ${what} "${value}": it contains a line break`);
}

function compileRequest(request: HttpCheckRequest): CompiledRequest {
  const method = request.method ?? 'GET';
  const path = request.path ?? '/';
  const version = request.version ?? '1.0';
  const headers = request.headers ?? [];
  if (!headerToken.test(method)) throw new Error(`Cannot send HTTP method "${method}"`);
  if (path === '' || /\s/.test(path)) throw new Error(`Cannot send HTTP request target "${path}"`);
  for (const header of headers) {
    if (!headerToken.test(header.name)) throw new Error(`Cannot send HTTP header name "${header.name}"`);
    assertNoLineBreak('HTTP header value', header.value);
  }
  if (request.host !== undefined) assertNoLineBreak('Host', request.host);

  const has = (name: string): boolean => headers.some((header) => header.name.toLowerCase() === name);
  const body = request.body;
  const build = (target: CheckTarget): Buffer => {
    const lines = [`${method} ${path} HTTP/${version}`, ...headers.map((header) => `${header.name}: ${header.value}`)];
    if (!has('host')) {
      const host = request.host ?? (request.hostFromTarget === true || version === '1.1' ? authority(target) : undefined);
      if (host !== undefined) lines.push(`Host: ${host}`);
    }
    if (request.connectionClose === true && !has('connection')) lines.push('Connection: close');
    if (body !== undefined && !has('content-length')) lines.push(`Content-Length: ${Buffer.byteLength(body, 'utf8')}`);
    return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body ?? ''}`, 'utf8');
  };

  const expectations = (request.expect ?? []).map(compileExpectation);
  return {
    label: `${method} ${path}`,
    method,
    build,
    expectations,
    keepsBody: expectations.some((e) => e.match === 'content'),
    hashesBody: expectations.some((e) => e.match === 'md5'),
  };
}

/** "<address>:<port>", the IPv6 literal in brackets (RFC 3986 §3.2.2) */
function authority(target: CheckTarget): string {
  return net.isIPv6(target.host) ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

registerChecker('http', (spec) => new HttpChecker(spec as HttpCheckSpec));
