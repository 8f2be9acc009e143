// State-change log lines worded as HAProxy writes them, so existing log alerts keep matching:
//   Server websrv/web1 is DOWN, reason: Layer4 connection problem, info: "Connection refused",
//   check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued,
//   0 remaining in queue.
import type { EngineEvent } from './engine.ts';
import { statusReason } from './outcome.ts';
import type { ServerSnapshot } from './server-state.ts';

/** Traffic figures the proxy knows and the checker does not; zeros when nothing is proxied */
export interface TrafficCounts {
  sessionsActive(serverId: string): number;
  queued(serverId: string): number;
}

const noTraffic: TrafficCounts = { sessionsActive: () => 0, queued: () => 0 };

/**
 * The lines HAProxy would log for one engine event (none for plain check results).
 * `group` lists the server's backend as it is after the change.
 */
export function haproxyStateLines(event: EngineEvent, group: readonly ServerSnapshot[], traffic: TrafficCounts = noTraffic): string[] {
  if (event.type !== 'state') return [];
  const { server, previous, cause } = event;
  const name = `${server.group}/${server.name}`;
  const active = group.filter((s) => !s.backup && s.serving).length;
  const backup = group.filter((s) => s.backup && s.serving).length;
  const lines: string[] = [];
  const sessions = traffic.sessionsActive(server.id);
  const queued = traffic.queued(server.id);

  if (previous.admin !== server.admin) {
    if (server.admin === 'maint') {
      lines.push(`Server ${name} is going DOWN for maintenance. ${active} active and ${backup} backup servers left. ${sessions} sessions active, 0 requeued, ${queued} remaining in queue.`);
    } else if (server.admin === 'drain') {
      lines.push(`Server ${name} enters drain state.`);
    } else if (previous.admin === 'maint') {
      lines.push(`Server ${name} is ${server.up ? 'UP' : 'DOWN'}/READY (leaving forced maintenance).`);
    } else {
      lines.push(`Server ${name} is ${server.up ? 'UP' : 'DOWN'}/READY (leaving forced drain).`);
    }
  } else if (previous.up !== server.up) {
    const outcome = event.outcome;
    const parts: string[] = [];
    if (outcome !== undefined) {
      parts.push(`reason: ${cause === 'passive' ? 'Health analyze' : statusReason[outcome.status]}`);
      if (outcome.code !== undefined) parts.push(`code: ${outcome.code}`);
      if (outcome.info !== '') parts.push(`info: "${outcome.info}"`);
      if (cause === 'check') parts.push(`check duration: ${Math.round(outcome.durationMs)}ms`);
    }
    const detail = parts.length > 0 ? `, ${parts.join(', ')}` : '';
    if (server.up) {
      lines.push(`Server ${name} is UP${detail}. ${active} active and ${backup} backup servers online. 0 sessions requeued, ${queued} total in queue.`);
    } else {
      lines.push(`Server ${name} is DOWN${detail}. ${active} active and ${backup} backup servers left. ${sessions} sessions active, 0 requeued, ${queued} remaining in queue.`);
    }
  } else if (previous.weight !== server.weight && cause === 'weight') {
    lines.push(`Server ${name} weight changed from ${previous.weight} to ${server.weight}.`);
  }
  if (previous.serving && !server.serving && active === 0 && backup === 0) {
    lines.push(`backend ${server.group} has no server available!`);
  }
  return lines;
}
