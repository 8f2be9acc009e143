// DNS_CHECK { }: the server is up when it answers a DNS query.
import { KeywordTable, markSupported } from '../../keywords.ts';
import { choiceArg, stringArg } from '../args.ts';
import { dnsQueryTypes, type DnsCheck } from '../model.ts';
import { checkerKeyword, commonCheckerKeywords, honouredConnection, honouredTiming, type CheckerContext } from './common.ts';

type Context = CheckerContext<DnsCheck>;

const table = new KeywordTable<Context>({ section: 'keepalived DNS_CHECK' }, [
  ...markSupported(commonCheckerKeywords<Context>(), { ...honouredConnection, ...honouredTiming }),
  {
    name: 'type',
    status: 'supported',
    summary: 'query type: A, NS, CNAME, SOA, MX, TXT or AAAA (default SOA)',
    args: { min: 1, max: 1 },
    handle: ({ checker }, line, diag) => {
      const type = choiceArg(line, diag, dnsQueryTypes, 'DNS query type');
      if (type !== undefined) checker.queryType = type;
    },
  },
  {
    name: 'name',
    status: 'supported',
    summary: 'domain name to query (default ".")',
    args: { min: 1, max: 1 },
    handle: ({ checker }, line) => {
      const name = stringArg(line);
      if (name !== undefined) checker.name = name;
    },
  },
]);

export const dnsCheckKeyword = checkerKeyword('DNS_CHECK', 'check a DNS server', table, (at): DnsCheck => ({ type: 'DNS_CHECK', at }));
