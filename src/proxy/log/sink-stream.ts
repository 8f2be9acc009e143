// File-descriptor targets: `log stdout`, `log stderr`, `log fd@N`. HAProxy writes these without
// blocking and drops what the descriptor cannot take; a Node stream queues instead, so the queue
// is capped and lines past the cap are dropped and counted.
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { LogDestination, LogTransport, TransportResult, TransportStats } from './sink.ts';

/** bytes a slow reader may leave queued before lines are dropped */
export const maxQueuedBytes = 1024 * 1024;

class StreamTransport implements LogTransport {
  readonly stats: TransportStats = { sent: 0, dropped: 0 };
  readonly lengthIncludesNewline = true;
  readonly #stream: Writable;
  readonly #ownsStream: boolean;
  #closed = false;

  constructor(stream: Writable, ownsStream: boolean) {
    this.#stream = stream;
    this.#ownsStream = ownsStream;
    // an EPIPE on stdout must not crash the proxy: count it, drop later lines
    stream.on('error', (error: Error) => {
      this.stats.lastError = error.message;
      this.#closed = true;
    });
  }

  send(line: string | Uint8Array): void {
    const stream = this.#stream;
    if (this.#closed || stream.destroyed || stream.writableLength > maxQueuedBytes) {
      this.stats.dropped++;
      return;
    }
    try {
      stream.write(line);
      this.stats.sent++;
    } catch (error) {
      this.stats.dropped++;
      this.stats.lastError = (error as Error).message;
    }
  }

  close(): void {
    this.#closed = true;
    if (this.#ownsStream) this.#stream.end();
  }
}

/** stdout, stderr, or any writable a test injects */
export function createStreamTransport(stream: Writable): LogTransport {
  return new StreamTransport(stream, false);
}

/** `fd@N` for a descriptor other than 1 and 2 (those map to stdout and stderr) */
export function createFdTransport(destination: LogDestination): TransportResult {
  const fd = Number(destination.host);
  if (!Number.isInteger(fd) || fd < 0) return { unsupported: `Cannot log to "${destination.text}": "${destination.host}" is not a file descriptor number` };
  try {
    return { transport: new StreamTransport(createWriteStream('', { fd, autoClose: false }), true) };
  } catch (error) {
    return { unsupported: `Cannot log to "${destination.text}": ${(error as Error).message}` };
  }
}
