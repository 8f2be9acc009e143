// ScriptPort over child_process.spawn: no shell, its own process group, a hard time bound.
// Users and groups resolve through NSS (getent), so LDAP users work as they do for keepalived.
// Inside a named namespace the script runs under `ip netns exec`, which needs root, and drops to
// the user with setpriv (util-linux) after entering it.
import { runCommand } from './command.ts';
import { NetctlError, NetctlErrorCode } from './errors.ts';
import { inNamespace, type NamespaceOption } from './netns.ts';
import { fail, ok, type HostResult } from './result.ts';
import type { ScriptOutcome, ScriptPort, ScriptSpec } from './script.ts';

interface Credentials {
  readonly uid?: number;
  readonly gid?: number;
}

export class LinuxScriptPort implements ScriptPort {
  readonly #netns: string | undefined;
  readonly #credentials = new Map<string, Promise<Credentials>>();

  constructor(options: NamespaceOption = {}) {
    this.#netns = options.netns;
  }

  async run(spec: ScriptSpec): Promise<HostResult<ScriptOutcome>> {
    if (spec.argv.length === 0 || spec.argv[0] === '') return fail(new NetctlError(NetctlErrorCode.invalid, 'Cannot run an empty script command'));
    let credentials: Credentials;
    try {
      credentials = await this.#resolve(spec.user, spec.group);
    } catch (error) {
      return fail(error as NetctlError);
    }
    let argv = spec.argv;
    let identity: Credentials = credentials;
    if (this.#netns !== undefined && (credentials.uid !== undefined || credentials.gid !== undefined)) {
      const setpriv = ['setpriv'];
      if (credentials.gid !== undefined) setpriv.push(`--regid=${String(credentials.gid)}`);
      if (credentials.uid !== undefined) setpriv.push(`--reuid=${String(credentials.uid)}`);
      argv = [...setpriv, '--clear-groups', '--', ...argv];
      identity = {};
    }
    try {
      const result = await runCommand(inNamespace(this.#netns, argv), {
        timeoutMs: spec.timeoutMs,
        ...(spec.killGraceMs === undefined ? {} : { killGraceMs: spec.killGraceMs }),
        env: { ...process.env, ...spec.env },
        ...identity,
      });
      return ok({ code: result.code, signal: result.signal, timedOut: result.timedOut, durationMs: result.durationMs });
    } catch (error) {
      return fail(error instanceof NetctlError ? error : new NetctlError(NetctlErrorCode.command, String(error), { cause: error }));
    }
  }

  /** Cached per user/group pair; a failed lookup is retried next time. */
  #resolve(user: string | undefined, group: string | undefined): Promise<Credentials> {
    if (user === undefined && group === undefined) return Promise.resolve({});
    const key = `${user ?? ''}:${group ?? ''}`;
    let pending = this.#credentials.get(key);
    if (pending === undefined) {
      pending = resolveCredentials(user, group);
      pending.catch(() => this.#credentials.delete(key));
      this.#credentials.set(key, pending);
    }
    return pending;
  }
}

async function resolveCredentials(user: string | undefined, group: string | undefined): Promise<Credentials> {
  let uid: number | undefined;
  let gid: number | undefined;
  if (user !== undefined) {
    const entry = await getent('passwd', user);
    if (entry === undefined && !/^\d+$/.test(user)) throw new NetctlError(NetctlErrorCode.invalid, `Cannot run a script as user "${user}": no such user`);
    uid = entry === undefined ? Number(user) : Number(entry[2]);
    if (entry !== undefined) gid = Number(entry[3]);
  }
  if (group !== undefined) {
    const entry = await getent('group', group);
    if (entry === undefined && !/^\d+$/.test(group)) throw new NetctlError(NetctlErrorCode.invalid, `Cannot run a script as group "${group}": no such group`);
    gid = entry === undefined ? Number(group) : Number(entry[2]);
  }
  return { ...(uid === undefined ? {} : { uid }), ...(gid === undefined ? {} : { gid }) };
}

/** The NSS entry split on ":", or undefined when there is none (getent exits 2). */
async function getent(database: 'passwd' | 'group', key: string): Promise<string[] | undefined> {
  const result = await runCommand(['getent', database, key], { timeoutMs: 5000 });
  if (result.code === 0) return result.stdout.split('\n')[0]?.split(':');
  if (result.code === 2) return undefined;
  throw new NetctlError(NetctlErrorCode.command, `Cannot look up ${database} entry "${key}": getent exited with ${String(result.code ?? result.signal)}`);
}
