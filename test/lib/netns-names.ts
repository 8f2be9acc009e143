// Naming of the namespaces a lab creates, and reading a name back to find who owns it.
//
// Every namespace is called `vgt<pid>-<lab>-<node>`: `vgt` marks the harness, <pid> is the test
// process that owns it and <lab> counts labs within that process. Encoding the owner in the name
// (rather than in a marker file) means the ownership record cannot be lost or drift from the
// namespaces themselves: a later run can tell a crashed run's leftovers (owner dead) from a
// concurrent run's live lab (owner alive) by looking at `ip netns list` alone.

import { readFileSync } from 'node:fs';

export const BASE_PREFIX = 'vgt';

const OWNED_NAME = /^vgt(\d+)-(\d+)-/;

// Node (host or switch) names become part of namespace names and of switch-side interface
// names, so they are kept short and shell-safe.
const NODE_NAME = /^[a-z][a-z0-9]{0,11}$/;

// Linux interface names: at most IFNAMSIZ - 1 = 15 bytes, no '/', ':' or whitespace.
const INTERFACE_NAME = /^[a-zA-Z0-9_.-]{1,15}$/;

export function labPrefix(ownerPid: number, labId: number): string {
  return `${BASE_PREFIX}${ownerPid}-${labId}-`;
}

export interface Owner {
  readonly pid: number;
  readonly labId: number;
}

/** The owner encoded in a namespace name, or undefined when the harness did not create it. */
export function ownerOf(namespace: string): Owner | undefined {
  const match = OWNED_NAME.exec(namespace);
  if (match === null) return undefined;
  return { pid: Number(match[1]), labId: Number(match[2]) };
}

export function assertNodeName(name: string): void {
  if (!NODE_NAME.test(name)) {
    throw new Error(`Cannot use "${name}" as a host or switch name: use 1-12 lowercase letters and digits, starting with a letter`);
  }
}

export function assertInterfaceName(name: string): void {
  if (!INTERFACE_NAME.test(name)) {
    throw new Error(`Cannot use "${name}" as an interface name: use 1-15 letters, digits, '_', '.' or '-'`);
  }
}

/**
 * The switch-side end of a host's link: `<host>-<ifname>` so `ip -n SW link` is readable, or
 * `port<N>` when that would not fit in 15 bytes.
 */
export function switchPortName(host: string, ifname: string, portNumber: number): string {
  const readable = `${host}-${ifname}`;
  return readable.length <= 15 ? readable : `port${portNumber}`;
}

/**
 * Whether process `pid` exists and is not a zombie. A zombie counts as dead: it runs nothing and
 * may linger when its parent (the crashed test process) is gone and nothing reaps it promptly.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM means it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the parenthesised command name, which may itself contain ')'.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z';
  } catch {
    return false;
  }
}
