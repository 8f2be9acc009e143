// One `nft -f` script taking the kernel from the installed ruleset to the next, applied by the
// kernel as a single transaction: packets see the old rules or the new, never a mix.
//
// Tables, sets and counters that stay are kept, not recreated: the DR flow sets and persistence
// sets hold live state (which server each flow is on) and counters their totals. Every chain is
// flushed and refilled, which costs nothing to flows (NAT flows live in conntrack, DR flows in
// the sets). A set whose definition changed (a new timeout, say) is deleted and created afresh:
// nft ignores `add set` for an existing set. Order matters inside the script: rules referring to
// sets and chains go before those objects are deleted, and after they are created.
import { tableKey, type NftChain, type NftTable, type Ruleset } from './ruleset.ts';

export interface TableRef {
  readonly family: string;
  readonly name: string;
}

/**
 * The script from `installed` to `next`. `leftovers` are vigil tables found in the kernel that
 * `installed` does not know (a crashed run's): they are deleted and rebuilt from scratch.
 */
export function transactionScript(installed: Ruleset, next: Ruleset, leftovers: readonly TableRef[] = []): string {
  const lines: string[] = [];
  const known = new Map(installed.tables.map((table) => [tableKey(table), table]));
  for (const table of leftovers) {
    if (known.has(tableKey(table))) continue;
    // "add" first: deleting a table that is already gone would fail the whole transaction.
    lines.push(`add table ${table.family} ${table.name}`, `delete table ${table.family} ${table.name}`);
  }
  const wanted = new Set(next.tables.map(tableKey));
  for (const table of installed.tables) {
    if (!wanted.has(tableKey(table))) lines.push(`delete table ${table.family} ${table.name}`);
  }
  for (const table of next.tables) lines.push(...tableStep(known.get(tableKey(table)), table));
  return lines.map((line) => `${line}\n`).join('');
}

/** The script that removes every table of `installed` (and the leftovers) */
export function removalScript(installed: Ruleset, leftovers: readonly TableRef[] = []): string {
  const tables = new Map<string, TableRef>();
  for (const table of [...installed.tables, ...leftovers]) tables.set(tableKey(table), table);
  return [...tables.values()].map((table) => `add table ${table.family} ${table.name}\ndelete table ${table.family} ${table.name}\n`).join('');
}

function tableStep(previous: NftTable | undefined, next: NftTable): string[] {
  const at = `${next.family} ${next.name}`;
  const lines = [`add table ${at}`];
  const previousSets = new Map((previous?.sets ?? []).map((set) => [set.name, set.definition]));
  const nextSets = new Map(next.sets.map((set) => [set.name, set.definition]));
  const previousChains = new Map((previous?.chains ?? []).map((chain) => [chain.name, chain]));
  const nextChains = new Map(next.chains.map((chain) => [chain.name, chain]));
  const nextCounters = new Set(next.counters);
  const previousCounters = new Set(previous?.counters ?? []);

  // 1. Empty every old chain, so nothing refers to what goes next.
  for (const chain of previousChains.values()) lines.push(`flush chain ${at} ${chain.name}`);
  // 2. Delete what is gone or must be recreated.
  for (const chain of previousChains.values()) {
    const replacement = nextChains.get(chain.name);
    if (replacement === undefined || replacement.base !== chain.base) lines.push(`delete chain ${at} ${chain.name}`);
  }
  for (const [name, definition] of previousSets) {
    if (nextSets.get(name) !== definition) lines.push(`delete set ${at} ${name}`);
  }
  for (const name of previousCounters) if (!nextCounters.has(name)) lines.push(`delete counter ${at} ${name}`);
  // 3. Create what is new.
  for (const name of nextCounters) if (!previousCounters.has(name)) lines.push(`add counter ${at} ${name}`);
  for (const [name, definition] of nextSets) {
    if (previousSets.get(name) !== definition) lines.push(`add set ${at} ${name} { ${definition} }`);
  }
  for (const chain of next.chains) {
    const old = previousChains.get(chain.name);
    if (old === undefined || old.base !== chain.base) lines.push(chainDeclaration(at, chain));
  }
  // 4. Fill the chains.
  for (const chain of next.chains) for (const rule of chain.rules) lines.push(`add rule ${at} ${chain.name} ${rule}`);
  return lines;
}

function chainDeclaration(at: string, chain: NftChain): string {
  return chain.base === undefined ? `add chain ${at} ${chain.name}` : `add chain ${at} ${chain.name} { ${chain.base} }`;
}
