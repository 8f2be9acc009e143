// The runtime API's language, apart from its sockets: a registry of commands (each command group
// in its own file under commands/), access levels, and HAProxy's line protocol: commands on one
// line separated by `;` (`\;` is a literal semicolon), one answer each, an empty line after each
// answer, "Permission denied" below the command's level, "Unknown command" with suggestions.
import type { AdminContext } from './context.ts';

export type CliLevel = 'user' | 'operator' | 'admin';
export const levelRank: Readonly<Record<CliLevel, number>> = { user: 0, operator: 1, admin: 2 };

export interface CliSession {
  level: CliLevel;
  /** interactive mode (`prompt`): the connection stays open and a "> " prompt follows answers */
  prompt: boolean;
  /** set by `quit` */
  quit: boolean;
  readonly context: AdminContext;
}

export interface CliCommand {
  /** the fixed words that name it: ['show', 'servers', 'state'] */
  readonly words: readonly string[];
  /** the help line's left side: `show servers state [<backend>]` */
  readonly usage: string;
  readonly help: string;
  /** lowest level allowed; default `user` */
  readonly level?: CliLevel;
  /** the answer, each line ending with "\n" (empty for a silent success) */
  run(args: readonly string[], session: CliSession): string;
}

export class CommandRegistry {
  readonly #commands: CliCommand[] = [];

  add(...commands: readonly CliCommand[]): this {
    this.#commands.push(...commands);
    return this;
  }

  get commands(): readonly CliCommand[] {
    return this.#commands;
  }

  /** the command whose words start `words` (the longest such), and the words after them */
  find(words: readonly string[]): { command: CliCommand; args: readonly string[] } | undefined {
    let best: CliCommand | undefined;
    for (const command of this.#commands) {
      if (command.words.length > words.length) continue;
      if (!command.words.every((w, i) => words[i] === w)) continue;
      if (best === undefined || command.words.length > best.words.length) best = command;
    }
    return best === undefined ? undefined : { command: best, args: words.slice(best.words.length) };
  }

  helpLines(filter: (command: CliCommand) => boolean = () => true): string {
    // HAProxy lists commands alphabetically, then help, prompt and quit last
    const last = new Set(['help', 'prompt', 'quit']);
    const sorted = [...this.#commands].sort((a, b) => a.usage.localeCompare(b.usage));
    const ordered = [...sorted.filter((c) => !last.has(c.words[0] ?? '')), ...sorted.filter((c) => last.has(c.words[0] ?? ''))];
    return ordered
      .filter(filter)
      .map((c) => `  ${c.usage.padEnd(40)}: ${c.help}\n`)
      .join('');
  }
}

/** Splits a line into commands at unescaped `;`, and a command into words at blanks */
export function splitCommands(line: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (c === ';') {
      endWord();
      commands.push(words);
      words = [];
    } else if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  endWord();
  commands.push(words);
  return commands.filter((w) => w.length > 0);
}

const unknownTail = ['help', 'prompt', 'quit'];

/** the answers to one line, each followed by its empty line */
export function executeLine(line: string, session: CliSession, registry: CommandRegistry): string {
  let out = '';
  for (const words of splitCommands(line)) {
    out += `${answer(words, session, registry)}\n`;
    if (session.quit) break;
  }
  return out;
}

function answer(words: readonly string[], session: CliSession, registry: CommandRegistry): string {
  const found = registry.find(words);
  if (found === undefined) {
    const first = words[0] ?? '';
    const similar = registry.helpLines((c) => c.words[0] === first && !unknownTail.includes(first));
    const tail = registry.helpLines((c) => unknownTail.includes(c.words[0] ?? ''));
    return `Unknown command, but maybe one of the following ones is a better match:\n${similar}${tail}`;
  }
  if (levelRank[session.level] < levelRank[found.command.level ?? 'user']) return 'Permission denied\n';
  return found.command.run(found.args, session);
}
