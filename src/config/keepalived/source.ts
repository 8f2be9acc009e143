// The only place the reader touches the file system, behind a port so tests can use temp dirs or
// an in-memory file map.
import { globSync, readFileSync } from 'node:fs';

export type ReadResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

export interface SourcePort {
  /** reads a whole file as UTF-8; a missing or unreadable file is a result, not an exception */
  readFile(path: string): ReadResult;
  /** absolute paths matching an absolute glob pattern, in any order */
  glob(pattern: string): string[];
}

export const nodeSource: SourcePort = {
  readFile(path) {
    try {
      return { ok: true, text: readFileSync(path, 'utf8') };
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : String(error);
      return { ok: false, reason: code };
    }
  },
  glob(pattern) {
    try {
      return globSync(pattern);
    } catch {
      return [];
    }
  },
};
