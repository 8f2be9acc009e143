// PING_CHECK { }: the server is up when it answers an ICMP echo.
import { KeywordTable } from '../../keywords.ts';
import type { PingCheck } from '../model.ts';
import { checkerKeyword, commonCheckerKeywords, type CheckerContext } from './common.ts';

type Context = CheckerContext<PingCheck>;

const table = new KeywordTable<Context>({ section: 'keepalived PING_CHECK' }, commonCheckerKeywords<Context>());

export const pingCheckKeyword = checkerKeyword('PING_CHECK', 'check that the server answers ICMP echo', table, (at): PingCheck => ({ type: 'PING_CHECK', at }));
