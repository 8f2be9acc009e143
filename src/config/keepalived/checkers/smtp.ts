// SMTP_CHECK { }: the server is up when it greets, answers HELO and QUIT with 2xx codes.
import { block, KeywordTable, markSupported } from '../../keywords.ts';
import { stringArg } from '../args.ts';
import type { CheckerConnection, SmtpCheck } from '../model.ts';
import type { SourceLocation } from '../../token.ts';
import { checkerKeyword, commonCheckerKeywords, connectionKeywords, honouredConnection, honouredTiming, type CheckerContext } from './common.ts';
import { DiagnosticCode } from '../../diagnostics.ts';

type Context = CheckerContext<SmtpCheck>;
type HostContext = CheckerContext<CheckerConnection & { readonly at: SourceLocation }>;

/** keepalived 1.x `host { }`: one more address to connect to; 2.x makes each its own checker */
const hostTable = new KeywordTable<HostContext>({ section: 'keepalived SMTP_CHECK host' }, markSupported(connectionKeywords<HostContext>(), honouredConnection));

const table = new KeywordTable<Context>({ section: 'keepalived SMTP_CHECK' }, [
  ...markSupported(commonCheckerKeywords<Context>(), { ...honouredConnection, ...honouredTiming }),
  {
    name: 'helo_name',
    status: 'supported',
    summary: 'name sent in HELO (default: the host name)',
    args: { min: 1, max: 1 },
    handle: ({ checker }, line) => {
      const name = stringArg(line);
      if (name !== undefined) checker.heloName = name;
    },
  },
  {
    name: 'host',
    status: 'supported',
    note: 'each host block runs as one more SMTP_CHECK, as in keepalived 2',
    summary: 'another address to check, with its own connect_ip, connect_port and bindto',
    args: { max: 0 },
    block: block(hostTable, (ctx: Context, line, diag) => {
      const host = { at: { file: line.keyword.file, line: line.keyword.line, column: line.keyword.column } };
      ctx.checker.hosts.push(host);
      diag.note(line.keyword, line.fullName, 'keepalived 2 reads each host block as a separate SMTP_CHECK', { code: DiagnosticCode.deprecated });
      return { state: ctx.state, realServer: ctx.realServer, checker: host };
    }),
  },
]);

export const smtpCheckKeyword = checkerKeyword('SMTP_CHECK', 'check an SMTP server', table, (at): SmtpCheck => ({ type: 'SMTP_CHECK', at, hosts: [] }));
