// What every asynchronous host operation resolves with. Host changes fail for ordinary reasons
// (an interface vanished, a command is missing), and the caller (a VRRP instance) must log and
// carry on, so failures are values, never rejections that could escape into the event loop.
import type { NetctlError } from './errors.ts';

export type HostResult<T = void> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: NetctlError };

export function ok(): HostResult<void>;
export function ok<T>(value: T): HostResult<T>;
export function ok<T>(value?: T): HostResult<T | undefined> {
  return { ok: true, value };
}

export function fail(error: NetctlError): { readonly ok: false; readonly error: NetctlError } {
  return { ok: false, error };
}
