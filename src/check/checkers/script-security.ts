// keepalived's `enable_script_security` guard: a script run as root must not be replaceable by
// anyone else, so neither it nor any directory above it may be owned by, or writable by, a non-root
// user (keepalived/core/notify.c check_security). Sticky directories such as /tmp are allowed, as
// there only a file's owner can replace it.
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Stats } from 'node:fs';
import { errnoText } from './stream.ts';

export type ScriptSecurity = { readonly secure: true } | { readonly secure: false; readonly reason: string };

const groupWritable = 0o020;
const otherWritable = 0o002;
const sticky = 0o1000;

/**
 * Whether `script` (an absolute path) is safe to run as root: every component of the path as
 * written and of its symlink-resolved path is owned by root and, unless it is a sticky directory,
 * writable by neither a non-root group nor others. Symbolic links on the written path only need a
 * root owner (their mode means nothing); the resolved path must end in a regular file.
 */
export async function scriptIsSecure(script: string): Promise<ScriptSecurity> {
  if (!path.isAbsolute(script)) return { secure: false, reason: `Cannot check script "${script}": the path is not absolute` };
  const written = path.normalize(script);
  let resolved: string;
  try {
    resolved = await realpath(written);
  } catch (error) {
    return { secure: false, reason: `Cannot access script "${script}": ${errnoText(error)}` };
  }
  for (const [chain, isResolved] of [[written, false], [resolved, true]] as const) {
    if (isResolved && chain === written) continue;
    const components = prefixes(chain);
    for (const [index, component] of components.entries()) {
      let stats: Stats;
      try {
        stats = await lstat(component);
      } catch (error) {
        return { secure: false, reason: `Cannot access "${component}": ${errnoText(error)}` };
      }
      const last = index === components.length - 1;
      const problem = insecurity(component, stats, last, isResolved);
      if (problem !== undefined) return { secure: false, reason: `Script "${script}" is insecure: ${problem}` };
    }
  }
  return { secure: true };
}

/** "/", "/usr", "/usr/bin", "/usr/bin/x" */
function prefixes(absolute: string): string[] {
  const parts = absolute.split('/').filter((part) => part !== '');
  return ['/', ...parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`)];
}

function insecurity(component: string, stats: Stats, last: boolean, resolved: boolean): string | undefined {
  const expected = last ? stats.isFile() || (!resolved && stats.isSymbolicLink()) : stats.isDirectory() || (!resolved && stats.isSymbolicLink());
  if (!expected) return `"${component}" is not a ${last ? 'regular file' : 'directory'}`;
  if (stats.uid !== 0) return `"${component}" is owned by uid ${stats.uid}, not root`;
  if (stats.isSymbolicLink()) return undefined;
  if (stats.isDirectory() && (stats.mode & sticky) !== 0) return undefined;
  if ((stats.mode & otherWritable) !== 0) return `"${component}" is writable by others`;
  if (stats.gid !== 0 && (stats.mode & groupWritable) !== 0) return `"${component}" is writable by group ${stats.gid}`;
  return undefined;
}
