// `show stat` (CSV, `typed` or `json`, optionally `up`/`no-maint` and `<iid> <type> <sid>`
// filters) and `show servers state` (HAProxy's server-state file format, version 1).
import type { CliCommand } from '../cli.ts';
import { findBackend } from '../context.ts';
import { renderCsv, rowMatches, type RowFilter } from '../csv.ts';
import { renderJson, renderTyped } from '../json.ts';
import { allRows } from '../model.ts';

const serversStateHeader =
  '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port';

/** HAProxy's HCHK_STATUS_* numbers (checks-t.h), as the server-state file stores them */
const checkStatusCode: Readonly<Record<string, number>> = {
  HANA: 4, SOCKERR: 5, L4OK: 6, L4TOUT: 7, L4CON: 8, L6OK: 9, L6TOUT: 10, L6RSP: 11,
  L7TOUT: 12, L7RSP: 13, L7OK: 14, L7OKC: 15, L7STS: 16, PROCERR: 17, PROCTOUT: 18, PROCOK: 19,
};
/** SRV_ADMF_FMAINT and SRV_ADMF_FDRAIN (server-t.h) */
const adminBits = { ready: 0, maint: 0x01, drain: 0x08 } as const;

export const statCommands: readonly CliCommand[] = [
  {
    words: ['show', 'stat'],
    usage: 'show stat [desc|json|no-maint|typed|up]*',
    help: 'report counters for each proxy and server',
    run: (args, session) => {
      const words = new Set(args.filter((a) => !/^-?\d+$/.test(a)));
      const numbers = args.filter((a) => /^-?\d+$/.test(a)).map(Number);
      const filter: RowFilter | undefined =
        numbers.length >= 3 ? { proxyId: numbers[0] as number, types: (numbers[1] as number) === -1 ? 7 : (numbers[1] as number), serverId: numbers[2] as number } : undefined;
      const snapshot = session.context.snapshot();
      const rows = [...allRows(snapshot)].filter(
        (row) =>
          rowMatches(row, filter) &&
          (!words.has('up') || row.server === undefined || row.server.up) &&
          (!words.has('no-maint') || row.server === undefined || row.server.admin !== 'maint'),
      );
      if (words.has('json')) return renderJson(rows);
      if (words.has('typed')) return renderTyped(rows);
      return renderCsv(snapshot, rows);
    },
  },
  {
    words: ['show', 'servers', 'state'],
    usage: 'show servers state [<backend>]',
    help: 'dump volatile server information (all or for a single backend)',
    run: (args, session) => {
      const context = session.context;
      const only = args[0];
      if (only !== undefined && findBackend(context, only) === undefined) return "Can't find backend.\n";
      const now = Date.now();
      let out = `1\n${serversStateHeader}\n`;
      for (const proxy of context.config.proxies) {
        if (proxy.kind === 'frontend' || (only !== undefined && findBackend(context, only) !== proxy)) continue;
        const beId = context.numbering.proxies.get(proxy.name) ?? 0;
        for (const server of proxy.servers) {
          const s = context.servers.get(`${proxy.name}/${server.name}`);
          if (s === undefined) continue;
          const srvId = context.numbering.servers.get(`${proxy.name}/${server.name}`) ?? 0;
          const rise = server.options.rise ?? 2;
          const fall = server.options.fall ?? 3;
          // SRV_ST_STOPPED 0, SRV_ST_RUNNING 2; CHK_RES_FAILED 2, CHK_RES_PASSED 3
          const opState = s.up ? 2 : 0;
          const last = s.lastCheck;
          const checkResult = last === undefined ? 0 : last.ok ? 3 : 2;
          const health = !s.checked ? 0 : s.up ? rise + fall - 1 : 0;
          const checkState = s.checked ? 6 : 0;
          out += [
            beId, proxy.name, srvId, server.name, server.address.host, opState, adminBits[s.admin], s.weight, s.configuredWeight,
            Math.max(0, Math.floor((now - s.lastChangeAt) / 1000)), last === undefined ? 0 : (checkStatusCode[last.status] ?? 0), checkResult, health, checkState,
            0, proxy.id === undefined ? 0 : 1, server.options.id === undefined ? 0 : 1, '-', server.address.ports?.from ?? 0, '-', server.options.ssl === true ? 1 : 0,
            server.options.port ?? 0, server.options.addr ?? '-', server.options.agentAddr ?? '-', server.options.agentPort ?? 0,
          ].join(' ') + '\n';
        }
      }
      return out;
    },
  },
];
