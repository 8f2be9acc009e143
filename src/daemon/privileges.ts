// HAProxy's `user`/`group` (or uid/gid): once the listeners are bound, give up root. Only the
// control thread may change the process's identity, and only when nothing else still needs root
// (VRRP's raw socket and VIP changes, nftables for L4).
import type { GlobalSettings } from '../config/haproxy/model.ts';

export function dropPrivileges(global: GlobalSettings, stillNeedsRoot: boolean, log: (line: string) => void): void {
  const user = global.user ?? global.uid;
  const group = global.group ?? global.gid;
  if (user === undefined && group === undefined) return;
  if (process.getuid?.() !== 0) return;
  if (stillNeedsRoot) {
    log(`[NOTICE]   (${process.pid}) : staying root: this configuration also runs VRRP or L4 virtual servers`);
    return;
  }
  try {
    if (group !== undefined) process.setgid?.(group);
    if (user !== undefined) process.setuid?.(user);
    log(`[NOTICE]   (${process.pid}) : now running as ${String(user ?? 'root')}:${String(group ?? 'root')}`);
  } catch (error) {
    log(`[WARNING]  (${process.pid}) : cannot switch to ${String(user)}:${String(group)}: ${(error as Error).message}`);
  }
}
