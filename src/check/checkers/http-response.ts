// An incremental HTTP/1.x response parser (RFC 9112), pure over bytes so it is tested without
// sockets: feed it chunks as they arrive, it reports the head once complete and hands body bytes,
// de-chunked, to a callback. Only what a health check needs: no trailers kept, no upgrades.

export interface HttpResponseHead {
  /** "1.0" or "1.1" */
  readonly version: string;
  readonly status: number;
  readonly reason: string;
  /** in arrival order, names lower-cased */
  readonly headers: readonly (readonly [name: string, value: string])[];
}

export class HttpParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpParseError';
  }
}

export interface HttpResponseParserOptions {
  /** receives body bytes, de-chunked, in order */
  readonly onBody?: (chunk: Buffer) => void;
  /** the request was HEAD: the response has no body whatever its headers say (RFC 9110 §9.3.2) */
  readonly headRequest?: boolean;
  /** the status line and headers may not exceed this; default 64 KiB */
  readonly maxHeadBytes?: number;
}

type BodyMode =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; remaining: number }
  | { readonly kind: 'chunked'; step: 'size' | 'data' | 'data-end' | 'trailers'; remaining: number }
  | { readonly kind: 'close' };

const statusLine = /^HTTP\/(\d\.\d) (\d{3})(?:[ \t](.*))?$/;
const headerLine = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;
const chunkSizeLine = /^([0-9A-Fa-f]+)[ \t]*(?:;.*)?$/;

export class HttpResponseParser {
  readonly #onBody: (chunk: Buffer) => void;
  readonly #headRequest: boolean;
  readonly #maxHeadBytes: number;
  #pending: Buffer = Buffer.alloc(0);
  #head: HttpResponseHead | undefined;
  #body: BodyMode | undefined;
  #done = false;
  #sawBytes = false;

  constructor(options: HttpResponseParserOptions = {}) {
    this.#onBody = options.onBody ?? (() => {});
    this.#headRequest = options.headRequest ?? false;
    this.#maxHeadBytes = options.maxHeadBytes ?? 64 * 1024;
  }

  /** The final (non-1xx) response head, once complete */
  get head(): HttpResponseHead | undefined {
    return this.#head;
  }

  get done(): boolean {
    return this.#done;
  }

  /** Feeds bytes; returns true once the response is complete. Throws HttpParseError. */
  push(data: Buffer): boolean {
    if (this.#done) return true;
    if (data.length > 0) this.#sawBytes = true;
    this.#pending = this.#pending.length === 0 ? data : Buffer.concat([this.#pending, data]);
    for (;;) {
      if (this.#done) return true;
      const progressed = this.#body === undefined ? this.#parseHead() : this.#parseBody();
      if (!progressed) return false;
    }
  }

  /** The peer closed. Completes a read-until-close body; throws if anything else was cut short. */
  end(): void {
    if (this.#done) return;
    if (!this.#sawBytes) throw new HttpParseError('Empty response');
    if (this.#body === undefined) throw new HttpParseError('Incomplete HTTP response headers');
    if (this.#body.kind !== 'close') throw new HttpParseError('Incomplete HTTP response body');
    this.#done = true;
  }

  #parseHead(): boolean {
    const end = findHeadEnd(this.#pending);
    if (end === undefined) {
      if (this.#pending.length > this.#maxHeadBytes) throw new HttpParseError('HTTP response headers too large');
      return false;
    }
    if (end.headLength > this.#maxHeadBytes) throw new HttpParseError('HTTP response headers too large');
    const text = this.#pending.subarray(0, end.headLength).toString('latin1');
    this.#pending = this.#pending.subarray(end.headLength + end.separatorLength);
    const lines = text.split(/\r?\n/);
    const match = statusLine.exec(lines[0] ?? '');
    if (match === null) throw new HttpParseError('Malformed HTTP status line');
    const status = Number(match[2]);
    const headers: [string, string][] = [];
    for (const line of lines.slice(1)) {
      const last = headers.at(-1);
      if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
        // obsolete line folding (RFC 9112 §5.2): a continuation of the previous value
        last[1] = `${last[1]} ${line.trim()}`;
        continue;
      }
      const header = headerLine.exec(line);
      if (header === null) throw new HttpParseError('Malformed HTTP header line');
      headers.push([(header[1] ?? '').toLowerCase(), header[2] ?? '']);
    }
    // Interim responses (RFC 9110 §15.2) precede the real one; 101 ends HTTP on this connection
    if (status >= 100 && status < 200 && status !== 101) return true;
    this.#head = { version: match[1] ?? '', status, reason: match[3] ?? '', headers };
    this.#body = this.#bodyMode(status, headers);
    if (this.#body.kind === 'none' || (this.#body.kind === 'length' && this.#body.remaining === 0)) this.#done = true;
    return true;
  }

  /** RFC 9112 §6.3: how the body's end is found */
  #bodyMode(status: number, headers: readonly (readonly [string, string])[]): BodyMode {
    if (this.#headRequest || status < 200 || status === 204 || status === 304) return { kind: 'none' };
    const transferEncoding = headers.filter(([name]) => name === 'transfer-encoding').map(([, value]) => value);
    if (transferEncoding.length > 0) {
      const codings = transferEncoding.join(',').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '');
      return codings.at(-1) === 'chunked' ? { kind: 'chunked', step: 'size', remaining: 0 } : { kind: 'close' };
    }
    const lengths = headers.filter(([name]) => name === 'content-length').flatMap(([, value]) => value.split(','));
    if (lengths.length > 0) {
      const distinct = new Set(lengths.map((l) => l.trim()));
      const [only] = distinct;
      if (distinct.size !== 1 || only === undefined || !/^\d{1,15}$/.test(only)) throw new HttpParseError('Invalid Content-Length');
      return { kind: 'length', remaining: Number(only) };
    }
    return { kind: 'close' };
  }

  #parseBody(): boolean {
    const body = this.#body;
    if (body === undefined || body.kind === 'none') return false;
    if (this.#pending.length === 0 && body.kind !== 'chunked') return false;
    if (body.kind === 'close') {
      this.#emit(this.#pending);
      return false;
    }
    if (body.kind === 'length') {
      const take = Math.min(body.remaining, this.#pending.length);
      this.#emit(this.#pending.subarray(0, take));
      body.remaining -= take;
      if (body.remaining === 0) this.#done = true;
      return this.#done;
    }
    return this.#parseChunked(body);
  }

  #parseChunked(body: Extract<BodyMode, { kind: 'chunked' }>): boolean {
    switch (body.step) {
      case 'size': {
        const line = this.#takeLine();
        if (line === undefined) return false;
        const match = chunkSizeLine.exec(line);
        if (match === null || (match[1] ?? '').length > 12) throw new HttpParseError('Malformed chunk size');
        body.remaining = parseInt(match[1] ?? '', 16);
        body.step = body.remaining === 0 ? 'trailers' : 'data';
        return true;
      }
      case 'data': {
        if (this.#pending.length === 0) return false;
        const take = Math.min(body.remaining, this.#pending.length);
        this.#emit(this.#pending.subarray(0, take));
        body.remaining -= take;
        if (body.remaining === 0) body.step = 'data-end';
        return true;
      }
      case 'data-end': {
        const line = this.#takeLine();
        if (line === undefined) return false;
        if (line !== '') throw new HttpParseError('Malformed chunked body');
        body.step = 'size';
        return true;
      }
      case 'trailers': {
        const line = this.#takeLine();
        if (line === undefined) return false;
        if (line === '') this.#done = true;
        return true;
      }
    }
  }

  /** One CRLF (or bare LF) terminated line from the pending bytes, without its terminator */
  #takeLine(): string | undefined {
    const lf = this.#pending.indexOf(0x0a);
    if (lf < 0) {
      if (this.#pending.length > this.#maxHeadBytes) throw new HttpParseError('Malformed chunked body');
      return undefined;
    }
    const end = lf > 0 && this.#pending[lf - 1] === 0x0d ? lf - 1 : lf;
    const line = this.#pending.subarray(0, end).toString('latin1');
    this.#pending = this.#pending.subarray(lf + 1);
    return line;
  }

  #emit(bytes: Buffer): void {
    this.#pending = this.#pending.subarray(bytes.length);
    if (bytes.length > 0) this.#onBody(bytes);
  }
}

/** Where the blank line ending the head is: CRLF CRLF, or LF LF from lenient servers */
function findHeadEnd(buffer: Buffer): { headLength: number; separatorLength: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n', 0, 'latin1');
  const lf = buffer.indexOf('\n\n', 0, 'latin1');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { headLength: crlf, separatorLength: 4 };
  if (lf >= 0) return { headLength: lf, separatorLength: 2 };
  return undefined;
}
