// `lblcr` (ip_vs_lblcr.c), locality-based least connection with replication: each destination
// address keeps a set of servers rather than one. A flow goes to the set's weighted least-loaded
// member; when that member is overloaded (the lblc test) the overall wlc choice joins the set and
// takes the flow, and a set that has not changed for `lblcr_expiration` (24 h) sheds its most
// loaded member, so a hot destination spreads over several servers and shrinks back later.
//
// Exact to the kernel except where the kernel holds removed servers in its trash list: vigil drops
// a removed server from every set the next time the set is used.
import { LocalityTable, serversById, type LocalityEntry } from './locality-table.ts';
import { overloadedForLocality } from './lblc.ts';
import { available, connectionOverhead, type ConnectionCounts, type LvsFlow, type LvsRealServer, type LvsScheduler, type LvsSchedulerAlgorithm } from './scheduler.ts';
import { weightedLeastConnection } from './wlc.ts';

interface LblcrEntry extends LocalityEntry {
  /** server ids, newest first (the kernel's list_add_rcu puts new members at the head) */
  members: string[];
  lastModified: number;
}

export class ReplicatedLocalityScheduler implements LvsScheduler {
  readonly #servers: readonly LvsRealServer[];
  readonly #byId: ReadonlyMap<string, LvsRealServer>;
  readonly #counts: ConnectionCounts;
  readonly #now: () => number;
  readonly table: LocalityTable<LblcrEntry>;

  constructor(servers: readonly LvsRealServer[], counts: ConnectionCounts, now: () => number, previous?: ReplicatedLocalityScheduler) {
    this.#servers = servers;
    this.#byId = serversById(servers);
    this.#counts = counts;
    this.#now = now;
    this.table = previous?.table ?? new LocalityTable<LblcrEntry>();
  }

  /** ip_vs_dest_set_min: the member with the least overhead per weight */
  #leastLoadedMember(members: readonly LvsRealServer[]): LvsRealServer | undefined {
    let least: LvsRealServer | undefined;
    let leastOverhead = 0;
    for (const server of members) {
      if (!available(server, this.#counts)) continue;
      const overhead = connectionOverhead(server, this.#counts);
      if (least === undefined || leastOverhead * server.weight > overhead * least.weight) {
        least = server;
        leastOverhead = overhead;
      }
    }
    return least;
  }

  /** ip_vs_dest_set_max: the member with the most overhead per weight, among weights > 0 */
  #mostLoadedMember(members: readonly LvsRealServer[]): LvsRealServer | undefined {
    let most: LvsRealServer | undefined;
    let mostOverhead = 0;
    for (const server of members) {
      if (server.weight <= 0) continue;
      const overhead = connectionOverhead(server, this.#counts);
      if (most === undefined || mostOverhead * server.weight < overhead * most.weight) {
        most = server;
        mostOverhead = overhead;
      }
    }
    return most;
  }

  schedule(flow: LvsFlow): LvsRealServer | undefined {
    const now = this.#now();
    const entry = this.table.use(flow.destinationAddress, now);
    if (entry === undefined) {
      const chosen = weightedLeastConnection(this.#servers, this.#counts);
      if (chosen === undefined) return undefined;
      this.table.insert(flow.destinationAddress, { members: [chosen.id], lastModified: now, lastUse: now }, now);
      return chosen;
    }
    const members: LvsRealServer[] = [];
    for (const id of entry.members) {
      const server = this.#byId.get(id);
      if (server !== undefined) members.push(server);
    }
    if (members.length !== entry.members.length) entry.members = members.map((server) => server.id);
    const least = this.#leastLoadedMember(members);
    if (members.length > 1 && now - entry.lastModified > this.table.expirationMs) {
      const most = this.#mostLoadedMember(members);
      if (most !== undefined) {
        entry.members = entry.members.filter((id) => id !== most.id);
        entry.lastModified = now;
      }
    }
    if (least !== undefined && !overloadedForLocality(least, this.#servers, this.#counts)) return least;
    const chosen = weightedLeastConnection(this.#servers, this.#counts);
    if (chosen === undefined) return undefined;
    if (!entry.members.includes(chosen.id)) {
      entry.members.unshift(chosen.id);
      entry.lastModified = now;
    }
    return chosen;
  }
}

export const lblcr: LvsSchedulerAlgorithm = {
  name: 'lblcr',
  usesCounts: true,
  keyedOn: 'destination',
  build(servers, options, previous) {
    return new ReplicatedLocalityScheduler(
      servers,
      options.counts,
      options.now ?? (() => performance.now()),
      previous instanceof ReplicatedLocalityScheduler ? previous : undefined,
    );
  },
};
