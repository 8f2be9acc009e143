// Checks that need the whole file: names that refer to other blocks, and VRIDs that collide.
// Runs after every block was read, so a reference may point forward (keepalived allows that).
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import { didYouMean } from '../suggest.ts';
import type { SourceLocation } from '../token.ts';
import type { KeepalivedConfig, TrackedName, VrrpInstance } from './model.ts';

export function checkReferences(config: KeepalivedConfig, diag: Diagnostics): void {
  const scripts = config.vrrpScripts.map((script) => script.name);
  const instances = config.vrrpInstances.map((instance) => instance.name);
  const groups = config.virtualServerGroups.map((group) => group.name);
  const trackFiles = config.trackFiles.map((file) => file.name);

  const check = (names: readonly string[], tracked: readonly TrackedName[], keyword: string, what: string): void => {
    for (const entry of tracked) missing(names, entry.name, entry.at, keyword, what, diag);
  };

  for (const instance of config.vrrpInstances) {
    check(scripts, instance.trackScripts, 'track_script', 'vrrp_script');
    check(trackFiles, instance.trackFiles, 'track_file', 'track_file');
  }
  for (const group of config.syncGroups) {
    check(instances, group.members, 'group', 'vrrp_instance');
    check(scripts, group.trackScripts, 'track_script', 'vrrp_script');
    check(trackFiles, group.trackFiles, 'track_file', 'track_file');
  }
  for (const server of config.virtualServers) {
    if (server.target.kind === 'group') missing(groups, server.target.group, server.target.groupAt, 'virtual_server', 'virtual_server_group', diag);
    for (const real of server.realServers) {
      for (const checker of real.checkers) {
        if (checker.type === 'FILE_CHECK' && checker.trackFile !== undefined) {
          missing(trackFiles, checker.trackFile, checker.trackFileAt ?? checker.at, 'track_file', 'track_file', diag);
        }
      }
    }
  }
  const syncDaemon = config.globalDefs.lvsSyncDaemon;
  if (syncDaemon?.instance !== undefined) missing(instances, syncDaemon.instance, syncDaemon.at, 'lvs_sync_daemon', 'vrrp_instance', diag);
  checkDuplicateVrids(config.vrrpInstances, diag);
}

function missing(names: readonly string[], name: string, at: SourceLocation, keyword: string, what: string, diag: Diagnostics): void {
  if (names.includes(name)) return;
  const hint = didYouMean(name, names);
  diag.error(at, keyword, `No ${what} named "${name}"`, {
    code: DiagnosticCode.reference,
    hint: hint ?? (names.length === 0 ? `define it with "${what} ${name} { }"` : `defined: ${names.slice(0, 8).join(', ')}`),
  });
}

/**
 * Two virtual routers with one VRID on one interface and address family share a MAC address
 * (RFC 5798 section 7.3) and read each other's adverts, so neither works.
 */
function checkDuplicateVrids(instances: readonly VrrpInstance[], diag: Diagnostics): void {
  const seen = new Map<string, VrrpInstance>();
  for (const instance of instances) {
    if (instance.virtualRouterId === undefined || instance.interface === undefined) continue;
    const family = instance.virtualIpAddresses[0]?.address.family ?? 4;
    const key = `${instance.interface}\u0000${family}\u0000${instance.virtualRouterId}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, instance);
      continue;
    }
    diag.error(instance.virtualRouterIdAt ?? instance.at, 'virtual_router_id', `vrrp_instance "${instance.name}" uses virtual_router_id ${instance.virtualRouterId} on ${instance.interface}, as "${first.name}" does`, {
      code: DiagnosticCode.reference,
      hint: `give each instance on ${instance.interface} its own virtual_router_id`,
    });
  }
}
