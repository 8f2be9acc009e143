// The script port: runs notify scripts (notify_master, notify_backup, notify_fault, notify) and
// track scripts (vrrp_script) with a time bound, optionally as another user.
// Implementations: script-linux.ts, script-fake.ts (tests).
import type { HostResult } from './result.ts';

export interface ScriptSpec {
  /** Program and arguments, already split (the config layer parses keepalived's quoting); no shell. */
  readonly argv: readonly string[];
  /** Killed (SIGTERM to its process group, SIGKILL after `killGraceMs`) after this long. */
  readonly timeoutMs: number;
  /** Default 1000 ms. */
  readonly killGraceMs?: number;
  /** A user name or uid (keepalived `script_user`); default: vigil's own user. */
  readonly user?: string;
  /** A group name or gid; default the user's primary group. */
  readonly group?: string;
  /** Added to vigil's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ScriptOutcome {
  /** Exit code, or null when a signal ended it (after a timeout, say). */
  readonly code: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
}

export interface ScriptPort {
  /**
   * Resolves with how the script ended; a non-zero exit or a timeout is an outcome (a failing
   * track script), not an error. Fails (never rejects) when the script cannot be started or the
   * user is unknown.
   */
  run(spec: ScriptSpec): Promise<HostResult<ScriptOutcome>>;
}
