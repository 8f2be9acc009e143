// netctl's errors: one class with stable codes, so callers match on `code` (and `errno`), never on
// message text. Kept apart from core/errors.ts, whose codes are the configuration's.
import { constants } from 'node:os';

export const NetctlErrorCode = {
  /** The VRRP addon (build/Release/vrrp_socket.node) is missing or does not load. */
  nativeMissing: 'VIGIL_ERR_NETCTL_NATIVE_MISSING',
  /** A raw-socket call failed; `errno` says why (EPERM without CAP_NET_RAW, ENODEV, ...). */
  socket: 'VIGIL_ERR_NETCTL_SOCKET',
  /** A host command (ip, arping, a script) could not start, or exited with a failure. */
  command: 'VIGIL_ERR_NETCTL_COMMAND',
  /** A host command did not finish in its time bound and was killed. */
  timeout: 'VIGIL_ERR_NETCTL_TIMEOUT',
  /** The request cannot be done on this host (IPv6 unsolicited NA, say). */
  unsupported: 'VIGIL_ERR_NETCTL_UNSUPPORTED',
  /** The request itself is malformed (a bad address, an empty command). */
  invalid: 'VIGIL_ERR_NETCTL_INVALID',
  /** The object was closed before the request. */
  closed: 'VIGIL_ERR_NETCTL_CLOSED',
} as const;
export type NetctlErrorCode = (typeof NetctlErrorCode)[keyof typeof NetctlErrorCode];

export interface NetctlErrorDetails {
  readonly cause?: unknown;
  /** errno name, e.g. "EPERM". */
  readonly errno?: string;
  /** The command that failed, for command errors. */
  readonly argv?: readonly string[];
  readonly stderr?: string;
}

export class NetctlError extends Error {
  readonly code: NetctlErrorCode;
  readonly errno: string | undefined;
  readonly argv: readonly string[] | undefined;
  readonly stderr: string | undefined;

  constructor(code: NetctlErrorCode, message: string, details: NetctlErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'NetctlError';
    this.code = code;
    this.errno = details.errno;
    this.argv = details.argv;
    this.stderr = details.stderr;
  }
}

const errnoNames = new Map<number, string>(Object.entries(constants.errno).map(([name, value]) => [value, name]));

/** "EPERM" for 1; the number as text for an errno this platform does not name. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? String(errno);
}
