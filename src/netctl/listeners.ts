// A tiny typed listener list. Not EventEmitter: an 'error' event with no listener must not
// throw into the event loop, and a listener that throws must not stop the others or the
// addon's receive path.
export class Listeners<T> {
  readonly #listeners = new Set<(value: T) => void>();

  add(listener: (value: T) => void): void {
    this.#listeners.add(listener);
  }

  delete(listener: (value: T) => void): void {
    this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#listeners.size;
  }

  /** Calls every listener; one that throws is reported through `onThrow` (default: a warning). */
  emit(value: T, onThrow: (error: unknown) => void = reportListenerError): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(value);
      } catch (error) {
        onThrow(error);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}

function reportListenerError(error: unknown): void {
  process.emitWarning(`A netctl listener threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}
