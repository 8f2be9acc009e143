// UDP_CHECK { }: the server is up when a UDP datagram draws no ICMP error (or the expected reply).
import { KeywordTable } from '../../keywords.ts';
import { integerArg } from '../args.ts';
import type { UdpCheck } from '../model.ts';
import { checkerKeyword, commonCheckerKeywords, type CheckerContext } from './common.ts';

type Context = CheckerContext<UdpCheck>;

/** keepalived reads hex loosely ("Ab12f 3 456"); vigil keeps the words joined and checks the digits */
function hexWords(words: readonly string[]): string | undefined {
  const joined = words.join(' ');
  return /^[0-9a-fA-FxX\s]*$/.test(joined) ? joined : undefined;
}

const table = new KeywordTable<Context>({ section: 'keepalived UDP_CHECK' }, [
  ...commonCheckerKeywords<Context>(),
  {
    name: 'payload',
    status: 'parsed',
    summary: 'hex bytes to send (default: random)',
    args: { min: 1 },
    handle: ({ checker }, line, diag) => {
      const hex = hexWords(line.args.map((token) => token.text));
      const first = line.args[0];
      if (hex === undefined && first !== undefined) {
        diag.error(first, line.fullName, `Cannot parse payload "${line.args.map((t) => t.text).join(' ')}": expected hex digits`);
        return;
      }
      if (hex !== undefined) checker.payload = hex;
    },
  },
  {
    name: 'require_reply',
    status: 'parsed',
    summary: 'a reply must arrive, matching these hex bytes if given (x: any digit)',
    handle: ({ checker }, line, diag) => {
      const first = line.args[0];
      if (first === undefined) {
        checker.requireReply = true;
        return;
      }
      const hex = hexWords(line.args.map((token) => token.text));
      if (hex === undefined) {
        diag.error(first, line.fullName, `Cannot parse reply "${line.args.map((t) => t.text).join(' ')}": expected hex digits`);
        return;
      }
      checker.requireReply = hex;
    },
  },
  {
    name: 'min_reply_length',
    status: 'parsed',
    summary: 'shortest acceptable reply in bytes',
    args: { min: 1, max: 1 },
    handle: ({ checker }, line, diag) => {
      const length = integerArg(line, diag, { min: 0, max: 65535 }, 'reply length');
      if (length !== undefined) checker.minReplyLength = length;
    },
  },
  {
    name: 'max_reply_length',
    status: 'parsed',
    summary: 'longest acceptable reply in bytes',
    args: { min: 1, max: 1 },
    handle: ({ checker }, line, diag) => {
      const length = integerArg(line, diag, { min: 0, max: 65535 }, 'reply length');
      if (length !== undefined) checker.maxReplyLength = length;
    },
  },
]);

export const udpCheckKeyword = checkerKeyword('UDP_CHECK', 'check a UDP service', table, (at): UdpCheck => ({ type: 'UDP_CHECK', at }));
