// A LinkPort for tests: links set by the test; every change is reported to watchers at once.
import type { NetctlError } from './errors.ts';
import { Listeners } from './listeners.ts';
import { ok, type HostResult } from './result.ts';
import { linkChanged, type LinkChange, type LinkPort, type LinkState, type LinkWatch } from './link.ts';

export class FakeLinkPort implements LinkPort {
  readonly #links = new Map<string, LinkState>();
  readonly #changeListeners = new Listeners<LinkChange>();
  readonly #errorListeners = new Listeners<NetctlError>();
  #nextIndex = 2;

  /** Starts with these links, all up unless said otherwise. */
  constructor(links: ReadonlyArray<string | (Partial<LinkState> & { readonly name: string })> = []) {
    for (const link of links) this.setLink(typeof link === 'string' ? { name: link } : link);
  }

  /** Creates or updates a link (defaults: up, a fresh index) and tells watchers if it changed. */
  setLink(link: Partial<LinkState> & { readonly name: string }): void {
    const previous = this.#links.get(link.name);
    const up = link.up ?? previous?.up ?? true;
    const current: LinkState = {
      index: previous?.index ?? this.#nextIndex++,
      adminUp: up,
      operState: up ? 'UP' : 'DOWN',
      ...previous,
      ...link,
      up,
    };
    this.#links.set(link.name, current);
    if (linkChanged(previous, current)) this.#changeListeners.emit({ interface: link.name, previous, current });
  }

  /** Shorthand for a carrier change. */
  setUp(name: string, up: boolean): void {
    this.setLink({ name, up, operState: up ? 'UP' : 'LOWERLAYERDOWN', adminUp: this.#links.get(name)?.adminUp ?? true });
  }

  removeLink(name: string): void {
    const previous = this.#links.get(name);
    if (previous === undefined) return;
    this.#links.delete(name);
    this.#changeListeners.emit({ interface: name, previous, current: undefined });
  }

  /** Reports a read failure to watchers' onError. */
  injectError(error: NetctlError): void {
    this.#errorListeners.emit(error);
  }

  get watcherCount(): number {
    return this.#changeListeners.size;
  }

  get(name: string): Promise<HostResult<LinkState | undefined>> {
    return Promise.resolve(ok(this.#links.get(name)));
  }

  list(): Promise<HostResult<LinkState[]>> {
    return Promise.resolve(ok([...this.#links.values()]));
  }

  watch(listener: (change: LinkChange) => void, onError?: (error: NetctlError) => void): LinkWatch {
    for (const state of this.#links.values()) queueMicrotask(() => listener({ interface: state.name, previous: undefined, current: state }));
    this.#changeListeners.add(listener);
    if (onError !== undefined) this.#errorListeners.add(onError);
    return {
      close: () => {
        this.#changeListeners.delete(listener);
        if (onError !== undefined) this.#errorListeners.delete(onError);
      },
    };
  }
}

