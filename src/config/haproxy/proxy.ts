// The keywords of `defaults`, `frontend`, `backend` and `listen` (HAProxy's cfgparse-listen.c and
// proxy.c). One table for all four, as in HAProxy; where a keyword may appear is checked by each
// handler (capabilities.ts). Multi-word keywords hang their sub-tables here.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import { type Keyword, type KeywordLine, KeywordTable, markSupported } from '../keywords.ts';
import type { Token } from '../token.ts';
import { fail, ok, type Parsed, parseChoice, parseInteger, parseTime } from '../values.ts';
import { handleAcl } from './acl.ts';
import { handleBind } from './bind.ts';
import { handleBalance, handleHashType } from './balance.ts';
import { allowedHere, anywhere, backendOnly, backendOrDefaults, frontendOnly, frontendOrDefaults, proxiesOnly, type Where } from './capabilities.ts';
import { splitCondition } from './condition.ts';
import { joinWords, locate, need, type ProxyContext, resolvePath, take } from './context.ts';
import { parseLogLine } from './log.ts';
import type { CookieSettings, ProxyMode, ProxySettings } from './model.ts';
import { optionTable } from './proxy-options.ts';
import { httpAfterResponseTable, httpCheckTable, httpRequestTable, httpResponseTable, tcpCheckTable, tcpRequestTable, tcpResponseTable } from './rules.ts';
import { handleDefaultServer, handleServer } from './server.ts';
import { statsTable } from './stats.ts';
import { timeoutTable } from './timeouts.ts';

type Entry = Keyword<ProxyContext>;
type Handler = (ctx: ProxyContext, line: KeywordLine, diag: Diagnostics) => void;

/** keywords that take a `no` or `default` prefix; others refuse it */
export const modifiableKeywords: ReadonlySet<string> = new Set(['option', 'log']);

const first = (line: KeywordLine): Token => line.args[0] as Token;

function entry(name: string, summary: string, args: { min?: number; max?: number }, where: Where, handle: Handler): Entry {
  return {
    name,
    status: 'parsed',
    summary,
    args,
    handle: (ctx, line, diag) => {
      if (allowedHere(ctx, line, diag, where)) handle(ctx, line, diag);
    },
  };
}

function integerSetting(name: string, field: 'retries' | 'maxconn' | 'fullconn' | 'backlog', where: Where, summary: string, min = 0): Entry {
  return entry(name, summary, { min: 1, max: 1 }, where, (ctx, line, diag) => {
    const value = take(parseInteger(first(line).text, { min }, name), first(line), line, diag);
    if (value !== undefined) ctx.section.own[field] = value;
  });
}

/** a single log-format string: HAProxy refuses several words (the author forgot the quotes) */
function formatString(name: string, field: 'logFormat' | 'uniqueIdFormat', where: Where, summary: string): Entry {
  return entry(name, summary, { min: 1 }, where, (ctx, line, diag) => {
    const extra = line.args[1];
    if (extra !== undefined) {
      diag.error(extra, line.fullName, `"${name}" takes one string, got ${line.args.length} words`, {
        code: DiagnosticCode.arity,
        hint: 'quote the whole format: log-format "%ci:%cp [%t] ..."',
      });
      return;
    }
    ctx.section.own[field] = first(line).text;
  });
}

function later(name: string, summary: string): Entry {
  return { name, status: 'unsupported', summary };
}

const modes = ['http', 'tcp', 'health'] as const;

function handleMode(ctx: ProxyContext, line: KeywordLine, diag: Diagnostics): void {
  const token = first(line);
  if (token.text === 'log' || token.text === 'spop') {
    diag.warning(token, line.fullName, `Mode "${token.text}" is not supported yet; the proxy keeps its inherited mode`, { code: DiagnosticCode.unsupported });
    return;
  }
  const mode = take(parseChoice<ProxyMode>(token.text, modes, 'mode'), token, line, diag);
  if (mode !== undefined) ctx.section.own.mode = mode;
}

function handleLog(ctx: ProxyContext, line: KeywordLine, diag: Diagnostics): void {
  const own = ctx.section.own;
  if (ctx.modifier !== undefined) {
    // `no log`: forget the inherited targets and this section's earlier ones
    if (ctx.modifier.text !== 'no' || line.args.length > 0) {
      diag.error(ctx.modifier, line.fullName, `"${ctx.modifier.text} log" takes no arguments`, { code: DiagnosticCode.arity });
      return;
    }
    own.noLog = true;
    own.logs = [];
    return;
  }
  if (line.args.length === 0) {
    diag.error(line.keyword, line.fullName, '"log" expects "global" or a target and a facility', { code: DiagnosticCode.arity });
    return;
  }
  const target = parseLogLine(line, diag);
  if (target !== undefined) own.logs.push(target);
}

/** HAProxy's errorfile codes: the statuses it can generate itself */
const errorCodes = [200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504];

function handleErrorfile(ctx: ProxyContext, line: KeywordLine, diag: Diagnostics): void {
  const [codeToken, pathToken] = line.args as [Token, Token];
  const code = take(parseErrorCode(codeToken.text), codeToken, line, diag);
  if (code === undefined) return;
  const path = resolvePath(ctx.state, pathToken.text);
  ctx.section.own.errorFiles[code] = { code, path, at: locate(pathToken) };
  need(ctx.state, 'file', path, locate(pathToken), line.fullName);
}

function parseErrorCode(text: string): Parsed<number> {
  const code = parseInteger(text, { min: 100, max: 599 }, 'status code');
  if (!code.ok) return code;
  if (!errorCodes.includes(code.value)) return fail(`HAProxy has no error page for status ${text}`, `expected one of ${errorCodes.join(', ')}`);
  return ok(code.value);
}

const cookieFlags = ['indirect', 'nocache', 'postonly', 'preserve', 'httponly', 'secure', 'dynamic'] as const;

/** `cookie <name> [rewrite|insert|prefix] [indirect] [nocache] ... [domain <d>]* [maxidle <t>] [maxlife <t>] [attr <v>]*` */
function handleCookie(ctx: ProxyContext, line: KeywordLine, diag: Diagnostics): void {
  const [nameToken, ...rest] = line.args as [Token, ...Token[]];
  const cookie: CookieSettings = {
    name: nameToken.text,
    indirect: false,
    nocache: false,
    postonly: false,
    preserve: false,
    httponly: false,
    secure: false,
    dynamic: false,
    domains: [],
    attrs: [],
    at: locate(line.keyword),
  };
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] as Token;
    const word = token.text;
    if (word === 'rewrite' || word === 'insert' || word === 'prefix') {
      if (cookie.mode !== undefined && cookie.mode !== word) {
        diag.error(token, line.fullName, `"${word}" conflicts with "${cookie.mode}": a cookie has one mode`, { code: DiagnosticCode.badValue });
        return;
      }
      cookie.mode = word;
      continue;
    }
    if ((cookieFlags as readonly string[]).includes(word)) {
      cookie[word as (typeof cookieFlags)[number]] = true;
      continue;
    }
    if (word === 'domain' || word === 'attr' || word === 'maxidle' || word === 'maxlife') {
      const value = rest[i + 1];
      if (value === undefined) {
        diag.error(token, line.fullName, `"${word}" needs a value`, { code: DiagnosticCode.arity });
        return;
      }
      i++;
      if (word === 'domain') cookie.domains.push(value.text);
      else if (word === 'attr') cookie.attrs.push(value.text);
      else {
        const ms = take(parseTime(value.text, 's', word), value, line, diag);
        if (ms === undefined) return;
        cookie[word === 'maxidle' ? 'maxidleMs' : 'maxlifeMs'] = ms;
      }
      continue;
    }
    const options = ['rewrite', 'insert', 'prefix', ...cookieFlags, 'domain', 'attr', 'maxidle', 'maxlife'];
    const near = parseChoice(word, options, 'cookie option');
    diag.error(token, line.fullName, near.ok ? `Unexpected "${word}"` : near.message, {
      code: DiagnosticCode.badValue,
      ...(near.ok || near.hint === undefined ? {} : { hint: near.hint }),
    });
    return;
  }
  ctx.section.own.cookie = cookie;
}

function handleUseBackend(ctx: ProxyContext, line: KeywordLine, diag: Diagnostics): void {
  if (ctx.section.kind === 'defaults') return;
  const split = splitCondition(line.args, line, diag);
  if (split === undefined) return;
  const [backend, extra] = split.before;
  if (backend === undefined || extra !== undefined) {
    diag.error(extra ?? line.keyword, line.fullName, '"use_backend" expects a backend name and an optional condition', { code: DiagnosticCode.arity });
    return;
  }
  ctx.section.useBackends.push({
    backend: backend.text,
    ...(split.condition === undefined ? {} : { condition: split.condition }),
    at: locate(line.keyword),
    nameAt: locate(backend),
  });
}

function handleDefaultBackend(ctx: ProxyContext, line: KeywordLine): void {
  const backend = first(line);
  ctx.section.own.defaultBackend = { backend: backend.text, at: locate(line.keyword), nameAt: locate(backend) };
}

function handleUseServer(ctx: ProxyContext, line: KeywordLine, diag: Diagnostics): void {
  if (ctx.section.kind === 'defaults') return;
  const split = splitCondition(line.args, line, diag);
  if (split === undefined) return;
  const [server, extra] = split.before;
  if (server === undefined || extra !== undefined) {
    diag.error(extra ?? line.keyword, line.fullName, '"use-server" expects a server name and an optional condition', { code: DiagnosticCode.arity });
    return;
  }
  ctx.section.useServers.push({ server: server.text, ...(split.condition === undefined ? {} : { condition: split.condition }), at: locate(line.keyword) });
}

const redirectCodes = [301, 302, 303, 307, 308];

/** `redirect location|prefix|scheme <to> [code <n>] [options...] [if|unless <cond>]` */
function handleRedirect(ctx: ProxyContext, line: KeywordLine, diag: Diagnostics): void {
  if (ctx.section.kind === 'defaults') return;
  const split = splitCondition(line.args, line, diag);
  if (split === undefined) return;
  const [typeToken, targetToken, ...rest] = split.before;
  if (typeToken === undefined || targetToken === undefined) {
    diag.error(line.keyword, line.fullName, '"redirect" expects location, prefix or scheme and a target', { code: DiagnosticCode.arity });
    return;
  }
  const type = take(parseChoice(typeToken.text, ['location', 'prefix', 'scheme'] as const, 'redirect type'), typeToken, line, diag);
  if (type === undefined) return;
  let code: number | undefined;
  const options: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] as Token;
    if (token.text === 'code') {
      const value = rest[i + 1];
      if (value === undefined) {
        diag.error(token, line.fullName, '"code" needs a status', { code: DiagnosticCode.arity });
        return;
      }
      const parsed = parseInteger(value.text, {}, 'redirect code');
      code = take(parsed.ok && !redirectCodes.includes(parsed.value) ? fail(`Redirect code ${value.text} is not one of ${redirectCodes.join(', ')}`) : parsed, value, line, diag);
      if (code === undefined) return;
      i++;
      continue;
    }
    options.push(token.text);
  }
  ctx.section.redirects.push({
    type,
    target: targetToken.text,
    ...(code === undefined ? {} : { code }),
    options,
    ...(split.condition === undefined ? {} : { condition: split.condition }),
    at: locate(line.keyword),
  });
}

/** `capture cookie <name> len <n>`, `capture request|response header <name> len <n>` */
function capture(what: 'cookie' | 'request header' | 'response header', summary: string): Entry {
  return entry(what.split(' ')[0] as string, summary, { min: 3, max: 3 }, frontendOnly, (ctx, line, diag) => {
    if (ctx.section.kind === 'defaults') return;
    const [nameToken, lenToken, lengthToken] = line.args as [Token, Token, Token];
    if (lenToken.text !== 'len') {
      diag.error(lenToken, line.fullName, `Expected "len", got "${lenToken.text}"`, { code: DiagnosticCode.badValue });
      return;
    }
    const length = take(parseInteger(lengthToken.text, { min: 1 }, 'capture length'), lengthToken, line, diag);
    if (length !== undefined) ctx.section.captures.push({ what, name: nameToken.text, length, at: locate(line.keyword) });
  });
}

const captureTable = new KeywordTable<ProxyContext>({ section: 'haproxy proxy capture' }, [
  capture('cookie', 'Captures a cookie for logs'),
  {
    name: 'request',
    status: 'parsed',
    summary: 'Request captures',
    sub: new KeywordTable<ProxyContext>({ section: 'haproxy proxy capture request' }, [capture('request header', 'Captures a request header for logs')]),
  },
  {
    name: 'response',
    status: 'parsed',
    summary: 'Response captures',
    sub: new KeywordTable<ProxyContext>({ section: 'haproxy proxy capture response' }, [capture('response header', 'Captures a response header for logs')]),
  },
]);

const compressionAlgorithms = ['identity', 'gzip', 'deflate', 'raw-deflate'];

function compressionList(name: string, field: 'algorithms' | 'types', summary: string, check?: readonly string[]): Entry {
  return entry(name, summary, { min: 1 }, anywhere, (ctx, line, diag) => {
    const values: string[] = [];
    for (const token of line.args) {
      if (check !== undefined && take(parseChoice(token.text, check, 'compression algorithm'), token, line, diag) === undefined) return;
      values.push(token.text);
    }
    ctx.section.own.compression[field] = values;
  });
}

const compressionTable = new KeywordTable<ProxyContext>({ section: 'haproxy proxy compression' }, [
  compressionList('algo', 'algorithms', 'Compression algorithms offered', compressionAlgorithms),
  compressionList('type', 'types', 'MIME types to compress'),
  entry('offload', 'Removes Accept-Encoding so servers do not compress', { max: 0 }, anywhere, (ctx) => void (ctx.section.own.compression.offload = true)),
  entry('direction', 'Compresses requests, responses or both', { min: 1, max: 1 }, anywhere, (ctx, line, diag) => {
    const direction = take(parseChoice(first(line).text, ['request', 'response', 'both'], 'compression direction'), first(line), line, diag);
    if (direction !== undefined) ctx.section.own.compression.direction = direction;
  }),
  later('algo-req', 'Algorithm for request compression'),
  later('algo-res', 'Algorithms for response compression'),
  later('type-req', 'MIME types of requests to compress'),
  later('type-res', 'MIME types of responses to compress'),
  later('minsize-req', 'Smallest request body to compress'),
  later('minsize-res', 'Smallest response body to compress'),
]);

const retryOnKeywords = [
  'none', 'conn-failure', 'empty-response', 'junk-response', 'response-timeout', '0rtt-rejected', 'all-retryable-errors',
  '401', '403', '404', '408', '425', '429', '500', '501', '502', '503', '504',
];

const httpReuseModes = ['never', 'safe', 'aggressive', 'always'];

function setText(field: 'monitorUri' | 'uniqueIdHeader'): Handler {
  return (ctx, line) => void (ctx.section.own[field] = first(line).text);
}

function setField<K extends keyof ProxySettings>(field: K, value: ProxySettings[K]): Handler {
  return (ctx) => void (ctx.section.own[field] = value);
}

/**
 * What the runtime acts on: the data path (src/proxy/build.ts, sessions, src/proxy/acl, rules and
 * log), the health checks (src/check/from-haproxy.ts) and the stats page (src/admin). The rest
 * stays `parsed`.
 */
const honouredProxy: Readonly<Record<string, true | string>> = {
  acl: 'fetches that need TLS, request bodies, variables, userlists or backend state are refused',
  balance: 'rdp-cookie, hash and url_param check_post are refused',
  'default_backend': true,
  errorfile: true,
  'hash-type': 'the method only: vigil hashes with its own function whatever the function and modifier say, so keys map to other servers than in HAProxy',
  id: 'numbers the proxy on the stats page and in "show stat"',
  log: 'TCP, abns@ and ring@ targets are reported and skipped',
  'log-format': true,
  'log-tag': true,
  maxconn: true,
  mode: 'http and tcp; mode health is run as http',
  redirect: 'the set-cookie and clear-cookie options are refused',
  retries: true,
  'use_backend': true,
};

export const proxyTable = new KeywordTable<ProxyContext>({ section: 'haproxy proxy' }, markSupported([
  entry('acl', 'Names a condition made of a sample fetch and patterns', { min: 2 }, anywhere, handleAcl),
  integerSetting('backlog', 'backlog', frontendOrDefaults, 'Listen queue length of the binds'),
  entry('balance', 'Load-balancing algorithm', { min: 1 }, anywhere, handleBalance),
  {
    name: 'bind',
    status: 'supported',
    summary: 'Address and port the frontend listens on, with options',
    note: 'IPv4, IPv6 and host-name addresses only (unix@, abns@, fd@ ... are not opened); see the bind options for which are honoured',
    args: { min: 1 },
    handle: handleBind,
  },
  { name: 'capture', status: 'parsed', summary: 'Captures request/response parts for logs', sub: captureTable },
  { name: 'compression', status: 'parsed', summary: 'HTTP compression', sub: compressionTable },
  entry('cookie', 'Cookie-based server persistence', { min: 1 }, backendOrDefaults, handleCookie),
  later('declare', 'Declares capture slots for rules'),
  { name: 'default-server', status: 'supported', summary: 'Options every later server line starts from', note: 'each option as honoured on a server line', handle: handleDefaultServer },
  entry('default_backend', 'Backend used when no use_backend matches', { min: 1, max: 1 }, frontendOrDefaults, handleDefaultBackend),
  entry('description', 'Text shown on the stats page', { min: 1 }, proxiesOnly, (ctx, line) => {
    if (ctx.section.kind !== 'defaults') ctx.section.description = joinWords(line.args);
  }),
  { ...entry('disabled', 'Starts the proxy stopped', { max: 0 }, anywhere, setField('disabled', true)), note: 'the stats page shows the proxy as STOP, but it still runs' },
  later('dispatch', 'Fixed server address for backends without servers (obsolete)'),
  later('email-alert', 'Sends e-mail on server state changes'),
  entry('enabled', 'Starts the proxy (undoes disabled)', { max: 0 }, anywhere, setField('disabled', false)),
  entry('errorfile', 'File returned instead of HAProxy\'s own error page for a status', { min: 2, max: 2 }, anywhere, handleErrorfile),
  later('errorfiles', 'Uses the error pages of an http-errors section'),
  { name: 'errorloc302', aliases: ['errorloc'], status: 'unsupported', summary: 'Redirects instead of an error page (302)' },
  later('errorloc303', 'Redirects instead of an error page (303)'),
  later('error-log-format', 'Log format of connection errors'),
  later('external-check', 'External check command and path'),
  later('filter', 'Declares a stream filter (cache, compression, spoe, trace, bwlim)'),
  later('force-persist', 'Forces persistence on a server marked down'),
  integerSetting('fullconn', 'fullconn', backendOrDefaults, 'Backend load at which servers reach maxconn (with minconn)'),
  later('guid', 'Globally unique id of the proxy'),
  later('hash-balance-factor', 'Bounded load for consistent hashing'),
  later('hash-preserve-affinity', 'Keeps hash affinity when servers are full'),
  entry('hash-type', 'Hash method and function of hash-based algorithms', { min: 1, max: 3 }, anywhere, handleHashType),
  { name: 'http-after-response', status: 'parsed', summary: 'Rules run on every response, even HAProxy\'s own', sub: httpAfterResponseTable },
  { name: 'http-check', status: 'supported', summary: 'HTTP health-check steps', sub: httpCheckTable },
  later('http-error', 'Custom error response for a status'),
  { name: 'http-request', status: 'supported', summary: 'Rules run on HTTP requests', sub: httpRequestTable },
  { name: 'http-response', status: 'supported', summary: 'Rules run on HTTP responses', sub: httpResponseTable },
  entry('http-reuse', 'When idle server connections are shared between clients', { min: 1, max: 1 }, backendOrDefaults, (ctx, line, diag) => {
    const mode = take(parseChoice(first(line).text, httpReuseModes, 'http-reuse mode'), first(line), line, diag);
    if (mode !== undefined) ctx.section.own.httpReuse = mode;
  }),
  later('http-send-name-header', 'Sends the chosen server name in a header'),
  entry('id', 'Numeric proxy id (stats, SNMP)', { min: 1, max: 1 }, proxiesOnly, (ctx, line, diag) => {
    const id = take(parseInteger(first(line).text, { min: 1 }, 'proxy id'), first(line), line, diag);
    if (id !== undefined && ctx.section.kind !== 'defaults') ctx.section.id = id;
  }),
  later('ignore-persist', 'Ignores persistence for some requests'),
  later('load-server-state-from-file', 'Loads server states saved before a reload'),
  { name: 'log', status: 'parsed', summary: 'Log target of the proxy, or "global"', handle: handleLog },
  formatString('log-format', 'logFormat', frontendOrDefaults, 'Format of traffic log lines'),
  later('log-format-sd', 'RFC 5424 structured data of log lines'),
  later('log-steps', 'Logs at several steps of a stream (3.1+)'),
  entry('log-tag', 'Tag sent in this proxy\'s syslog headers', { min: 1, max: 1 }, anywhere, (ctx, line) => void (ctx.section.own.logTag = first(line).text)),
  later('max-keep-alive-queue', 'Queue length above which keep-alive is not reused'),
  later('max-session-srv-conns', 'Server connections kept per client session'),
  integerSetting('maxconn', 'maxconn', frontendOrDefaults, 'Maximum concurrent connections of the frontend'),
  entry('mode', 'Proxy mode: http, tcp or health', { min: 1, max: 1 }, anywhere, handleMode),
  later('monitor', 'Reports the frontend as failing under a condition'),
  entry('monitor-uri', 'URI answered with 200 as a health probe of the load balancer itself', { min: 1, max: 1 }, frontendOrDefaults, setText('monitorUri')),
  { name: 'option', status: 'supported', summary: 'Turns a named behaviour on (or off with "no option")', sub: optionTable },
  later('persist', 'RDP cookie persistence'),
  later('quic-initial', 'Rules run on QUIC initial packets'),
  later('rate-limit', 'Limits the session rate of the frontend'),
  entry('redirect', 'Answers with an HTTP redirect', { min: 2 }, proxiesOnly, handleRedirect),
  integerSetting('retries', 'retries', backendOrDefaults, 'Connection retries to a server before giving up'),
  entry('retry-on', 'Which failures a request is retried on', { min: 1 }, backendOrDefaults, (ctx, line, diag) => {
    for (const token of line.args) if (take(parseChoice(token.text, retryOnKeywords, 'retry-on event'), token, line, diag) === undefined) return;
    ctx.section.own.retryOn = line.args.map((t) => t.text);
  }),
  {
    name: 'server',
    status: 'supported',
    summary: 'A server of the backend, with options',
    note: 'IP or host-name addresses with a port: unix@ servers, port offsets (+N, -N) and servers without a port are not honoured',
    args: { min: 2 },
    handle: handleServer,
  },
  later('server-state-file-name', 'File of saved server states for this backend'),
  later('server-template', 'Declares numbered servers filled by DNS'),
  later('source', 'Source address of server connections (transparent proxying)'),
  later('srvtcpka-cnt', 'TCP keep-alive probes towards servers'),
  later('srvtcpka-idle', 'TCP keep-alive idle time towards servers'),
  later('srvtcpka-intvl', 'TCP keep-alive interval towards servers'),
  later('clitcpka-cnt', 'TCP keep-alive probes towards clients'),
  later('clitcpka-idle', 'TCP keep-alive idle time towards clients'),
  later('clitcpka-intvl', 'TCP keep-alive interval towards clients'),
  { name: 'stats', status: 'supported', summary: 'Statistics page', sub: statsTable },
  later('stick', 'Stick-table persistence rules'),
  later('stick-table', 'Declares a stick table'),
  { name: 'tcp-check', status: 'supported', summary: 'TCP health-check steps', sub: tcpCheckTable },
  { name: 'tcp-request', status: 'parsed', summary: 'Rules run on incoming connections and content', sub: tcpRequestTable },
  { name: 'tcp-response', status: 'parsed', summary: 'Rules run on response content', sub: tcpResponseTable },
  { name: 'timeout', status: 'supported', summary: 'Timeouts', sub: timeoutTable },
  formatString('unique-id-format', 'uniqueIdFormat', frontendOrDefaults, 'Format of the unique request id'),
  entry('unique-id-header', 'Header carrying the unique request id', { min: 1, max: 1 }, frontendOrDefaults, setText('uniqueIdHeader')),
  entry('use_backend', 'Backend used when a condition matches', { min: 1 }, frontendOnly, handleUseBackend),
  later('use-fcgi-app', 'FastCGI application of the backend'),
  entry('use-server', 'Server used when a condition matches', { min: 1 }, backendOnly, handleUseServer),
], honouredProxy));
