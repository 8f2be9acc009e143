// What keyword handlers see: the configuration being built, where problems and host requirements
// go, and the section they are in. One ParseState per load; one section context per open section.
import { dirname, isAbsolute, join } from 'node:path';
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import type { KeywordLine } from '../keywords.ts';
import type { RequirementKind, Requirements } from '../requirements.ts';
import type { SourceLocation, Token } from '../token.ts';
import type { Parsed } from '../values.ts';
import type { DefaultsSection, GlobalSettings, HaproxyConfig, IgnoredSection, ProxySection, Userlist } from './model.ts';

export interface ParseState {
  readonly config: HaproxyConfig;
  readonly diag: Diagnostics;
  readonly requirements: Requirements;
  /** `"${VAR}"` expansion reads this; global `setenv` and friends change it for the lines after */
  readonly env: Record<string, string | undefined>;
  /** the file being read, for `default-path config` */
  file: string;
  section: OpenSection | undefined;
  /** the last `defaults` section seen: proxies without `from` inherit from it */
  lastDefaults: DefaultsSection | undefined;
}

export type OpenSection =
  | { readonly kind: 'global'; readonly ctx: GlobalContext }
  | { readonly kind: 'proxy'; readonly ctx: ProxyContext }
  | { readonly kind: 'userlist'; readonly ctx: UserlistContext }
  | { readonly kind: 'ignored'; readonly record: IgnoredSection };

export interface GlobalContext {
  readonly state: ParseState;
  readonly global: GlobalSettings;
}

export interface ProxyContext {
  readonly state: ParseState;
  readonly section: DefaultsSection | ProxySection;
  /** `no option x` / `default option x`: the prefix word, for the keywords that accept one */
  modifier: Token | undefined;
}

export interface UserlistContext {
  readonly state: ParseState;
  readonly userlist: Userlist;
}

export function locate(token: SourceLocation): SourceLocation {
  return { file: token.file, line: token.line, column: token.column };
}

/**
 * Reports a failed value parse at the offending token; returns the value or undefined.
 * Keeps every handler to one line per value.
 */
export function take<T>(parsed: Parsed<T>, token: Token, line: KeywordLine, diag: Diagnostics): T | undefined {
  if (parsed.ok) return parsed.value;
  diag.error(token, line.fullName, parsed.message, {
    code: DiagnosticCode.badValue,
    ...(parsed.hint === undefined ? {} : { hint: parsed.hint }),
  });
  return undefined;
}

/** Like take, for option tables where the keyword is the option's name */
export function takeFor<T>(parsed: Parsed<T>, token: Token, keyword: string, diag: Diagnostics): T | undefined {
  if (parsed.ok) return parsed.value;
  diag.error(token, keyword, parsed.message, { code: DiagnosticCode.badValue, ...(parsed.hint === undefined ? {} : { hint: parsed.hint }) });
  return undefined;
}

/**
 * A path as HAProxy would open it: `base` (crt-base, ca-base) first for a relative path, then
 * `default-path`. The host check later tests exactly this path.
 */
export function resolvePath(state: ParseState, path: string, base?: string): string {
  let resolved = path;
  if (!isAbsolute(resolved) && base !== undefined && base !== '') resolved = join(base, resolved);
  if (isAbsolute(resolved)) return resolved;
  const defaultPath = state.config.global.defaultPath;
  switch (defaultPath?.kind) {
    case 'config':
      return join(dirname(state.file), resolved);
    case 'parent':
      return join(dirname(dirname(state.file)), resolved);
    case 'origin':
      return join(defaultPath.path ?? '', resolved);
    default:
      return resolved;
  }
}

export function need(state: ParseState, kind: RequirementKind, value: string, at: SourceLocation, keyword: string): void {
  state.requirements.need(kind, value, at, keyword);
}

/** Joins what a keyword's words say into one string, for free-text values such as descriptions */
export function joinWords(tokens: readonly Token[]): string {
  return tokens.map((t) => t.text).join(' ');
}
