// LinkPort over sysfs (and iproute2 for another namespace). Watching polls the link states
// (default every 500 ms) rather than parsing `ip monitor link`: a poll cannot lose sync with the
// kernel and restarts by itself. In its own namespace it reads /sys/class/net asynchronously:
// spawning `ip` twice a second from the VRRP thread stalled it for tens of milliseconds each time
// (fork copies the whole process's page tables), which showed as late adverts. keepalived reacts
// to netlink at once; 500 ms is well inside a 3 s master-down interval.
import { readdir, readFile } from 'node:fs/promises';
import { commandFailure, runCommand } from './command.ts';
import { NetctlError, NetctlErrorCode } from './errors.ts';
import { Listeners } from './listeners.ts';
import { inNamespace, type NamespaceOption } from './netns.ts';
import { fail, ok, type HostResult } from './result.ts';
import { linkChanged, type LinkChange, type LinkPort, type LinkState, type LinkWatch } from './link.ts';

export interface LinuxLinkPortOptions extends NamespaceOption {
  /** Default 500 ms. */
  readonly pollIntervalMs?: number;
  /** Per `ip` call. Default 5000 ms. */
  readonly timeoutMs?: number;
}

export class LinuxLinkPort implements LinkPort {
  readonly #netns: string | undefined;
  readonly #pollIntervalMs: number;
  readonly #timeoutMs: number;
  readonly #changeListeners = new Listeners<LinkChange>();
  readonly #errorListeners = new Listeners<NetctlError>();
  #known = new Map<string, LinkState>();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;

  constructor(options: LinuxLinkPortOptions = {}) {
    this.#netns = options.netns;
    this.#pollIntervalMs = options.pollIntervalMs ?? 500;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  async get(name: string): Promise<HostResult<LinkState | undefined>> {
    const links = await this.list();
    if (!links.ok) return links;
    return ok(links.value.find((link) => link.name === name));
  }

  async list(): Promise<HostResult<LinkState[]>> {
    if (this.#netns === undefined) return listFromSysfs();
    const argv = inNamespace(this.#netns, ['ip', '-json', 'link', 'show']);
    try {
      const result = await runCommand(argv, { timeoutMs: this.#timeoutMs });
      if (result.code !== 0 || result.timedOut) return fail(commandFailure('list the network links', result));
      return ok(parseLinks(result.stdout));
    } catch (error) {
      return fail(error instanceof NetctlError ? error : new NetctlError(NetctlErrorCode.command, String(error), { cause: error }));
    }
  }

  watch(listener: (change: LinkChange) => void, onError?: (error: NetctlError) => void): LinkWatch {
    // A new watcher hears the current links as appearances, from the next poll's snapshot.
    for (const state of this.#known.values()) queueMicrotask(() => listener({ interface: state.name, previous: undefined, current: state }));
    this.#changeListeners.add(listener);
    if (onError !== undefined) this.#errorListeners.add(onError);
    if (this.#timer === undefined && !this.#polling) void this.#poll();
    return {
      close: () => {
        this.#changeListeners.delete(listener);
        if (onError !== undefined) this.#errorListeners.delete(onError);
        if (this.#changeListeners.size === 0) this.#stop();
      },
    };
  }

  async #poll(): Promise<void> {
    this.#timer = undefined;
    this.#polling = true;
    const result = await this.list();
    this.#polling = false;
    if (this.#changeListeners.size === 0) return;
    if (result.ok) {
      const current = new Map(result.value.map((link) => [link.name, link]));
      for (const [name, state] of current) {
        const previous = this.#known.get(name);
        if (linkChanged(previous, state)) this.#changeListeners.emit({ interface: name, previous, current: state });
      }
      for (const [name, previous] of this.#known) {
        if (!current.has(name)) this.#changeListeners.emit({ interface: name, previous, current: undefined });
      }
      this.#known = current;
    } else {
      this.#errorListeners.emit(result.error);
    }
    if (this.#changeListeners.size === 0) return;
    this.#timer = setTimeout(() => void this.#poll(), this.#pollIntervalMs);
    // The watch alone never keeps the process alive; VRRP's own timers do while it runs.
    this.#timer.unref();
  }

  #stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#known = new Map();
  }
}

/** IFF_UP in /sys/class/net/IF/flags (include/uapi/linux/if.h) */
const IFF_UP = 0x1;

async function readText(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    // `carrier` cannot be read while the link is administratively down
    return undefined;
  }
}

/** The links of this thread's network namespace, from sysfs, without spawning anything */
async function listFromSysfs(): Promise<HostResult<LinkState[]>> {
  let names: string[];
  try {
    names = await readdir('/sys/class/net');
  } catch (error) {
    return fail(new NetctlError(NetctlErrorCode.command, `Cannot list the network links: ${String(error)}`, { cause: error }));
  }
  const links = await Promise.all(
    names.map(async (name): Promise<LinkState | undefined> => {
      const base = `/sys/class/net/${name}`;
      const [index, flags, carrier, operState, mac, mtu] = await Promise.all(
        ['ifindex', 'flags', 'carrier', 'operstate', 'address', 'mtu'].map((file) => readText(`${base}/${file}`)),
      );
      if (index === undefined) return undefined;
      const adminUp = ((Number.parseInt(flags ?? '0', 16) || 0) & IFF_UP) !== 0;
      return {
        name,
        index: Number(index),
        adminUp,
        up: adminUp && carrier === '1',
        operState: (operState ?? 'unknown').toUpperCase(),
        ...(mac === undefined || mac === '' ? {} : { mac }),
        ...(mtu === undefined ? {} : { mtu: Number(mtu) }),
      };
    }),
  );
  return ok(links.filter((link): link is LinkState => link !== undefined).sort((a, b) => a.index - b.index));
}

interface IpLink {
  readonly ifindex?: number;
  readonly ifname?: string;
  readonly flags?: readonly string[];
  readonly operstate?: string;
  readonly address?: string;
  readonly mtu?: number;
}

/** Parses `ip -json link show`; exported for tests. */
export function parseLinks(json: string): LinkState[] {
  return (JSON.parse(json) as IpLink[]).flatMap((link) => {
    if (link.ifname === undefined || link.ifindex === undefined) return [];
    const flags = link.flags ?? [];
    const adminUp = flags.includes('UP');
    return [
      {
        name: link.ifname,
        index: link.ifindex,
        adminUp,
        up: adminUp && flags.includes('LOWER_UP'),
        operState: link.operstate ?? 'UNKNOWN',
        ...(link.address === undefined ? {} : { mac: link.address.toLowerCase() }),
        ...(link.mtu === undefined ? {} : { mtu: link.mtu }),
      },
    ];
  });
}
