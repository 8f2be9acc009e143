// Server and bind lines carry inline options (`check inter 2s rise 2`, `ssl crt x.pem name web`):
// not one keyword per line, so KeywordTable does not fit, but they are still data: each option
// has its status, summary and value count, and the docs list them from here.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import type { KeywordDoc, KeywordStatus } from '../keywords.ts';
import { didYouMean } from '../suggest.ts';
import type { Token } from '../token.ts';
import type { ParseState } from './context.ts';

export interface InlineContext {
  readonly state: ParseState;
  readonly diag: Diagnostics;
  /** the line's keyword as written (`server`, `default-server`, `bind`, `stats socket`) */
  readonly keyword: string;
  /** true for `no-NAME`, which resets a flag a `default-server` line set */
  readonly negated: boolean;
}

export interface InlineOption<T> {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly status: KeywordStatus;
  readonly summary: string;
  /** shown in the docs table: for a supported option, what of it the runtime does not honour */
  readonly note?: string;
  /** how many words follow the option's name; 0 (the default) for a flag */
  readonly values?: number;
  /** for an option whose word count varies, how many of `rest` it takes */
  readonly takes?: (rest: readonly Token[]) => number;
  /** `no-NAME` is accepted and calls the handler with `negated` */
  readonly negatable?: boolean;
  readonly handle?: (target: T, values: readonly Token[], option: Token, ctx: InlineContext) => void;
}

export class OptionTable<T> {
  readonly section: string;
  readonly entries: readonly InlineOption<T>[];
  readonly #byName = new Map<string, InlineOption<T>>();

  constructor(section: string, entries: readonly InlineOption<T>[]) {
    this.section = section;
    this.entries = entries;
    for (const entry of entries) {
      for (const name of [entry.name, ...(entry.aliases ?? [])]) {
        if (this.#byName.has(name)) throw new Error(`Option "${name}" is twice in table ${section}`);
        this.#byName.set(name, entry);
      }
    }
  }

  lookup(name: string): InlineOption<T> | undefined {
    return this.#byName.get(name);
  }

  names(): string[] {
    const names = [...this.#byName.keys()];
    for (const entry of this.entries) if (entry.negatable === true) names.push(`no-${entry.name}`);
    return names;
  }

  /**
   * Reads `words` as options into `target`. Stops at the first unknown option, as HAProxy does:
   * after it, the words no longer line up with option names and would only add noise.
   */
  parse(target: T, words: readonly Token[], ctx: Omit<InlineContext, 'negated'>): void {
    let i = 0;
    while (i < words.length) {
      const word = words[i] as Token;
      let entry = this.#byName.get(word.text);
      let negated = false;
      if (entry === undefined && word.text.startsWith('no-')) {
        const base = this.#byName.get(word.text.slice(3));
        if (base?.negatable === true) {
          entry = base;
          negated = true;
        }
      }
      if (entry === undefined) {
        ctx.diag.error(word, ctx.keyword, `Unknown ${this.section} option "${word.text}"`, {
          code: DiagnosticCode.unknownKeyword,
          ...hintOf(didYouMean(word.text, this.names())),
        });
        return;
      }
      const rest = words.slice(i + 1);
      const count = negated ? 0 : (entry.takes?.(rest) ?? entry.values ?? 0);
      const values = rest.slice(0, count);
      if (values.length < count) {
        ctx.diag.error(word, ctx.keyword, `Option "${word.text}" needs ${count === 1 ? 'a value' : `${count} values`}`, {
          code: DiagnosticCode.arity,
        });
        return;
      }
      if (entry.status === 'unsupported') {
        ctx.diag.warning(word, ctx.keyword, `Not supported yet; option "${word.text}" is ignored`, { code: DiagnosticCode.unsupported });
      } else {
        entry.handle?.(target, values, word, { ...ctx, negated });
      }
      i += 1 + count;
    }
  }
}

function hintOf(hint: string | undefined): { hint?: string } {
  return hint === undefined ? {} : { hint };
}

/** Rows for docs/keywords.md, in the same shape describeTable gives for keyword tables */
export function describeOptionTable<T>(format: string, table: OptionTable<T>): KeywordDoc[] {
  return table.entries.map((entry) => ({
    format,
    section: table.section,
    name: entry.negatable === true ? `${entry.name} / no-${entry.name}` : entry.name,
    aliases: entry.aliases ?? [],
    status: entry.status,
    summary: entry.summary,
    ...(entry.note === undefined ? {} : { note: entry.note }),
  }));
}
