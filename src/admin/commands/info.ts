// `show info`: the process, as HAProxy's `Name: value` lines (the fields vigil has; tools read
// them by name, so the names are HAProxy's).
import type { CliCommand } from '../cli.ts';
import type { ProcessInfo } from '../model.ts';

function uptime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${d}d ${h}h${String(m).padStart(2, '0')}m${String(seconds % 60).padStart(2, '0')}s`;
}

export function infoLines(p: ProcessInfo): string {
  const fields: [string, string | number][] = [
    ['Name', p.name],
    ['Version', p.version],
    ['Nbthread', p.nbthread],
    ['Nbproc', 1],
    ['Process_num', 1],
    ['Pid', p.pid],
    ['Uptime', uptime(p.uptimeSec)],
    ['Uptime_sec', p.uptimeSec],
    ['Memmax_MB', 0],
    ['Ulimit-n', p.ulimitN ?? 0],
    ['Maxconn', p.maxconn ?? 0],
    ['Hard_maxconn', p.maxconn ?? 0],
    ['CurrConns', p.currentConnections],
    ['CumConns', p.cumulativeConnections],
    ['CumReq', p.cumulativeRequests],
    ['ConnRate', p.sessionRate],
    ['MaxConnRate', p.maxSessionRate],
    ['SessRate', p.sessionRate],
    ['MaxSessRate', p.maxSessionRate],
    ['node', p.node],
    ['Stopping', 0],
    ['Listeners', p.listeners],
    ['TotalBytesOut', p.bytesOut],
    ['Start_time_sec', Math.floor(p.startedAt / 1000)],
  ];
  if (p.description !== undefined) fields.push(['description', p.description]);
  return fields.map(([k, v]) => `${k}: ${v}\n`).join('');
}

export const infoCommands: readonly CliCommand[] = [
  {
    words: ['show', 'info'],
    usage: 'show info',
    help: 'report information about the running process',
    run: (_args, session) => infoLines(session.context.snapshot().process),
  },
];
