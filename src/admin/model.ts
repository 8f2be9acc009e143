// One snapshot of everything vigil runs, as every stats output (HTML, CSV, JSON, Prometheus, the
// runtime API) renders it. Proxies carry HAProxy's rows (FRONTEND, one per server, BACKEND) with
// HAProxy's field names, so each renderer is a formatter and none computes anything.
import type { AdminState } from '../check/server-state.ts';
import type { ProxyKind, ProxyMode } from '../config/haproxy/model.ts';
import type { LvsVirtualServerStatus, VrrpInstanceStatus } from './sources.ts';

export type RowKind = 'frontend' | 'backend' | 'server';
export type FieldValue = string | number;

/**
 * How a server row is coloured on the page and labelled in metrics: HAProxy's CSS classes
 * `active_up`, `backup_going_down`, `maintain` ... without the active/backup prefix.
 */
export type ServerLook = 'up' | 'going_down' | 'going_up' | 'down' | 'nolb' | 'draining' | 'no_check' | 'maintain';

export interface ServerDetail {
  readonly backup: boolean;
  readonly admin: AdminState;
  readonly look: ServerLook;
  /** checks configured */
  readonly checked: boolean;
  /** takes new traffic now */
  readonly serving: boolean;
  readonly up: boolean;
  /** `127.0.0.1:8081` */
  readonly address: string;
  /** wall-clock ms of the last check, if any */
  readonly lastCheckAt?: number;
}

export interface StatsRow {
  readonly kind: RowKind;
  readonly proxy: string;
  /** `FRONTEND`, `BACKEND` or the server's name */
  readonly name: string;
  readonly proxyId: number;
  /** the server's id; 0 for FRONTEND and BACKEND rows */
  readonly serverId: number;
  /** HAProxy field name to value; a field absent here is left empty in CSV */
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly server?: ServerDetail;
}

export interface ProxyStats {
  readonly name: string;
  readonly id: number;
  readonly kind: ProxyKind;
  readonly mode: ProxyMode;
  /** `roundrobin` ... for proxies with a backend side */
  readonly algorithm?: string;
  readonly frontend?: StatsRow;
  readonly servers: readonly StatsRow[];
  readonly backend?: StatsRow;
}

export interface ProcessInfo {
  readonly name: string;
  readonly version: string;
  readonly pid: number;
  readonly node: string;
  readonly description?: string;
  /** wall-clock ms */
  readonly startedAt: number;
  readonly uptimeSec: number;
  readonly nbthread: number;
  readonly maxconn?: number;
  readonly ulimitN?: number;
  readonly currentConnections: number;
  readonly cumulativeConnections: number;
  readonly cumulativeRequests: number;
  readonly sessionRate: number;
  readonly maxSessionRate: number;
  readonly requestRate: number;
  readonly listeners: number;
  readonly bytesOut: number;
}

export interface StatsSnapshot {
  /** wall-clock ms */
  readonly takenAt: number;
  readonly process: ProcessInfo;
  readonly proxies: readonly ProxyStats[];
  /** undefined: no VRRP subsystem registered (the section is not shown at all) */
  readonly vrrp?: readonly VrrpInstanceStatus[];
  readonly lvs?: readonly LvsVirtualServerStatus[];
}

/** every row of a snapshot in HAProxy's order: per proxy FRONTEND, servers, BACKEND */
export function* allRows(snapshot: StatsSnapshot): Generator<StatsRow> {
  for (const proxy of snapshot.proxies) {
    if (proxy.frontend !== undefined) yield proxy.frontend;
    yield* proxy.servers;
    if (proxy.backend !== undefined) yield proxy.backend;
  }
}
