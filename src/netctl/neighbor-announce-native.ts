// NeighborAnnouncePort through the VRRP addon's packet socket: gratuitous ARPs without spawning
// arping. The VRRP thread uses this one: a spawn forks the whole (large) vigil process and stalls
// the calling thread for tens of milliseconds, long enough to make adverts late.
import { isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { NetctlError, NetctlErrorCode } from './errors.ts';
import type { VrrpAddon } from './native-addon.ts';
import type { AnnounceOutcome, AnnounceSpec, NeighborAnnouncePort } from './neighbor-announce.ts';
import { fail, ok, type HostResult } from './result.ts';

export class NativeNeighborAnnouncePort implements NeighborAnnouncePort {
  readonly #addon: VrrpAddon;

  constructor(addon: VrrpAddon) {
    this.#addon = addon;
  }

  async announce(spec: AnnounceSpec): Promise<HostResult<AnnounceOutcome>> {
    const what = `announce "${spec.address}" on "${spec.interface}"`;
    const family = isIP(spec.address);
    if (family === 0) return fail(new NetctlError(NetctlErrorCode.invalid, `Cannot ${what}: "${spec.address}" is not an IP address`));
    if (family === 6) {
      return fail(new NetctlError(NetctlErrorCode.unsupported, `Cannot ${what}: unsolicited Neighbor Advertisements are not supported yet (set net.ipv6.conf.${spec.interface}.ndisc_notify=1)`));
    }
    const count = spec.count ?? 5;
    const interval = spec.intervalMs ?? 0;
    for (let i = 0; i < count; i++) {
      const errno = this.#addon.sendGratuitousArp(spec.interface, spec.address);
      if (errno !== 0) return fail(new NetctlError(NetctlErrorCode.socket, `Cannot ${what}: sendto failed (errno ${errno})`));
      if (interval > 0 && i + 1 < count) await sleep(interval);
    }
    return ok({ sent: count });
  }
}
