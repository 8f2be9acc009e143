// The link port: whether an interface exists and is up, its index, and changes over time
// (keepalived's track_interface, and the VRRP instance's own interface going down).
// Implementations: link-linux.ts (`ip -json link`), link-fake.ts (tests).
import type { HostResult } from './result.ts';
import type { NetctlError } from './errors.ts';

export interface LinkState {
  readonly name: string;
  readonly index: number;
  /** IFF_UP: the administrator brought it up. */
  readonly adminUp: boolean;
  /**
   * Usable: IFF_UP and carrier (IFF_LOWER_UP), what keepalived calls up (IFF_UP && IFF_RUNNING).
   * A VRRP instance on a link that is not up goes to FAULT.
   */
  readonly up: boolean;
  /** The kernel's RFC 2863 operstate: "UP", "DOWN", "LOWERLAYERDOWN", "UNKNOWN", ... */
  readonly operState: string;
  readonly mac?: string;
  readonly mtu?: number;
}

/** A link appeared (previous undefined), changed, or disappeared (current undefined). */
export interface LinkChange {
  readonly interface: string;
  readonly previous: LinkState | undefined;
  readonly current: LinkState | undefined;
}

export interface LinkWatch {
  close(): void;
}

export interface LinkPort {
  /** The link named `name`; `value` undefined when there is none. */
  get(name: string): Promise<HostResult<LinkState | undefined>>;
  list(): Promise<HostResult<LinkState[]>>;
  /**
   * Calls `listener` for every change. The first report lists every link present (previous
   * undefined), so a watcher needs no separate get() and cannot miss a change in between.
   * `onError` hears failures to read the links (the watch keeps trying).
   */
  watch(listener: (change: LinkChange) => void, onError?: (error: NetctlError) => void): LinkWatch;
}

/** Whether two states differ in anything a watcher cares about. */
export function linkChanged(a: LinkState | undefined, b: LinkState | undefined): boolean {
  if (a === undefined || b === undefined) return a !== b;
  return a.index !== b.index || a.adminUp !== b.adminUp || a.up !== b.up || a.operState !== b.operState || a.mac !== b.mac || a.mtu !== b.mtu;
}
