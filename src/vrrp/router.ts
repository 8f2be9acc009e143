// Every vrrp_instance of a keepalived.conf together: packets demultiplexed by interface and VRID,
// vrrp_scripts run once and shared by the instances tracking them, interface and file tracking,
// sync groups, and a start delayed by vrrp_startup_delay. Runs on its own thread in the daemon.
import { isDeepStrictEqual } from 'node:util';
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { KeepalivedConfig } from '../config/keepalived/model.ts';
import { parseIpv4Packet } from './codec.ts';
import { vrrpProtocol, type IpFamily } from './constants.ts';
import { instanceConfig, notifySettings, scriptRun } from './from-keepalived.ts';
import type { VrrpHost } from './host.ts';
import { VrrpInstance, type InstanceStatus, type ReceivedPacket } from './instance.ts';
import { SyncGroup } from './sync-group.ts';
import {
  evaluateTracking,
  FileTracker,
  ScriptTracker,
  type TrackedBackend,
  type TrackedFile,
  type TrackedInterface,
  type TrackedScript,
  type TrackingHost,
} from './tracking.ts';

export interface RouterDependencies {
  readonly host: VrrpHost & TrackingHost;
  readonly clock: Clock;
  readonly log: (line: string) => void;
  /** the interface's own address of that family, for adverts' source and tie-breaks */
  readonly primaryAddressOf: (iface: string, family: IpFamily) => string | undefined;
}

interface Tracked {
  readonly instance: VrrpInstance;
  readonly scripts: TrackedScript[];
  readonly interfaces: TrackedInterface[];
  readonly files: TrackedFile[];
  readonly backends: TrackedBackend[];
  group?: SyncGroup;
}

export class VrrpRouter {
  readonly instances: readonly VrrpInstance[];
  readonly syncGroups: readonly SyncGroup[];
  readonly #deps: RouterDependencies;
  readonly #tracked: Tracked[] = [];
  readonly #scripts = new Map<string, ScriptTracker>();
  readonly #files = new Map<string, FileTracker>();
  readonly #byInterfaceVrid = new Map<string, VrrpInstance>();
  readonly #backendHealth = new Map<string, boolean>();
  readonly #startupDelayMs: number;
  #startTimer: TimerHandle | undefined;
  #unwatchLinks: (() => void) | undefined;

  /** instances carried over from the router this one replaces (reload); already running */
  readonly #carried = new Set<VrrpInstance>();

  /**
   * `previous`: the router this one replaces on reload. Its instances whose settings did not
   * change are taken over as they are, running and in their state, so a reload causes no
   * needless failover; the others are stopped by `takeOver`.
   */
  constructor(config: KeepalivedConfig, deps: RouterDependencies, previous?: VrrpRouter) {
    this.#deps = deps;
    const global = config.globalDefs;
    this.#startupDelayMs = global.vrrpStartupDelayMs ?? 0;
    for (const script of config.vrrpScripts) {
      if (script.script === undefined) continue;
      const intervalMs = script.intervalMs ?? 1000;
      this.#scripts.set(
        script.name,
        new ScriptTracker(
          {
            name: script.name,
            run: scriptRun(
              { ...script.script, ...(script.user === undefined ? {} : { user: script.user.user }) },
              global,
              script.timeoutMs ?? intervalMs,
            ),
            intervalMs,
            rise: script.rise ?? 1,
            fall: script.fall ?? 1,
            initFail: script.initFail === true,
          },
          deps.host,
          deps.clock,
          deps.log,
        ),
      );
    }
    const scriptWeights = new Map(config.vrrpScripts.map((s) => [s.name, { weight: s.weight ?? 0, reverse: s.weightReverse === true }]));
    for (const file of config.trackFiles) {
      if (file.file !== undefined) this.#files.set(file.name, new FileTracker(file.name, file.file, deps.host, deps.clock));
    }
    const fileWeights = new Map(config.trackFiles.map((f) => [f.name, { weight: f.weight ?? 1, reverse: f.weightReverse === true }]));

    const instances: VrrpInstance[] = [];
    for (const model of config.vrrpInstances) {
      const iface = model.interface ?? global.defaultInterface ?? 'eth0';
      const family: IpFamily = model.virtualIpAddresses[0]?.address.family ?? 4;
      const primary = deps.primaryAddressOf(iface, family) ?? (family === 4 ? '0.0.0.0' : '::');
      const settings = instanceConfig(model, global, primary);
      const old = previous?.instances.find((i) => i.config.name === settings.name && isDeepStrictEqual(i.config, settings));
      const instance = old ?? new VrrpInstance(settings, deps.host, deps.clock, deps.log);
      if (old !== undefined) this.#carried.add(old);
      instances.push(instance);
      this.#byInterfaceVrid.set(`${instance.config.interface}/${instance.config.vrid}/${instance.config.family}`, instance);
      const tracked: Tracked = {
        instance,
        scripts: model.trackScripts.flatMap((t) => {
          const tracker = this.#scripts.get(t.name);
          const defaults = scriptWeights.get(t.name);
          return tracker === undefined ? [] : [{ tracker, weight: t.weight ?? defaults?.weight ?? 0, reverse: t.reverse || defaults?.reverse === true }];
        }),
        interfaces: [
          // keepalived tracks the instance's own interface unless dont_track_primary
          ...(model.dontTrackPrimary === true ? [] : [{ name: iface, weight: 0, reverse: false }]),
          ...model.trackInterfaces.map((t) => ({ name: t.name, weight: t.weight ?? 0, reverse: t.reverse })),
        ],
        files: model.trackFiles.flatMap((t) => {
          const tracker = this.#files.get(t.name);
          const defaults = fileWeights.get(t.name);
          return tracker === undefined ? [] : [{ tracker, weight: t.weight ?? defaults?.weight ?? 1, reverse: t.reverse || defaults?.reverse === true }];
        }),
        backends: (model.trackBackends ?? []).map((t) => ({ name: t.name, weight: t.weight ?? 0, reverse: t.reverse })),
      };
      this.#tracked.push(tracked);
    }
    this.instances = instances;

    const groups: SyncGroup[] = [];
    for (const model of config.syncGroups) {
      const members = model.members.flatMap((m) => instances.filter((i) => i.config.name === m.name));
      const group = new SyncGroup(model.name, members, notifySettings(model.notify, global), deps.host, deps.log);
      groups.push(group);
      for (const t of this.#tracked) if (members.includes(t.instance)) t.group = group;
    }
    this.syncGroups = groups;
  }

  start(): void {
    for (const tracker of this.#scripts.values()) {
      tracker.onChange(() => this.#reevaluate());
      tracker.start();
    }
    for (const tracker of this.#files.values()) {
      tracker.onChange(() => this.#reevaluate());
      tracker.start();
    }
    this.#unwatchLinks = this.#deps.host.onLinkChange((name, up) => {
      this.#deps.log(`Netlink reports ${name} ${up ? 'up' : 'down'}`);
      this.#reevaluate();
    });
    const begin = (): void => {
      this.#reevaluate();
      for (const instance of this.instances) if (!this.#carried.has(instance)) instance.start();
    };
    if (this.#startupDelayMs > 0) {
      this.#deps.log(`Delaying startup for ${this.#startupDelayMs / 1000} seconds`);
      this.#startTimer = this.#deps.clock.setTimeout(begin, this.#startupDelayMs);
    } else {
      begin();
    }
  }

  /**
   * Reload: stops what the old router ran and this one does not carry over (its trackers, and
   * instances removed or changed), then starts this one. Carried instances keep running.
   */
  takeOver(previous: VrrpRouter): void {
    previous.#stopTrackers();
    for (const group of previous.syncGroups) group.dispose();
    for (const instance of previous.instances) {
      if (!this.#carried.has(instance)) instance.stop();
      else this.#deps.log(`(${instance.config.name}) unchanged by the reload, keeping state ${instance.state}`);
    }
    this.start();
  }

  #stopTrackers(): void {
    this.#startTimer?.cancel();
    this.#unwatchLinks?.();
    for (const tracker of this.#scripts.values()) tracker.stop();
    for (const tracker of this.#files.values()) tracker.stop();
  }

  /** SIGTERM: masters send priority 0 and every instance drops its addresses */
  stop(): void {
    this.#startTimer?.cancel();
    this.#unwatchLinks?.();
    for (const tracker of this.#scripts.values()) tracker.stop();
    for (const tracker of this.#files.values()) tracker.stop();
    for (const instance of this.instances) instance.stop();
  }

  /** a raw IPv4 packet (with its IP header) received on `iface` */
  receiveIpv4(iface: string, raw: Uint8Array): void {
    const packet = parseIpv4Packet(raw);
    if (packet === undefined || packet.protocol !== vrrpProtocol) return;
    this.receive(iface, 4, { source: packet.source, destination: packet.destination, ttl: packet.ttl, payload: packet.payload });
  }

  /** a VRRP message received on `iface`; adverts for VRIDs no instance has are ignored */
  receive(iface: string, family: IpFamily, packet: ReceivedPacket): void {
    const vrid = packet.payload[1];
    if (vrid === undefined) return;
    const instance = this.#byInterfaceVrid.get(`${iface}/${vrid}/${family}`);
    // our own adverts come back on some setups (multicast loop): never act on them
    if (instance === undefined || packet.source === instance.config.primaryAddress) return;
    instance.receive(packet);
  }

  /** track_backend: the proxy reports whether a backend has a server available */
  setBackendHealth(backend: string, available: boolean): void {
    if (this.#backendHealth.get(backend) === available) return;
    this.#backendHealth.set(backend, available);
    this.#reevaluate();
  }

  status(): InstanceStatus[] {
    return this.instances.map((i) => i.status());
  }

  #reevaluate(): void {
    const linkUp = (name: string): boolean | undefined => this.#deps.host.linkUp(name);
    for (const t of this.#tracked) {
      const result = evaluateTracking(t.instance.config.priority, t.scripts, t.interfaces, t.files, linkUp, t.backends, (name) => this.#backendHealth.get(name));
      t.instance.setPriority(result.priority);
      const reason = result.reasons.join(', ') || 'tracked resources OK';
      if (t.group !== undefined) t.group.memberFault(t.instance, result.fault, reason);
      else t.instance.setFault(result.fault, reason);
    }
  }
}
