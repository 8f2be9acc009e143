// Which servers a backend balances over right now, as HAProxy decides it around the algorithm:
// the serving non-backup servers; when none serves, the backup servers, only the first serving
// one unless `option allbackups`; when none at all, nothing. Call `buildSelection` again whenever
// a server's health, admin state or weight changes and swap the result in: it is one pass over
// the servers plus the algorithm's build.
import type { BalanceAlgorithm, BalanceOptions, BalanceRequest, BalanceServer, Balancer } from './balancer.ts';

export interface ServerEntry {
  readonly server: BalanceServer;
  /** up and not in maintenance or drain as far as health and admin state go */
  readonly serving: boolean;
  readonly backup: boolean;
}

export interface SelectionSettings {
  /** `option allbackups`: balance over every serving backup instead of the first one only */
  readonly allBackups: boolean;
}

export interface Selection {
  readonly balancer: Balancer;
  /** true when no active server serves and the backups carry the traffic */
  readonly usingBackups: boolean;
  /** the snapshot the balancer was built from, in configured order */
  readonly servers: readonly BalanceServer[];
}

const noServer: Balancer = {
  pick(_request: BalanceRequest, _exclude?: ReadonlySet<number>): BalanceServer | undefined {
    return undefined;
  },
};

/**
 * A server takes traffic when it serves with a weight above 0: HAProxy counts a server drained
 * to weight 0 as unusable, so a backend whose active servers are all drained falls to backups.
 */
function usable(entry: ServerEntry): boolean {
  return entry.serving && entry.server.weight > 0;
}

export function buildSelection(
  entries: readonly ServerEntry[],
  algorithm: BalanceAlgorithm,
  options: BalanceOptions,
  settings: SelectionSettings,
): Selection {
  const active: BalanceServer[] = [];
  const backups: BalanceServer[] = [];
  let firstBackup: BalanceServer | undefined;
  for (const entry of entries) {
    if (!usable(entry)) continue;
    const server = entry.server;
    if (!entry.backup) active.push(server);
    else if (settings.allBackups) backups.push(server);
    // "first" is the lowest configured position, whatever order the entries come in
    else if (firstBackup === undefined || server.index < firstBackup.index) firstBackup = server;
  }
  if (active.length > 0) return selection(active.sort(byPosition), false, algorithm, options);
  if (firstBackup !== undefined) backups.push(firstBackup);
  if (backups.length > 0) return selection(backups.sort(byPosition), true, algorithm, options);
  return { balancer: noServer, usingBackups: false, servers: [] };
}

function byPosition(a: BalanceServer, b: BalanceServer): number {
  return a.index - b.index;
}

function selection(
  servers: readonly BalanceServer[],
  usingBackups: boolean,
  algorithm: BalanceAlgorithm,
  options: BalanceOptions,
): Selection {
  return { balancer: algorithm.build(servers, options), usingBackups, servers };
}
