// Messages between the control thread and the VRRP thread.
import type { KeepalivedConfig } from '../config/keepalived/model.ts';
import type { InstanceStatus } from './instance.ts';

export interface VrrpWorkerData {
  readonly config: KeepalivedConfig;
}

export type ToVrrpWorker =
  | { readonly type: 'stop' }
  | { readonly type: 'reload'; readonly config: KeepalivedConfig }
  | { readonly type: 'backend-health'; readonly backend: string; readonly available: boolean };

export type FromVrrpWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'status'; readonly instances: readonly InstanceStatus[] }
  | { readonly type: 'stopped' };
