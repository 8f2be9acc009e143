// HAProxy's line syntax (its tools.c parse_line with the options cfgparse uses), as a pure
// function: one line of text in, words with their locations and the line's problems out.
//
// - Words are split on unescaped, unquoted spaces and tabs; `#` outside quotes ends the line.
// - "..." keeps spaces and `#`, expands `$NAME`, `${NAME}`, `${NAME-default}` and `${NAME[*]}`
//   (one word per space-separated part) from the environment, and takes backslash escapes.
// - '...' is literal: no escapes, no expansion.
// - Outside single quotes a backslash escapes `\ `, `\\`, `\#`, `\'`, `\"`, `\t`, `\n`, `\r`, `\xNN`
//   (and `\$` inside double quotes); any other backslash stays as written (regex `\1`, `\d`).
// - Quoted and unquoted parts join into one word: `a"b c"'d'` is the word `ab cd`.
// HAProxy expands variables only inside double quotes; an unquoted `${X}` stays literal, and we
// warn because the author almost certainly meant it to expand.
import type { SourceLocation, Token } from '../token.ts';

export interface TokenizeOptions {
  readonly file: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** the current section's keyword, for HAProxy's `${.SECTION}` pseudo-variable */
  readonly section?: string;
}

export interface LineProblem {
  readonly severity: 'error' | 'warning';
  readonly at: SourceLocation;
  readonly message: string;
}

export interface TokenizedLine {
  /** 1-based */
  readonly line: number;
  readonly tokens: readonly Token[];
  /** errors make the line unusable: the parser reports them and skips the line, as HAProxy does */
  readonly problems: readonly LineProblem[];
}

/** HAProxy's MAX_LINE_ARGS: a line with more words is refused */
export const maxWordsPerLine = 64;

export function tokenize(text: string, options: TokenizeOptions): TokenizedLine[] {
  // HAProxy ends a line at \n; a \r before it (a file written on Windows) is not part of any word
  return text.split('\n').map((raw, index) => tokenizeLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw, index + 1, options));
}

interface WordBuilder {
  text: string;
  start: number;
  quoted: boolean;
}

export function tokenizeLine(text: string, line: number, options: TokenizeOptions): TokenizedLine {
  const tokens: Token[] = [];
  const problems: LineProblem[] = [];
  const at = (index: number): SourceLocation => ({ file: options.file, line, column: index + 1 });
  const fail = (index: number, message: string): TokenizedLine => {
    problems.push({ severity: 'error', at: at(index), message });
    return { line, tokens, problems };
  };

  let word: WordBuilder | undefined;
  let quote: { char: '"' | "'"; index: number } | undefined;
  const finish = (): void => {
    if (word !== undefined) tokens.push({ file: options.file, line, column: word.start + 1, text: word.text, quoted: word.quoted });
    word = undefined;
  };
  const current = (index: number): WordBuilder => (word ??= { text: '', start: index, quoted: false });

  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (quote === undefined && (c === ' ' || c === '\t' || c === '\v' || c === '\f')) {
      finish();
      i++;
      continue;
    }
    if (c === '#' && quote === undefined) break;
    const w = current(i);
    if ((c === '"' || c === "'") && (quote === undefined || quote.char === c)) {
      quote = quote === undefined ? { char: c, index: i } : undefined;
      w.quoted = true;
      i++;
      continue;
    }
    if (c === '\\' && quote?.char !== "'") {
      const escaped = unescape(text, i, quote?.char === '"');
      if (escaped === undefined) return fail(i, `Invalid escape "${text.slice(i, i + 4)}": expected \\x and two hex digits`);
      w.text += escaped.text;
      i += escaped.length;
      continue;
    }
    if (c === '$' && quote?.char === '"') {
      const expansion = expand(text, i, options, line);
      if ('error' in expansion) return fail(expansion.index, expansion.error);
      if (expansion.unset !== undefined) {
        problems.push({
          severity: 'warning',
          at: at(i),
          message: `Environment variable "${expansion.unset}" is not set; it expands to an empty string, as in HAProxy`,
        });
      }
      const [first = '', ...more] = expansion.words;
      w.text += first;
      for (const part of more) {
        // `${VAR[*]}` splits the value into words; each new word starts where the expression did
        finish();
        current(i).text = part;
        current(i).quoted = true;
      }
      i = expansion.end;
      continue;
    }
    if (c === '$' && quote === undefined && /^\$\{[A-Za-z_.]/.test(text.slice(i, i + 3))) {
      problems.push({
        severity: 'warning',
        at: at(i),
        message: `"${text.slice(i, text.indexOf('}', i) + 1 || undefined)}" is not expanded: HAProxy expands variables only inside double quotes`,
      });
    }
    w.text += c;
    i++;
  }
  if (quote !== undefined) {
    return fail(quote.index, `Unterminated ${quote.char === '"' ? 'double' : 'single'} quote`);
  }
  finish();
  const extra = tokens[maxWordsPerLine];
  if (extra !== undefined) {
    return fail(extra.column - 1, `Too many words on one line: HAProxy accepts at most ${maxWordsPerLine}`);
  }
  return { line, tokens, problems };
}

/** The character(s) a backslash sequence at `index` stands for; undefined for a bad `\x` */
function unescape(text: string, index: number, inDoubleQuotes: boolean): { text: string; length: number } | undefined {
  const next = text.charAt(index + 1);
  switch (next) {
    case ' ':
    case '\\':
    case '#':
    case "'":
    case '"':
      return { text: next, length: 2 };
    case 't':
      return { text: '\t', length: 2 };
    case 'n':
      return { text: '\n', length: 2 };
    case 'r':
      return { text: '\r', length: 2 };
    case '$':
      // only inside double quotes, where `$` would otherwise expand
      return inDoubleQuotes ? { text: '$', length: 2 } : { text: '\\', length: 1 };
    case 'x': {
      const hex = text.slice(index + 2, index + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      return { text: String.fromCharCode(Number.parseInt(hex, 16)), length: 4 };
    }
    default:
      // other combinations are not escapes: regexes keep their `\1` and `\d`
      return { text: '\\', length: 1 };
  }
}

type Expansion =
  | { readonly words: readonly string[]; readonly end: number; readonly unset?: string }
  | { readonly error: string; readonly index: number };

/** `$NAME`, `${NAME}`, `${NAME-default}`, `${NAME[*]}` starting at the `$` at `index` */
function expand(text: string, index: number, options: TokenizeOptions, line: number): Expansion {
  let i = index + 1;
  const brace = text.charAt(i) === '{' ? i++ : undefined;
  const nameStart = i;
  if (!/[A-Za-z_.]/.test(text.charAt(i))) {
    return { error: `Invalid variable name after "$": expected a letter, "_" or "."`, index: i };
  }
  if (text.charAt(i) === '.') i++;
  while (/[A-Za-z0-9_]/.test(text.charAt(i))) i++;
  const name = text.slice(nameStart, i);
  let value: string | undefined;
  if (name.startsWith('.')) {
    const pseudo: Readonly<Record<string, string | undefined>> = { '.LINE': String(line), '.FILE': options.file, '.SECTION': options.section ?? '' };
    if (!(name in pseudo)) return { error: `Unknown pseudo-variable "${name}": expected .LINE, .FILE or .SECTION`, index: nameStart };
    value = pseudo[name];
  } else {
    value = options.env[name];
  }
  let splitWords = false;
  if (brace !== undefined) {
    if (text.charAt(i) === '[') {
      if (text.slice(i, i + 3) !== '[*]') return { error: `Invalid word expansion in "\${${name}...": expected "[*]"`, index: i };
      splitWords = true;
      i += 3;
    }
    if (text.charAt(i) === '-') {
      const close = text.indexOf('}', i);
      if (close === -1) return { error: `Unmatched "{" in variable "${name}"`, index: brace };
      value ??= text.slice(i + 1, close);
      i = close;
    }
    if (text.charAt(i) !== '}') return { error: `Unmatched "{" in variable "${name}"`, index: brace };
    i++;
  }
  const found = value ?? '';
  const words = splitWords ? found.split(/\s+/).filter((part, n) => part !== '' || n === 0) : [found];
  return value === undefined ? { words, end: i, unset: name } : { words, end: i };
}
