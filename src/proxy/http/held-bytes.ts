// Request bytes a session holds, in order: the head and any body received while the server
// connection opens, then the copy kept to replay the request on a pooled connection that turns
// out closed. It fills and empties once or twice per request.
//
// Why not a plain array emptied with `length = 0`: V8 gives such an array an empty backing store,
// and the next push allocates one of 17 slots again (152 bytes). Measured on the pinned Node 26:
// push then `length = 0` costs 48 to 59 ns and a scavenge every 7000 rounds, writing and clearing
// a slot 4 to 6 ns and none; in the proxy it was two of the 1.9 KB a small keep-alive request
// allocated (V8's sampling heap profiler with collected objects included, wrk -c200).

export class HeldBytes {
  /** `#parts[0..#count)` are held; the slots after them are undefined and keep the storage */
  readonly #parts: (Buffer | undefined)[] = [];
  #count = 0;
  #bytes = 0;

  /** how many parts are held */
  get count(): number {
    return this.#count;
  }

  /** the bytes held, over every part */
  get bytes(): number {
    return this.#bytes;
  }

  push(part: Buffer): void {
    this.#parts[this.#count++] = part;
    this.#bytes += part.length;
  }

  at(index: number): Buffer {
    return this.#parts[index] as Buffer;
  }

  /** puts `part` in place of part `index` (a copy of the same bytes) */
  replace(index: number, part: Buffer): void {
    const old = this.#parts[index] as Buffer;
    this.#parts[index] = part;
    this.#bytes += part.length - old.length;
  }

  clear(): void {
    const parts = this.#parts;
    for (let i = 0; i < this.#count; i++) parts[i] = undefined;
    this.#count = 0;
    this.#bytes = 0;
  }

  /** every part as one Buffer: the part itself when there is one */
  joined(): Buffer {
    if (this.#count === 1) return this.#parts[0] as Buffer;
    return Buffer.concat(this.#parts.slice(0, this.#count) as Buffer[], this.#bytes);
  }
}
