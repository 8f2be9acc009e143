// Where the repository and its pinned Node binary are, resolved from this file rather than from
// the working directory, so tests behave the same whichever directory they are started from.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (this file is test/lib/repo-paths.ts). */
export const repoRoot: string = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The Node binary that commands spawned inside test hosts must use. `node` on PATH may be an
 * older release without type stripping, so the one pinned in package.json (the `node` npm
 * package) is preferred; the running binary is the fallback when node_modules lacks it.
 */
export const nodeBin: string = (() => {
  const pinned = fileURLToPath(new URL('../../node_modules/node/bin/node', import.meta.url));
  return existsSync(pinned) ? pinned : process.execPath;
})();

/** Absolute path of a file given relative to the repository root. */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(relative, new URL('../../', import.meta.url)));
}
