// keepalived's `$NAME=value` parameters and their `$NAME` / `${NAME}` substitution. Values are
// expanded when used, not when defined, so a later definition changes what an earlier one expands
// to (keepalived documents `$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}` working that way).
import type { SourceText } from './lex.ts';

export interface Definition {
  readonly name: string;
  readonly value: string;
}

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const definitionPattern = /^\s*\$([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** `$NAME=value` with nothing but whitespace before the `$` and no space before the `=` */
export function parseDefinition(text: string): Definition | undefined {
  const match = definitionPattern.exec(text);
  if (match === null) return undefined;
  const [, name = '', value = ''] = match;
  return { name, value: value.trim() };
}

export interface PredefinedContext {
  /** directory of the file being read, for `${_PWD}` */
  readonly directory: string;
  /** the config id, for `${_INSTANCE}` */
  readonly configId: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface SubstitutionProblem {
  /** index into the text that was substituted */
  readonly index: number;
  readonly reference: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

export interface Substitution {
  readonly result: SourceText;
  readonly problems: readonly SubstitutionProblem[];
  /** true when something was replaced (the caller rescans, since values may hold references) */
  readonly changed: boolean;
}

export class Parameters {
  readonly #values = new Map<string, string>();

  define(name: string, value: string): void {
    this.#values.set(name, value);
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  /**
   * Replaces one level of references. `${NAME}` may stand anywhere; a bare `$NAME` only before
   * whitespace or the end of the line, so shell text such as `$1` or `$(...)` inside a script is
   * left alone. Replacement characters take the column of the `$` they replace.
   */
  substitute(source: SourceText, context: PredefinedContext): Substitution {
    const { text, columns } = source;
    let out = '';
    const outColumns: number[] = [];
    const problems: SubstitutionProblem[] = [];
    let changed = false;
    let i = 0;
    const emit = (value: string, column: number): void => {
      out += value;
      for (let k = 0; k < value.length; k++) outColumns.push(column);
    };
    while (i < text.length) {
      const ch = text[i] ?? '';
      if (ch !== '$') {
        out += ch;
        outColumns.push(columns[i] ?? i + 1);
        i++;
        continue;
      }
      const column = columns[i] ?? i + 1;
      const reference = readReference(text, i);
      if (reference === undefined) {
        out += ch;
        outColumns.push(column);
        i++;
        continue;
      }
      const value = this.#resolve(reference.body, context);
      if (value.ok) {
        emit(value.text, column);
        changed = true;
      } else {
        problems.push({ index: i, reference: text.slice(i, reference.end), message: value.message, severity: value.severity });
        if (value.replacement !== undefined) {
          emit(value.replacement, column);
          changed = true;
        } else {
          for (let k = i; k < reference.end; k++) {
            out += text[k] ?? '';
            outColumns.push(columns[k] ?? k + 1);
          }
        }
      }
      i = reference.end;
    }
    return { result: { text: out, columns: outColumns }, problems, changed };
  }

  #resolve(body: string, context: PredefinedContext): Resolved {
    const [name = '', ...rest] = body.trim().split(/\s+/);
    const builtIn = Object.hasOwn(predefined, name) ? predefined[name] : undefined;
    if (builtIn !== undefined) return builtIn(rest, context);
    const value = this.#values.get(name);
    if (value !== undefined) return { ok: true, text: value };
    return { ok: false, severity: 'error', message: `Parameter "${name}" is not defined` };
  }
}

type Resolved =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly severity: 'error' | 'warning'; readonly message: string; readonly replacement?: string };

function readReference(text: string, start: number): { readonly body: string; readonly end: number } | undefined {
  if (text[start + 1] === '{') {
    const close = text.indexOf('}', start + 2);
    if (close === -1) return undefined;
    const body = text.slice(start + 2, close);
    const name = body.trim().split(/\s+/)[0] ?? '';
    return namePattern.test(name) ? { body, end: close + 1 } : undefined;
  }
  let end = start + 1;
  while (end < text.length && /[A-Za-z0-9_]/.test(text[end] ?? '')) end++;
  const name = text.slice(start + 1, end);
  if (!namePattern.test(name)) return undefined;
  const after = text[end];
  if (after !== undefined && !/\s/.test(after)) return undefined;
  return { body: name, end };
}

/** keepalived's built-in `${_NAME}` definitions; the words after the name are their arguments */
const predefined: Readonly<Record<string, (args: readonly string[], context: PredefinedContext) => Resolved>> = {
  _PWD: (_args, context) => ({ ok: true, text: context.directory }),
  _INSTANCE: (_args, context) => ({ ok: true, text: context.configId }),
  _HASH: () => ({ ok: true, text: '#' }),
  _BANG: () => ({ ok: true, text: '!' }),
  _ENV: (args, context) => ({ ok: true, text: context.env[args[0] ?? ''] ?? '' }),
  // a random value would make `vigil check` and `vigil run` read different configs
  _RANDOM: (args) => ({
    ok: false,
    severity: 'warning',
    message: 'Random values are not supported yet; using the lowest value',
    replacement: args[0] ?? '0',
  }),
};
