// vrrp_sync_group NAME { group { VI_1 VI_2 } ... }: instances that change state together.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import { KeywordTable, type KeywordLine } from '../keywords.ts';
import { flagArg, listItems, type LoadState } from './args.ts';
import type { NotifyScripts, SyncGroup } from './model.ts';
import { notifyKeywords } from './notify.ts';
import { recognised } from './recognised.ts';
import { trackedInterfaces, trackedNames, trackFileWeightRange, trackWeightRange } from './tracking.ts';

export interface SyncGroupContext {
  readonly state: LoadState;
  readonly group: SyncGroup;
  readonly notify: NotifyScripts;
}

function addMember(group: SyncGroup, item: KeywordLine, diag: Diagnostics): void {
  const [extra] = item.args;
  if (extra !== undefined) {
    diag.error(extra, item.fullName, `A group member is one instance name a line, got "${extra.text}" after "${item.keyword.text}"`, {
      code: DiagnosticCode.arity,
    });
    return;
  }
  group.members.push({
    name: item.keyword.text,
    reverse: false,
    at: { file: item.keyword.file, line: item.keyword.line, column: item.keyword.column },
  });
}

export const syncGroupTable = new KeywordTable<SyncGroupContext>(
  {
    section: 'keepalived vrrp_sync_group',
    // keepalived 1.x listed the members directly in the block, without `group { }`
    fallback: ({ group }, line, diag) => {
      if (line.children !== undefined || line.args.length > 0 || !/^[A-Za-z0-9_.:-]+$/.test(line.keyword.text)) return false;
      addMember(group, { ...line, fullName: 'group' }, diag);
      diag.note(line.keyword, 'group', `Taken as a member instance, as keepalived 1.x did; keepalived 2 wants "group { ${line.keyword.text} }"`, {
        code: DiagnosticCode.deprecated,
      });
      return true;
    },
  },
  [
    {
      name: 'group',
      status: 'supported',
      summary: 'the member vrrp_instances, one a line',
      handle: ({ group }, line, diag) => {
        for (const item of listItems(line, diag)) addMember(group, item, diag);
      },
    },
    ...notifyKeywords<SyncGroupContext>(),
    {
      name: 'smtp_alert',
      status: 'parsed',
      summary: 'mail the notification_email list on transitions',
      args: { max: 1 },
      handle: ({ group }, line, diag) => {
        const value = flagArg(line, diag);
        if (value !== undefined) group.smtpAlert = value;
      },
    },
    {
      name: 'track_interface',
      status: 'parsed',
      summary: 'interfaces whose state changes every member',
      handle: ({ state, group }, line, diag) => {
        group.trackInterfaces.push(...trackedInterfaces(line, diag, state));
      },
    },
    {
      name: 'track_script',
      status: 'parsed',
      summary: 'vrrp_scripts whose result changes every member',
      handle: ({ group }, line, diag) => {
        group.trackScripts.push(...trackedNames(line, diag, trackWeightRange));
      },
    },
    {
      name: 'track_file',
      status: 'parsed',
      summary: 'track_files whose value changes every member',
      handle: ({ group }, line, diag) => {
        group.trackFiles.push(...trackedNames(line, diag, trackFileWeightRange));
      },
    },
    ...recognised<SyncGroupContext>('sync group setting', [
      'track_process', 'track_bfd', 'notify_deleted', 'notify_priority_changes', 'global_tracking', 'sync_group_tracking_weight',
    ]),
  ],
);

export function enterSyncGroup(state: LoadState, line: KeywordLine, diag: Diagnostics): SyncGroupContext | undefined {
  const name = line.args[0];
  if (name === undefined) return undefined;
  if (state.config.syncGroups.some((existing) => existing.name === name.text)) {
    diag.error(name, line.fullName, `vrrp_sync_group "${name.text}" is defined twice`, { code: DiagnosticCode.reference });
    return undefined;
  }
  const group: SyncGroup = {
    name: name.text,
    at: { file: name.file, line: name.line, column: name.column },
    members: [],
    notify: {},
    trackInterfaces: [],
    trackScripts: [],
    trackFiles: [],
  };
  state.config.syncGroups.push(group);
  return { state, group, notify: group.notify };
}
