// Reads a socket into memory the data path owns, through Node's `onread` option, instead of the
// default stream path. The default allocates a 64 KiB buffer for every read, shrinks it, wraps it
// in a new Buffer and pushes it through the Readable machinery before a 'data' listener sees it;
// on small keep-alive requests that was about a fifth of the proxy's JavaScript time. With
// `onread`, libuv reads straight into the socket's own slice of a slab and the sink is called
// with a view of the bytes read.
//
// The contract this puts on sinks: the view is valid only while the sink runs. The next read on
// the same socket overwrites it. A sink that keeps bytes beyond its call (a partial head, bytes
// held while a server connection opens) copies them (`retain`); a write that the kernel did not
// take at once still points at the view, so the writer calls `lend(writer)` and the socket reads
// into other memory from then on.
import { sliceNudge } from './slice-nudge.ts';

/** What receives a socket's bytes; `bytes` is only valid during the call */
export type ReadSink = (bytes: Buffer) => void;

/** Every socket starts with a slice this large: a request or response head fits many times */
const sliceBytes = 16 * 1024;
/** A socket whose read filled its slice borrows this much for the rest of the burst, as Node's own reads use */
const largeBytes = 64 * 1024;
/**
 * Slices lie this far apart in a slab: a slice and one cache line more. Reads fill the first lines
 * of a slice; with slices 16 KiB apart, those lines of every slice would fall in the same few
 * sets of the CPU's caches (which repeat every few KiB) and evict each other once a few hundred
 * sockets read in turn. One line more per slice spreads them over all the sets.
 */
const sliceStride = sliceBytes + 64;
/** Slices are cut from slabs of this size, so a connection costs no allocation of its own */
const slabBytes = 64 * sliceStride;

/**
 * Slices of slabs for sockets' read buffers, reused as sockets close. One per thread (a module
 * instance per worker). Pages of a slab become resident only when a read writes to them, so an
 * idle connection costs about one page, not its whole slice.
 */
class SliceStore {
  readonly #free: Buffer[] = [];
  #slab: Buffer | undefined;
  #slabUsed = 0;

  take(): Buffer {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    if (this.#slab === undefined || this.#slabUsed + sliceBytes > slabBytes) {
      this.#slab = Buffer.allocUnsafeSlow(slabBytes);
      this.#slabUsed = 0;
    }
    const slice = this.#slab.subarray(this.#slabUsed, this.#slabUsed + sliceBytes);
    this.#slabUsed += sliceStride;
    return slice;
  }

  give(slice: Buffer): void {
    this.#free.push(slice);
  }

  get freeCount(): number {
    return this.#free.length;
  }
}

const store = new SliceStore();

/** A burst with this many reads that filled a large buffer is a stream (an upload, a download) */
const streamingReads = 2;
/** How many large buffers wait in the pool at most: 4 MiB */
const maxPooledLarge = 64;

/**
 * Large buffers no socket reads into. A socket borrows one when a read fills its slice and gives
 * it back when the burst is over (see the reader's `#shrink`). The last one given back
 * is the next one taken, still in the CPU's caches: 64 KiB answers to 50 clients cost 39.8 µs of
 * CPU each this way, against 44.3 µs with a 64 KiB buffer of each socket's own, 50 buffers that
 * the caches do not hold (the bench's body-64k, interleaved).
 */
class LargePool {
  readonly #free: Buffer[] = [];

  take(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(largeBytes);
  }

  give(buffer: Buffer): void {
    if (this.#free.length < maxPooledLarge) this.#free.push(buffer);
  }

  get freeCount(): number {
    return this.#free.length;
  }
}

const largePool = new LargePool();

/** the sink of a reader nobody reads from yet, or any more */
export const ignoreBytes: ReadSink = () => {};

/** How many released slices wait for reuse in this thread (for tests) */
export function freeSlices(): number {
  return store.freeCount;
}

/** How many large buffers wait for reuse in this thread (for tests) */
export function freeLargeBuffers(): number {
  return largePool.freeCount;
}

/**
 * The socket a lent buffer's bytes were written to. A socket writes in order, so the bytes it has
 * finished writing (`bytesWritten`, everything ever passed to `write`, less what it still holds)
 * passing the count at the time of lending means the lent bytes are written and the buffer is free.
 */
export interface Borrower {
  readonly bytesWritten: number;
  readonly writableLength: number;
  readonly destroyed: boolean;
}

export class SocketReader {
  sink: ReadSink;
  /** what the socket reads into next; undefined until the socket asks */
  #buffer: Buffer | undefined;
  /** the socket's own slice, kept while it borrows a large buffer; undefined until it asks */
  #slice: Buffer | undefined;
  /** bytes of `#buffer` are still referenced: never read into it again, never reuse it */
  #lent = false;
  /** where the bytes of a lent `#buffer` were written; undefined if unknown or more than one */
  #borrower: Borrower | undefined;
  /** the borrower's `bytesWritten` once the lent bytes were passed to it */
  #lentUpTo = 0;
  /**
   * A large buffer lent earlier, read into again (or pooled) once its borrower has written it
   * all. Without it, a socket whose bytes go to a client on a slow link, where writes keep
   * backing up, would read every 64 KiB into a newly allocated buffer. (On loopback, as in the
   * bench, the kernel takes every write at once and nothing is ever lent.)
   */
  #spare: Buffer | undefined;
  #spareBorrower: Borrower | undefined;
  #spareUpTo = 0;
  /** the last read filled the slice: read into a large buffer next */
  #grow = false;
  /** the burst is over, back to the slice: a read left room (in a stream, would have fit the slice) */
  #shrink = false;
  /** reads of this burst that filled the large buffer */
  #fullReads = 0;
  #released = false;
  /** the object to pass as `onread` to net.Socket or net.connect */
  readonly onread: { buffer: () => Buffer; callback: (bytes: number, buffer: Uint8Array) => boolean };

  constructor(sink: ReadSink) {
    this.sink = sink;
    this.onread = {
      buffer: () => this.#next(),
      callback: (bytes, buffer) => {
        sliceNudge.noteRead();
        if (buffer.length === largeBytes) {
          if (bytes === largeBytes) this.#fullReads++;
          // a burst of a few reads (an answer of some 64 KiB) ends at the first read that drains
          // the socket; a stream that keeps filling the buffer, at the first read that would
          // have fit in the slice: dropping out of it at every pause would cost a read each time
          else if (bytes < (this.#fullReads >= streamingReads ? sliceBytes : largeBytes)) this.#shrink = true;
        } else if (bytes === sliceBytes && buffer.length === sliceBytes) {
          this.#grow = true;
          this.#fullReads = 0;
        }
        const view = buffer as Buffer;
        this.sink(bytes === view.length ? view : view.subarray(0, bytes));
        // false would pause the socket; sinks pause it themselves when they must
        return true;
      },
    };
  }

  /**
   * the bytes last given to the sink are still in use by a pending write on `borrower`: read into
   * other memory until that socket has written everything it holds
   */
  lend(borrower: Borrower): void {
    // bytes of one buffer pending on two sockets: neither one's flush says the buffer is free
    this.#borrower = this.#lent && this.#borrower !== borrower ? undefined : borrower;
    // Node's getter gives undefined for a socket without write state: then only a writableLength
    // of 0 frees the buffer
    this.#lentUpTo = (borrower.bytesWritten as number | undefined) ?? Number.POSITIVE_INFINITY;
    this.#lent = true;
  }

  /**
   * the socket closed: its buffers go back for other sockets, except what a write still uses. The
   * sink goes too: a closed socket, and this reader through its `onread`, may stay reachable for
   * the young-generation collector until a full collection (see core/closed-socket.ts), and the sink
   * would keep the session with it.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.sink = ignoreBytes;
    const buffer = this.#buffer;
    const lent = this.#lent;
    if (buffer !== undefined && !lent && buffer.length === largeBytes) largePool.give(buffer);
    const slice = this.#slice;
    if (slice !== undefined && !(lent && buffer === slice)) store.give(slice);
    this.#poolSpare();
    this.#buffer = undefined;
    this.#slice = undefined;
    this.#borrower = undefined;
  }

  #next(): Buffer {
    // Node asks once before the first read and after every delivery; a closed socket never reads
    // again, but should it ask, it must not get a buffer another socket now owns
    if (this.#released) return Buffer.allocUnsafe(sliceBytes);
    const current = this.#buffer;
    const lent = this.#lent;
    const grow = this.#grow;
    const shrink = this.#shrink;
    this.#grow = false;
    this.#shrink = false;
    let next: Buffer;
    if (current === undefined) {
      next = this.#ownSlice();
    } else if (current.length === largeBytes) {
      if (!lent && !shrink) return current;
      if (lent) this.#keepAsSpare(current);
      // returned before the socket reads again, so only ever one socket reads into a buffer
      else largePool.give(current);
      next = shrink ? this.#ownSlice() : this.#large();
    } else {
      // a lent slice's bytes are in a write: it is left to the collector with its slab
      if (lent) this.#slice = undefined;
      if (!lent && !grow) return current;
      next = grow ? this.#large() : this.#ownSlice();
    }
    this.#lent = false;
    this.#borrower = undefined;
    this.#buffer = next;
    return next;
  }

  #ownSlice(): Buffer {
    return (this.#slice ??= store.take());
  }

  /** a large buffer to read into: the spare if its write is done, else the most recently pooled */
  #large(): Buffer {
    const spare = this.#spare;
    if (spare !== undefined && this.#spareWritten()) {
      this.#spare = undefined;
      this.#spareBorrower = undefined;
      return spare;
    }
    return largePool.take();
  }

  /** `lent`, just moved away from, becomes the spare unless one is still being written */
  #keepAsSpare(lent: Buffer): void {
    const borrower = this.#borrower;
    // lent to two sockets: no flush tells when it is free; the collector takes it once it is
    if (borrower === undefined) return;
    if (this.#spare !== undefined) {
      if (this.#spareWritten()) largePool.give(this.#spare);
      // a destroyed socket's write may never complete: leave its buffer to the collector
      else if (this.#spareBorrower?.destroyed !== true) return;
    }
    this.#spare = lent;
    this.#spareBorrower = borrower;
    this.#spareUpTo = this.#lentUpTo;
  }

  /** the spare goes to the pool if its write is done, else to the collector */
  #poolSpare(): void {
    if (this.#spare !== undefined && this.#spareWritten()) largePool.give(this.#spare);
    this.#spare = undefined;
    this.#spareBorrower = undefined;
  }

  #spareWritten(): boolean {
    const borrower = this.#spareBorrower;
    return borrower !== undefined && (borrower.writableLength === 0 || borrower.bytesWritten - borrower.writableLength >= this.#spareUpTo);
  }
}

/**
 * A copy of bytes a sink keeps beyond its call. Small copies come from Node's shared pool, so
 * keeping a request head costs a memcpy, not an allocation of its own.
 */
export function retain(bytes: Buffer): Buffer {
  return Buffer.from(bytes);
}
