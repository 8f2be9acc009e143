import { formatLocation, type SourceLocation } from './token.ts';

export type Severity = 'error' | 'warning' | 'note';
/**
 * `language`: the text is wrong wherever it runs (unknown keyword, bad value).
 * `machine`: the text is fine but this host cannot run it (missing file, user, interface).
 * `vigil check --syntax` reports only the first kind.
 */
export type Domain = 'language' | 'machine';

export const DiagnosticCode = {
  unknownKeyword: 'VIGIL_CFG_UNKNOWN_KEYWORD',
  badValue: 'VIGIL_CFG_BAD_VALUE',
  arity: 'VIGIL_CFG_ARITY',
  structure: 'VIGIL_CFG_STRUCTURE',
  reference: 'VIGIL_CFG_REFERENCE',
  unsupported: 'VIGIL_CFG_UNSUPPORTED',
  notActive: 'VIGIL_CFG_NOT_ACTIVE',
  deprecated: 'VIGIL_CFG_DEPRECATED',
  include: 'VIGIL_CFG_INCLUDE',
  machine: 'VIGIL_CFG_MACHINE',
} as const;
export type DiagnosticCode = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];

export interface Diagnostic {
  readonly severity: Severity;
  readonly domain: Domain;
  readonly code: DiagnosticCode;
  readonly at: SourceLocation;
  /** the keyword the problem belongs to, as written (for example `balance` or `priority`) */
  readonly keyword: string;
  /** sentence case, no trailing period, quotes the offending value */
  readonly message: string;
  /** a near spelling or a way out, shown as "(did you mean ...)" or after "hint:" */
  readonly hint?: string;
}

/**
 * Collects problems instead of throwing, so one pass over a file reports all of them at once.
 */
export class Diagnostics {
  readonly #items: Diagnostic[] = [];

  get items(): readonly Diagnostic[] {
    return this.#items;
  }

  add(diagnostic: Diagnostic): void {
    this.#items.push(diagnostic);
  }

  error(at: SourceLocation, keyword: string, message: string, options: DiagnosticOptions = {}): void {
    this.#push('error', at, keyword, message, options, DiagnosticCode.badValue);
  }

  warning(at: SourceLocation, keyword: string, message: string, options: DiagnosticOptions = {}): void {
    this.#push('warning', at, keyword, message, options, DiagnosticCode.unsupported);
  }

  note(at: SourceLocation, keyword: string, message: string, options: DiagnosticOptions = {}): void {
    this.#push('note', at, keyword, message, options, DiagnosticCode.notActive);
  }

  hasErrors(domain?: Domain): boolean {
    return this.#items.some((d) => d.severity === 'error' && (domain === undefined || d.domain === domain));
  }

  count(severity: Severity): number {
    return this.#items.filter((d) => d.severity === severity).length;
  }

  #push(
    severity: Severity,
    at: SourceLocation,
    keyword: string,
    message: string,
    options: DiagnosticOptions,
    fallbackCode: DiagnosticCode,
  ): void {
    const diagnostic: Diagnostic = {
      severity,
      domain: options.domain ?? 'language',
      code: options.code ?? fallbackCode,
      at: { file: at.file, line: at.line, column: at.column },
      keyword,
      message,
      ...(options.hint === undefined ? {} : { hint: options.hint }),
    };
    this.#items.push(diagnostic);
  }
}

export interface DiagnosticOptions {
  readonly code?: DiagnosticCode;
  readonly domain?: Domain;
  readonly hint?: string;
}

/** `file:line:col: severity: 'keyword': message (hint)`, the shape editors and CI logs recognise */
export function formatDiagnostic(d: Diagnostic): string {
  const hint = d.hint === undefined ? '' : ` (${d.hint})`;
  const keyword = d.keyword === '' ? '' : `'${d.keyword}': `;
  return `${formatLocation(d.at)}: ${d.severity}: ${keyword}${d.message}${hint}`;
}

export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      a.at.file.localeCompare(b.at.file) || a.at.line - b.at.line || a.at.column - b.at.column,
  );
}
