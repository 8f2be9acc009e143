// NeighborAnnouncePort over iputils-arping: `arping -U -c N -I IF -s VIP VIP` sends N
// unsolicited (gratuitous) ARP requests from and for the VIP, with the interface's MAC. Spawned
// asynchronously: a synchronous arping would hold up VRRP adverts for the whole burst.
//
// IPv6 unsolicited Neighbor Advertisements are not sent: no standard Debian tool sends them
// (ndisc6 only solicits). Until the addon grows an ICMPv6 socket, this reports "unsupported";
// setting net.ipv6.conf.<if>.ndisc_notify=1 makes the kernel announce addresses it adds.
import { isIP } from 'node:net';
import { commandFailure, runCommand } from './command.ts';
import { NetctlError, NetctlErrorCode } from './errors.ts';
import { inNamespace, type NamespaceOption } from './netns.ts';
import { fail, ok, type HostResult } from './result.ts';
import { DEFAULT_ANNOUNCE_COUNT, type AnnounceOutcome, type AnnounceSpec, type NeighborAnnouncePort } from './neighbor-announce.ts';

export interface LinuxNeighborAnnouncePortOptions extends NamespaceOption {
  /** The arping program; default "arping" on PATH. */
  readonly arping?: string;
}

export class LinuxNeighborAnnouncePort implements NeighborAnnouncePort {
  readonly #netns: string | undefined;
  readonly #arping: string;

  constructor(options: LinuxNeighborAnnouncePortOptions = {}) {
    this.#netns = options.netns;
    this.#arping = options.arping ?? 'arping';
  }

  async announce(spec: AnnounceSpec): Promise<HostResult<AnnounceOutcome>> {
    const what = `announce "${spec.address}" on "${spec.interface}"`;
    const family = isIP(spec.address);
    if (family === 0) return fail(new NetctlError(NetctlErrorCode.invalid, `Cannot ${what}: "${spec.address}" is not an IP address`));
    if (family === 6) {
      return fail(new NetctlError(NetctlErrorCode.unsupported, `Cannot ${what}: unsolicited Neighbor Advertisements are not supported yet (set net.ipv6.conf.${spec.interface}.ndisc_notify=1)`));
    }
    const count = spec.count ?? DEFAULT_ANNOUNCE_COUNT;
    if (!Number.isInteger(count) || count < 1) return fail(new NetctlError(NetctlErrorCode.invalid, `Cannot ${what}: count ${String(count)} is not a positive integer`));
    const intervalMs = spec.intervalMs ?? 0;

    // iputils-arping sends one packet per second at most (its -i takes whole seconds, and -i 0
    // never exits), and lingers a second after its last packet. So: whole-second gaps are one
    // arping -c N -i S; anything faster (keepalived's default is back to back) is one
    // `arping -c 1` per packet, started intervalMs apart, all lingering in parallel.
    const runs: Array<Promise<HostResult<number>>> = [];
    if (intervalMs >= 1000 && intervalMs % 1000 === 0) {
      runs.push(this.#arpingRun(what, spec, count, intervalMs / 1000));
    } else {
      for (let i = 0; i < count; i++) {
        if (i > 0 && intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
        runs.push(this.#arpingRun(what, spec, 1, 1));
      }
    }
    let sent = 0;
    for (const result of await Promise.all(runs)) {
      if (!result.ok) return result;
      sent += result.value;
    }
    return ok({ sent });
  }

  async #arpingRun(what: string, spec: AnnounceSpec, count: number, intervalSeconds: number): Promise<HostResult<number>> {
    const argv = inNamespace(this.#netns, [this.#arping, '-q', '-U', '-c', String(count), '-i', String(intervalSeconds), '-I', spec.interface, '-s', spec.address, spec.address]);
    try {
      const result = await runCommand(argv, { timeoutMs: 5000 + count * intervalSeconds * 1000 });
      // In -U mode arping expects no replies and exits 0 once it has sent everything.
      if (result.code !== 0 || result.timedOut) return fail(commandFailure(what, result));
      return ok(count);
    } catch (error) {
      return fail(error instanceof NetctlError ? error : new NetctlError(NetctlErrorCode.command, String(error), { cause: error }));
    }
  }
}
