// How the proxy tells VRRP that a backend has (or no longer has) a server available, for
// keepalived.conf's `track_backend` (a vigil extension): a VIP can follow the proxy's health
// without a vrrp_script polling it.
export type BackendHealthListener = (backend: string, available: boolean) => void;

export class BackendHealthBus {
  readonly #state = new Map<string, boolean>();
  readonly #listeners = new Set<BackendHealthListener>();

  publish(backend: string, available: boolean): void {
    if (this.#state.get(backend) === available) return;
    this.#state.set(backend, available);
    for (const listener of this.#listeners) listener(backend, available);
  }

  /** the listener hears every known state at once, then each change */
  subscribe(listener: BackendHealthListener): () => void {
    this.#listeners.add(listener);
    for (const [backend, available] of this.#state) listener(backend, available);
    return () => this.#listeners.delete(listener);
  }
}
