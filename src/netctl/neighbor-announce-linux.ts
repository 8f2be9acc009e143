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

// arping's own minimum gap between packets, in seconds, when asked for back-to-back packets:
// iputils refuses an interval of 0 for non-root users and rounds tiny ones; 10 ms is harmless.
const minimumIntervalSeconds = 0.01;

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
    const intervalSeconds = Math.max(minimumIntervalSeconds, (spec.intervalMs ?? 0) / 1000);
    const argv = inNamespace(this.#netns, [this.#arping, '-q', '-U', '-c', String(count), '-i', String(intervalSeconds), '-I', spec.interface, '-s', spec.address, spec.address]);
    try {
      // A burst takes count x interval; allow that plus slack for a slow start.
      const result = await runCommand(argv, { timeoutMs: 5000 + count * intervalSeconds * 1000 });
      // iputils-arping in -U mode exits 0 when it sent everything (no replies are expected).
      if (result.code !== 0 || result.timedOut) return fail(commandFailure(what, result));
      return ok({ sent: count });
    } catch (error) {
      return fail(error instanceof NetctlError ? error : new NetctlError(NetctlErrorCode.command, String(error), { cause: error }));
    }
  }
}
