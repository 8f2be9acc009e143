// The LVS table keepalived would install for one virtual_server, computed from its real servers'
// health (the check engine's snapshots) and the virtual server's rules: inhibit_on_failure,
// sorry_server (+ sorry_server_inhibit), quorum with hysteresis, quorum_up/quorum_down,
// notify_up/notify_down, alpha and omega. Pure: it returns the desired table, the changes from the
// previous one, the scripts to run and keepalived's log lines; whoever owns the data path applies
// them. The rules follow keepalived 2.2.7's ipwrapper.c (perform_svr_state, update_quorum_state,
// update_svr_wgt, clear_service_rs) and were checked against keepalived 2.2.7 run in a namespace
// with its IPVS calls recorded.
//
// Use: `const vs = new VirtualServerState(policy)`, then `vs.start(engine.inGroup(policy.id))`
// once, `vs.update(engine.inGroup(policy.id))` after each engine `state` event of the group, and
// `vs.stop()` on shutdown. Each returns a Transition.
import type { ScriptCommand } from '../config/keepalived/model.ts';
import type { AdminState } from '../check/server-state.ts';
import { realServerPort, type KeepalivedVirtualServerChecks } from '../check/from-keepalived.ts';
import { serviceLabel, virtualServerLabel } from './keepalived-format.ts';

/** IPVS weights are 0..65535 (keepalived's real_weight clamps effective weights into it) */
const maxWeight = 65535;

export interface RealServerPolicy {
  /** the engine's server id */
  readonly id: string;
  readonly address: string;
  readonly port?: number;
  /** keepalived's FMT_RS, e.g. `[198.51.100.100]:tcp:80` */
  readonly label: string;
  readonly configuredWeight: number;
  readonly inhibitOnFailure: boolean;
  readonly notifyUp?: ScriptCommand;
  readonly notifyDown?: ScriptCommand;
}

export interface SorryServerPolicy {
  readonly id: string;
  readonly address: string;
  readonly port?: number;
  readonly label: string;
  /** keepalived gives the sorry server weight 1 */
  readonly weight: number;
  /** sorry_server_inhibit: kept in the table with weight 0 while not needed */
  readonly inhibit: boolean;
}

export interface VirtualServerPolicy {
  /** the engine group of its real servers, e.g. `vs:198.51.100.15:80` */
  readonly id: string;
  /** keepalived's FMT_VS, e.g. `[198.51.100.15]:tcp:80` */
  readonly label: string;
  /** the least total weight of live real servers for the quorum to be up (default 1) */
  readonly quorum: number;
  readonly hysteresis: number;
  /** run quorum_down and notify_down on shutdown too */
  readonly omega: boolean;
  readonly quorumUp?: ScriptCommand;
  readonly quorumDown?: ScriptCommand;
  readonly sorryServer?: SorryServerPolicy;
  readonly realServers: readonly RealServerPolicy[];
}

/** What the state needs of an engine snapshot (a ServerSnapshot fits) */
export interface RealServerView {
  readonly id: string;
  readonly up: boolean;
  readonly weight: number;
  readonly admin?: AdminState;
  /** present once a check has run */
  readonly lastCheck?: unknown;
}

export interface TableEntry {
  /** a real server's engine id, or the sorry server's id */
  readonly id: string;
  readonly address: string;
  readonly port?: number;
  readonly weight: number;
  readonly sorry: boolean;
}

export type TableChange =
  | { readonly op: 'add'; readonly entry: TableEntry }
  | { readonly op: 'edit'; readonly entry: TableEntry; readonly previousWeight: number }
  | { readonly op: 'remove'; readonly entry: TableEntry };

export type VirtualServerAction =
  | { readonly kind: 'notify-up' | 'notify-down'; readonly server: string; readonly script: ScriptCommand }
  | { readonly kind: 'quorum-up' | 'quorum-down'; readonly script: ScriptCommand };

export interface Transition {
  /** the whole desired table, real servers in config order, then the sorry server */
  readonly table: readonly TableEntry[];
  /** from the previous desired table to this one: adds, then edits, then removes */
  readonly changes: readonly TableChange[];
  /** scripts to run, in order */
  readonly actions: readonly VirtualServerAction[];
  /** keepalived's log lines for what happened, in order */
  readonly logs: readonly string[];
  readonly quorumUp: boolean;
}

/** Built from the checks of one virtual_server; `warnings` are keepalived's own config corrections */
export function virtualServerPolicy(checks: KeepalivedVirtualServerChecks): { readonly policy: VirtualServerPolicy; readonly warnings: readonly string[] } {
  const vs = checks.virtualServer;
  const label = virtualServerLabel(vs);
  const warnings: string[] = [];
  const realServers = checks.realServers.map(({ config, realServer }): RealServerPolicy => {
    const port = realServerPort(vs, realServer);
    return {
      id: config.id,
      address: realServer.address.address,
      ...(port === undefined ? {} : { port }),
      label: serviceLabel(realServer.address.address, vs.protocol, port),
      configuredWeight: config.weight,
      inhibitOnFailure: realServer.inhibitOnFailure ?? vs.inhibitOnFailure ?? false,
      ...(realServer.notifyUp === undefined ? {} : { notifyUp: realServer.notifyUp }),
      ...(realServer.notifyDown === undefined ? {} : { notifyDown: realServer.notifyDown }),
    };
  });
  // keepalived's check_parser.c corrections, with its wording
  let quorum = vs.quorum ?? 1;
  const total = realServers.reduce((sum, rs) => sum + rs.configuredWeight, 0);
  if (realServers.length > 0 && quorum > total) {
    warnings.push(`Warning - quorum ${quorum} for ${label} exceeds total weight of real servers ${total}, reducing quorum to ${total}`);
    quorum = total;
  }
  let hysteresis = vs.hysteresis ?? 0;
  if (hysteresis > 0 && hysteresis >= quorum) {
    const reduced = Math.max(0, quorum - 1);
    warnings.push(`Virtual server ${label}: hysteresis ${hysteresis} >= quorum ${quorum}; setting hysteresis to ${reduced}`);
    hysteresis = reduced;
  }
  const sorry = vs.sorryServer;
  const sorryPort = sorry === undefined ? undefined : (sorry.port ?? (vs.target.kind === 'address' ? vs.target.port : undefined));
  const sorryServer: SorryServerPolicy | undefined =
    sorry === undefined
      ? undefined
      : {
          id: `${checks.id}/sorry`,
          address: sorry.address.address,
          ...(sorryPort === undefined ? {} : { port: sorryPort }),
          label: serviceLabel(sorry.address.address, vs.protocol, sorryPort),
          weight: 1,
          inhibit: vs.sorryServerInhibit ?? false,
        };
  const policy: VirtualServerPolicy = {
    id: checks.id,
    label,
    quorum,
    hysteresis,
    omega: vs.omega ?? false,
    ...(vs.quorumUp === undefined ? {} : { quorumUp: vs.quorumUp }),
    ...(vs.quorumDown === undefined ? {} : { quorumDown: vs.quorumDown }),
    ...(sorryServer === undefined ? {} : { sorryServer }),
    realServers,
  };
  return { policy, warnings };
}

interface RealServerRuntime {
  alive: boolean;
  weight: number;
  hasRun: boolean;
}

export class VirtualServerState {
  readonly #policy: VirtualServerPolicy;
  readonly #servers = new Map<string, RealServerRuntime>();
  #quorumUp = false;
  /** the sorry server is in the pool in place of the real servers */
  #sorryActive = false;
  #table: readonly TableEntry[] = [];
  #started = false;
  #stopped = false;
  // collected during one call
  #logs: string[] = [];
  #actions: VirtualServerAction[] = [];

  constructor(policy: VirtualServerPolicy) {
    this.#policy = policy;
  }

  get policy(): VirtualServerPolicy {
    return this.#policy;
  }

  get quorumUp(): boolean {
    return this.#quorumUp;
  }

  get table(): readonly TableEntry[] {
    return this.#table;
  }

  /**
   * keepalived's start (init_service_vs): servers the engine has up (all but alpha ones) go in,
   * inhibit_on_failure ones that are down go in with weight 0, then the quorum is evaluated once:
   * reached, it logs "Gained quorum" and runs quorum_up; not reached with a sorry server, it logs
   * "Starting with quorum down", puts the sorry server in and runs quorum_down. No notify_up or
   * notify_down runs at start (keepalived's rs_init_notifies is off by default).
   */
  start(views: readonly RealServerView[]): Transition {
    if (this.#started) throw new Error(`Virtual server "${this.#policy.id}" is already started`);
    this.#started = true;
    for (const rs of this.#policy.realServers) {
      const view = findView(views, rs.id);
      this.#servers.set(rs.id, { alive: isAlive(view), weight: viewWeight(view, rs), hasRun: view?.lastCheck !== undefined });
    }
    this.#updateQuorum(true);
    return this.#finish();
  }

  /** Feeds the engine's current snapshots of this virtual server's real servers */
  update(views: readonly RealServerView[]): Transition {
    if (!this.#started || this.#stopped) return this.#finish();
    // one server at a time, re-evaluating the quorum after each, as keepalived handles each
    // checker's verdict as it comes
    for (const rs of this.#policy.realServers) {
      const runtime = this.#servers.get(rs.id);
      const view = findView(views, rs.id);
      if (runtime === undefined || view === undefined) continue;
      const weight = viewWeight(view, rs);
      if (weight !== runtime.weight) this.#changeWeight(rs, runtime, weight);
      const alive = isAlive(view);
      if (alive !== runtime.alive) {
        this.#changeAlive(rs, runtime, alive);
      } else if (!runtime.hasRun && view.lastCheck !== undefined && !alive) {
        // the first check of a server that started down (alpha) confirms it: notify_down runs
        // (update_svr_checker_state, `checker->alpha || !alive` on the first run)
        this.#notify(rs, false);
      }
      if (view.lastCheck !== undefined) runtime.hasRun = true;
    }
    return this.#finish();
  }

  /**
   * Shutdown (clear_services): every real server leaves the table with "Shutting down service";
   * with omega, notify_down runs for each live one and quorum_down for the virtual server.
   */
  stop(): Transition {
    if (!this.#started || this.#stopped) return this.#finish();
    this.#stopped = true;
    const { label, omega } = this.#policy;
    for (const rs of this.#policy.realServers) {
      const runtime = this.#servers.get(rs.id);
      if (runtime === undefined) continue;
      const inhibited = rs.inhibitOnFailure && !runtime.alive ? '(inhibited) ' : '';
      this.#logs.push(`Shutting down ${inhibited}service ${rs.label} from VS ${label}`);
      if (runtime.alive && omega && rs.notifyDown !== undefined) this.#actions.push({ kind: 'notify-down', server: rs.id, script: rs.notifyDown });
      runtime.alive = false;
    }
    this.#quorumUp = false;
    this.#sorryActive = false;
    if (omega && this.#policy.quorumDown !== undefined) this.#actions.push({ kind: 'quorum-down', script: this.#policy.quorumDown });
    return this.#finish();
  }

  #changeWeight(rs: RealServerPolicy, runtime: RealServerRuntime, weight: number): void {
    this.#logs.push(`Changing weight from ${runtime.weight} to ${weight} for ${runtime.alive ? '' : 'in'}active service ${rs.label} of VS ${this.#policy.label}`);
    runtime.weight = weight;
    this.#updateQuorum(false);
  }

  /** perform_svr_state */
  #changeAlive(rs: RealServerPolicy, runtime: RealServerRuntime, alive: boolean): void {
    const verb = alive ? (rs.inhibitOnFailure ? 'Enabling' : 'Adding') : rs.inhibitOnFailure ? 'Disabling' : 'Removing';
    const preposition = rs.inhibitOnFailure ? 'of' : alive ? 'to' : 'from';
    this.#logs.push(`${verb} service ${rs.label} ${preposition} VS ${this.#policy.label}`);
    runtime.alive = alive;
    this.#notify(rs, alive);
    this.#updateQuorum(false);
  }

  #notify(rs: RealServerPolicy, up: boolean): void {
    const script = up ? rs.notifyUp : rs.notifyDown;
    if (script !== undefined) this.#actions.push({ kind: up ? 'notify-up' : 'notify-down', server: rs.id, script });
  }

  /** update_quorum_state */
  #updateQuorum(init: boolean): void {
    const { quorum, hysteresis, label, sorryServer } = this.#policy;
    let sum = 0;
    for (const runtime of this.#servers.values()) if (runtime.alive) sum += runtime.weight;
    const threshold = quorum + (this.#quorumUp ? -1 : 1) * hysteresis;
    if (!this.#quorumUp && sum >= threshold) {
      this.#quorumUp = true;
      this.#logs.push(`Gained quorum ${quorum}+${hysteresis}=${threshold} <= ${sum} for VS ${label}`);
      if (sorryServer !== undefined && this.#sorryActive) {
        this.#logs.push(`${sorryServer.inhibit ? 'Disabling' : 'Removing'} sorry server ${sorryServer.label} from VS ${label}`);
        this.#sorryActive = false;
        this.#logs.push(`Adding alive servers to the pool for VS ${label}`);
      }
      if (this.#policy.quorumUp !== undefined) this.#actions.push({ kind: 'quorum-up', script: this.#policy.quorumUp });
      return;
    }
    const lost = this.#quorumUp && (sum === 0 || sum < threshold);
    const startingWithSorry = init && !this.#quorumUp && sorryServer !== undefined && !this.#sorryActive;
    if (lost || startingWithSorry) {
      this.#quorumUp = false;
      this.#logs.push(`${init ? 'Starting with quorum down' : 'Lost quorum'} ${quorum}-${hysteresis}=${threshold} > ${sum} for VS ${label}`);
      if (sorryServer !== undefined && !this.#sorryActive) {
        this.#logs.push(`${sorryServer.inhibit ? 'Enabling' : 'Adding'} sorry server ${sorryServer.label} to VS ${label}`);
        this.#logs.push(`Removing alive servers from the pool for VS ${label}`);
        this.#sorryActive = true;
      }
      if (this.#policy.quorumDown !== undefined) this.#actions.push({ kind: 'quorum-down', script: this.#policy.quorumDown });
    }
  }

  #desiredTable(): TableEntry[] {
    if (this.#stopped) return [];
    const table: TableEntry[] = [];
    const inPool = this.#quorumUp || !this.#sorryActive;
    for (const rs of this.#policy.realServers) {
      const runtime = this.#servers.get(rs.id);
      if (runtime === undefined) continue;
      const entry = { id: rs.id, address: rs.address, ...(rs.port === undefined ? {} : { port: rs.port }), sorry: false };
      // out of the pool, an inhibit_on_failure server stays with weight 0 (keepalived turns its
      // DELDEST into an EDITDEST to weight 0)
      if (runtime.alive && inPool) table.push({ ...entry, weight: runtime.weight });
      else if (rs.inhibitOnFailure) table.push({ ...entry, weight: 0 });
    }
    const sorry = this.#policy.sorryServer;
    if (sorry !== undefined && (this.#sorryActive || sorry.inhibit)) {
      table.push({
        id: sorry.id,
        address: sorry.address,
        ...(sorry.port === undefined ? {} : { port: sorry.port }),
        weight: this.#sorryActive ? sorry.weight : 0,
        sorry: true,
      });
    }
    return table;
  }

  #finish(): Transition {
    const table = this.#desiredTable();
    const changes = diffTables(this.#table, table);
    this.#table = table;
    const transition: Transition = { table, changes, actions: this.#actions, logs: this.#logs, quorumUp: this.#quorumUp };
    this.#actions = [];
    this.#logs = [];
    return transition;
  }
}

/**
 * The changes that turn one table into another: adds first, then weight edits, then removes, so a
 * data path applying them in order never passes through an empty table (the sorry server is in
 * before the last real server leaves).
 */
export function diffTables(previous: readonly TableEntry[], next: readonly TableEntry[]): TableChange[] {
  const before = new Map(previous.map((entry) => [entry.id, entry]));
  const after = new Map(next.map((entry) => [entry.id, entry]));
  const adds: TableChange[] = [];
  const edits: TableChange[] = [];
  const removes: TableChange[] = [];
  for (const entry of next) {
    const old = before.get(entry.id);
    if (old === undefined) adds.push({ op: 'add', entry });
    else if (old.weight !== entry.weight) edits.push({ op: 'edit', entry, previousWeight: old.weight });
  }
  for (const entry of previous) if (!after.has(entry.id)) removes.push({ op: 'remove', entry });
  return [...adds, ...edits, ...removes];
}

function findView(views: readonly RealServerView[], id: string): RealServerView | undefined {
  return views.find((view) => view.id === id);
}

/** keepalived's ISALIVE: every checker up; the runtime API's MAINT takes a server out as well */
function isAlive(view: RealServerView | undefined): boolean {
  return view !== undefined && view.up && view.admin !== 'maint';
}

function viewWeight(view: RealServerView | undefined, rs: RealServerPolicy): number {
  const weight = view?.weight ?? rs.configuredWeight;
  return Math.min(maxWeight, Math.max(0, Math.trunc(weight)));
}
