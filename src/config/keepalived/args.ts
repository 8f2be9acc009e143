// Reading a keyword's arguments with ../values.ts and reporting failures at the offending word,
// named after the keyword. Every helper returns undefined after reporting, so a handler simply
// skips the assignment and the pass goes on to the next line.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import type { ConfigNode, KeywordLine } from '../keywords.ts';
import type { Requirements } from '../requirements.ts';
import type { Token } from '../token.ts';
import {
  parseBoolean,
  parseChoice,
  parseDecimal,
  parseInteger,
  parseIp,
  parseIpPrefix,
  parsePort,
  type IntegerRange,
  type IpAddress,
  type IpPrefix,
  type Parsed,
} from '../values.ts';
import type { KeepalivedConfig, RawLine, ScriptCommand } from './model.ts';

/** What every handler can reach: the model being filled and the host facts it depends on */
export interface LoadState {
  readonly config: KeepalivedConfig;
  readonly requirements: Requirements;
}

export function report<T>(parsed: Parsed<T>, token: Token, line: KeywordLine, diag: Diagnostics): T | undefined {
  if (parsed.ok) return parsed.value;
  diag.error(token, line.fullName, parsed.message, {
    code: DiagnosticCode.badValue,
    ...(parsed.hint === undefined ? {} : { hint: parsed.hint }),
  });
  return undefined;
}

function argument(line: KeywordLine, index: number): Token | undefined {
  return line.args[index];
}

export function integerArg(line: KeywordLine, diag: Diagnostics, range: IntegerRange, what: string, index = 0): number | undefined {
  const token = argument(line, index);
  return token === undefined ? undefined : report(parseInteger(token.text, range, what), token, line, diag);
}

/** keepalived timers are seconds with an optional fraction; the model keeps milliseconds */
export function secondsArg(line: KeywordLine, diag: Diagnostics, what: string, range: IntegerRange = { min: 0 }, index = 0): number | undefined {
  const token = argument(line, index);
  if (token === undefined) return undefined;
  const seconds = report(parseDecimal(token.text, range, what), token, line, diag);
  return seconds === undefined ? undefined : Math.round(seconds * 1_000_000) / 1000;
}

export function choiceArg<T extends string>(line: KeywordLine, diag: Diagnostics, choices: readonly T[], what: string, index = 0): T | undefined {
  const token = argument(line, index);
  return token === undefined ? undefined : report(parseChoice(token.text, choices, what), token, line, diag);
}

export function ipArg(line: KeywordLine, diag: Diagnostics, what = 'address', index = 0): IpAddress | undefined {
  const token = argument(line, index);
  return token === undefined ? undefined : report(parseIp(token.text, what), token, line, diag);
}

export function ipToken(token: Token, line: KeywordLine, diag: Diagnostics, what = 'address'): IpAddress | undefined {
  return report(parseIp(token.text, what), token, line, diag);
}

export function ipPrefixToken(token: Token, line: KeywordLine, diag: Diagnostics, what = 'address'): IpPrefix | undefined {
  return report(parseIpPrefix(token.text, what), token, line, diag);
}

export function portToken(token: Token, line: KeywordLine, diag: Diagnostics, what = 'port'): number | undefined {
  return report(parsePort(token.text, what), token, line, diag);
}

/** keepalived flags take an optional <BOOL>: `alpha` and `alpha yes` mean the same */
export function flagArg(line: KeywordLine, diag: Diagnostics, index = 0): boolean | undefined {
  const token = argument(line, index);
  return token === undefined ? true : report(parseBoolean(token.text, line.fullName), token, line, diag);
}

export function stringArg(line: KeywordLine, index = 0): string | undefined {
  return argument(line, index)?.text;
}

/** `username [:][groupname]` after a script, or as script_user / user */
export function userArgs(tokens: readonly Token[]): { readonly user: string; readonly group?: string } | undefined {
  const [user, group] = tokens;
  if (user === undefined) return undefined;
  // `user:group` written as one word, or `user :group`
  const [name = '', glued] = user.text.split(':', 2);
  const groupText = glued !== undefined && glued !== '' ? glued : group?.text.replace(/^:/, '');
  return groupText === undefined || groupText === '' ? { user: name } : { user: name, group: groupText };
}

const shellSyntax = /^[<>|&(;]/;

/**
 * `notify_master "/path/script arg" [user [group]]`: the first argument is the command (quoted
 * when it has arguments), the rest who runs it. Records the executable and the user for the
 * machine check, unless the command is shell syntax rather than a program.
 */
export function scriptArg(line: KeywordLine, diag: Diagnostics, state: LoadState): ScriptCommand | undefined {
  const [commandToken, ...userTokens] = line.args;
  if (commandToken === undefined) return undefined;
  const words = splitCommand(commandToken.text);
  const [path = '', ...args] = words;
  if (path === '') {
    diag.error(commandToken, line.fullName, `"${line.fullName}" has an empty command`, { code: DiagnosticCode.badValue });
    return undefined;
  }
  const user = userArgs(userTokens);
  if (!shellSyntax.test(path)) state.requirements.need('executable', path, commandToken, line.fullName);
  if (user !== undefined) state.requirements.need('user', user.user, userTokens[0] ?? commandToken, line.fullName);
  if (user?.group !== undefined) state.requirements.need('group', user.group, userTokens[0] ?? commandToken, line.fullName);
  return {
    command: commandToken.text,
    path,
    args,
    ...(user === undefined ? {} : { user: user.user }),
    ...(user?.group === undefined ? {} : { group: user.group }),
    at: { file: commandToken.file, line: commandToken.line, column: commandToken.column },
  };
}

/** keepalived splits a script's command on spaces, with single quotes keeping spaces in a word */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (const ch of command) {
    if (ch === "'") {
      quoted = !quoted;
      inWord = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** `weight N [reverse|noreverse]` at args[index]: the shape track_* lines and vrrp_script share */
export function weightArgs(
  tokens: readonly Token[],
  line: KeywordLine,
  diag: Diagnostics,
  range: IntegerRange,
): { weight?: number; reverse: boolean } | undefined {
  const [valueToken, modifier, extra] = tokens;
  if (valueToken === undefined) {
    diag.error(line.keyword, line.fullName, '"weight" needs a number', { code: DiagnosticCode.arity });
    return undefined;
  }
  const weight = report(parseInteger(valueToken.text, range, 'weight'), valueToken, line, diag);
  if (weight === undefined) return undefined;
  let reverse = false;
  if (modifier !== undefined) {
    const mode = report(parseChoice(modifier.text, ['reverse', 'noreverse'] as const, 'weight modifier'), modifier, line, diag);
    if (mode === undefined) return undefined;
    reverse = mode === 'reverse';
  }
  if (extra !== undefined) {
    diag.error(extra, line.fullName, `Unexpected "${extra.text}" after the weight`, { code: DiagnosticCode.arity });
    return undefined;
  }
  return { weight, reverse };
}

/**
 * The lines of a free-form list block (virtual_ipaddress, track_script, ...), each as a
 * KeywordLine whose keyword is the line's first word. Reports a missing block or a nested one.
 */
export function listItems(line: KeywordLine, diag: Diagnostics): KeywordLine[] {
  if (line.children === undefined) {
    diag.error(line.keyword, line.fullName, `"${line.fullName}" needs a { } block with one entry a line`, { code: DiagnosticCode.structure });
    return [];
  }
  if (line.args.length > 0) {
    const [extra] = line.args;
    if (extra !== undefined) diag.error(extra, line.fullName, `"${line.fullName}" takes no arguments before its block`, { code: DiagnosticCode.arity });
  }
  const items: KeywordLine[] = [];
  for (const node of line.children) {
    if (node.children !== undefined) {
      diag.error(node.keyword, line.fullName, `An entry of "${line.fullName}" cannot have a { } block`, { code: DiagnosticCode.structure });
      continue;
    }
    items.push(itemLine(node, line.fullName));
  }
  return items;
}

function itemLine(node: ConfigNode, owner: string): KeywordLine {
  return { keyword: node.keyword, args: node.args, fullName: owner };
}

/** A note where an old keyword name was used whose meaning moved; silent for the current name */
export function noteOldName(line: KeywordLine, diag: Diagnostics, oldName: string, message: string): void {
  if (line.keyword.text !== oldName) return;
  diag.note(line.keyword, line.keyword.text, message, { code: DiagnosticCode.deprecated });
}

/** A list block kept as written (routes, rules): each line's words and where it starts */
export function rawListLines(line: KeywordLine, diag: Diagnostics): RawLine[] {
  return listItems(line, diag).map((item) => ({
    words: [item.keyword, ...item.args].map((token) => token.text),
    at: { file: item.keyword.file, line: item.keyword.line, column: item.keyword.column },
  }));
}
