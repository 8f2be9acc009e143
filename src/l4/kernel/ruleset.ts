// The declarative shape of what vigil installs: tables of counters, sets and chains, each chain
// with its rules as nft text. The compiler builds one; transaction.ts turns the step from the
// installed one to the next into a single atomic `nft -f` script.
//
// Names: nft identifiers ([a-zA-Z][a-zA-Z0-9_]*, at most 256 bytes here) derived from addresses
// and ports, so the same virtual server and real server keep the same set and counter names
// across applies (their state, flow sets and packet counts, survives).

export type NftFamily = 'ip' | 'netdev';

export interface NftSet {
  readonly name: string;
  /** The body between braces: `typeof ip saddr; flags dynamic,timeout; timeout 900s; size 65536;` */
  readonly definition: string;
}

export interface NftChain {
  readonly name: string;
  /** A base chain's hook line: `type nat hook prerouting priority dstnat; policy accept;` */
  readonly base?: string;
  readonly rules: readonly string[];
}

export interface NftTable {
  readonly family: NftFamily;
  readonly name: string;
  readonly counters: readonly string[];
  readonly sets: readonly NftSet[];
  readonly chains: readonly NftChain[];
}

export interface Ruleset {
  readonly tables: readonly NftTable[];
}

export const emptyRuleset: Ruleset = { tables: [] };

/** "198.51.100.15" → "198_51_100_15"; anything outside [a-zA-Z0-9] becomes "_" */
export function nameFragment(text: string): string {
  return text.replace(/[^a-zA-Z0-9]/g, '_');
}

/** a timeout for nft, which takes whole seconds and reads 0 as none */
export function nftSeconds(timeoutS: number): number {
  return Math.max(1, Math.round(timeoutS));
}

export function tableKey(table: { readonly family: string; readonly name: string }): string {
  return `${table.family} ${table.name}`;
}
