// Running the host ports inside a named network namespace (keepalived's `net_namespace`, and
// how tests drive a lab host from the test process). Commands are prefixed with
// `ip netns exec NAME`; the raw socket enters the namespace on a helper thread (see the addon).
export interface NamespaceOption {
  /** A namespace under /run/netns (as `ip netns add` makes); undefined for the current one. */
  readonly netns?: string | undefined;
}

/** `argv` as run inside `netns`. */
export function inNamespace(netns: string | undefined, argv: readonly string[]): readonly string[] {
  return netns === undefined ? argv : ['ip', 'netns', 'exec', netns, ...argv];
}

/** The namespace file the addon opens for `setns`. */
export function namespacePath(netns: string): string {
  return `/run/netns/${netns}`;
}
