// `option <name> [args]`, `no option <name>` and `default option <name>` (HAProxy's cfg_opts
// tables plus the options with arguments). Some options exclude each other: enabling one of a
// group drops the others, as HAProxy keeps a single mode for each group.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import { type Keyword, type KeywordLine, KeywordTable, markSupported } from '../keywords.ts';
import type { Token } from '../token.ts';
import { parseInteger, parseIpPrefix } from '../values.ts';
import { allowedHere, anywhere, backendOrDefaults, frontendOrDefaults, type Where } from './capabilities.ts';
import { locate, type ProxyContext, take } from './context.ts';
import type { ForwardFor, HttpCheckOption, OptionSetting } from './model.ts';

/** options of which at most one is in force; shared with inherit.ts */
export const exclusiveOptionGroups: readonly (readonly string[])[] = [
  ['httpclose', 'http-server-close', 'http-keep-alive'],
  ['httpchk', 'ssl-hello-chk', 'smtpchk', 'mysql-check', 'pgsql-check', 'redis-check', 'ldap-check', 'tcp-check', 'external-check', 'spop-check'],
  ['httplog', 'httpslog', 'tcplog'],
];

type Details = OptionSetting['details'];
type ParseArgs = (args: readonly Token[], line: KeywordLine, diag: Diagnostics) => Details | false;

interface OptionSpec {
  readonly where?: Where;
  /** HAProxy refuses `no`/`default` on options that take arguments, except these */
  readonly negatable?: boolean;
  /** most options take no argument */
  readonly maxArgs?: number;
  readonly parse?: ParseArgs;
  readonly status?: 'parsed' | 'unsupported';
}

function option(name: string, summary: string, spec: OptionSpec = {}): Keyword<ProxyContext> {
  const { where = anywhere, negatable = spec.parse === undefined, maxArgs = 0, parse, status = 'parsed' } = spec;
  return {
    name,
    status,
    summary,
    ...(parse === undefined ? { args: { max: maxArgs } } : {}),
    handle: (ctx, line, diag) => {
      const modifier = ctx.modifier;
      if (modifier !== undefined && !negatable) {
        diag.error(modifier, line.fullName, `"${modifier.text}" cannot be used with "${line.fullName}"`, { code: DiagnosticCode.structure });
        return;
      }
      if (!allowedHere(ctx, line, diag, where)) return;
      const options = ctx.section.own.options;
      if (modifier?.text === 'default') {
        // back to what the defaults section says
        delete options[name];
        return;
      }
      const details = parse === undefined ? undefined : parse(line.args, line, diag);
      if (details === false) return;
      const enabled = modifier === undefined;
      if (enabled) for (const group of exclusiveOptionGroups) if (group.includes(name)) for (const other of group) delete options[other];
      options[name] = {
        enabled,
        args: line.args.map((t) => t.text),
        at: locate(line.keyword),
        ...(details === undefined ? {} : { details }),
      };
    },
  };
}

/** `option forwardfor [except <network>] [header <name>] [if-none]` (and originalto, without if-none) */
function forwardedArgs(allowIfNone: boolean): ParseArgs {
  return (args, line, diag) => {
    const result: ForwardFor = { kind: 'forwardfor', ifNone: false };
    for (let i = 0; i < args.length; i++) {
      const token = args[i] as Token;
      if (token.text === 'if-none' && allowIfNone) {
        result.ifNone = true;
        continue;
      }
      if (token.text === 'except' || token.text === 'header') {
        const value = args[i + 1];
        if (value === undefined) {
          diag.error(token, line.fullName, `"${token.text}" needs a value`, { code: DiagnosticCode.arity });
          return false;
        }
        if (token.text === 'except') {
          if (take(parseIpPrefix(value.text, 'network'), value, line, diag) === undefined) return false;
          result.except = value.text;
        } else {
          result.header = value.text;
        }
        i++;
        continue;
      }
      diag.error(token, line.fullName, `Unexpected "${token.text}"`, {
        code: DiagnosticCode.badValue,
        hint: allowIfNone ? 'expected except <network>, header <name> or if-none' : 'expected except <network> or header <name>',
      });
      return false;
    }
    return result;
  };
}

/** `option httpchk [<uri>]` or `[<method> <uri> [<version>]]` */
const httpchkArgs: ParseArgs = (args, line, diag) => {
  const texts = args.map((t) => t.text);
  if (args.length > 3) {
    diag.error(args[3] as Token, line.fullName, '"option httpchk" takes at most a method, a URI and a version', { code: DiagnosticCode.arity });
    return false;
  }
  const result: HttpCheckOption = { kind: 'httpchk' };
  if (texts.length === 1) result.uri = texts[0] as string;
  if (texts.length >= 2) {
    result.method = texts[0] as string;
    result.uri = texts[1] as string;
  }
  if (texts.length === 3) result.version = texts[2] as string;
  return result;
};

const redispatchArgs: ParseArgs = (args, line, diag) => {
  const token = args[0];
  if (token === undefined) return undefined;
  if (args[1] !== undefined) {
    diag.error(args[1], line.fullName, `Unexpected "${args[1].text}"`, { code: DiagnosticCode.arity });
    return false;
  }
  const n = take(parseInteger(token.text, {}, 'redispatch interval'), token, line, diag);
  return n === undefined ? false : { interval: token.text };
};

/** options taking free words we keep as written: `option mysql-check user x`, `option smtpchk HELO d` */
const freeArgs = (max: number): ParseArgs => (args, line, diag) => {
  const extra = args[max];
  if (extra === undefined) return undefined;
  diag.error(extra, line.fullName, `Unexpected "${extra.text}"`, { code: DiagnosticCode.arity });
  return false;
};

const fe = frontendOrDefaults;
const be = backendOrDefaults;

/**
 * What the runtime acts on: connection modes, redispatch, allbackups and forwardfor
 * (src/proxy/build.ts), the log options (src/proxy/log/logger.ts) and the check options
 * (src/check/from-haproxy.ts). The rest stays `parsed`.
 */
const honouredOptions: Readonly<Record<string, true | string>> = {
  allbackups: true,
  'dontlog-normal': true,
  dontlognull: true,
  forwardfor: true,
  'http-keep-alive': true,
  'http-server-close': true,
  httpchk: 'a version other than HTTP/1.1 (and the old "HTTP/1.1\\r\\nHost: ..." trick) is sent as HTTP/1.0: add headers with "http-check send hdr"',
  httpclose: true,
  httplog: true,
  httpslog: 'the TLS fields stay empty: vigil frontends do not terminate TLS',
  'log-separate-errors': true,
  redispatch: true,
  'tcp-check': true,
  tcplog: true,
};

export const optionTable = new KeywordTable<ProxyContext>({ section: 'haproxy proxy option' }, markSupported([
  option('abortonclose', 'Drops queued requests whose client has gone', { where: be }),
  option('accept-invalid-http-request', 'Accepts some invalid characters in requests', { where: fe }),
  option('accept-invalid-http-response', 'Accepts some invalid characters in responses', { where: be }),
  option('accept-unsafe-violations-in-http-request', 'Accepts unsafe protocol violations in requests (3.0+)', { where: fe }),
  option('accept-unsafe-violations-in-http-response', 'Accepts unsafe protocol violations in responses (3.0+)', { where: be }),
  option('allbackups', 'Uses all backup servers at once when the others are down', { where: be }),
  option('checkcache', 'Blocks cacheable responses that set cookies', { where: be }),
  option('clitcpka', 'TCP keep-alive on client connections', { where: fe }),
  option('contstats', 'Updates traffic counters continuously', { where: fe }),
  option('disable-h2-upgrade', 'Refuses HTTP/1 to HTTP/2 upgrades', { where: fe }),
  option('dontlog-normal', 'Logs only errors and anomalies', { where: fe }),
  option('dontlognull', 'Does not log connections that sent no data', { where: fe }),
  option('forwardfor', 'Adds the client address in X-Forwarded-For', { parse: forwardedArgs(true) }),
  option('forwarded', 'Adds an RFC 7239 Forwarded header (2.7+)', { parse: freeArgs(16), status: 'unsupported' }),
  option('h1-case-adjust-bogus-client', 'Rewrites header name case for bogus HTTP/1 clients', { where: fe, status: 'unsupported' }),
  option('h1-case-adjust-bogus-server', 'Rewrites header name case for bogus HTTP/1 servers', { where: be, status: 'unsupported' }),
  option('http-buffer-request', 'Waits for the request body before choosing a server'),
  option('http-drop-request-trailers', 'Drops request trailers', { where: be }),
  option('http-drop-response-trailers', 'Drops response trailers', { where: fe }),
  option('http-ignore-probes', 'Does not log or answer empty pre-connections', { where: fe }),
  option('http-keep-alive', 'Keeps client and server connections open between requests'),
  option('http-no-delay', 'Sends HTTP data without waiting to fill packets'),
  option('http-pretend-keepalive', 'Pretends keep-alive to servers while closing', { where: be }),
  option('http-restrict-req-hdr-names', 'What to do with header names holding unusual characters', { parse: freeArgs(1) }),
  option('http-server-close', 'Closes the server connection after each response'),
  option('http-use-proxy-header', 'Reads Proxy-Connection as Connection', { where: fe }),
  option('http_proxy', 'Forwards to the address in the request URI (removed in 2.5)', { status: 'unsupported' }),
  option('httpchk', 'Checks servers with an HTTP request', { where: be, parse: httpchkArgs }),
  option('httpclose', 'Closes connections after each exchange'),
  option('httplog', 'Logs HTTP requests in the HTTP log format', { where: fe, parse: freeArgs(1) }),
  option('httpslog', 'Logs HTTP requests with TLS details', { where: fe }),
  option('idle-close-on-response', 'Lets idle connections finish their response on soft stop', { where: fe }),
  option('independent-streams', 'Separate read and write timeouts', { status: 'unsupported' }),
  option('ldap-check', 'Checks servers with an LDAP bind', { where: be }),
  option('external-check', 'Checks servers with an external command', { where: be, status: 'unsupported' }),
  option('log-health-checks', 'Logs every health check status change', { where: be }),
  option('log-separate-errors', 'Logs errors at a higher level', { where: fe }),
  option('logasap', 'Logs before the transfer ends', { where: fe }),
  option('mysql-check', 'Checks servers with a MySQL handshake', { where: be, parse: freeArgs(3) }),
  option('nolinger', 'Resets connections on close'),
  option('originalto', 'Adds the original destination in X-Original-To', { parse: forwardedArgs(false) }),
  option('persist', 'Keeps persistent sessions on a server marked down', { where: be }),
  option('pgsql-check', 'Checks servers with a PostgreSQL handshake', { where: be, parse: freeArgs(2) }),
  option('prefer-last-server', 'Reuses the last server of the connection', { where: be }),
  option('redispatch', 'Lets a request move to another server when its server fails', { where: be, parse: redispatchArgs, negatable: true }),
  option('redis-check', 'Checks servers with a Redis PING', { where: be }),
  option('smtpchk', 'Checks servers with SMTP HELO/EHLO', { where: be, parse: freeArgs(2) }),
  option('socket-stats', 'Keeps statistics per bind line', { where: fe }),
  option('splice-auto', 'Kernel splicing when it looks useful', { status: 'unsupported' }),
  option('splice-request', 'Kernel splicing of requests', { status: 'unsupported' }),
  option('splice-response', 'Kernel splicing of responses', { status: 'unsupported' }),
  option('spop-check', 'Checks SPOE agents', { where: be, status: 'unsupported' }),
  option('srvtcpka', 'TCP keep-alive on server connections', { where: be }),
  option('ssl-hello-chk', 'Checks servers with an SSLv3 hello', { where: be }),
  option('tcp-check', 'Checks servers with tcp-check rules', { where: be }),
  option('tcp-smart-accept', 'Delays accept until data arrives', { where: fe }),
  option('tcp-smart-connect', 'Sends the first data with the connect', { where: be }),
  option('tcpka', 'TCP keep-alive on both sides'),
  option('tcplog', 'Logs connections in the TCP log format', { where: fe, parse: freeArgs(1) }),
  option('transparent', 'Connects to the original destination address', { where: be, status: 'unsupported' }),
], honouredOptions));
