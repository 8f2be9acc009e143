// keepalived.conf's vrrp_instance blocks as instance configs, with keepalived's defaults
// (advert_int 1 s, priority 100, VRRPv2, 5 gratuitous ARPs and another 5 after 5 s).
import type { GlobalDefs, NotifyScripts, ScriptCommand, VirtualAddress, VrrpInstance } from '../config/keepalived/model.ts';
import { AuthType } from './constants.ts';
import type { ScriptRun, VirtualIp } from './host.ts';
import type { InstanceConfig, NotifySettings } from './instance.ts';

export const keepalivedDefaults = {
  advertIntervalMs: 1000,
  priority: 100,
  version: 2,
  garpMasterRepeat: 5,
  garpMasterDelayMs: 5000,
  garpIntervalMs: 0,
  notifyTimeoutMs: 30_000,
} as const;

export function scriptRun(command: ScriptCommand, global: GlobalDefs, timeoutMs: number): ScriptRun {
  const user = command.user ?? global.scriptUser?.user;
  return { command: command.path, args: command.args, timeoutMs, ...(user === undefined ? {} : { user }) };
}

/** notify_master/backup/fault/stop and notify, of an instance or a sync group */
export function notifySettings(n: NotifyScripts, global: GlobalDefs): NotifySettings {
  const run = (command: ScriptCommand | undefined): ScriptRun | undefined =>
    command === undefined ? undefined : scriptRun(command, global, keepalivedDefaults.notifyTimeoutMs);
  const entries = { master: run(n.master), backup: run(n.backup), fault: run(n.fault), stop: run(n.stop), any: run(n.any) };
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as NotifySettings;
}

export function virtualIp(address: VirtualAddress, defaultDev: string): VirtualIp {
  return {
    address: address.address.address,
    prefix: address.address.prefix,
    family: address.address.family,
    dev: address.dev ?? defaultDev,
    ...(address.label === undefined ? {} : { label: address.label }),
    ...(address.scope === undefined ? {} : { scope: address.scope }),
    ...(address.broadcast === undefined ? {} : { broadcast: address.broadcast }),
  };
}

/**
 * The runtime config of one instance. `primaryAddress` is the interface's own address, which the
 * daemon looks up on the host (unicast_src_ip or mcast_src_ip win when given).
 */
export function instanceConfig(instance: VrrpInstance, global: GlobalDefs, primaryAddress: string): InstanceConfig {
  const iface = instance.interface ?? global.defaultInterface ?? 'eth0';
  const vips = instance.virtualIpAddresses.map((a) => virtualIp(a, iface));
  const family = vips[0]?.family ?? 4;
  const version = instance.version ?? global.vrrpVersion ?? keepalivedDefaults.version;
  const auth = instance.authentication;
  const notify = notifySettings(instance.notify, global);
  const g = instance.garp;
  return {
    name: instance.name,
    interface: iface,
    family,
    version,
    vrid: instance.virtualRouterId ?? 0,
    priority: instance.priority ?? keepalivedDefaults.priority,
    advertIntervalMs: instance.advertIntMs ?? keepalivedDefaults.advertIntervalMs,
    // VRRPv3 has no authentication (RFC 5798 section 9); keepalived ignores it there
    auth:
      version === 2 && auth?.type === 'PASS'
        ? { type: AuthType.simple, password: (auth.pass ?? '').slice(0, 8) }
        : { type: AuthType.none, password: '' },
    vips,
    excludedVips: instance.virtualIpAddressesExcluded.map((a) => virtualIp(a, iface)),
    preempt: instance.noPreempt !== true,
    preemptDelayMs: instance.preemptDelayMs ?? 0,
    primaryAddress: instance.unicastSrcIp?.address ?? instance.mcastSrcIp?.address ?? primaryAddress,
    unicastPeers: instance.unicastPeers.map((p) => p.address.address),
    garp: {
      repeat: g.masterRepeat ?? global.vrrpGarpMasterRepeat ?? keepalivedDefaults.garpMasterRepeat,
      intervalMs: global.vrrpGarpIntervalMs ?? keepalivedDefaults.garpIntervalMs,
      secondBurstDelayMs: g.masterDelayMs ?? global.vrrpGarpMasterDelayMs ?? keepalivedDefaults.garpMasterDelayMs,
      refreshMs: g.masterRefreshMs ?? global.vrrpGarpMasterRefreshMs ?? 0,
      refreshRepeat: g.masterRefreshRepeat ?? global.vrrpGarpMasterRefreshRepeat ?? 1,
    },
    notify,
    skipCheckAdvertAddresses: global.vrrpSkipCheckAdvAddr === true,
  };
}
