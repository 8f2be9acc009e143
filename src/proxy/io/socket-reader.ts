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

/** What receives a socket's bytes; `bytes` is only valid during the call */
export type ReadSink = (bytes: Buffer) => void;

/** Every socket starts with a slice this large: a request or response head fits many times */
const sliceBytes = 16 * 1024;
/** A socket whose read filled its slice gets this much, as Node's own reads use */
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

/** the sink of a reader nobody reads from yet, or any more */
export const ignoreBytes: ReadSink = () => {};

/** How many released slices wait for reuse in this thread (for tests) */
export function freeSlices(): number {
  return store.freeCount;
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
  /** bytes of `#buffer` are still referenced: never read into it again, never reuse it */
  #lent = false;
  /** where the bytes of a lent `#buffer` were written; undefined if unknown or more than one */
  #borrower: Borrower | undefined;
  /** the borrower's `bytesWritten` once the lent bytes were passed to it */
  #lentUpTo = 0;
  /**
   * A large buffer lent before `#buffer`, read into again once its borrower has written it all.
   * Without it, a socket whose bytes go to a client on a slow link, where writes keep backing up,
   * would read every 64 KiB into a newly allocated buffer: memory no cache has seen, and garbage
   * for the collector. (On loopback, as in the bench, the kernel takes every write at once and
   * nothing is ever lent.)
   */
  #spare: Buffer | undefined;
  #spareBorrower: Borrower | undefined;
  #spareUpTo = 0;
  /** the last read filled a slice: read into a large buffer next */
  #grow = false;
  #released = false;
  /** the object to pass as `onread` to net.Socket or net.connect */
  readonly onread: { buffer: () => Buffer; callback: (bytes: number, buffer: Uint8Array) => boolean };

  constructor(sink: ReadSink) {
    this.sink = sink;
    this.onread = {
      buffer: () => this.#next(),
      callback: (bytes, buffer) => {
        if (bytes === sliceBytes && buffer.length === sliceBytes) this.#grow = true;
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
    this.#lentUpTo = borrower.bytesWritten;
    this.#lent = true;
  }

  /**
   * the socket closed: its slice goes back for another socket, unless a write still uses it. The
   * sink goes too: a closed socket, and this reader through its `onread`, may stay reachable for
   * the young-generation collector until a full collection (see core/closed-socket.ts), and the sink
   * would keep the session with it.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.sink = ignoreBytes;
    const buffer = this.#buffer;
    this.#buffer = undefined;
    this.#borrower = undefined;
    this.#spare = undefined;
    this.#spareBorrower = undefined;
    if (buffer !== undefined && !this.#lent && buffer.length === sliceBytes) store.give(buffer);
  }

  #next(): Buffer {
    // Node asks once before the first read and after every delivery; a closed socket never reads
    // again, but should it ask, it must not get a slice another socket now owns
    if (this.#released) return Buffer.allocUnsafe(sliceBytes);
    const current = this.#buffer;
    if (current !== undefined && !this.#lent && !this.#grow) return current;
    let next: Buffer;
    if (this.#grow || (current !== undefined && current.length === largeBytes)) {
      next = this.#large(current);
    } else {
      next = store.take();
    }
    this.#grow = false;
    this.#lent = false;
    this.#borrower = undefined;
    this.#buffer = next;
    return next;
  }

  /** a large buffer to read into, `current` being lent or a slice the socket outgrew */
  #large(current: Buffer | undefined): Buffer {
    if (current === undefined || current.length !== largeBytes) {
      if (current !== undefined && !this.#lent) store.give(current);
      return Buffer.allocUnsafeSlow(largeBytes);
    }
    // current is large and lent: read into the spare if its write is done, and keep whichever of
    // the two is lent to a known socket as the next spare (the older one first: it flushes first)
    let spare = this.#spare;
    const spareBorrower = this.#spareBorrower;
    if (spare !== undefined && spareBorrower !== undefined && written(spareBorrower, this.#spareUpTo)) {
      this.#spare = this.#borrower === undefined ? undefined : current;
      this.#spareBorrower = this.#borrower;
      this.#spareUpTo = this.#lentUpTo;
      return spare;
    }
    // a destroyed socket's write may never complete: leave its buffer to the collector
    if (spareBorrower?.destroyed === true) spare = undefined;
    if (spare === undefined && this.#borrower !== undefined) {
      this.#spare = current;
      this.#spareBorrower = this.#borrower;
      this.#spareUpTo = this.#lentUpTo;
    }
    // anything not kept is freed by the collector once its write lets go of it
    return Buffer.allocUnsafeSlow(largeBytes);
  }
}

/** the borrower has written every byte it was given up to `upTo` */
function written(borrower: Borrower, upTo: number): boolean {
  return borrower.writableLength === 0 || borrower.bytesWritten - borrower.writableLength >= upTo;
}

/**
 * A copy of bytes a sink keeps beyond its call. Small copies come from Node's shared pool, so
 * keeping a request head costs a memcpy, not an allocation of its own.
 */
export function retain(bytes: Buffer): Buffer {
  return Buffer.from(bytes);
}
