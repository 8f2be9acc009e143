// keepalived's word rules for one line of text. Substitution can move text around, so a line
// carries, for every character, the 1-based column it came from in the file; tokens then point at
// what the user wrote, not at where the expansion put it.
import type { Token } from '../token.ts';

export interface SourceText {
  readonly text: string;
  /** original 1-based column of each character of text */
  readonly columns: readonly number[];
}

export function sourceText(text: string): SourceText {
  return { text, columns: Array.from(text, (_, index) => index + 1) };
}

export function sliceText(source: SourceText, start: number, end = source.text.length): SourceText {
  return { text: source.text.slice(start, end), columns: source.columns.slice(start, end) };
}

const quoteChars = new Set(['"', "'"]);

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\v' || ch === '\f';
}

/**
 * Cuts a `!` or `#` comment. keepalived starts a comment only where a word could start and outside
 * quotes, so `inhibit_on_failure ! note` loses the note but `a#b` stays one word.
 */
export function stripComment(source: SourceText): SourceText {
  const { text } = source;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (quoteChars.has(ch)) {
      quote = ch;
      continue;
    }
    if ((ch === '!' || ch === '#') && (i === 0 || isSpace(text[i - 1]) || text[i - 1] === '{' || text[i - 1] === '}')) {
      return sliceText(source, 0, i);
    }
  }
  return source;
}

const escapes: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', E: '\x1b' };

/**
 * Splits a comment-free line into words. Quoted parts keep their spaces and join the word around
 * them (`'a" b "c'` is one word); `{` and `}` outside quotes are words of their own even when glued
 * to a name (`virtual_ipaddress{`).
 */
export function splitWords(source: SourceText, file: string, line: number): Token[] {
  const { text, columns } = source;
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (isSpace(ch)) {
      i++;
      continue;
    }
    const column = columns[i] ?? i + 1;
    if (ch === '{' || ch === '}') {
      tokens.push({ file, line, column, text: ch, quoted: false });
      i++;
      continue;
    }
    let word = '';
    let quoted = false;
    while (i < text.length) {
      const c = text[i] ?? '';
      if (isSpace(c) || c === '{' || c === '}') break;
      if (quoteChars.has(c)) {
        quoted = true;
        i++;
        while (i < text.length && text[i] !== c) {
          const inner = text[i] ?? '';
          if (inner === '\\' && i + 1 < text.length) {
            const next = text[i + 1] ?? '';
            word += escapes[next] ?? next;
            i += 2;
            continue;
          }
          word += inner;
          i++;
        }
        i++; // the closing quote, or the end of an unterminated quoted word
        continue;
      }
      word += c;
      i++;
    }
    tokens.push({ file, line, column, text: word, quoted });
  }
  return tokens;
}
