// KernelL4: the LVS data path in the kernel, through nftables. Each `apply` compiles the desired
// virtual servers and moves the kernel to them in one atomic `nft -f` transaction; flows whose
// real server stays (even at weight 0) keep it. The first apply also replaces whatever vigil
// tables a crashed run left; `stop` removes every vigil table.
//
//   const l4 = new KernelL4({ nftables: new LinuxNftablesPort(), neighbors: new LinuxNeighborTablePort(),
//                             conntrack: new LinuxConntrackPort() }, { onWarning: log });
//   await l4.apply([kernelVirtualServer(vs, transition.table).value, ...]);   // on every change
//   const figures = await l4.counters();                                        // ipvsadm -Ln
//   await l4.stop();
//
// Calls run one at a time in call order. Every method resolves (never rejects) with a HostResult.
import type { ConntrackEntry, ConntrackPort } from '../../netctl/conntrack.ts';
import type { NeighborTablePort } from '../../netctl/neighbor-table.ts';
import { vigilTables, type NftablesPort, type NftTableRef } from '../../netctl/nftables.ts';
import { fail, ok, type HostResult } from '../../netctl/result.ts';
import { SerialQueue } from '../../netctl/serial-queue.ts';
import type { CompiledVirtualServer } from './compiled.ts';
import { compileRuleset, type CompileOptions } from './compile.ts';
import { countersOf, parseTableState, type TableState, type VirtualServerCounters } from './counters.ts';
import type { KernelVirtualServer, ResolvedNeighbor } from './model.ts';
import { emptyRuleset, tableKey, type Ruleset } from './ruleset.ts';
import { removalScript, transactionScript } from './transaction.ts';

export interface KernelL4Ports {
  readonly nftables: NftablesPort;
  /** DR: real servers' MACs and the director's own */
  readonly neighbors: NeighborTablePort;
  /** NAT ActiveConn/InActConn; without it they read 0 */
  readonly conntrack?: ConntrackPort;
}

export interface KernelL4Options extends Omit<CompileOptions, 'neighbors' | 'interfaceMacs'> {
  /** hears each distinct warning once (approximated schedulers, skipped servers) */
  readonly onWarning?: (message: string) => void;
}

export interface ApplyReport {
  /** everything the compiler had to say about this apply */
  readonly warnings: readonly string[];
  /** false when the kernel already had exactly this ruleset (nothing was sent) */
  readonly changed: boolean;
  /** the nft script that was run, for logs and debugging */
  readonly script: string;
  /** vigil tables of an earlier run that this apply replaced */
  readonly replacedLeftovers: readonly string[];
}

export class KernelL4 {
  readonly #ports: KernelL4Ports;
  readonly #options: KernelL4Options;
  readonly #queue = new SerialQueue();
  readonly #warned = new Set<string>();
  #installed: Ruleset = emptyRuleset;
  #compiled: readonly CompiledVirtualServer[] = [];
  #swept = false;

  constructor(ports: KernelL4Ports, options: KernelL4Options = {}) {
    this.#ports = ports;
    this.#options = options;
  }

  /** The virtual servers as last installed, with their real servers' counter names */
  get installed(): readonly CompiledVirtualServer[] {
    return this.#compiled;
  }

  apply(services: readonly KernelVirtualServer[]): Promise<HostResult<ApplyReport>> {
    return this.#queue.run('l4', () => this.#apply(services));
  }

  counters(): Promise<HostResult<VirtualServerCounters[]>> {
    return this.#queue.run('l4', () => this.#counters());
  }

  /** Removes every vigil table (installed by this run or left by another) */
  stop(): Promise<HostResult<void>> {
    return this.#queue.run('l4', async () => {
      const found = await this.#ports.nftables.list(['tables']);
      const leftovers = found.ok ? vigilTables(found.value) : [];
      const script = removalScript(this.#installed, leftovers);
      if (script !== '') {
        const result = await this.#ports.nftables.transaction(script);
        if (!result.ok) return result;
      }
      this.#installed = emptyRuleset;
      this.#compiled = [];
      this.#swept = true;
      return ok();
    });
  }

  async #apply(services: readonly KernelVirtualServer[]): Promise<HostResult<ApplyReport>> {
    let leftovers: NftTableRef[] = [];
    if (!this.#swept) {
      const found = await this.#ports.nftables.list(['tables']);
      if (!found.ok) return found;
      leftovers = vigilTables(found.value);
    }
    const dr = services.filter((vs) => vs.method === 'DR');
    const { neighbors, interfaceMacs, warnings: lookupWarnings } = await this.#resolve(dr);
    const compilation = compileRuleset(services, { ...this.#options, neighbors, interfaceMacs });
    const warnings = [...lookupWarnings, ...compilation.warnings];
    const installedKeys = new Set(this.#installed.tables.map(tableKey));
    const replaced = leftovers.filter((table) => !installedKeys.has(tableKey(table)));
    const unchanged = replaced.length === 0 && sameRuleset(this.#installed, compilation.ruleset);
    const script = unchanged ? '' : transactionScript(this.#installed, compilation.ruleset, replaced);
    if (script !== '') {
      const result = await this.#ports.nftables.transaction(script);
      if (!result.ok) return result;
    }
    this.#installed = compilation.ruleset;
    this.#compiled = compilation.virtualServers;
    this.#swept = true;
    for (const warning of warnings) {
      if (this.#warned.has(warning)) continue;
      this.#warned.add(warning);
      this.#options.onWarning?.(warning);
    }
    return ok({ warnings, changed: script !== '', script, replacedLeftovers: replaced.map((table) => `${table.family} ${table.name}`) });
  }

  async #resolve(services: readonly KernelVirtualServer[]): Promise<{
    neighbors: Map<string, ResolvedNeighbor>;
    interfaceMacs: Map<string, string>;
    warnings: string[];
  }> {
    const neighbors = new Map<string, ResolvedNeighbor>();
    const interfaceMacs = new Map<string, string>();
    const warnings: string[] = [];
    const addresses = [...new Set(services.flatMap((vs) => vs.realServers.map((rs) => rs.address)))];
    const answers = await Promise.all(addresses.map((address) => this.#ports.neighbors.resolve(address)));
    answers.forEach((answer, index) => {
      const address = addresses[index] ?? '';
      if (!answer.ok) warnings.push(`Cannot resolve the MAC of real server ${address}: ${answer.error.message}`);
      else if (answer.value !== undefined) neighbors.set(address, { interface: answer.value.interface, mac: answer.value.mac });
    });
    for (const name of new Set([...neighbors.values()].map((neighbor) => neighbor.interface))) {
      const mac = await this.#ports.neighbors.interfaceMac(name);
      if (mac.ok) interfaceMacs.set(name, mac.value);
      else warnings.push(mac.error.message);
    }
    return { neighbors, interfaceMacs, warnings };
  }

  async #counters(): Promise<HostResult<VirtualServerCounters[]>> {
    const tables = new Map<string, TableState>();
    for (const table of this.#installed.tables) {
      const listed = await this.#ports.nftables.list(['table', table.family, table.name]);
      if (!listed.ok) return fail(listed.error);
      tables.set(tableKey(table), parseTableState(listed.value));
    }
    let conntrack: ConntrackEntry[] | undefined;
    if (this.#ports.conntrack !== undefined && this.#compiled.some((vs) => vs.method === 'NAT')) {
      const listed = await this.#ports.conntrack.list();
      if (listed.ok) conntrack = listed.value;
    }
    return ok(countersOf(this.#compiled, tables, conntrack));
  }
}

function sameRuleset(a: Ruleset, b: Ruleset): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
