// HAProxy's conditional blocks and messages (its cfgcond.c): `.if`, `.elif`, `.else`, `.endif`,
// `.notice`, `.warning`, `.alert`, `.diag`. Conditions are evaluated as HAProxy `emulatedVersion`
// would with vigil's features, so version-guarded lines for newer HAProxy are skipped cleanly.
//   expr := and ('||' and)*    and := term ('&&' term)*
//   term := '!' term | '(' expr ')' | predicate '(' args ')' | integer | ''
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import type { Token } from '../token.ts';

/** the HAProxy version whose behaviour vigil follows (Debian 12's, the reference it is tested with) */
export const emulatedVersion = '2.6.12';

/** what `feature(X)` answers true for: what vigil itself provides */
export const vigilFeatures: ReadonlySet<string> = new Set(['OPENSSL', 'ZLIB', 'THREAD', 'GETADDRINFO', 'LINUX_SPLICE', 'TFO', 'NS']);

type Value = { readonly ok: true; readonly value: boolean } | { readonly ok: false; readonly message: string };

interface Frame {
  /** lines of the current branch are used */
  active: boolean;
  /** a branch of this block was already taken */
  taken: boolean;
  /** the enclosing block is skipped: no branch of this one runs */
  parentSkipped: boolean;
  seenElse: boolean;
  opener: Token;
}

export class ConditionalBlocks {
  readonly #stack: Frame[] = [];
  readonly #env: () => Readonly<Record<string, string | undefined>>;

  constructor(env: () => Readonly<Record<string, string | undefined>>) {
    this.#env = env;
  }

  /** true when the lines met now belong to a taken branch */
  get active(): boolean {
    return this.#stack.every((frame) => frame.active);
  }

  /** Handles a line whose first word starts with "."; returns false when it is no directive */
  directive(tokens: readonly Token[], diag: Diagnostics): boolean {
    const [word, ...args] = tokens as [Token, ...Token[]];
    const top = this.#stack.at(-1);
    switch (word.text) {
      case '.if': {
        const parentSkipped = !this.active;
        const value = parentSkipped ? false : this.#evaluate(word, args, diag);
        this.#stack.push({ active: value, taken: value, parentSkipped, seenElse: false, opener: word });
        return true;
      }
      case '.elif':
      case '.else': {
        if (top === undefined) {
          diag.error(word, word.text, `"${word.text}" without a matching ".if"`, { code: DiagnosticCode.structure });
          return true;
        }
        if (top.seenElse) {
          diag.error(word, word.text, `"${word.text}" after ".else"`, { code: DiagnosticCode.structure });
          return true;
        }
        if (word.text === '.else') top.seenElse = true;
        const value = top.parentSkipped || top.taken ? false : word.text === '.else' || this.#evaluate(word, args, diag);
        top.active = value;
        top.taken ||= value;
        return true;
      }
      case '.endif':
        if (this.#stack.pop() === undefined) diag.error(word, word.text, '".endif" without a matching ".if"', { code: DiagnosticCode.structure });
        return true;
      case '.notice':
      case '.diag':
      case '.warning':
      case '.alert': {
        if (!this.active) return true;
        const message = args.map((t) => t.text).join(' ');
        if (word.text === '.warning') diag.warning(word, word.text, message, { code: DiagnosticCode.structure });
        // `.alert` stops HAProxy, so it is an error here too
        else if (word.text === '.alert') diag.error(word, word.text, message, { code: DiagnosticCode.structure });
        else diag.note(word, word.text, message, { code: DiagnosticCode.notActive });
        return true;
      }
      default:
        return false;
    }
  }

  /** Call at the end of each file: HAProxy does not let a block span files */
  finish(diag: Diagnostics): void {
    for (const frame of this.#stack) {
      diag.error(frame.opener, '.if', 'Unterminated ".if": missing ".endif" before the end of the file', { code: DiagnosticCode.structure });
    }
    this.#stack.length = 0;
  }

  #evaluate(word: Token, args: readonly Token[], diag: Diagnostics): boolean {
    const text = args.map((t) => t.text).join(' ');
    if (text.trim() === '') {
      diag.error(word, word.text, `"${word.text}" needs a condition`, { code: DiagnosticCode.arity });
      return false;
    }
    const result = new ConditionParser(text, this.#env(), (message) => diag.warning(args[0] ?? word, word.text, message, { code: DiagnosticCode.unsupported })).parse();
    if (!result.ok) {
      diag.error(args[0] ?? word, word.text, result.message, { code: DiagnosticCode.badValue });
      return false;
    }
    return result.value;
  }
}

class ConditionParser {
  readonly #text: string;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #warn: (message: string) => void;
  #pos = 0;

  constructor(text: string, env: Readonly<Record<string, string | undefined>>, warn: (message: string) => void) {
    this.#text = text;
    this.#env = env;
    this.#warn = warn;
  }

  parse(): Value {
    const value = this.#or();
    if (!value.ok) return value;
    this.#skipSpaces();
    if (this.#pos < this.#text.length) return { ok: false, message: `Cannot parse condition "${this.#text}": unexpected "${this.#text.slice(this.#pos)}"` };
    return value;
  }

  #or(): Value {
    let left = this.#and();
    while (left.ok && this.#eat('||')) {
      const right = this.#and();
      left = right.ok ? { ok: true, value: left.value || right.value } : right;
    }
    return left;
  }

  #and(): Value {
    let left = this.#term();
    while (left.ok && this.#eat('&&')) {
      const right = this.#term();
      left = right.ok ? { ok: true, value: left.value && right.value } : right;
    }
    return left;
  }

  #term(): Value {
    this.#skipSpaces();
    if (this.#eat('!')) {
      const inner = this.#term();
      return inner.ok ? { ok: true, value: !inner.value } : inner;
    }
    if (this.#eat('(')) {
      const inner = this.#or();
      if (!inner.ok) return inner;
      return this.#eat(')') ? inner : { ok: false, message: `Cannot parse condition "${this.#text}": missing ")"` };
    }
    const match = /^[A-Za-z0-9_.+-]*/.exec(this.#text.slice(this.#pos));
    const word = match?.[0] ?? '';
    this.#pos += word.length;
    this.#skipSpaces();
    if (this.#text.charAt(this.#pos) === '(') {
      const close = this.#text.indexOf(')', this.#pos);
      if (close === -1) return { ok: false, message: `Cannot parse condition "${this.#text}": missing ")" after "${word}("` };
      const args = this.#text.slice(this.#pos + 1, close).split(',').map((a) => a.trim());
      this.#pos = close + 1;
      return this.#predicate(word, args);
    }
    if (word === '') return { ok: true, value: false };
    if (/^-?\d+$/.test(word)) return { ok: true, value: Number(word) !== 0 };
    return { ok: false, message: `Cannot parse condition "${this.#text}": "${word}" is neither a number nor a predicate` };
  }

  #predicate(name: string, args: readonly string[]): Value {
    const [a = '', b = ''] = args;
    switch (name) {
      case 'defined':
        return { ok: true, value: this.#env[a] !== undefined };
      case 'feature':
        return { ok: true, value: vigilFeatures.has(a) };
      case 'streq':
        return { ok: true, value: a === b };
      case 'strneq':
        return { ok: true, value: a !== b };
      case 'strstr':
        return { ok: true, value: a.includes(b) };
      case 'version_atleast':
        return { ok: true, value: compareVersions(emulatedVersion, a) >= 0 };
      case 'version_before':
        return { ok: true, value: compareVersions(emulatedVersion, a) < 0 };
      case 'openssl_version_atleast':
        return { ok: true, value: compareVersions(process.versions.openssl ?? '0', a) >= 0 };
      case 'openssl_version_before':
        return { ok: true, value: compareVersions(process.versions.openssl ?? '0', a) < 0 };
      case 'ssllib_name_startswith':
        return { ok: true, value: 'OpenSSL'.startsWith(a) };
      default:
        this.#warn(`Unknown condition predicate "${name}"; taken as false`);
        return { ok: true, value: false };
    }
  }

  #eat(symbol: string): boolean {
    this.#skipSpaces();
    if (!this.#text.startsWith(symbol, this.#pos)) return false;
    this.#pos += symbol.length;
    return true;
  }

  #skipSpaces(): void {
    while (this.#text.charAt(this.#pos) === ' ') this.#pos++;
  }
}

/**
 * Orders versions as HAProxy does: numeric parts first, then a development or release-candidate
 * suffix sorts before the release it leads to (3.1-dev8 < 3.1-rc1 < 3.1.0).
 */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string): number[] => {
    const [release = '', suffix = ''] = v.split('-', 2);
    const numbers = release.split('.').map((n) => Number.parseInt(n, 10) || 0);
    while (numbers.length < 3) numbers.push(0);
    const pre = /^(dev|rc)(\d*)/.exec(suffix);
    // a release outranks any of its -dev and -rc builds
    const rank = pre === null ? [3, 0] : [pre[1] === 'dev' ? 1 : 2, Number.parseInt(pre[2] ?? '0', 10) || 0];
    return [...numbers.slice(0, 3), ...rank];
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < x.length; i++) {
    const diff = (x[i] ?? 0) - (y[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
