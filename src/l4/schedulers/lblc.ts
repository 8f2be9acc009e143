// `lblc` (ip_vs_lblc.c), locality-based least connection: each destination address keeps the
// server it was first given (by wlc) while that server is available and not overloaded, where
// overloaded means more active connections than its weight while some server is below half of
// its own. For cache clusters reached through a firewall-mark service: on a single-VIP virtual
// server every flow has the same destination, so one server takes everything until it overloads.
//
// Exact to the kernel: the choice, the overload test, the expiry (24 h unused; 6 min unused once
// the table passes 16384 entries), the table surviving server-set changes. The one addition:
// a cached server carrying the overload flag (upper threshold) is rescheduled, where the
// kernel's cached path looks only at weight and the test above.
import { LocalityTable, serversById, type LocalityEntry } from './locality-table.ts';
import { available, type ConnectionCounts, type LvsFlow, type LvsRealServer, type LvsScheduler, type LvsSchedulerAlgorithm } from './scheduler.ts';
import { weightedLeastConnection } from './wlc.ts';

interface LblcEntry extends LocalityEntry {
  serverId: string;
}

/**
 * The kernel's is_overloaded(dest, svc) for lblc and lblcr: more active connections than weight,
 * while another server has room (active below half its weight)
 */
export function overloadedForLocality(server: LvsRealServer, servers: readonly LvsRealServer[], counts: ConnectionCounts): boolean {
  if (counts.active(server) <= server.weight) return false;
  for (const other of servers) if (counts.active(other) * 2 < other.weight) return true;
  return false;
}

export class LocalityLeastConnectionScheduler implements LvsScheduler {
  readonly #servers: readonly LvsRealServer[];
  readonly #byId: ReadonlyMap<string, LvsRealServer>;
  readonly #counts: ConnectionCounts;
  readonly #now: () => number;
  readonly table: LocalityTable<LblcEntry>;

  constructor(servers: readonly LvsRealServer[], counts: ConnectionCounts, now: () => number, previous?: LocalityLeastConnectionScheduler) {
    this.#servers = servers;
    this.#byId = serversById(servers);
    this.#counts = counts;
    this.#now = now;
    this.table = previous?.table ?? new LocalityTable<LblcEntry>();
  }

  schedule(flow: LvsFlow): LvsRealServer | undefined {
    const now = this.#now();
    const entry = this.table.use(flow.destinationAddress, now);
    if (entry !== undefined) {
      const cached = this.#byId.get(entry.serverId);
      if (cached !== undefined && available(cached, this.#counts) && !overloadedForLocality(cached, this.#servers, this.#counts)) return cached;
    }
    const chosen = weightedLeastConnection(this.#servers, this.#counts);
    if (chosen === undefined) return undefined;
    if (entry !== undefined) entry.serverId = chosen.id;
    else this.table.insert(flow.destinationAddress, { serverId: chosen.id, lastUse: now }, now);
    return chosen;
  }
}

export const lblc: LvsSchedulerAlgorithm = {
  name: 'lblc',
  usesCounts: true,
  keyedOn: 'destination',
  build(servers, options, previous) {
    return new LocalityLeastConnectionScheduler(
      servers,
      options.counts,
      options.now ?? (() => performance.now()),
      previous instanceof LocalityLeastConnectionScheduler ? previous : undefined,
    );
  },
};
