// Runs tasks one at a time per key (per interface), in the order they were queued. Two VRRP
// instances changing addresses on one interface must not interleave `ip addr` calls: removing
// a VIP while another instance adds it would otherwise race.
export class SerialQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Resolves with `task`'s outcome once every task queued before it under `key` has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    // Forget the key once idle, so the map does not grow with every interface ever seen.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Keys with work queued or running. */
  get busyKeys(): string[] {
    return [...this.#tails.keys()];
  }
}
