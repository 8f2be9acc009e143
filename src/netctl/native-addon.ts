// Loads the VRRP raw-socket addon (native/vrrp_socket.c, built by `npm install` into
// build/Release). Loaded lazily, on the first VRRP socket, so a host without a compiler runs
// everything else and only a configuration with VRRP fails, with a message saying what to do.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { NetctlError, NetctlErrorCode } from './errors.ts';

/** An event from the addon's receive thread, on the JS thread. */
export type NativeEvent =
  | { readonly packet: Buffer; readonly headerLength: number; readonly from: string; readonly to: string; readonly ttl: number }
  | { readonly errno: number; readonly syscall: string };

export interface NativeOpenOptions {
  readonly family: 4 | 6;
  readonly ifname: string;
  readonly group: string;
  readonly join: boolean;
  readonly netns?: string;
}

/** An opaque handle (a Node-API external). */
export type NativeHandle = { readonly __nativeVrrpSocket: unique symbol };

/** Throw an Error with `errno` and `syscall` on failure; see the addon's header comment. */
export interface VrrpAddon {
  open(options: NativeOpenOptions, onEvent: (event: NativeEvent) => void): NativeHandle;
  send(handle: NativeHandle, bytes: Uint8Array, destination: string, source?: string): number;
  close(handle: NativeHandle): void;
  /** nice value of the calling thread (keepalived's vrrp_priority); returns 0 or an errno */
  setThreadNice(nice: number): number;
  /** one gratuitous ARP for `ipv4` on `ifname`; returns 0 or an errno */
  sendGratuitousArp(ifname: string, ipv4: string): number;
}

export const addonPath = fileURLToPath(new URL('../../build/Release/vrrp_socket.node', import.meta.url));

let loaded: VrrpAddon | NetctlError | undefined;

/** The addon, or a NetctlError (code nativeMissing) saying how to build it. */
export function loadVrrpAddon(): VrrpAddon | NetctlError {
  if (loaded !== undefined) return loaded;
  try {
    loaded = createRequire(import.meta.url)(addonPath) as VrrpAddon;
  } catch (error) {
    loaded = new NetctlError(
      NetctlErrorCode.nativeMissing,
      `VRRP needs the native addon: run npm rebuild (cannot load "${addonPath}": ${(error as Error).message.split('\n')[0] ?? ''})`,
      { cause: error },
    );
  }
  return loaded;
}

/** Whether VRRP can run here; for `vigil check`/`vigil run` to report before starting anything. */
export function vrrpAddonAvailable(): boolean {
  return !(loadVrrpAddon() instanceof NetctlError);
}
