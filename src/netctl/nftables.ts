// The nftables port: runs one ruleset transaction (`nft -f -`, atomic: the kernel applies the
// whole batch or none of it) and reads objects back as nft's JSON (`nft -j list ...`).
// Implementations: nftables-linux.ts (the nft binary), nftables-fake.ts (tests).
//
// Everything vigil installs lives in tables whose names start with `vigil_` (see
// `vigilTablePrefix`), so vigil can find and replace what a crashed run left behind without
// touching anybody else's rules.
import type { HostResult } from './result.ts';

/** One object of `nft -j` output ({ "table": {...} }, { "counter": {...} }, ...), metainfo removed */
export type NftObject = Readonly<Record<string, unknown>>;

export interface NftablesPort {
  /**
   * Runs `script` (nft's command syntax, one command a line) as one transaction. A failure
   * carries nft's own message, which names the line and column it rejected.
   */
  transaction(script: string): Promise<HostResult<void>>;
  /** `nft -j list <args>` ("tables", "table netdev vigil_dr_eth0", "counters", ...), parsed */
  list(args: readonly string[]): Promise<HostResult<NftObject[]>>;
}

/** Tables vigil owns start with this; nothing else does */
export const vigilTablePrefix = 'vigil_';

export interface NftTableRef {
  readonly family: string;
  readonly name: string;
}

/** The tables among `objects` (a `list tables` answer) that vigil owns */
export function vigilTables(objects: readonly NftObject[]): NftTableRef[] {
  const tables: NftTableRef[] = [];
  for (const object of objects) {
    const table = object['table'] as { family?: unknown; name?: unknown } | undefined;
    if (typeof table?.family !== 'string' || typeof table.name !== 'string') continue;
    if (table.name.startsWith(vigilTablePrefix)) tables.push({ family: table.family, name: table.name });
  }
  return tables;
}
