// A declarative network lab for end-to-end tests: hosts and switches, each in its own network
// namespace, built from a description and torn down whatever happens to the test.
//
//   const lab = await Lab.create('case2');
//   const lan = lab.switch('lan');
//   const web1 = lab.host('web1');
//   web1.link(lan, { ifname: 'eth0', addresses: ['198.51.100.100/24'] });
//   web1.loopbackVip('198.51.100.15/32');
//   await lab.up();
//   const page = await client.exec(['curl', '-s', 'http://198.51.100.100/']);
//   await lab.down();
//
// Why the switch is a bridge in a namespace of its own: nothing is created in the root namespace
// at all. Each veth pair is created directly between a switch namespace and a host namespace,
// so the machine's own interfaces, routes, bridges and sysctls are never touched, no name can
// clash with the machine's, and deleting the lab's namespaces deletes every interface it made
// (a veth dies with either end's namespace; the bridge dies with the switch's).
//
// This module is the harness's entry point: it re-exports the Host and Switch handles.

import { mkdtemp, appendFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runChecked } from './command.ts';
import { HostProcess, describeStatus } from './host-process.ts';
import { Host, Switch, childEnv, type LabContext, type SpawnOptions } from './lab-host.ts';
import { hostCommands, hostSysctls, routeCommand, switchCommands, type HostModel, type SwitchModel } from './lab-model.ts';
import { registerLab, unregisterLab, removeNamespaces, sweepStaleNamespaces, type LiveLab } from './netns-cleanup.ts';
import { assertNodeName, labPrefix } from './netns-names.ts';
import { repoRoot } from './repo-paths.ts';
import { waitFor } from './wait.ts';

export { Host, Switch } from './lab-host.ts';
export type { ExecOptions, LinkOptions, RouteOptions, SpawnOptions } from './lab-host.ts';
export { HostProcess } from './host-process.ts';
export type { ExitStatus } from './host-process.ts';
export type { RunResult } from './command.ts';

export interface LabOptions {
  /** Where the lab's log directory is created. Defaults to the system temp directory. */
  readonly logRoot?: string;
}

export type LabState = 'declaring' | 'starting' | 'up' | 'down';

export class Lab {
  readonly name: string;
  /** Every namespace of this lab is named `<prefix><host or switch>`. */
  readonly prefix: string;
  /** Holds `setup.log` and one `<host>.<process>.log` per spawned process. */
  readonly logDir: string;

  #live: LiveLab;
  #state: LabState = 'declaring';
  #hosts = new Map<string, { handle: Host; model: HostModel }>();
  #switches = new Map<string, { handle: Switch; model: SwitchModel }>();
  #processes: Array<{ host: HostModel; process: HostProcess }> = [];
  #building: Promise<void> | undefined;
  #down: Promise<void> | undefined;

  private constructor(name: string, live: LiveLab, logDir: string) {
    this.name = name;
    this.#live = live;
    this.prefix = labPrefix(process.pid, live.labId);
    this.logDir = logDir;
  }

  /**
   * Starts describing a lab. First removes namespaces left by crashed runs (see
   * sweepStaleNamespaces), then reserves this lab's prefix and creates its log directory.
   */
  static async create(name: string, options: LabOptions = {}): Promise<Lab> {
    const live = registerLab();
    try {
      await sweepStaleNamespaces();
      const safeName = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 40);
      const logDir = await mkdtemp(join(options.logRoot ?? tmpdir(), `vigil-lab-${safeName}-`));
      return new Lab(name, live, logDir);
    } catch (error) {
      unregisterLab(live);
      throw error;
    }
  }

  get state(): LabState {
    return this.#state;
  }

  get hosts(): Host[] {
    return [...this.#hosts.values()].map((entry) => entry.handle);
  }

  get switches(): Switch[] {
    return [...this.#switches.values()].map((entry) => entry.handle);
  }

  /** Declares a switch: a Linux bridge in a namespace of its own. */
  switch(name: string): Switch {
    this.#assertDeclaring(`add switch "${name}"`);
    this.#assertFreeName(name);
    const model: SwitchModel = { name, netns: this.prefix + name, ports: [] };
    const handle = new Switch(name, model.netns);
    this.#switches.set(name, { handle, model });
    return handle;
  }

  /** Declares a host: a namespace with lo up and the links, addresses and routes declared on it. */
  host(name: string): Host {
    this.#assertDeclaring(`add host "${name}"`);
    this.#assertFreeName(name);
    const model: HostModel = { name, netns: this.prefix + name, links: [], loopbackVips: [], routes: [], sysctls: [] };
    const handle = new Host(model, this.#context());
    this.#hosts.set(name, { handle, model });
    return handle;
  }

  /** Creates everything declared. On failure it tears down what it made and rejects. */
  async up(): Promise<void> {
    this.#assertDeclaring('bring the lab up');
    this.#state = 'starting';
    this.#building = this.#build();
    try {
      await this.#building;
      this.#state = 'up';
    } catch (error) {
      await this.down().catch(() => {});
      throw error;
    }
  }

  /**
   * Stops every spawned process (SIGTERM, then SIGKILL), kills whatever else runs inside the
   * lab's namespaces and deletes them. Idempotent; the log directory is kept.
   */
  down(): Promise<void> {
    this.#down ??= this.#teardown();
    return this.#down;
  }

  /** Deletes the log directory (after a passing test, say). */
  async removeLogs(): Promise<void> {
    await rm(this.logDir, { recursive: true, force: true });
  }

  /** A summary for a failing test: where the logs are and the tail of every process's output. */
  failureReport(tailLines = 30): string {
    const parts = [`lab "${this.name}" (namespaces ${this.prefix}*), logs in ${this.logDir}`];
    for (const { host, process: started } of this.#processes) {
      const tail = started.output.trimEnd().split('\n').slice(-tailLines).join('\n');
      parts.push(`--- ${host.name}/${started.name} (${describeStatus(started.exitStatus)}), ${started.logFile}\n${tail}`);
    }
    return parts.join('\n');
  }

  async #build(): Promise<void> {
    const switches = [...this.#switches.values()].map((entry) => entry.model);
    const hosts = [...this.#hosts.values()].map((entry) => entry.model);
    const all = [...switches, ...hosts];
    if (all.length === 0) return;

    // Recorded before creation, so the exit handler removes a lab that fails half-built.
    for (const node of all) this.#live.namespaces.add(node.netns);
    // One `ip -batch` for all of them: concurrent first-time `ip netns add` calls can race
    // while setting up the shared /run/netns mount.
    await this.#ip(undefined, all.map((node) => `netns add ${node.netns}`));

    await Promise.all(switches.map((sw) => this.#ip(sw.netns, switchCommands(sw))));
    await Promise.all(hosts.map((host) => this.#ip(host.netns, hostCommands(host))));
    await Promise.all(hosts.map((host) => this.#applySysctls(host)));
    await this.#waitForLinks(switches, hosts);
    await Promise.all(
      hosts.filter((host) => host.routes.length > 0).map((host) => this.#ip(host.netns, host.routes.map(routeCommand))),
    );
  }

  /**
   * Waits until every host end is operationally up and every switch port forwards. "Admin up"
   * is not enough: the kernel finishes bringing a link up asynchronously (linkwatch), and until
   * then the link drops what it is given, so a test's first SYN would be lost and retried 1 s
   * later.
   */
  async #waitForLinks(switches: readonly SwitchModel[], hosts: readonly HostModel[]): Promise<void> {
    const expected = [
      ...hosts.map((host) => ({ netns: host.netns, names: host.links.map((link) => link.ifname), bridgePorts: false })),
      ...switches.map((sw) => ({ netns: sw.netns, names: sw.ports.map((port) => port.name), bridgePorts: true })),
    ].filter((node) => node.names.length > 0);
    let notReady: string[] = [];
    try {
      await waitFor(
        async () => {
          const pending = await Promise.all(expected.map((node) => linksNotReady(node.netns, node.names, node.bridgePorts)));
          notReady = pending.flat();
          return notReady.length === 0;
        },
        { timeoutMs: 5_000, intervalMs: 10, description: 'links up' },
      );
    } catch (error) {
      throw new Error(`Cannot bring up links of lab "${this.name}": still not ready: ${notReady.join(', ')}`, { cause: error });
    }
  }

  async #teardown(): Promise<void> {
    await this.#building?.catch(() => {});
    this.#state = 'down';
    await Promise.all(this.#processes.map((entry) => entry.process.stop({ graceMs: 1_000 })));
    await removeNamespaces(this.#live.namespaces);
    // Only once everything is gone: if removal failed, the exit handler tries again.
    unregisterLab(this.#live);
  }

  /** Runs `ip [-n netns] -batch -` with `commands`, logging them to setup.log. */
  async #ip(netns: string | undefined, commands: readonly string[]): Promise<void> {
    const argv = ['ip', ...(netns === undefined ? [] : ['-n', netns]), '-batch', '-'];
    const input = commands.map((command) => `${command}\n`).join('');
    await appendFile(join(this.logDir, 'setup.log'), `# ${argv.join(' ')}\n${input}`);
    await runChecked(argv, { input, timeoutMs: 10_000 });
  }

  async #applySysctls(host: HostModel): Promise<void> {
    const settings = hostSysctls(host);
    // /proc/sys/net shows the namespace of the process reading it, so the writes must run
    // inside the host. One shell for all of them; paths and values are passed as arguments,
    // never spliced into the script.
    const script = 'while [ $# -gt 0 ]; do printf "%s\\n" "$2" > "$1" || exit 1; shift 2; done';
    await appendFile(join(this.logDir, 'setup.log'), `# sysctls in ${host.netns}\n${settings.map(([path, value]) => `${path} = ${value}\n`).join('')}`);
    await runChecked(['ip', 'netns', 'exec', host.netns, 'sh', '-c', script, 'sh', ...settings.flat()], { timeoutMs: 10_000 });
  }

  #context(): LabContext {
    return {
      assertDeclaring: (action) => this.#assertDeclaring(action),
      assertUp: (action) => {
        if (this.#state !== 'up') throw new Error(`Cannot ${action}: lab "${this.name}" is ${this.#state}, not up`);
      },
      switchModel: (handle) => {
        const entry = this.#switches.get(handle.name);
        if (entry?.handle !== handle) throw new Error(`Cannot link to switch "${handle.name}": it belongs to another lab`);
        return entry.model;
      },
      startProcess: (host, argv, options) => this.#startProcess(host, argv, options),
      processesNamed: (host, name) =>
        this.#processes.filter((entry) => entry.host === host && entry.process.name === name).map((entry) => entry.process),
    };
  }

  #startProcess(host: HostModel, argv: readonly string[], options: SpawnOptions): HostProcess {
    const program = argv[0];
    if (program === undefined) throw new Error(`Cannot start an empty command on host "${host.name}"`);
    const name = options.name ?? this.#defaultProcessName(host, basename(program));
    if (!/^[a-zA-Z0-9_.-]+$/.test(name)) throw new Error(`Cannot name a process "${name}": use letters, digits, '_', '.' or '-'`);
    const sameName = this.#processes.filter((entry) => entry.host === host && entry.process.name === name);
    if (sameName.some((entry) => entry.process.running)) {
      throw new Error(`Cannot start process "${name}" on host "${host.name}": one by that name is still running`);
    }
    const started = new HostProcess({
      host: host.name,
      netns: host.netns,
      name,
      argv,
      logFile: join(this.logDir, `${host.name}.${name}.log`),
      env: childEnv(options.env),
      cwd: options.cwd ?? repoRoot,
      onStart: (pid) => this.#live.processGroups.add(pid),
      onExit: (pid) => this.#live.processGroups.delete(pid),
    });
    this.#processes.push({ host, process: started });
    return started;
  }

  #defaultProcessName(host: HostModel, program: string): string {
    const base = program.replace(/[^a-zA-Z0-9_.-]/g, '_');
    const taken = new Set(this.#processes.filter((entry) => entry.host === host).map((entry) => entry.process.name));
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }

  #assertDeclaring(action: string): void {
    if (this.#state !== 'declaring') throw new Error(`Cannot ${action}: lab "${this.name}" is ${this.#state}; declare everything before up()`);
  }

  #assertFreeName(name: string): void {
    assertNodeName(name);
    if (this.#hosts.has(name) || this.#switches.has(name)) throw new Error(`Cannot add "${name}" to lab "${this.name}": the name is taken`);
  }
}

interface LinkState {
  readonly ifname?: string;
  readonly operstate?: string;
  readonly linkinfo?: { readonly info_slave_data?: { readonly state?: string } };
}

/** Names among `names` in `netns` that are not yet up (and, for bridge ports, forwarding). */
async function linksNotReady(netns: string, names: readonly string[], bridgePorts: boolean): Promise<string[]> {
  const result = await runChecked(['ip', '-n', netns, '-j', '-d', 'link', 'show'], { timeoutMs: 5_000 });
  const links = new Map((JSON.parse(result.stdout) as LinkState[]).map((link) => [link.ifname, link]));
  return names
    .filter((name) => {
      const link = links.get(name);
      if (link?.operstate !== 'UP') return true;
      return bridgePorts && link.linkinfo?.info_slave_data?.state !== 'forwarding';
    })
    .map((name) => `${netns}/${name}`);
}

