// What every config format provides, and the registry `vigil check` and `vigil run` pick from.
import type { Diagnostics } from './diagnostics.ts';
import type { KeywordTable } from './keywords.ts';
import type { Requirements } from './requirements.ts';

export type FormatName = 'haproxy' | 'keepalived';

export interface LoadContext {
  readonly diagnostics: Diagnostics;
  readonly requirements: Requirements;
  /** `${NAME}` expansion (HAProxy) reads these; tests pass their own */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface ConfigFormat<M> {
  readonly name: FormatName;
  /**
   * How strongly the text looks like this format, 0 to 1, from its section words; the format with
   * the highest score reads the file unless `--format` forces one.
   */
  sniff(text: string): number;
  /**
   * Reads the files (in order, as one configuration) into the typed model. Never throws for
   * problems of the text or of missing files: they become diagnostics.
   */
  load(files: readonly string[], context: LoadContext): M;
  /** root tables, for docs/keywords.md */
  readonly tables: readonly KeywordTable<never>[];
}
