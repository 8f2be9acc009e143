// vrrp_sync_group: instances that must change state together (a router's inside and outside
// VIPs, say). keepalived's rules: when one member faults, every member goes to FAULT; when one
// becomes master, the others follow; when one falls back to backup, so do the others.
import type { ScriptRun, VrrpHost } from './host.ts';
import type { VrrpInstance } from './instance.ts';
import type { VrrpState } from './state-machine.ts';

export interface SyncGroupNotify {
  readonly master?: ScriptRun;
  readonly backup?: ScriptRun;
  readonly fault?: ScriptRun;
  readonly stop?: ScriptRun;
  readonly any?: ScriptRun;
}

export class SyncGroup {
  readonly name: string;
  readonly members: readonly VrrpInstance[];
  readonly #host: VrrpHost;
  readonly #log: (line: string) => void;
  readonly #notify: SyncGroupNotify;
  /** members faulted by their own tracking (not by the group) */
  readonly #ownFaults = new Set<VrrpInstance>();
  #syncing = false;
  #state: VrrpState = 'INIT';
  readonly #unsubscribe: Array<() => void> = [];

  constructor(name: string, members: readonly VrrpInstance[], notify: SyncGroupNotify, host: VrrpHost, log: (line: string) => void) {
    this.name = name;
    this.members = members;
    this.#host = host;
    this.#log = log;
    this.#notify = notify;
    for (const member of members) this.#unsubscribe.push(member.onTransition((instance, _from, to) => this.#follow(instance, to)));
  }

  /** stops following the members (a reload replaced this group) */
  dispose(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  get state(): VrrpState {
    return this.#state;
  }

  /** a member's own tracking put it in or out of FAULT; the group follows */
  memberFault(member: VrrpInstance, fault: boolean, reason: string): void {
    if (fault) this.#ownFaults.add(member);
    else this.#ownFaults.delete(member);
    const groupFault = this.#ownFaults.size > 0;
    for (const m of this.members) {
      m.setFault(groupFault, m === member ? reason : `sync group ${this.name}: ${reason}`);
    }
  }

  #follow(instance: VrrpInstance, to: VrrpState): void {
    if (this.#syncing) return;
    this.#syncing = true;
    try {
      if (to === 'MASTER') {
        this.#log(`VRRP_Group(${this.name}) Syncing instances to MASTER state`);
        for (const m of this.members) if (m !== instance) m.machine.forceMaster(`sync group ${this.name}`);
      } else if (to === 'BACKUP') {
        for (const m of this.members) if (m !== instance) m.machine.forceBackup(`sync group ${this.name}`);
      }
    } finally {
      this.#syncing = false;
    }
    this.#updateGroupState();
  }

  #updateGroupState(): void {
    const states = this.members.map((m) => m.state);
    const next: VrrpState = states.includes('FAULT') ? 'FAULT' : states.every((s) => s === 'MASTER') ? 'MASTER' : states.every((s) => s === 'INIT') ? 'INIT' : 'BACKUP';
    if (next === this.#state) return;
    this.#state = next;
    this.#log(`VRRP_Group(${this.name}) ${next === 'INIT' ? 'Stopping' : `Syncing instances to ${next} state`}`);
    const n = this.#notify;
    const specific = next === 'MASTER' ? n.master : next === 'BACKUP' ? n.backup : next === 'FAULT' ? n.fault : n.stop;
    if (specific !== undefined) this.#host.runScript(specific);
    if (n.any !== undefined) this.#host.runScript({ ...n.any, args: [...n.any.args, 'GROUP', this.name, next === 'INIT' ? 'STOP' : next, '0'] });
  }
}
