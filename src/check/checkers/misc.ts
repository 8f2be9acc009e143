// kind `misc`: keepalived MISC_CHECK, an external program whose exit status is the verdict
// (keepalived/check/check_misc.c). Without misc_dynamic: 0 passes, anything else fails. With
// misc_dynamic: 0 passes, 1 fails, 2..255 pass and ask for weight = status - 2.
//
// The program runs without a shell (misc_path is split like a simple shell command line) in its own
// process group, so a timeout reaches whatever it started: SIGTERM to the group at misc_timeout,
// SIGKILL to the group `killGraceMs` later, as keepalived does.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { registerChecker, type CheckSpec, type Checker, type CheckTarget, type CheckTimeouts } from '../checker.ts';
import { CheckStatus, type CheckOutcome } from '../outcome.ts';
import { findExecutable, splitCommandLine } from './command-line.ts';
import { ProbeFailure, runProbe, type ProbeResult } from './probe.ts';
import { scriptIsSecure } from './script-security.ts';
import { errnoText } from './stream.ts';

export interface MiscCheckSpec extends CheckSpec {
  readonly kind: 'misc';
  /** misc_path: a command line, split like a shell would for simple quoting; no shell runs it */
  readonly command: string;
  /** misc_timeout; default the engine's totalMs (keepalived: delay_loop) */
  readonly timeoutMs?: number;
  /** misc_dynamic */
  readonly dynamic?: boolean;
  /**
   * The real server's configured weight: with misc_dynamic, exit status 0 restores it, as
   * keepalived 2.2.7 does ("Changing weight from 10 to 5" after a script that exited 12 exits 0).
   * Without it, status 0 leaves the weight where the last 2..255 status put it.
   */
  readonly configuredWeight?: number;
  /** `user <name|uid> [<group|gid>]`; without a group, the user's primary group */
  readonly user?: string;
  readonly group?: string;
  /** global `enable_script_security`: refuse an insecure script that would run as root */
  readonly scriptSecurity?: boolean;
  /** delay between SIGTERM and SIGKILL after a timeout; default 2000 (keepalived's) */
  readonly killGraceMs?: number;
}

interface Credentials {
  readonly uid?: number;
  readonly gid?: number;
}

const defaultKillGraceMs = 2000;

export class MiscChecker implements Checker {
  readonly kind = 'misc';
  readonly description: string;
  readonly #spec: MiscCheckSpec;
  readonly #argv: readonly string[];
  #credentials: Promise<Credentials> | undefined;

  constructor(spec: MiscCheckSpec) {
    this.#spec = spec;
    this.#argv = splitCommandLine(spec.command);
    if (this.#argv.length === 0) throw new Error(`Cannot run misc_path "${spec.command}": it is empty`);
    this.description = `MISC_CHECK ${spec.command}`;
  }

  run(_target: CheckTarget, timeouts: CheckTimeouts, signal: AbortSignal): Promise<CheckOutcome> {
    const timeoutMs = this.#spec.timeoutMs ?? timeouts.totalMs;
    const graceMs = this.#spec.killGraceMs ?? defaultKillGraceMs;
    // The script's own timeout is handled below; this deadline only catches a child that ignores SIGKILL
    const options = { totalMs: timeoutMs + graceMs + 1000, signal, abortedStatus: CheckStatus.processError, errorStatus: CheckStatus.processError };
    return runProbe(options, async (probe) => {
      const [name = '', ...args] = this.#argv;
      const file = await findExecutable(name);
      if (file === undefined) return { status: CheckStatus.processError, info: `Cannot find script "${name}" in PATH` };
      const credentials = await this.#resolveCredentials();
      if (this.#spec.scriptSecurity === true && (credentials.uid ?? process.getuid?.()) === 0) {
        const verdict = await scriptIsSecure(file.startsWith('/') ? file : `${process.cwd()}/${file}`);
        if (!verdict.secure) return { status: CheckStatus.processError, info: verdict.reason };
      }

      let child: ChildProcess;
      try {
        child = spawn(file, args, { argv0: name, detached: true, stdio: 'ignore', ...credentials });
      } catch (error) {
        return { status: CheckStatus.processError, info: `Cannot run script "${name}": ${errnoText(error)}` };
      }
      let running = true;
      const killGroup = (signalName: NodeJS.Signals): void => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, signalName);
        } catch {
          // the group is already gone
        }
      };
      // Whatever ends the probe (abort, the safety deadline), the process group does not outlive it
      probe.defer(() => {
        if (running) killGroup('SIGKILL');
      });

      let timedOut = false;
      probe.timer(timeoutMs, () => {
        timedOut = true;
        killGroup('SIGTERM');
        probe.timer(graceMs, () => killGroup('SIGKILL'));
      });

      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
        child.once('error', (error) => reject(new ProbeFailure(CheckStatus.processError, `Cannot run script "${name}": ${errnoText(error)}`)));
        child.once('exit', (code, signalName) => resolve({ code, signal: signalName }));
      });
      const exit = await probe.within(
        ended,
        () => new ProbeFailure(CheckStatus.processTimeout, `Script timed out after ${timeoutMs} ms and survived SIGKILL`),
      );
      running = false;

      if (timedOut) {
        // children that ignored SIGTERM while their parent died of it go too, as keepalived does
        killGroup('SIGKILL');
        return { status: CheckStatus.processTimeout, info: `Script timed out after ${timeoutMs} ms` };
      }
      if (exit.code === null) return { status: CheckStatus.processError, info: `Script killed by signal ${exit.signal ?? 'unknown'}` };
      return this.#verdict(exit.code);
    });
  }

  #verdict(code: number): ProbeResult {
    const info = `Script exited with status ${code}`;
    if (code === 0) {
      const restore = this.#spec.dynamic === true && this.#spec.configuredWeight !== undefined ? { weight: this.#spec.configuredWeight } : {};
      return { status: CheckStatus.processOk, info, code, ...restore };
    }
    if (this.#spec.dynamic === true && code >= 2 && code <= 255) {
      const weight = code - 2;
      return { status: CheckStatus.processOk, info: `${info} (weight ${weight})`, code, weight };
    }
    return { status: CheckStatus.processError, info, code };
  }

  /** user/group names resolved once through NSS (getent), so LDAP users work as they do for keepalived */
  #resolveCredentials(): Promise<Credentials> {
    const { user, group } = this.#spec;
    if (user === undefined && group === undefined) return Promise.resolve({});
    this.#credentials ??= resolveCredentials(user, group).catch((error: unknown) => {
      this.#credentials = undefined;
      throw error;
    });
    return this.#credentials;
  }
}

async function resolveCredentials(user: string | undefined, group: string | undefined): Promise<Credentials> {
  let uid: number | undefined;
  let gid: number | undefined;
  if (user !== undefined) {
    const entry = await getent('passwd', user);
    if (entry === undefined && !/^\d+$/.test(user)) throw new ProbeFailure(CheckStatus.processError, `Cannot find user "${user}"`);
    uid = entry === undefined ? Number(user) : Number(entry[2]);
    if (entry !== undefined) gid = Number(entry[3]);
  }
  if (group !== undefined) {
    const entry = await getent('group', group);
    if (entry === undefined && !/^\d+$/.test(group)) throw new ProbeFailure(CheckStatus.processError, `Cannot find group "${group}"`);
    gid = entry === undefined ? Number(group) : Number(entry[2]);
  }
  return { ...(uid !== undefined ? { uid } : {}), ...(gid !== undefined ? { gid } : {}) };
}

/** One NSS entry split on ":", or undefined when getent knows no such key */
function getent(database: 'passwd' | 'group', key: string): Promise<string[] | undefined> {
  return new Promise((resolve, reject) => {
    execFile('getent', [database, key], { timeout: 5000 }, (error, stdout) => {
      if (error === null) {
        resolve(stdout.split('\n')[0]?.split(':'));
        return;
      }
      // getent exits 2 for "no such key"; anything else is a failure to look up
      if (error.code === 2) resolve(undefined);
      else reject(new ProbeFailure(CheckStatus.processError, `Cannot look up ${database} entry "${key}": ${error.message}`));
    });
  });
}

registerChecker('misc', (spec) => new MiscChecker(spec as MiscCheckSpec));
