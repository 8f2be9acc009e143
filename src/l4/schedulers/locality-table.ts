// The destination-address table lblc and lblcr keep (their ip_vs_lblc_table), with the kernel's
// two ways of forgetting: an entry unused for `lblc_expiration` (24 h by default) is dropped, and
// once the table holds more than 16 entries per hash bucket (16 x 1024) entries unused for
// 6 minutes are collected. The kernel runs both from a one-minute timer; vigil does them lazily,
// on lookup and on insert, so a scheduler owns no timer.
import type { LvsRealServer } from './scheduler.ts';

/** DEFAULT_EXPIRATION: the sysctl lblc_expiration / lblcr_expiration default */
export const LOCALITY_EXPIRATION_MS = 24 * 60 * 60 * 1000;
/** ENTRY_TIMEOUT: how long an entry must have been unused before a full table sheds it */
const ENTRY_TIMEOUT_MS = 6 * 60 * 1000;
/** IP_VS_LBLC_TAB_SIZE * 16 */
const MAX_ENTRIES = 1024 * 16;

export interface LocalityEntry {
  lastUse: number;
}

export class LocalityTable<E extends LocalityEntry> {
  readonly #entries = new Map<string, E>();
  readonly #expirationMs: number;
  readonly #maxEntries: number;

  constructor(expirationMs = LOCALITY_EXPIRATION_MS, maxEntries = MAX_ENTRIES) {
    this.#expirationMs = expirationMs;
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  get expirationMs(): number {
    return this.#expirationMs;
  }

  /** The live entry for a destination, refreshed as used now */
  use(destination: string, now: number): E | undefined {
    const entry = this.#entries.get(destination);
    if (entry === undefined) return undefined;
    if (now - entry.lastUse >= this.#expirationMs) {
      this.#entries.delete(destination);
      return undefined;
    }
    entry.lastUse = now;
    return entry;
  }

  insert(destination: string, entry: E, now: number): void {
    this.#entries.set(destination, entry);
    if (this.#entries.size <= this.#maxEntries) return;
    // ip_vs_lblc_check_expire: shed stale entries, at most half the table's capacity per run
    let goal = Math.min(Math.floor(((this.#entries.size - this.#maxEntries) * 4) / 3), this.#maxEntries >> 1);
    for (const [key, candidate] of this.#entries) {
      if (goal <= 0) break;
      if (now - candidate.lastUse < ENTRY_TIMEOUT_MS) continue;
      this.#entries.delete(key);
      goal--;
    }
  }
}

/** The servers of a snapshot by id, for entries that name servers across rebuilds */
export function serversById(servers: readonly LvsRealServer[]): ReadonlyMap<string, LvsRealServer> {
  return new Map(servers.map((server) => [server.id, server] as const));
}
