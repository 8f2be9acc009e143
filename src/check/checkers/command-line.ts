// Splits a command line into argv the way a POSIX shell would for simple quoting, without running a
// shell: keepalived's misc_path is one string, and running it through /bin/sh would make every
// check a shell injection point and hide the script's exit status behind the shell's.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';

/**
 * Words are separated by unquoted blanks. '...' keeps everything literally; "..." keeps everything
 * but lets a backslash escape " \ $ and `; an unquoted backslash escapes the next character.
 * Expansions ($VAR, globs, ~) are not performed. Throws on an unterminated quote or escape.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const char = line.charAt(i);
    if (char === ' ' || char === '\t' || char === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (char === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw new Error(`Cannot split command line "${line}": unterminated single quote`);
      word += line.slice(i + 1, close);
      i = close;
    } else if (char === '"') {
      let j = i + 1;
      for (; j < line.length && line.charAt(j) !== '"'; j++) {
        const c = line.charAt(j);
        const next = line.charAt(j + 1);
        if (c === '\\' && (next === '"' || next === '\\' || next === '$' || next === '`')) {
          word += next;
          j++;
        } else {
          word += c;
        }
      }
      if (j >= line.length) throw new Error(`Cannot split command line "${line}": unterminated double quote`);
      i = j;
    } else if (char === '\\') {
      if (i + 1 >= line.length) throw new Error(`Cannot split command line "${line}": it ends with a backslash`);
      word += line.charAt(i + 1);
      i++;
    } else {
      word += char;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * Where a command without a slash is found: the first executable regular file of that name in the
 * PATH directories, as execvp would pick it. Returns undefined when there is none.
 */
export async function findExecutable(name: string, searchPath: string = process.env['PATH'] ?? '/usr/bin:/bin'): Promise<string | undefined> {
  if (name.includes('/')) return name;
  for (const directory of searchPath.split(':')) {
    const candidate = `${directory === '' ? '.' : directory}/${name}`;
    try {
      if (!(await stat(candidate)).isFile()) continue;
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here: try the next directory
    }
  }
  return undefined;
}
