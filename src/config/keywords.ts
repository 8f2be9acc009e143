// The keyword-table engine shared by both formats. A keyword is data: its name, aliases, status,
// arity and handler. Handlers report problems into Diagnostics instead of throwing, so one pass
// reports every problem in a file. HAProxy's multi-word keywords (`option httpchk`,
// `timeout client`) are a keyword with a sub-table; keepalived's `{}` blocks are a keyword with a
// block table and a function that makes the block's own context.
import { DiagnosticCode, type Diagnostics } from './diagnostics.ts';
import { didYouMean } from './suggest.ts';
import type { Token } from './token.ts';

/**
 * supported: vigil acts on it.
 * parsed: read and checked into the typed model, not acted on yet (a note says so where used).
 * unsupported: recognised so it is not a typo, but neither checked nor run (a warning says so).
 */
export type KeywordStatus = 'supported' | 'parsed' | 'unsupported';

export interface KeywordLine {
  /** the word that selected the keyword (for sub-table keywords, the last word) */
  readonly keyword: Token;
  readonly args: readonly Token[];
  /** the full name as written, for example `timeout client` */
  readonly fullName: string;
  /** the `{}` block's content, for keepalived blocks */
  readonly children?: readonly ConfigNode[];
}

/** A keepalived line and, for a block, its children (HAProxy lines have none) */
export interface ConfigNode {
  readonly keyword: Token;
  readonly args: readonly Token[];
  readonly children?: readonly ConfigNode[];
}

export interface Arity {
  readonly min?: number;
  /** omitted: no upper bound */
  readonly max?: number;
}

export interface BlockSpec<C> {
  readonly table: KeywordTable<never>;
  /** makes the child context, or undefined (after reporting) when the block's header is bad */
  readonly enter: (ctx: C, line: KeywordLine, diag: Diagnostics) => unknown;
  /** called after the block's children were dispatched, to check what must be there */
  readonly leave?: (ctx: C, child: never, line: KeywordLine, diag: Diagnostics) => void;
}

export interface Keyword<C> {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly status: KeywordStatus;
  readonly summary: string;
  /** shown in the docs table and, for old aliases whose meaning moved, as a note where used */
  readonly note?: string;
  readonly args?: Arity;
  readonly handle?: (ctx: C, line: KeywordLine, diag: Diagnostics) => void;
  readonly sub?: KeywordTable<C>;
  readonly block?: BlockSpec<C>;
}

/**
 * For entries made by shared helpers (which start `parsed`): marks those named in `honoured`
 * `supported`, with the note when one is given (what of the keyword the runtime does not honour).
 * Throws on a name that is in no entry, so a misspelt name cannot silently leave one `parsed`.
 */
export function markSupported<E extends { readonly name: string; readonly status: KeywordStatus; readonly note?: string }>(
  entries: readonly E[],
  honoured: Readonly<Record<string, true | string>>,
): E[] {
  const names = new Set(entries.map((entry) => entry.name));
  for (const name of Object.keys(honoured)) {
    if (!names.has(name)) throw new Error(`markSupported: no entry "${name}"`);
  }
  return entries.map((entry) => {
    if (!Object.hasOwn(honoured, entry.name)) return entry;
    const how = honoured[entry.name];
    return { ...entry, status: 'supported', ...(typeof how === 'string' ? { note: how } : {}) };
  });
}

/** A keyword whose block opens a child context of type D; keeps the two types tied together */
export function block<C, D>(
  table: KeywordTable<D>,
  enter: (ctx: C, line: KeywordLine, diag: Diagnostics) => D | undefined,
  leave?: (ctx: C, child: D, line: KeywordLine, diag: Diagnostics) => void,
): BlockSpec<C> {
  return { table: table as KeywordTable<never>, enter, ...(leave === undefined ? {} : { leave: leave as BlockSpec<C>['leave'] & {} }) };
}

export interface KeywordTableOptions<C> {
  /** what the docs and messages call the section: `haproxy defaults`, `keepalived vrrp_instance` */
  readonly section: string;
  /**
   * Called for a word that is in no entry, before it is reported as unknown. Returns true when it
   * took the line (keepalived's free-form address lists, `$PARAM=value` lines and the like).
   */
  readonly fallback?: (ctx: C, line: KeywordLine, diag: Diagnostics) => boolean;
}

export class KeywordTable<C> {
  readonly section: string;
  readonly entries: readonly Keyword<C>[];
  readonly #byName = new Map<string, Keyword<C>>();
  readonly #fallback: KeywordTableOptions<C>['fallback'];

  constructor(options: KeywordTableOptions<C>, entries: readonly Keyword<C>[]) {
    this.section = options.section;
    this.entries = entries;
    this.#fallback = options.fallback;
    for (const entry of entries) {
      for (const name of [entry.name, ...(entry.aliases ?? [])]) {
        if (this.#byName.has(name)) throw new Error(`Keyword "${name}" is twice in table ${this.section}`);
        this.#byName.set(name, entry);
      }
    }
  }

  lookup(name: string): Keyword<C> | undefined {
    return this.#byName.get(name);
  }

  names(): string[] {
    return [...this.#byName.keys()];
  }

  /** Runs one line through the table; every problem lands in `diag` */
  dispatch(ctx: C, line: KeywordLine, diag: Diagnostics, prefix = ''): void {
    const word = line.keyword.text;
    const entry = this.#byName.get(word);
    const fullName = prefix === '' ? word : `${prefix} ${word}`;
    const current: KeywordLine = { ...line, fullName };
    if (entry === undefined) {
      if (this.#fallback?.(ctx, current, diag) === true) return;
      diag.error(line.keyword, fullName, `Unknown keyword "${word}" in ${this.section}`, {
        code: DiagnosticCode.unknownKeyword,
        ...hintOf(didYouMean(word, this.names())),
      });
      return;
    }
    if (entry.status === 'unsupported') {
      diag.warning(line.keyword, fullName, 'Not supported yet; this line is ignored', { code: DiagnosticCode.unsupported });
      return;
    }
    if (entry.sub !== undefined) {
      const [next, ...rest] = line.args;
      if (next === undefined) {
        diag.error(line.keyword, fullName, `"${fullName}" needs a word after it`, {
          code: DiagnosticCode.arity,
          hint: `one of ${entry.sub.names().slice(0, 12).join(', ')}`,
        });
        return;
      }
      entry.sub.dispatch(ctx, { keyword: next, args: rest, fullName, ...childrenOf(line) }, diag, fullName);
      return;
    }
    if (!checkArity(entry, current, diag)) return;
    if (entry.block !== undefined) {
      if (line.children === undefined) {
        diag.error(line.keyword, fullName, `"${fullName}" needs a { } block`, { code: DiagnosticCode.structure });
        return;
      }
      const child = entry.block.enter(ctx, current, diag);
      if (child === undefined) return;
      entry.block.table.dispatchAll(child as never, line.children, diag);
      entry.block.leave?.(ctx, child as never, current, diag);
    } else if (line.children !== undefined && entry.handle !== undefined) {
      // keepalived lists such as virtual_ipaddress are blocks handled by their own handler
      entry.handle(ctx, current, diag);
    } else {
      entry.handle?.(ctx, current, diag);
    }
    if (entry.status === 'parsed') {
      diag.note(line.keyword, fullName, 'Understood, but not active in this version of vigil yet', {
        code: DiagnosticCode.notActive,
      });
    }
  }

  dispatchAll(ctx: C, nodes: readonly ConfigNode[], diag: Diagnostics): void {
    for (const node of nodes) {
      this.dispatch(ctx, { keyword: node.keyword, args: node.args, fullName: node.keyword.text, ...childrenOf(node) }, diag);
    }
  }
}

function childrenOf(node: { readonly children?: readonly ConfigNode[] }): { children?: readonly ConfigNode[] } {
  return node.children === undefined ? {} : { children: node.children };
}

function hintOf(hint: string | undefined): { hint?: string } {
  return hint === undefined ? {} : { hint };
}

function checkArity<C>(entry: Keyword<C>, line: KeywordLine, diag: Diagnostics): boolean {
  const { min = 0, max } = entry.args ?? {};
  const count = line.args.length;
  if (count < min) {
    diag.error(line.keyword, line.fullName, `"${line.fullName}" expects ${describeArity(min, max)}, got ${count}`, {
      code: DiagnosticCode.arity,
    });
    return false;
  }
  if (max !== undefined && count > max) {
    const extra = line.args[max];
    diag.error(extra ?? line.keyword, line.fullName, `"${line.fullName}" expects ${describeArity(min, max)}, got ${count}`, {
      code: DiagnosticCode.arity,
    });
    return false;
  }
  return true;
}

function describeArity(min: number, max: number | undefined): string {
  if (max === min) return `${min} argument${min === 1 ? '' : 's'}`;
  if (max === undefined) return `at least ${min} argument${min === 1 ? '' : 's'}`;
  return `${min} to ${max} arguments`;
}

/** One row of docs/keywords.md */
export interface KeywordDoc {
  readonly format: string;
  readonly section: string;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly status: KeywordStatus;
  readonly summary: string;
  readonly note?: string;
}

/** Walks a table, its sub-tables and block tables, so the docs list every keyword once */
export function describeTable(format: string, table: KeywordTable<never>, seen = new Set<KeywordTable<never>>()): KeywordDoc[] {
  if (seen.has(table)) return [];
  seen.add(table);
  const rows: KeywordDoc[] = [];
  const walk = (t: KeywordTable<never>, prefix: string): void => {
    for (const entry of t.entries) {
      const name = prefix === '' ? entry.name : `${prefix} ${entry.name}`;
      if (entry.sub !== undefined) {
        walk(entry.sub as KeywordTable<never>, name);
        continue;
      }
      rows.push({
        format,
        section: table.section,
        name,
        aliases: entry.aliases ?? [],
        status: entry.status,
        summary: entry.summary,
        ...(entry.note === undefined ? {} : { note: entry.note }),
      });
      if (entry.block !== undefined) rows.push(...describeTable(format, entry.block.table, seen));
    }
  };
  walk(table, '');
  return rows;
}
