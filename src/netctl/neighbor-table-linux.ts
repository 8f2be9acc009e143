// NeighborTablePort over iproute2. `ip -j route get` names the interface (and says whether the
// address is on-link), `ip -j neigh show` gives the MAC; when there is no usable entry one
// `ping -c 1` makes the kernel send an ARP request and fill the table (arping would not: it
// answers from its own packet socket and leaves the table empty).
import { commandFailure, runCommand } from './command.ts';
import { NetctlError, NetctlErrorCode } from './errors.ts';
import { inNamespace, type NamespaceOption } from './netns.ts';
import { fail, ok, type HostResult } from './result.ts';
import type { Neighbor, NeighborTablePort } from './neighbor-table.ts';
import { isIPv4 } from 'node:net';

export interface LinuxNeighborTablePortOptions extends NamespaceOption {
  /** Per command. Default 3000 ms */
  readonly timeoutMs?: number;
  /** How long the probe waits for an answer, whole seconds. Default 1 */
  readonly probeWaitS?: number;
}

// Neighbour states whose lladdr can be used (FAILED and INCOMPLETE carry none worth trusting).
const usableStates = new Set(['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'PERMANENT', 'NOARP']);

export class LinuxNeighborTablePort implements NeighborTablePort {
  readonly #netns: string | undefined;
  readonly #timeoutMs: number;
  readonly #probeWaitS: number;

  constructor(options: LinuxNeighborTablePortOptions = {}) {
    this.#netns = options.netns;
    this.#timeoutMs = options.timeoutMs ?? 3000;
    this.#probeWaitS = options.probeWaitS ?? 1;
  }

  async resolve(address: string): Promise<HostResult<Neighbor | undefined>> {
    if (!isIPv4(address)) return fail(new NetctlError(NetctlErrorCode.unsupported, `Cannot resolve the MAC of "${address}": only IPv4 is supported`));
    try {
      const route = await this.#json(['ip', '-j', 'route', 'get', address], `find the route to "${address}"`);
      const [entry] = route as Array<{ dev?: string; gateway?: string; type?: string }>;
      // Through a gateway (or a local address) there is no frame to address to the host itself.
      if (entry?.dev === undefined || entry.gateway !== undefined || entry.type === 'local') return ok(undefined);
      const known = await this.#lookup(address, entry.dev);
      if (known !== undefined) return ok(known);
      await runCommand(inNamespace(this.#netns, ['ping', '-c', '1', '-W', String(this.#probeWaitS), '-I', entry.dev, address]), {
        timeoutMs: this.#probeWaitS * 1000 + this.#timeoutMs,
      });
      return ok(await this.#lookup(address, entry.dev));
    } catch (error) {
      return fail(error instanceof NetctlError ? error : new NetctlError(NetctlErrorCode.command, String(error), { cause: error }));
    }
  }

  async interfaceMac(interfaceName: string): Promise<HostResult<string>> {
    try {
      const links = (await this.#json(['ip', '-j', 'link', 'show', 'dev', interfaceName], `read the MAC of "${interfaceName}"`)) as Array<{ address?: string }>;
      const mac = links[0]?.address;
      if (mac === undefined) return fail(new NetctlError(NetctlErrorCode.invalid, `Cannot read the MAC of "${interfaceName}": it has none`));
      return ok(mac.toLowerCase());
    } catch (error) {
      return fail(error instanceof NetctlError ? error : new NetctlError(NetctlErrorCode.command, String(error), { cause: error }));
    }
  }

  async #lookup(address: string, interfaceName: string): Promise<Neighbor | undefined> {
    const entries = (await this.#json(['ip', '-j', 'neigh', 'show', 'to', address, 'dev', interfaceName], `read the neighbour entry of "${address}"`)) as Array<{
      lladdr?: string;
      state?: string[];
    }>;
    const usable = entries.find((entry) => entry.lladdr !== undefined && (entry.state ?? []).some((state) => usableStates.has(state)));
    return usable?.lladdr === undefined ? undefined : { address, interface: interfaceName, mac: usable.lladdr.toLowerCase() };
  }

  async #json(argv: readonly string[], what: string): Promise<unknown[]> {
    const result = await runCommand(inNamespace(this.#netns, argv), { timeoutMs: this.#timeoutMs });
    if (result.code !== 0 || result.timedOut) throw commandFailure(what, result);
    const text = result.stdout.trim();
    return text === '' ? [] : (JSON.parse(text) as unknown[]);
  }
}
