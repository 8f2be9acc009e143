// The handles a test holds: Switch and Host. Before `lab.up()` a Host records what it should
// have (links, loopback VIPs, routes, sysctls) in its model; afterwards it runs commands and
// processes inside its namespace. Import them through netns.ts.

import { run, runChecked, type RunResult } from './command.ts';
import type { HostProcess } from './host-process.ts';
import { assertCidr, assertSysctl, FIRST_PORT_IFINDEX, BRIDGE, type HostModel, type SwitchModel } from './lab-model.ts';
import { assertInterfaceName, switchPortName } from './netns-names.ts';
import { repoRoot } from './repo-paths.ts';

export interface LinkOptions {
  /** The interface name inside the host, e.g. "eth0". */
  readonly ifname: string;
  /** IPv4/IPv6 addresses in CIDR form, e.g. "198.51.100.10/24". */
  readonly addresses?: readonly string[];
  /** A fixed MAC address for the host end; the kernel picks a random one otherwise. */
  readonly mac?: string;
  readonly mtu?: number;
}

export interface RouteOptions {
  readonly via?: string;
  readonly dev?: string;
  readonly src?: string;
  readonly metric?: number;
}

export interface ExecOptions {
  /** Defaults to 10 s; the command's whole process group is killed then. */
  readonly timeoutMs?: number;
  readonly input?: string;
  /** Added to the environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Defaults to the repository root, so repo-relative paths work. */
  readonly cwd?: string;
}

export interface SpawnOptions {
  /** Names the process for `host.logs(name)` and its log file; defaults to the program's name. */
  readonly name?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Defaults to the repository root. */
  readonly cwd?: string;
}

/** What a Host handle needs from its lab. */
export interface LabContext {
  assertDeclaring(action: string): void;
  assertUp(action: string): void;
  switchModel(handle: Switch): SwitchModel;
  startProcess(host: HostModel, argv: readonly string[], options: SpawnOptions): HostProcess;
  processesNamed(host: HostModel, name: string): readonly HostProcess[];
}

// Environment variables that must not leak from the test process into programs under test:
// node:test sets NODE_TEST_CONTEXT in test files, and a Node program that sees it reports to
// the test runner's protocol instead of behaving as it would in production.
const TEST_RUNNER_ENV = ['NODE_TEST_CONTEXT'];

/** A switch: a Linux bridge in a namespace of its own. Created by `Lab.switch`. */
export class Switch {
  readonly name: string;
  readonly netns: string;
  readonly bridge = BRIDGE;

  constructor(name: string, netns: string) {
    this.name = name;
    this.netns = netns;
  }
}

/** A host: a network namespace with lo up and the interfaces it was linked with. */
export class Host {
  readonly name: string;
  readonly netns: string;
  #model: HostModel;
  #lab: LabContext;

  /** Created by `Lab.host`. */
  constructor(model: HostModel, lab: LabContext) {
    this.name = model.name;
    this.netns = model.netns;
    this.#model = model;
    this.#lab = lab;
  }

  /** Connects this host to `sw` with a veth pair whose host end is `options.ifname`. */
  link(sw: Switch, options: LinkOptions): this {
    this.#lab.assertDeclaring(`link host "${this.name}"`);
    assertInterfaceName(options.ifname);
    if (options.ifname === 'lo' || this.#model.links.some((link) => link.ifname === options.ifname)) {
      throw new Error(`Cannot add interface "${options.ifname}" to host "${this.name}": it already exists`);
    }
    for (const address of options.addresses ?? []) assertCidr(address);
    const switchNode = this.#lab.switchModel(sw);
    const portNumber = switchNode.ports.length + 1;
    switchNode.ports.push({
      name: switchPortName(this.name, options.ifname, portNumber),
      ifindex: FIRST_PORT_IFINDEX + portNumber,
      hostNetns: this.netns,
      ifname: options.ifname,
      mac: options.mac,
      mtu: options.mtu,
    });
    this.#model.links.push({ ifname: options.ifname, addresses: [...(options.addresses ?? [])] });
    return this;
  }

  /**
   * Puts `cidr` (a /32 when no length is given) on lo and sets arp_ignore=1, arp_announce=2 on
   * "all", lo and every link of this host: the LVS-DR real-server setup.
   */
  loopbackVip(cidr: string): this {
    this.#lab.assertDeclaring(`add a loopback VIP to host "${this.name}"`);
    const address = cidr.includes('/') ? cidr : `${cidr}/32`;
    assertCidr(address);
    this.#model.loopbackVips.push(address);
    return this;
  }

  /** Adds a route; `destination` is "default" or a prefix such as "203.0.113.0/24". */
  route(destination: string, options: RouteOptions): this {
    this.#lab.assertDeclaring(`add a route to host "${this.name}"`);
    if (destination !== 'default') assertCidr(destination);
    if (options.via === undefined && options.dev === undefined) {
      throw new Error(`Cannot add route "${destination}" to host "${this.name}": give "via" or "dev"`);
    }
    this.#model.routes.push({ destination, via: options.via, dev: options.dev, src: options.src, metric: options.metric });
    return this;
  }

  /**
   * Sets a sysctl inside this host when the lab comes up, e.g. ("net.ipv4.ip_forward", "1").
   * Use '/' as the separator for keys whose interface name contains a dot.
   */
  sysctl(key: string, value: string): this {
    this.#lab.assertDeclaring(`set a sysctl on host "${this.name}"`);
    assertSysctl(key, value);
    this.#model.sysctls.push([key, value]);
    return this;
  }

  /** The first address declared on `ifname` ("lo" gives the first loopback VIP), without its length. */
  addressOf(ifname: string): string {
    const addresses = ifname === 'lo' ? this.#model.loopbackVips : this.#model.links.find((link) => link.ifname === ifname)?.addresses;
    const first = addresses?.[0];
    if (first === undefined) throw new Error(`Cannot find an address on "${ifname}" of host "${this.name}"`);
    return first.slice(0, first.indexOf('/'));
  }

  /** The interface's MAC address as the kernel reports it, lowercase. */
  async macOf(ifname: string): Promise<string> {
    this.#lab.assertUp(`read the MAC of "${ifname}" on host "${this.name}"`);
    const result = await runChecked(['ip', '-n', this.netns, '-j', 'link', 'show', 'dev', ifname], { timeoutMs: 5_000 });
    const [link] = JSON.parse(result.stdout) as Array<{ address?: string }>;
    if (link?.address === undefined) throw new Error(`Cannot read the MAC of "${ifname}" on host "${this.name}"`);
    return link.address.toLowerCase();
  }

  /** Addresses configured now (on `ifname`, or on every interface), as "address/length". */
  async addresses(ifname?: string): Promise<string[]> {
    this.#lab.assertUp(`read the addresses of host "${this.name}"`);
    const argv = ['ip', '-n', this.netns, '-j', 'addr', 'show', ...(ifname === undefined ? [] : ['dev', ifname])];
    const result = await runChecked(argv, { timeoutMs: 5_000 });
    const links = JSON.parse(result.stdout) as Array<{ addr_info?: Array<{ local?: string; prefixlen?: number }> }>;
    return links.flatMap((link) => (link.addr_info ?? []).map((info) => `${info.local}/${info.prefixlen}`));
  }

  /**
   * Runs a command inside this host and resolves with its outcome; a non-zero exit is a result,
   * not an error. Killed (with its whole process group) after `timeoutMs`.
   */
  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<RunResult> {
    this.#lab.assertUp(`run "${argv.join(' ')}" on host "${this.name}"`);
    return run(['ip', 'netns', 'exec', this.netns, ...argv], {
      env: childEnv(options.env),
      cwd: options.cwd ?? repoRoot,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.input === undefined ? {} : { input: options.input }),
    });
  }

  /** Starts a tracked long-running process; see HostProcess. The lab stops it on `down()`. */
  spawn(argv: readonly string[], options: SpawnOptions = {}): HostProcess {
    this.#lab.assertUp(`start "${argv.join(' ')}" on host "${this.name}"`);
    return this.#lab.startProcess(this.#model, argv, options);
  }

  /** The latest process started under `name`. */
  process(name: string): HostProcess {
    const latest = this.#lab.processesNamed(this.#model, name).at(-1);
    if (latest === undefined) throw new Error(`Cannot find process "${name}" on host "${this.name}"`);
    return latest;
  }

  /** Output of every process started under `name` on this host, oldest first. */
  logs(name: string): string {
    const processes = this.#lab.processesNamed(this.#model, name);
    if (processes.length === 0) throw new Error(`Cannot find process "${name}" on host "${this.name}"`);
    return processes.map((started) => started.output).join('');
  }
}

/** The environment for a program run inside a host: ours plus `extra`, minus the test runner's. */
export function childEnv(extra: Readonly<Record<string, string>> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of TEST_RUNNER_ENV) delete env[name];
  return env;
}
