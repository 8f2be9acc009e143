// Reads a socket into memory the data path owns, through Node's `onread` option, instead of the
// default stream path. The default allocates a 64 KiB buffer for every read, shrinks it, wraps it
// in a new Buffer and pushes it through the Readable machinery before a 'data' listener sees it;
// on small keep-alive requests that was about a fifth of the proxy's JavaScript time. With
// `onread`, libuv reads straight into a slice that all the thread's sockets share (or a large
// buffer during a burst) and the sink is called with a view of the bytes read.
//
// The contract this puts on sinks: the view is valid only while the sink runs. The next read, on
// any socket, overwrites it. A sink that keeps bytes beyond its call (a partial head, bytes held
// while a server connection opens) copies them (`retain`); a write that the kernel did not take
// at once still points at the view, so the writer calls `lend(writer)` before returning, and the
// reader keeps those bytes from being overwritten until the write is done.
import { sliceNudge } from './slice-nudge.ts';

/** What receives a socket's bytes; `bytes` is only valid during the call */
export type ReadSink = (bytes: Buffer) => void;

/** The slice every socket reads into: a request or response head fits many times */
const sliceBytes = 16 * 1024;
/** A socket whose read filled the slice borrows this much for the rest of the burst, as Node's own reads use */
const largeBytes = 64 * 1024;

/** bytes of a read that a write still points at, and the socket whose write that is */
interface Guard {
  readonly slice: Buffer;
  readonly saved: Buffer;
  readonly borrower: Borrower;
  readonly upTo: number;
}

/**
 * The one slice all of a thread's sockets read into (a module instance per worker). A thread
 * reads one socket at a time and a sink is done with the bytes when it returns, so one slice
 * serves them all, and it stays in the CPU's caches: with a slice of each socket's own, every
 * read wrote to memory last touched some hundred reads before, and the kernel's part of the
 * proxy grew with the number of connections (get-c200, interleaved against per-socket slices:
 * 0.949x to 1.004x the CPU per request in six runs, the most on a busy host; docs/data-path.md).
 *
 * What breaks that: a write the kernel did not take at once, which points into the slice until
 * it is done. Node fixes the memory of a socket's next read when the previous read is delivered,
 * so every socket that has read since holds this slice for its next read and none can be moved
 * off it. The slice is then retired: sockets move to a new one as they next read, and the
 * pending bytes are saved (`guard`) and written back after each read into the retired slice
 * until the write is done, the reader handing its sink a copy of what it read instead. Both are
 * rare: on loopback nothing ever stays pending, and over a network only writes to a socket whose
 * send buffer is full do.
 */
class SharedSlice {
  slice: Buffer = Buffer.allocUnsafeSlow(sliceBytes);
  /** reads into a retired slice whose sinks got copies (for tests) */
  copiedReads = 0;
  readonly #guards: Guard[] = [];

  /** `slice[0, bytes)` stays in use by a pending write on `borrower` */
  guard(slice: Buffer, bytes: number, borrower: Borrower): void {
    const saved = Buffer.allocUnsafeSlow(bytes);
    slice.copy(saved, 0, 0, bytes);
    // Node's getter gives undefined for a socket without write state: then only a writableLength
    // of 0 ends the guard
    const upTo = (borrower.bytesWritten as number | undefined) ?? Number.POSITIVE_INFINITY;
    this.#prune();
    this.#guards.push({ slice, saved, borrower, upTo });
    if (slice === this.slice) this.slice = Buffer.allocUnsafeSlow(sliceBytes);
  }

  /** a read landed in `slice`, not the current one: are bytes of it still being written? */
  guarded(slice: Buffer): boolean {
    this.#prune();
    return this.#guards.some((guard) => guard.slice === slice);
  }

  /** puts back the bytes pending writes point at, after a read into `slice` overwrote them */
  restore(slice: Buffer): void {
    for (const guard of this.#guards) if (guard.slice === slice) guard.saved.copy(slice);
  }

  get guards(): number {
    this.#prune();
    return this.#guards.length;
  }

  #prune(): void {
    const guards = this.#guards;
    let kept = 0;
    for (const guard of guards) if (!written(guard.borrower, guard.upTo)) guards[kept++] = guard;
    guards.length = kept;
  }
}

/**
 * Whether `borrower` is done with the bytes it was given before its `bytesWritten` was `upTo`. A
 * destroyed socket is: Node closes its handle as it destroys it, and libuv closes the descriptor
 * then and cancels what was still to be written, so the memory is never read again.
 */
function written(borrower: Borrower, upTo: number): boolean {
  return borrower.destroyed || borrower.writableLength === 0 || borrower.bytesWritten - borrower.writableLength >= upTo;
}

const shared = new SharedSlice();

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

/**
 * The slice this thread's sockets read into now, how many pending writes still guard retired
 * ones, and how many reads into a guarded slice were handed over as copies (for tests)
 */
export function sharedSlice(): { slice: Buffer; guards: number; copiedReads: number } {
  return { slice: shared.slice, guards: shared.guards, copiedReads: shared.copiedReads };
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
  /** the slice whose bytes the sink has now, and how many; undefined outside a delivery */
  #delivering: Buffer | undefined;
  #deliveredBytes = 0;
  /** bytes of the large `#buffer` are still referenced: never read into it again, never reuse it */
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
          const view = buffer as Buffer;
          this.sink(bytes === view.length ? view : view.subarray(0, bytes));
          // false would pause the socket; sinks pause it themselves when they must
          return true;
        }
        if (bytes === sliceBytes) {
          this.#grow = true;
          this.#fullReads = 0;
        }
        const slice = buffer as Buffer;
        if (slice !== shared.slice && shared.guarded(slice)) {
          // a retired slice whose bytes a write still points at: those go back before anything
          // else can run, and the sink gets a copy, which its own writes may point at for as long
          // as they like
          const copy = Buffer.allocUnsafeSlow(bytes);
          slice.copy(copy, 0, 0, bytes);
          shared.restore(slice);
          shared.copiedReads++;
          this.sink(copy);
          return true;
        }
        this.#delivering = slice;
        this.#deliveredBytes = bytes;
        try {
          this.sink(bytes === slice.length ? slice : slice.subarray(0, bytes));
        } finally {
          this.#delivering = undefined;
        }
        return true;
      },
    };
  }

  /**
   * the bytes last given to the sink are still in use by a pending write on `borrower`: read into
   * other memory until that socket has written everything it holds. Bytes of the shared slice
   * can only be in use while the sink has them (everything kept past a delivery is a copy), so a
   * lend outside one is about other memory and changes nothing.
   */
  lend(borrower: Borrower): void {
    const buffer = this.#buffer;
    if (buffer === undefined || buffer.length !== largeBytes) {
      const slice = this.#delivering;
      if (slice !== undefined) shared.guard(slice, this.#deliveredBytes, borrower);
      return;
    }
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
    this.#poolSpare();
    this.#buffer = undefined;
    this.#borrower = undefined;
  }

  #next(): Buffer {
    // Node asks once before the first read and after every delivery; a closed socket never reads
    // again, but should it ask, it must not get a buffer another socket now owns
    if (this.#released) return Buffer.allocUnsafe(sliceBytes);
    const current = this.#buffer;
    const grow = this.#grow;
    const shrink = this.#shrink;
    this.#grow = false;
    this.#shrink = false;
    let next: Buffer;
    if (current !== undefined && current.length === largeBytes) {
      const lent = this.#lent;
      if (!lent && !shrink) return current;
      if (lent) this.#keepAsSpare(current);
      // returned before the socket reads again, so only ever one socket reads into a buffer
      else largePool.give(current);
      next = shrink ? shared.slice : this.#large();
      this.#lent = false;
      this.#borrower = undefined;
    } else {
      // the shared slice, or the one that replaced it since this socket's last read
      next = grow ? this.#large() : shared.slice;
      if (next === current) return current;
    }
    this.#buffer = next;
    return next;
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
