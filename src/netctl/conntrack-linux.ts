// ConntrackPort reading /proc/net/nf_conntrack, which the kernel shows per network namespace
// (so it is read by a `cat` run inside the namespace, not by this process). Chosen over the
// conntrack tool: no extra package, and the file exists wherever nf_conntrack is loaded with
// CONFIG_NF_CONNTRACK_PROCFS (Debian's kernels). Without it the call fails with code
// unsupported, and counters report no connection figures.
import { commandFailure, runCommand } from './command.ts';
import { NetctlError, NetctlErrorCode } from './errors.ts';
import { inNamespace, type NamespaceOption } from './netns.ts';
import { fail, ok, type HostResult } from './result.ts';
import { parseConntrack, type ConntrackEntry, type ConntrackPort } from './conntrack.ts';

export interface LinuxConntrackPortOptions extends NamespaceOption {
  /** Default 5000 ms */
  readonly timeoutMs?: number;
}

const conntrackFile = '/proc/net/nf_conntrack';

export class LinuxConntrackPort implements ConntrackPort {
  readonly #netns: string | undefined;
  readonly #timeoutMs: number;

  constructor(options: LinuxConntrackPortOptions = {}) {
    this.#netns = options.netns;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  async list(): Promise<HostResult<ConntrackEntry[]>> {
    try {
      const result = await runCommand(inNamespace(this.#netns, ['cat', conntrackFile]), { timeoutMs: this.#timeoutMs });
      if (result.code !== 0 && /No such file/.test(result.stderr)) {
        return fail(new NetctlError(NetctlErrorCode.unsupported, `Cannot read the conntrack table: ${conntrackFile} does not exist (nf_conntrack not loaded, or no procfs support)`));
      }
      if (result.code !== 0 || result.timedOut) return fail(commandFailure('read the conntrack table', result));
      return ok(parseConntrack(result.stdout));
    } catch (error) {
      return fail(error instanceof NetctlError ? error : new NetctlError(NetctlErrorCode.command, String(error), { cause: error }));
    }
  }
}
