// The top level of keepalived.conf: one entry per block type, each owned by its own file.
import { block, KeywordTable } from '../keywords.ts';
import type { LoadState } from './args.ts';
import { globalDefsTable } from './global-defs.ts';
import { recognised } from './recognised.ts';
import { sslTable } from './ssl.ts';
import { staticKeywords } from './static.ts';
import { enterTrackFile, leaveTrackFile, trackFileTable } from './track-file.ts';
import { enterVirtualServer, virtualServerTable } from './virtual-server.ts';
import { handleVirtualServerGroup } from './virtual-server-group.ts';
import { enterVrrpInstance, leaveVrrpInstance, vrrpInstanceTable } from './vrrp-instance.ts';
import { enterVrrpScript, leaveVrrpScript, vrrpScriptTable } from './vrrp-script.ts';
import { enterSyncGroup, syncGroupTable } from './vrrp-sync-group.ts';

export const rootTable = new KeywordTable<LoadState>({ section: 'keepalived top level' }, [
  {
    name: 'global_defs',
    status: 'supported',
    summary: 'settings shared by every instance and virtual server',
    args: { max: 0 },
    block: block(globalDefsTable, (state: LoadState) => state),
  },
  {
    name: 'vrrp_script',
    status: 'supported',
    summary: 'a command run periodically that instances can track: vrrp_script NAME { }',
    args: { min: 1, max: 1 },
    block: block(vrrpScriptTable, enterVrrpScript, leaveVrrpScript),
  },
  {
    name: 'vrrp_instance',
    status: 'supported',
    summary: 'a VRRP virtual router: vrrp_instance NAME { }',
    args: { min: 1, max: 1 },
    block: block(vrrpInstanceTable, enterVrrpInstance, leaveVrrpInstance),
  },
  {
    name: 'vrrp_sync_group',
    status: 'supported',
    summary: 'instances that change state together: vrrp_sync_group NAME { group { } }',
    args: { min: 1, max: 1 },
    block: block(syncGroupTable, enterSyncGroup),
  },
  {
    name: 'virtual_server',
    status: 'supported',
    note: 'fwmark services run on the kernel data path only; group NAME services on neither',
    summary: 'an LVS service: virtual_server ADDRESS [PORT] | fwmark N | group NAME { }',
    args: { min: 1, max: 2 },
    block: block(virtualServerTable, enterVirtualServer),
  },
  {
    name: 'virtual_server_group',
    status: 'parsed',
    note: 'neither L4 data path runs group services yet',
    summary: 'addresses, ranges and fwmarks sharing real servers: virtual_server_group NAME { }',
    args: { min: 1, max: 1 },
    handle: handleVirtualServerGroup,
  },
  {
    name: 'track_file',
    aliases: ['vrrp_track_file'],
    status: 'supported',
    note: 'followed by vrrp_instance track_file; FILE_CHECK does not run yet',
    summary: 'a file holding a number to follow: track_file NAME { file PATH }',
    args: { min: 1, max: 1 },
    block: block(trackFileTable, enterTrackFile, leaveTrackFile),
  },
  {
    name: 'SSL',
    status: 'parsed',
    note: 'SSL_GET checks present no client certificate yet',
    summary: 'client certificate of SSL_GET checks',
    args: { max: 0 },
    block: block(sslTable, (state: LoadState) => state),
  },
  ...staticKeywords,
  ...recognised<LoadState>('keepalived block', [
    'vrrp_track_process', 'bfd_instance', 'garp_group', 'linkbeat_interfaces', 'interface_up_down_delays', 'track_group',
  ]),
  ...recognised<LoadState>('keepalived process setting', [
    'net_namespace', 'net_namespace_ipvs', 'namespace_with_ipsets', 'instance', 'use_pid_dir', 'linkbeat_use_polling', 'child_wait_time',
  ]),
]);
