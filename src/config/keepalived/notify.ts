// notify_master/backup/fault/stop and notify: scripts run on state transitions, shared by
// vrrp_instance and vrrp_sync_group.
import type { Keyword } from '../keywords.ts';
import { scriptArg, type LoadState } from './args.ts';
import type { NotifyScripts } from './model.ts';

const notifyKinds = [
  { name: 'notify_master', field: 'master', summary: 'script run on becoming MASTER' },
  { name: 'notify_backup', field: 'backup', summary: 'script run on becoming BACKUP' },
  { name: 'notify_fault', field: 'fault', summary: 'script run on entering FAULT' },
  { name: 'notify_stop', field: 'stop', summary: 'script run when VRRP stops' },
  { name: 'notify', field: 'any', summary: 'script run on every transition, with the new state appended' },
] as const;

export function notifyKeywords<C extends { readonly state: LoadState; readonly notify: NotifyScripts }>(): Keyword<C>[] {
  return notifyKinds.map(({ name, field, summary }) => ({
    name,
    status: 'supported',
    summary,
    note: 'runs as the user given after the command (else script_user); a group after the user is ignored',
    args: { min: 1, max: 3 },
    handle: (ctx: C, line, diag) => {
      const command = scriptArg(line, diag, ctx.state);
      if (command !== undefined) ctx.notify[field] = command;
    },
  }));
}
