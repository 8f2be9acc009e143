// Reads keepalived.conf text into a ConfigNode tree: comments, `@id` conditional lines,
// `$NAME=value` parameters and their substitution, `include` with globs, then words and braces.
// Pure except for the SourcePort it is given.
import { dirname, isAbsolute, resolve } from 'node:path';
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import type { ConfigNode } from '../keywords.ts';
import type { SourceLocation, Token } from '../token.ts';
import { sliceText, sourceText, splitWords, stripComment, type SourceText } from './lex.ts';
import { Parameters, parseDefinition } from './params.ts';
import type { SourcePort } from './source.ts';
import { buildTree } from './tree.ts';

export interface ReadOptions {
  /** keepalived's `-i`: `@id` lines apply when id is this */
  readonly configId: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly source: SourcePort;
}

/** include variants of keepalived 2.2+; vigil treats them all as `include` */
const includeWords = new Set(['include', 'includer', 'includem', 'includew', 'includeb', 'includea']);
const globChars = /[*?[{]/;
/** a parameter whose value names itself would otherwise expand for ever */
const maxExpansionDepth = 32;
const maxIncludeDepth = 32;

/**
 * Reads the files in order as one configuration (later files as if included after the first).
 * Every problem becomes a diagnostic; a missing file is an error, never an exception.
 */
export function readConfig(files: readonly string[], options: ReadOptions, diag: Diagnostics): ConfigNode[] {
  const reader = new Reader(options, diag);
  for (const file of files) {
    reader.readFile(file, { file, line: 1, column: 1 }, 'config file');
  }
  return buildTree(reader.lines, diag);
}

class Reader {
  readonly lines: Token[][] = [];
  readonly #options: ReadOptions;
  readonly #diag: Diagnostics;
  readonly #parameters = new Parameters();
  /** absolute paths of the files being read, innermost last, to catch include loops */
  readonly #reading: string[] = [];

  constructor(options: ReadOptions, diag: Diagnostics) {
    this.#options = options;
    this.#diag = diag;
  }

  readFile(file: string, from: SourceLocation, what: string): void {
    const absolute = resolve(file);
    if (this.#reading.includes(absolute)) {
      this.#diag.error(from, 'include', `Include loop: "${file}" is already being read`, { code: DiagnosticCode.include });
      return;
    }
    if (this.#reading.length >= maxIncludeDepth) {
      this.#diag.error(from, 'include', `Cannot include "${file}": includes nest deeper than ${maxIncludeDepth}`, {
        code: DiagnosticCode.include,
      });
      return;
    }
    const read = this.#options.source.readFile(file);
    if (!read.ok) {
      this.#diag.error(from, what === 'config file' ? '' : 'include', `Cannot read ${what} "${file}": ${read.reason}`, {
        code: DiagnosticCode.include,
      });
      return;
    }
    this.#reading.push(absolute);
    const physical = read.text.split('\n');
    for (let index = 0; index < physical.length; index++) {
      const line = index + 1;
      let text = stripComment(sourceText(physical[index] ?? ''));
      text = this.#applyCondition(text) ?? sourceText('');
      const definition = parseDefinition(text.text);
      if (definition !== undefined) {
        // a value ending in `\` continues on the next lines, which become lines of the value
        let value = definition.value;
        while (value.endsWith('\\') && index + 1 < physical.length) {
          index++;
          value = `${value.slice(0, -1).trimEnd()}\n${stripComment(sourceText(physical[index] ?? '')).text.trim()}`;
        }
        if (value.endsWith('\\')) value = value.slice(0, -1).trimEnd();
        this.#parameters.define(definition.name, value);
        continue;
      }
      this.#processLine(text, file, line, 0);
    }
    this.#reading.pop();
  }

  /** the text after an `@id` / `@^id` prefix when it applies, undefined when the line is skipped */
  #applyCondition(text: SourceText): SourceText | undefined {
    const match = /^(\s*)@(\^?)(\S*)/.exec(text.text);
    if (match === null) return text;
    const [whole, , negate = '', id = ''] = match;
    const matches = id === this.#options.configId;
    return matches !== (negate === '^') ? sliceText(text, whole.length) : undefined;
  }

  #processLine(input: SourceText, file: string, line: number, depth: number): void {
    const at = (index: number): SourceLocation => ({ file, line, column: input.columns[index] ?? index + 1 });
    const trimmed = input.text.trim();
    if (trimmed === '') return;
    if (/^~(SEQ|SEQx|LST)\(/.test(trimmed)) {
      this.#diag.warning(at(input.text.indexOf('~')), trimmed.slice(0, trimmed.indexOf('(')), 'Sequence and list lines are not supported yet; this line is ignored', {
        code: DiagnosticCode.unsupported,
      });
      return;
    }
    let text = input;
    for (let round = 0; ; round++) {
      if (round >= maxExpansionDepth) {
        this.#diag.error(at(0), '$', `Parameters expand more than ${maxExpansionDepth} levels deep; is one defined through itself?`, {
          code: DiagnosticCode.badValue,
        });
        return;
      }
      const substitution = this.#parameters.substitute(text, {
        directory: dirname(resolve(file)),
        configId: this.#options.configId,
        env: this.#options.env,
      });
      for (const problem of substitution.problems) {
        const where: SourceLocation = { file, line, column: text.columns[problem.index] ?? problem.index + 1 };
        const options = { code: DiagnosticCode.badValue, ...(problem.severity === 'error' ? { hint: 'define it with a "$NAME=value" line before it is used' } : {}) };
        if (problem.severity === 'error') this.#diag.error(where, problem.reference, problem.message, options);
        else this.#diag.warning(where, problem.reference, problem.message, { code: DiagnosticCode.unsupported });
      }
      text = substitution.result;
      if (!substitution.changed) break;
      if (text.text.includes('\n')) {
        // a multi-line value: each of its lines is a line of its own, read as if written here
        this.#processExpandedLines(text, file, line, depth);
        return;
      }
      // a value may start with `@id` (`$IF_MAIN=@main`) or define a parameter itself
      const conditioned = this.#applyCondition(text);
      if (conditioned === undefined) return;
      text = conditioned;
      const definition = parseDefinition(text.text);
      if (definition !== undefined) {
        this.#parameters.define(definition.name, definition.value);
        return;
      }
    }
    const tokens = splitWords(text, file, line);
    const [first] = tokens;
    if (first === undefined) return;
    if (!first.quoted && includeWords.has(first.text)) {
      this.#include(first, text, file);
      return;
    }
    if (tokens.length === 1 && !first.quoted && first.text === '...') {
      this.#diag.warning(first, '...', 'Elision mark, not a keyword; ignored', {
        code: DiagnosticCode.unsupported,
        hint: 'a "..." copied from documentation stands for lines left out',
      });
      return;
    }
    this.lines.push(tokens);
  }

  #processExpandedLines(text: SourceText, file: string, line: number, depth: number): void {
    if (depth >= maxExpansionDepth) {
      this.#diag.error({ file, line, column: text.columns[0] ?? 1 }, '$', `Parameters expand more than ${maxExpansionDepth} levels deep`, {
        code: DiagnosticCode.badValue,
      });
      return;
    }
    let start = 0;
    for (;;) {
      const end = text.text.indexOf('\n', start);
      const piece = sliceText(text, start, end === -1 ? undefined : end);
      const conditioned = this.#applyCondition(piece);
      if (conditioned !== undefined) {
        const definition = parseDefinition(conditioned.text);
        if (definition !== undefined) this.#parameters.define(definition.name, definition.value);
        else this.#processLine(conditioned, file, line, depth + 1);
      }
      if (end === -1) break;
      start = end + 1;
    }
  }

  /** `include PATTERN`: relative to the including file's directory, matches read in sorted order */
  #include(keyword: Token, text: SourceText, file: string): void {
    const start = text.columns.indexOf(keyword.column);
    const rest = text.text.slice((start === -1 ? 0 : start) + keyword.text.length).trim();
    const pattern = rest.replace(/^(["'])(.*)\1$/, '$2');
    if (pattern === '') {
      this.#diag.error(keyword, keyword.text, `"${keyword.text}" needs a file name or pattern`, { code: DiagnosticCode.arity });
      return;
    }
    const full = isAbsolute(pattern) ? pattern : resolve(dirname(resolve(file)), pattern);
    if (!globChars.test(pattern)) {
      this.#readIncluded(full, keyword);
      return;
    }
    const matches = this.#options.source.glob(full).sort();
    if (matches.length === 0) {
      this.#diag.warning(keyword, keyword.text, `Pattern "${pattern}" matches no file; nothing included`, { code: DiagnosticCode.include });
      return;
    }
    for (const match of matches) this.#readIncluded(match, keyword);
  }

  #readIncluded(path: string, keyword: Token): void {
    this.readFile(path, keyword, 'included file');
  }
}
