// TCP_CHECK { }: the server is up when a TCP connection to it opens.
import { KeywordTable, markSupported } from '../../keywords.ts';
import type { TcpCheck } from '../model.ts';
import { checkerKeyword, commonCheckerKeywords, honouredConnection, honouredTiming, type CheckerContext } from './common.ts';

type Context = CheckerContext<TcpCheck>;

const table = new KeywordTable<Context>({ section: 'keepalived TCP_CHECK' }, markSupported(commonCheckerKeywords<Context>(), { ...honouredConnection, ...honouredTiming }));

export const tcpCheckKeyword = checkerKeyword('TCP_CHECK', 'check that a TCP connection opens', table, (at): TcpCheck => ({ type: 'TCP_CHECK', at }));
