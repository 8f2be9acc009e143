// Finds where a chunked body ends (RFC 9112 section 7.1) while its bytes are forwarded unchanged.
// The proxy never re-encodes chunks: it only needs to know which bytes belong to this message, so
// the next pipelined message starts in the right place, and to refuse framing that two parsers
// could read differently (bare LF, junk in sizes): the classic request-smuggling vectors.

const State = {
  size: 0,
  sizeTrailingSpace: 1,
  extension: 2,
  sizeLf: 3,
  data: 4,
  dataCr: 5,
  dataLf: 6,
  trailerLineStart: 7,
  trailerLine: 8,
  trailerLf: 9,
  endLf: 10,
  done: 11,
} as const;
type State = (typeof State)[keyof typeof State];

const hexValue = new Int8Array(256).fill(-1);
for (let c = 48; c <= 57; c++) hexValue[c] = c - 48;
for (let c = 65; c <= 70; c++) hexValue[c] = c - 55;
for (let c = 97; c <= 102; c++) hexValue[c] = c - 87;

/** 2^52: anything larger cannot be a real chunk and would lose precision */
const maxChunkSize = 2 ** 52;

export class ChunkedScanner {
  #state: State = State.size;
  #remaining = 0;
  #sizeDigits = 0;
  #error: string | undefined;

  get done(): boolean {
    return this.#state === State.done;
  }

  get error(): string | undefined {
    return this.#error;
  }

  /**
   * Scans `buffer[start, end)`; returns how many of those bytes belong to the body. Stops at the
   * body's last byte (then `done`) or at an error (then `error` is set). `onData`, when given,
   * receives the chunk payloads without their framing.
   */
  scan(buffer: Buffer, start: number, end: number, onData?: (data: Buffer) => void): number {
    let pos = start;
    while (pos < end) {
      const state = this.#state;
      if (state === State.data) {
        const take = Math.min(this.#remaining, end - pos);
        // de-chunking for an HTTP/1.0 client, which cannot read chunked framing
        if (onData !== undefined && take > 0) onData(buffer.subarray(pos, pos + take));
        pos += take;
        this.#remaining -= take;
        if (this.#remaining === 0) this.#state = State.dataCr;
        continue;
      }
      const c = buffer[pos] as number;
      pos++;
      switch (state) {
        case State.size: {
          const digit = hexValue[c] as number;
          if (digit >= 0) {
            this.#remaining = this.#remaining * 16 + digit;
            if (++this.#sizeDigits > 13 || this.#remaining > maxChunkSize) return this.#fail('chunk size too large', pos);
          } else if (this.#sizeDigits === 0) {
            return this.#fail('invalid chunk size', pos);
          } else if (c === 13) {
            this.#state = State.sizeLf;
          } else if (c === 10) {
            return this.#fail('chunk size line not terminated by CRLF', pos);
          } else if (c === 59) {
            this.#state = State.extension;
          } else if (c === 32 || c === 9) {
            this.#state = State.sizeTrailingSpace;
          } else {
            return this.#fail('invalid chunk size', pos);
          }
          break;
        }
        case State.sizeTrailingSpace:
          if (c === 13) this.#state = State.sizeLf;
          else if (c === 59) this.#state = State.extension;
          else if (c !== 32 && c !== 9) return this.#fail('invalid chunk size', pos);
          break;
        case State.extension:
          // extensions are forwarded as they are; only line structure matters here
          if (c === 13) this.#state = State.sizeLf;
          else if (c === 10 || c === 0) return this.#fail('invalid chunk extension', pos);
          break;
        case State.sizeLf:
          if (c !== 10) return this.#fail('chunk size line not terminated by CRLF', pos);
          if (this.#remaining === 0) {
            this.#state = State.trailerLineStart;
          } else {
            this.#state = State.data;
          }
          this.#sizeDigits = 0;
          break;
        case State.dataCr:
          if (c !== 13) return this.#fail('chunk data not followed by CRLF', pos);
          this.#state = State.dataLf;
          break;
        case State.dataLf:
          if (c !== 10) return this.#fail('chunk data not followed by CRLF', pos);
          this.#state = State.size;
          this.#remaining = 0;
          break;
        case State.trailerLineStart:
          if (c === 13) this.#state = State.endLf;
          else if (c === 10) return this.#fail('bare LF in trailer section', pos);
          else this.#state = State.trailerLine;
          break;
        case State.trailerLine:
          if (c === 13) this.#state = State.trailerLf;
          else if (c === 10 || c === 0) return this.#fail('invalid character in trailer', pos);
          break;
        case State.trailerLf:
          if (c !== 10) return this.#fail('trailer line not terminated by CRLF', pos);
          this.#state = State.trailerLineStart;
          break;
        case State.endLf:
          if (c !== 10) return this.#fail('chunked body not terminated by CRLF', pos);
          this.#state = State.done;
          return pos - start;
      }
    }
    return pos - start;
  }

  #fail(reason: string, pos: number): number {
    this.#error = reason;
    this.#state = State.done;
    return pos;
  }
}
