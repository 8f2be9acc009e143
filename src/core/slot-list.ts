// The set of things alive right now (open connections, armed deadlines), for code that adds and
// removes one per connection: an array in which each item knows its own index, so removal moves
// the last item into the freed slot and costs no search.
//
// Why not a Set: a long-lived Set that connections pass through (added when they open, deleted
// when they close) kept every deleted connection reachable for V8's young-generation collector
// until the next full collection. Measured on the pinned Node 26 with `--trace-gc-nvp` (a `net`
// server that answers and closes, ab -c 100, 16 MiB semi-spaces, pretenuring off): with such a
// Set, 28% of what was allocated survived each scavenge and the server answered 17.2k conn/s;
// with this list 1.5% and 19.6k, the same as with no tracking at all. In vigil the deadline
// ticker's Set and the listener's made every connection's objects outlive two scavenges, so all
// of them were promoted and a mark-compact ran every half-second under ab.

/** An item that can be in one SlotList at a time; `slot` is -1 when it is in none */
export interface Slotted {
  slot: number;
}

export class SlotList<T extends Slotted> {
  readonly #items: T[] = [];

  get size(): number {
    return this.#items.length;
  }

  /** adds `item` unless it is in the list already */
  add(item: T): void {
    if (item.slot >= 0 && this.#items[item.slot] === item) return;
    item.slot = this.#items.length;
    this.#items.push(item);
  }

  /** removes `item` if it is in the list; the last item takes its slot */
  remove(item: T): void {
    const at = item.slot;
    if (at < 0 || this.#items[at] !== item) return;
    item.slot = -1;
    const last = this.#items.pop() as T;
    if (last === item) return;
    this.#items[at] = last;
    last.slot = at;
  }

  has(item: T): boolean {
    return item.slot >= 0 && this.#items[item.slot] === item;
  }

  /**
   * Calls `visit` on every item, last first. `visit` may remove the item it is given or any
   * other and may add items: an item added during the walk is not visited, an item removed
   * before its turn is not visited, and an item may be visited twice when another's removal
   * moves it into a slot the walk has yet to reach.
   */
  forEachBackward(visit: (item: T) => void): void {
    for (let i = this.#items.length - 1; i >= 0; i--) {
      const item = this.#items[i];
      if (item !== undefined) visit(item);
      if (i > this.#items.length) i = this.#items.length;
    }
  }

  /** a copy of the items, for walks that close what they visit */
  toArray(): T[] {
    return this.#items.slice();
  }
}
