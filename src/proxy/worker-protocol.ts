// Messages between the control thread and the data-path workers. Kept small and rare: traffic
// never crosses threads, only configuration at start and server state changes.
import type { PassiveReport } from '../check/passive.ts';
import type { HaproxyConfig } from '../config/haproxy/model.ts';
import type { StatsRequest } from './stats-bridge.ts';

export interface WorkerStartData {
  readonly config: HaproxyConfig;
  readonly keys: readonly string[];
  readonly counters: SharedArrayBuffer;
  readonly worker: number;
  readonly workers: number;
  /** server states known at start, so a worker started late does not use a dead server */
  readonly states: readonly ServerStateMessage[];
}

export interface ServerStateMessage {
  readonly type: 'server-state';
  readonly backend: string;
  readonly server: string;
  readonly serving: boolean;
  readonly weight: number;
  /** UP by its checks; a DOWN server's sessions are cut with `on-marked-down shutdown-sessions` */
  readonly up: boolean;
}

export interface StopMessage {
  readonly type: 'stop';
  /** let sessions in progress finish (SIGTERM / reload) or cut them */
  readonly graceful: boolean;
}

export interface StatsResponseMessage {
  readonly type: 'stats-response';
  readonly id: number;
  readonly bytes: Uint8Array;
}

/** bind the listening sockets: sent to all workers once every one of them is `built` */
export interface ListenMessage {
  readonly type: 'listen';
}

export type ToWorker = ServerStateMessage | StopMessage | StatsResponseMessage | ListenMessage;

export type FromWorker =
  /** proxies built; waits for `listen` */
  | { readonly type: 'built' }
  | { readonly type: 'ready'; readonly listening: readonly { frontend: string; host: string; port: number }[] }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'stopped' }
  | { readonly type: 'warning'; readonly message: string }
  /** what traffic showed of observed servers (`observe`), batched; sent only when there are errors */
  | { readonly type: 'passive'; readonly reports: readonly PassiveReport[] }
  | { readonly type: 'stats-request'; readonly id: number; readonly request: StatsRequest };
