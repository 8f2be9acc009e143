// One vrrp_instance at run time: validates the adverts it receives the way keepalived does (and
// logs why it drops one), drives its state machine, and turns transitions into host actions:
// virtual addresses added or removed, gratuitous ARP bursts, notify scripts. Log lines follow
// keepalived's wording so existing log watchers keep working.
import type { Clock, TimerHandle } from '../core/clock.ts';
import { decodeAdvertisement, encodeAdvertisement } from './codec.ts';
import { AuthType, vrrpMulticastV4, vrrpMulticastV6, vrrpTtl, type IpFamily, type VrrpVersion } from './constants.ts';
import type { ScriptRun, VirtualIp, VrrpHost } from './host.ts';
import { VrrpStateMachine, type MachineEvent, type VrrpState } from './state-machine.ts';

export interface GarpSettings {
  /** gratuitous ARPs per burst on becoming master (keepalived vrrp_garp_master_repeat, default 5) */
  readonly repeat: number;
  /** delay between the ARPs of a burst (vrrp_garp_interval, default 0) */
  readonly intervalMs: number;
  /** a second burst this long after becoming master (vrrp_garp_master_delay, default 5 s; 0: none) */
  readonly secondBurstDelayMs: number;
  /** periodic refresh while master (vrrp_garp_master_refresh, default 0: none) */
  readonly refreshMs: number;
  readonly refreshRepeat: number;
}

export interface NotifySettings {
  readonly master?: ScriptRun;
  readonly backup?: ScriptRun;
  readonly fault?: ScriptRun;
  readonly stop?: ScriptRun;
  /** `notify`: called on every transition with INSTANCE <name> <state> <priority> appended */
  readonly any?: ScriptRun;
}

export interface InstanceConfig {
  readonly name: string;
  readonly interface: string;
  readonly family: IpFamily;
  readonly version: VrrpVersion;
  readonly vrid: number;
  readonly priority: number;
  readonly advertIntervalMs: number;
  readonly auth: { readonly type: AuthType; readonly password: string };
  readonly vips: readonly VirtualIp[];
  readonly excludedVips: readonly VirtualIp[];
  readonly preempt: boolean;
  readonly preemptDelayMs: number;
  /** this router's address on the interface (unicast_src_ip, mcast_src_ip or the primary) */
  readonly primaryAddress: string;
  /** unicast_peer list; empty for multicast */
  readonly unicastPeers: readonly string[];
  readonly garp: GarpSettings;
  readonly notify: NotifySettings;
  /** vrrp_skip_check_adv_addr: do not compare the advert's address list with ours */
  readonly skipCheckAdvertAddresses: boolean;
}

export interface InstanceStatus {
  readonly name: string;
  readonly interface: string;
  readonly vrid: number;
  readonly version: VrrpVersion;
  readonly state: VrrpState;
  readonly basePriority: number;
  readonly effectivePriority: number;
  readonly advertIntervalMs: number;
  readonly vips: readonly string[];
  /** wall-clock ms of the last change of state */
  readonly lastTransitionAt: number;
  readonly lastTransition?: { readonly at: number; readonly from: VrrpState; readonly to: VrrpState; readonly reason: string };
  /** wall-clock ms since which this router is master, when it is */
  readonly masterSince?: number;
  readonly advertsSent: number;
  readonly advertsReceived: number;
  readonly advertsDropped: number;
  /** how late the periodic adverts left against their schedule, in ms */
  readonly advertLateness: { readonly count: number; readonly maxMs: number; readonly p50Ms: number; readonly p99Ms: number };
}

export interface ReceivedPacket {
  readonly source: string;
  readonly destination: string;
  readonly ttl: number;
  /** the VRRP message (after the IP header) */
  readonly payload: Uint8Array;
}

export type TransitionListener = (instance: VrrpInstance, from: VrrpState, to: VrrpState, reason: string) => void;

export class VrrpInstance {
  readonly config: InstanceConfig;
  readonly #host: VrrpHost;
  readonly #clock: Clock;
  readonly #log: (line: string) => void;
  readonly #machine: VrrpStateMachine;
  readonly #listeners = new Set<TransitionListener>();
  readonly #expectedAddresses: string;
  #garpTimers: TimerHandle[] = [];
  #lastTransitionAt: number;
  #lastTransition: InstanceStatus['lastTransition'];
  #masterSince: number | undefined;
  #sent = 0;
  #received = 0;
  #dropped = 0;
  #lastAddressWarning = '';

  constructor(config: InstanceConfig, host: VrrpHost, clock: Clock, log: (line: string) => void) {
    this.config = config;
    this.#host = host;
    this.#clock = clock;
    this.#log = log;
    this.#lastTransitionAt = clock.wallNow();
    this.#expectedAddresses = config.vips.map((v) => v.address).sort().join(',');
    this.#machine = new VrrpStateMachine(
      {
        name: config.name,
        version: config.version,
        priority: config.priority,
        advertIntervalMs: config.advertIntervalMs,
        preempt: config.preempt,
        preemptDelayMs: config.preemptDelayMs,
        primaryAddress: config.primaryAddress,
      },
      clock,
      (event) => this.#onMachineEvent(event),
    );
  }

  get state(): VrrpState {
    return this.#machine.state;
  }

  get machine(): VrrpStateMachine {
    return this.#machine;
  }

  onTransition(listener: TransitionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Starts as keepalived does: addresses this instance would own are removed first (a crashed
   * earlier run may have left them), then the state machine runs.
   */
  start(): void {
    this.#host.removeAddresses(this.#allVips());
    this.#machine.start();
  }

  /** SIGTERM: a master sends priority 0 so the backup takes over after its skew time */
  stop(): void {
    this.#cancelGarps();
    const late = this.#machine.advertLateness();
    if (late.count > 0) {
      this.#log(`(${this.config.name}) ${late.count} periodic adverts sent, late by at most ${late.maxMs.toFixed(1)} ms (median ${late.p50Ms.toFixed(1)} ms, p99 ${late.p99Ms.toFixed(1)} ms)`);
    }
    this.#machine.stop();
  }

  setPriority(priority: number): void {
    this.#machine.setPriority(priority);
  }

  setFault(fault: boolean, reason: string): void {
    this.#machine.setFault(fault, reason);
  }

  /** An advert for this instance's VRID arrived on its interface (RFC 3768 section 7.1 checks) */
  receive(packet: ReceivedPacket): void {
    const name = this.config.name;
    const multicast = packet.destination === vrrpMulticastV4 || packet.destination.toLowerCase() === vrrpMulticastV6;
    if (multicast && packet.ttl !== vrrpTtl) {
      this.#drop(`(${name}) invalid TTL/HL. Received ${packet.ttl} and expect ${vrrpTtl}`);
      return;
    }
    const decoded = decodeAdvertisement(packet.payload, { family: this.config.family, source: packet.source, destination: packet.destination });
    if (!decoded.ok) {
      this.#drop(`(${name}) Invalid packet: ${decoded.reason}`);
      return;
    }
    const advert = decoded.advert;
    if (advert.version !== this.config.version) {
      this.#drop(`(${name}) wrong version. Received ${advert.version} and expect ${this.config.version}`);
      return;
    }
    if (!decoded.checksumOk) {
      this.#drop(`(${name}) Invalid VRRPv${advert.version} checksum`);
      return;
    }
    if (advert.version === 2) {
      if (advert.authType !== this.config.auth.type) {
        this.#drop(`(${name}) received an invalid auth type ${advert.authType}, expecting ${this.config.auth.type}`);
        return;
      }
      if (advert.authType === AuthType.simple && advert.authPassword !== this.config.auth.password.slice(0, 8)) {
        this.#drop(`(${name}) received an invalid passwd!`);
        return;
      }
      // RFC 3768 section 7.1: v2 routers of one VRID must share the interval; keepalived drops
      // mismatches so two groups reusing a VRID cannot elect one master between them
      const mine = Math.round(this.config.advertIntervalMs / 1000);
      if (advert.intervalCs / 100 !== mine) {
        this.#drop(`(${name}) advertisement interval mismatch mine=${mine} sec rcv'd=${advert.intervalCs / 100} sec`);
        return;
      }
    }
    if (!this.config.skipCheckAdvertAddresses && advert.priority !== 255) {
      const theirs = [...advert.addresses].sort().join(',');
      if (theirs !== this.#expectedAddresses && theirs !== this.#lastAddressWarning) {
        // keepalived warns but still takes the advert (strict mode aside)
        this.#lastAddressWarning = theirs;
        this.#log(`(${name}) WARNING - advert received from ${packet.source} has address list ${theirs || '(none)'} that differs from ours ${this.#expectedAddresses}`);
      }
    }
    this.#received++;
    this.#machine.receive({ priority: advert.priority, intervalCs: advert.intervalCs, source: packet.source });
  }

  status(): InstanceStatus {
    return {
      name: this.config.name,
      interface: this.config.interface,
      vrid: this.config.vrid,
      version: this.config.version,
      state: this.#machine.state,
      basePriority: this.config.priority,
      effectivePriority: this.#machine.priority,
      advertIntervalMs: this.config.advertIntervalMs,
      vips: this.config.vips.map((v) => `${v.address}/${v.prefix}`),
      lastTransitionAt: this.#lastTransitionAt,
      ...(this.#lastTransition === undefined ? {} : { lastTransition: this.#lastTransition }),
      ...(this.#masterSince === undefined ? {} : { masterSince: this.#masterSince }),
      advertsSent: this.#sent,
      advertsReceived: this.#received,
      advertsDropped: this.#dropped,
      advertLateness: this.#machine.advertLateness(),
    };
  }

  #drop(line: string): void {
    this.#dropped++;
    this.#log(line);
  }

  #allVips(): VirtualIp[] {
    return [...this.config.vips, ...this.config.excludedVips];
  }

  #onMachineEvent(event: MachineEvent): void {
    switch (event.type) {
      case 'log':
        this.#log(event.text);
        return;
      case 'send':
        this.#send(event.priority);
        return;
      case 'transition':
        this.#onTransition(event.from, event.to, event.reason);
        return;
    }
  }

  #send(priority: number): void {
    const c = this.config;
    const destinations = c.unicastPeers.length > 0 ? c.unicastPeers : [c.family === 4 ? vrrpMulticastV4 : vrrpMulticastV6];
    for (const destination of destinations) {
      const payload = encodeAdvertisement(
        {
          version: c.version,
          vrid: c.vrid,
          priority,
          addresses: c.vips.map((v) => v.address),
          intervalCs: Math.round(c.advertIntervalMs / 10),
          authType: c.version === 2 ? c.auth.type : AuthType.none,
          authPassword: c.auth.password,
        },
        { source: c.primaryAddress, destination },
      );
      this.#host.send({ interface: c.interface, family: c.family, destination, source: c.primaryAddress, payload });
      this.#sent++;
    }
  }

  #onTransition(from: VrrpState, to: VrrpState, reason: string): void {
    const name = this.config.name;
    this.#lastTransitionAt = this.#clock.wallNow();
    this.#lastTransition = { at: this.#lastTransitionAt, from, to, reason };
    const vips = this.#allVips();
    if (to === 'MASTER') {
      this.#masterSince = this.#lastTransitionAt;
      this.#log(`(${name}) Entering MASTER STATE`);
      this.#log(`(${name}) setting VIPs.`);
      this.#host.addAddresses(vips);
      this.#announce(this.config.vips);
    } else {
      if (from === 'MASTER') {
        this.#host.removeAddresses(vips);
        this.#cancelGarps();
      }
      this.#masterSince = undefined;
      if (to === 'BACKUP') this.#log(`(${name}) Entering BACKUP STATE${from === 'INIT' ? ' (init)' : ''}`);
      else if (to === 'FAULT') this.#log(`(${name}) Entering FAULT STATE (${reason})`);
      else if (to === 'INIT' && from === 'MASTER') this.#log(`(${name}) sent 0 priority`);
    }
    this.#notify(to);
    for (const listener of this.#listeners) listener(this, from, to, reason);
  }

  /** keepalived: a burst on becoming master, another after garp_master_delay, optional refreshes */
  #announce(vips: readonly VirtualIp[]): void {
    const g = this.config.garp;
    if (vips.length === 0) return;
    for (const vip of vips) this.#log(`(${this.config.name}) Sending/queueing gratuitous ARPs on ${vip.dev} for ${vip.address}`);
    this.#host.announce(vips, g.repeat, g.intervalMs);
    if (g.secondBurstDelayMs > 0) {
      this.#garpTimers.push(
        this.#clock.setTimeout(() => {
          if (this.state === 'MASTER') this.#host.announce(vips, g.repeat, g.intervalMs);
        }, g.secondBurstDelayMs),
      );
    }
    if (g.refreshMs > 0) {
      const refresh = (): void => {
        if (this.state !== 'MASTER') return;
        this.#host.announce(vips, g.refreshRepeat, g.intervalMs);
        this.#garpTimers.push(this.#clock.setTimeout(refresh, g.refreshMs));
      };
      this.#garpTimers.push(this.#clock.setTimeout(refresh, g.refreshMs));
    }
  }

  #cancelGarps(): void {
    for (const t of this.#garpTimers) t.cancel();
    this.#garpTimers = [];
  }

  #notify(to: VrrpState): void {
    const n = this.config.notify;
    const specific = to === 'MASTER' ? n.master : to === 'BACKUP' ? n.backup : to === 'FAULT' ? n.fault : to === 'INIT' ? n.stop : undefined;
    if (specific !== undefined) this.#host.runScript(specific);
    if (n.any !== undefined) {
      // keepalived's arguments: INSTANCE <name> <state> <priority>; the stop state is STOP
      const state = to === 'INIT' ? 'STOP' : to;
      this.#host.runScript({ ...n.any, args: [...n.any.args, 'INSTANCE', this.config.name, state, String(this.#machine.priority)] });
    }
  }
}
