// `timeout <name> <time>`: a sub-table with one entry per timeout. Bare numbers are milliseconds,
// as in HAProxy; HAProxy stores timeouts as signed 32-bit milliseconds, so larger values are refused.
import { type Keyword, KeywordTable, markSupported } from '../keywords.ts';
import type { Token } from '../token.ts';
import { fail, parseTime } from '../values.ts';
import { allowedHere, anywhere, backendOrDefaults, frontendOrDefaults, type Where } from './capabilities.ts';
import { type ProxyContext, take } from './context.ts';
import type { TimeoutName } from './model.ts';

export const maxTimeoutMs = 2_147_483_647;

function timeout(name: TimeoutName, where: Where, summary: string): Keyword<ProxyContext> {
  return {
    name,
    status: 'parsed',
    summary,
    args: { min: 1, max: 1 },
    handle: (ctx, line, diag) => {
      if (!allowedHere(ctx, line, diag, where)) return;
      const token = line.args[0] as Token;
      const parsed = parseTime(token.text, 'ms', `timeout ${name}`);
      const ms = take(parsed.ok && parsed.value > maxTimeoutMs ? fail(`Timeout ${token.text} is too large: at most ${maxTimeoutMs} ms (about 24.8 days)`) : parsed, token, line, diag);
      if (ms !== undefined) ctx.section.own.timeouts[name] = ms;
    },
  };
}

/**
 * The timeouts the sessions (src/proxy/http, src/proxy/tcp through build.ts) and the health checks
 * (src/check/from-haproxy.ts) use. client-fin and server-fin reach the runtime but no session
 * reads them yet; tarpit waits for the tarpit action.
 */
const honouredTimeouts: Readonly<Record<string, true | string>> = {
  connect: true,
  client: true,
  server: true,
  'http-request': true,
  'http-keep-alive': true,
  queue: true,
  tunnel: true,
  check: true,
};

export const timeoutTable = new KeywordTable<ProxyContext>({ section: 'haproxy proxy timeout' }, markSupported([
  timeout('connect', backendOrDefaults, 'Longest wait for a connection to a server'),
  timeout('client', frontendOrDefaults, 'Longest client inactivity'),
  timeout('server', backendOrDefaults, 'Longest server inactivity'),
  timeout('http-request', anywhere, 'Longest wait for a complete HTTP request'),
  timeout('http-keep-alive', anywhere, 'Longest wait for the next request on a kept-alive connection'),
  timeout('queue', backendOrDefaults, 'Longest wait in the queue for a server slot'),
  timeout('tunnel', backendOrDefaults, 'Inactivity timeout of tunnels (WebSocket, CONNECT)'),
  timeout('check', backendOrDefaults, 'Extra read timeout of health checks once connected'),
  timeout('client-fin', frontendOrDefaults, 'Inactivity on a half-closed client connection'),
  timeout('server-fin', backendOrDefaults, 'Inactivity on a half-closed server connection'),
  timeout('tarpit', anywhere, 'How long tarpitted requests are held'),
  { name: 'client-hs', status: 'unsupported', summary: 'Longest client handshake (HAProxy 2.8+)' },
], honouredTimeouts));
