// `server` and `default-server` lines and their inline options (HAProxy's srv_kws). A server's
// effective options are the `default-server` in force at its line (the defaults section's, then the
// proxy's own) overlaid by what the line says, as HAProxy copies defsrv before parsing a server.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import { type KeywordLine, markSupported } from '../keywords.ts';
import type { Token } from '../token.ts';
import { fail, ok, type Parsed, parseChoice, parseInteger, parseIp, parsePort, parseTime } from '../values.ts';
import { parseAddress } from './address.ts';
import { allowedHere, backendOnly, backendOrDefaults } from './capabilities.ts';
import { locate, need, type ProxyContext, resolvePath, take, takeFor } from './context.ts';
import { defaultsSettings, mergeServerOptions } from './inherit.ts';
import type { ServerOptions } from './model.ts';
import { checkName } from './names.ts';
import { type InlineContext, type InlineOption, OptionTable } from './option-table.ts';

type Option = InlineOption<ServerOptions>;
type KeysOfType<T, V> = { [K in keyof T]-?: NonNullable<T[K]> extends V ? K : never }[keyof T];
/** fields that take any string, not a union of literals */
type TextKeys<T> = { [K in keyof T]-?: string extends NonNullable<T[K]> ? (NonNullable<T[K]> extends string ? K : never) : never }[keyof T];

const label = (ctx: InlineContext, option: Token): string => `${ctx.keyword} ${option.text}`;

function flag(name: string, field: KeysOfType<ServerOptions, boolean>, summary: string): Option {
  return { name, status: 'parsed', summary, negatable: true, handle: (t, _v, _o, ctx) => void (t[field] = !ctx.negated) };
}

function time(name: string, field: KeysOfType<ServerOptions, number>, summary: string, min = 1): Option {
  return {
    name,
    status: 'parsed',
    summary,
    values: 1,
    handle: (t, [value], option, ctx) => {
      if (value === undefined) return;
      const ms = takeFor(atLeast(parseTime(value.text, 'ms', name), min, name), value, label(ctx, option), ctx.diag);
      if (ms !== undefined) t[field] = ms;
    },
  };
}

function integer(name: string, field: KeysOfType<ServerOptions, number>, summary: string, min: number, max?: number): Option {
  return {
    name,
    status: 'parsed',
    summary,
    values: 1,
    handle: (t, [value], option, ctx) => {
      if (value === undefined) return;
      const n = takeFor(parseInteger(value.text, max === undefined ? { min } : { min, max }, name), value, label(ctx, option), ctx.diag);
      if (n !== undefined) t[field] = n;
    },
  };
}

function text(name: string, field: TextKeys<ServerOptions>, summary: string): Option {
  return { name, status: 'parsed', summary, values: 1, handle: (t, [value]) => void (value !== undefined && (t[field] = value.text)) };
}

function choice<K extends keyof ServerOptions>(name: string, field: K, choices: readonly NonNullable<ServerOptions[K]>[], summary: string): Option {
  return {
    name,
    status: 'parsed',
    summary,
    values: 1,
    handle: (t, [value], option, ctx) => {
      if (value === undefined) return;
      const picked = takeFor(parseChoice(value.text, choices as readonly string[], `${name} value`), value, label(ctx, option), ctx.diag);
      if (picked !== undefined) (t as Record<string, unknown>)[field] = picked;
    },
  };
}

function file(name: string, field: 'caFile' | 'crt', base: 'caBase' | 'crtBase', summary: string): Option {
  return {
    name,
    status: 'parsed',
    summary,
    values: 1,
    handle: (t, [value], option, ctx) => {
      if (value === undefined) return;
      const path = resolvePath(ctx.state, value.text, ctx.state.config.global[base]);
      t[field] = path;
      need(ctx.state, 'file', path, locate(value), label(ctx, option));
    },
  };
}

/** recognised so it is not a typo, skipped with a warning */
function later(name: string, values: number, summary: string, negatable = false): Option {
  return { name, status: 'unsupported', summary, values, ...(negatable ? { negatable } : {}) };
}

function atLeast(parsed: Parsed<number>, min: number, what: string): Parsed<number> {
  if (!parsed.ok || parsed.value >= min) return parsed;
  return fail(`${what} must be at least ${min} ms, got ${parsed.value}`);
}

const hostPattern = /^[A-Za-z0-9_.-]+$/;

/**
 * What the runtime acts on: the health checks (src/check/from-haproxy.ts, passive.ts), the data
 * path (src/proxy/build.ts) and the stats page (the ids). The rest stays `parsed`.
 */
const honouredServerOptions: Readonly<Record<string, true | string>> = {
  check: true,
  'check-ssl': 'tcp-check rulesets ignore it: write "tcp-check connect ssl"',
  'check-sni': true,
  inter: true,
  fastinter: true,
  downinter: true,
  rise: true,
  fall: true,
  port: true,
  addr: true,
  weight: true,
  backup: true,
  disabled: true,
  enabled: true,
  maxconn: true,
  maxqueue: true,
  observe: 'only on servers that also have "check", as in HAProxy',
  'error-limit': true,
  'on-error': true,
  'on-marked-down': true,
  id: 'numbers the server on the stats page and in "show stat"',
};

export const serverOptions = new OptionTable<ServerOptions>('server', markSupported([
  flag('check', 'check', 'Enables health checks on the server'),
  flag('check-ssl', 'checkSsl', 'Runs health checks over SSL/TLS'),
  flag('check-send-proxy', 'checkSendProxy', 'Sends a PROXY protocol header on health-check connections'),
  text('check-sni', 'checkSni', 'SNI sent on health-check TLS connections'),
  time('inter', 'interMs', 'Interval between health checks (default unit ms)'),
  time('fastinter', 'fastinterMs', 'Check interval while a server is going up or down'),
  time('downinter', 'downinterMs', 'Check interval while a server is down'),
  integer('rise', 'rise', 'Consecutive successful checks to mark a server up', 1),
  integer('fall', 'fall', 'Consecutive failed checks to mark a server down', 1),
  {
    name: 'port',
    status: 'parsed',
    summary: 'Port health checks connect to',
    values: 1,
    handle: (t, [value], option, ctx) => {
      if (value === undefined) return;
      const port = takeFor(parsePort(value.text, 'check port'), value, label(ctx, option), ctx.diag);
      if (port !== undefined) t.port = port;
    },
  },
  {
    name: 'addr',
    status: 'parsed',
    summary: 'Address health checks connect to',
    values: 1,
    handle: (t, [value], option, ctx) => {
      if (value === undefined) return;
      const address = takeFor(ipOrHost(value.text, 'check address'), value, label(ctx, option), ctx.diag);
      if (address !== undefined) t.addr = address;
    },
  },
  integer('weight', 'weight', 'Relative share of the load (0 to 256)', 0, 256),
  flag('backup', 'backup', 'Used only when all non-backup servers are down'),
  flag('disabled', 'disabled', 'Starts the server in maintenance'),
  { name: 'enabled', status: 'parsed', summary: 'Starts the server in service (undoes a default-server disabled)', handle: (t) => void (t.disabled = false) },
  integer('maxconn', 'maxconn', 'Maximum concurrent connections to the server', 0),
  integer('maxqueue', 'maxqueue', 'Maximum requests queued for the server', 0),
  integer('minconn', 'minconn', 'Dynamic connection limit floor (with fullconn)', 0),
  time('slowstart', 'slowstartMs', 'Ramp-up time for a server coming back up', 0),
  flag('send-proxy', 'sendProxy', 'Sends a PROXY protocol v1 header to the server'),
  flag('send-proxy-v2', 'sendProxyV2', 'Sends a PROXY protocol v2 header to the server'),
  flag('ssl', 'ssl', 'Connects to the server over SSL/TLS'),
  choice('verify', 'verify', ['none', 'required'], 'Server certificate verification'),
  text('verifyhost', 'verifyhost', 'Host name the server certificate must match'),
  file('ca-file', 'caFile', 'caBase', 'CA bundle to verify the server certificate'),
  file('crt', 'crt', 'crtBase', 'Client certificate presented to the server'),
  text('sni', 'sni', 'Expression giving the SNI sent to the server'),
  {
    name: 'alpn',
    status: 'parsed',
    summary: 'ALPN protocols offered to the server',
    values: 1,
    handle: (t, [value]) => void (value !== undefined && (t.alpn = value.text.split(','))),
  },
  text('proto', 'proto', 'Multiplexer protocol to use with the server (h1, h2, fcgi)'),
  choice('observe', 'observe', ['none', 'layer4', 'layer7'], 'Infers health from live traffic'),
  integer('error-limit', 'errorLimit', 'Errors observed before on-error applies', 1),
  choice('on-error', 'onError', ['fastinter', 'fail-check', 'sudden-death', 'mark-down'], 'What to do when error-limit is reached'),
  choice('on-marked-down', 'onMarkedDown', ['shutdown-sessions'], 'What to do when the server goes down'),
  choice('on-marked-up', 'onMarkedUp', ['shutdown-backup-sessions'], 'What to do when the server comes up'),
  text('cookie', 'cookie', 'Cookie value identifying the server for persistence'),
  text('resolvers', 'resolvers', 'resolvers section used to resolve the server name'),
  choice('resolve-prefer', 'resolvePrefer', ['ipv4', 'ipv6'], 'Preferred address family when resolving'),
  {
    name: 'init-addr',
    status: 'parsed',
    summary: 'How the server address is found at start-up (last, libc, none, an IP)',
    values: 1,
    handle: (t, [value], option, ctx) => {
      if (value === undefined) return;
      const methods = value.text.split(',');
      for (const method of methods) {
        if (['last', 'libc', 'none'].includes(method) || parseIp(method).ok) continue;
        ctx.diag.error(value, label(ctx, option), `Unknown init-addr method "${method}", expected last, libc, none or an IP address`, {
          code: DiagnosticCode.badValue,
        });
        return;
      }
      t.initAddr = methods;
    },
  },
  integer('id', 'id', 'Numeric server id (stats, stick tables)', 1),
  text('track', 'track', 'Takes its state from another server ([backend/]server)'),
  text('redir', 'redir', 'Redirects GET/HEAD requests to this prefix instead of proxying'),
  flag('agent-check', 'agentCheck', 'Enables the agent check'),
  {
    name: 'agent-port',
    status: 'parsed',
    summary: 'Port of the agent check',
    values: 1,
    handle: (t, [value], option, ctx) => {
      if (value === undefined) return;
      const port = takeFor(parsePort(value.text, 'agent port'), value, label(ctx, option), ctx.diag);
      if (port !== undefined) t.agentPort = port;
    },
  },
  time('agent-inter', 'agentInterMs', 'Interval between agent checks'),
  text('agent-addr', 'agentAddr', 'Address of the agent check'),
  text('agent-send', 'agentSend', 'String sent to the agent'),
  later('allow-0rtt', 0, 'Allows TLS early data to the server'),
  later('check-alpn', 1, 'ALPN offered on health checks'),
  later('check-proto', 1, 'Multiplexer protocol for health checks'),
  later('check-via-socks4', 0, 'Runs health checks through the SOCKS4 proxy'),
  later('check-pool-conn-name', 1, 'Connection pool name for checks'),
  later('check-reuse-pool', 0, 'Reuses idle connections for checks', true),
  later('ciphers', 1, 'TLS 1.2 cipher list towards the server'),
  later('ciphersuites', 1, 'TLS 1.3 cipher suites towards the server'),
  later('client-sigalgs', 1, 'Signature algorithms for client authentication'),
  later('crl-file', 1, 'Certificate revocation list for the server certificate'),
  later('curves', 1, 'Elliptic curves offered to the server'),
  later('force-sslv3', 0, 'Forces SSLv3 (obsolete)'),
  later('force-tlsv10', 0, 'Forces TLS 1.0'),
  later('force-tlsv11', 0, 'Forces TLS 1.1'),
  later('force-tlsv12', 0, 'Forces TLS 1.2'),
  later('force-tlsv13', 0, 'Forces TLS 1.3'),
  later('guid', 1, 'Globally unique id of the server'),
  later('hash-key', 1, 'Key used for consistent hashing (id, addr, addr-port)'),
  later('idle-ping', 1, 'Pings idle connections'),
  later('init-state', 1, 'State of the server at start-up (3.1+)'),
  later('ktls', 1, 'Kernel TLS offload'),
  later('log-bufsize', 1, 'Buffer size for log servers'),
  later('log-proto', 1, 'Log transport protocol (legacy, octet-count)'),
  later('max-reuse', 1, 'Maximum times a connection is reused'),
  later('namespace', 1, 'Network namespace for connections to the server'),
  later('no-ssl-reuse', 0, 'Disables TLS session reuse'),
  later('no-sslv3', 0, 'Disables SSLv3'),
  later('no-tls-tickets', 0, 'Disables TLS session tickets'),
  later('no-tlsv10', 0, 'Disables TLS 1.0'),
  later('no-tlsv11', 0, 'Disables TLS 1.1'),
  later('no-tlsv12', 0, 'Disables TLS 1.2'),
  later('no-tlsv13', 0, 'Disables TLS 1.3'),
  later('no-verifyhost', 0, 'Disables host name verification'),
  later('npn', 1, 'NPN protocols offered to the server'),
  later('pool-conn-name', 1, 'Name used to share idle connections'),
  later('pool-low-conn', 1, 'Idle connections kept before reuse'),
  later('pool-max-conn', 1, 'Maximum idle connections kept'),
  later('pool-purge-delay', 1, 'Delay before idle connections are purged'),
  later('renegotiate', 0, 'Allows TLS renegotiation', true),
  later('resolve-net', 1, 'Preferred networks when resolving'),
  later('resolve-opts', 1, 'DNS resolution options'),
  later('send-proxy-v2-ssl', 0, 'PROXY v2 header with SSL information', true),
  later('send-proxy-v2-ssl-cn', 0, 'PROXY v2 header with SSL client CN', true),
  later('set-proxy-v2-tlv-fmt', 1, 'Custom PROXY v2 TLV'),
  later('shard', 1, 'Shard of a peers server'),
  later('sigalgs', 1, 'Signature algorithms offered to the server'),
  later('socks4', 1, 'Connects to the server through a SOCKS4 proxy'),
  {
    name: 'source',
    status: 'unsupported',
    summary: 'Source address of connections to the server (usesrc, interface)',
    takes: (rest) => {
      let count = rest.length > 0 ? 1 : 0;
      while (['usesrc', 'interface'].includes(rest[count]?.text ?? '') && count + 1 < rest.length) count += 2;
      return count;
    },
  },
  later('ssl-max-ver', 1, 'Highest TLS version towards the server'),
  later('ssl-min-ver', 1, 'Lowest TLS version towards the server'),
  later('ssl-reuse', 0, 'Allows TLS session reuse'),
  later('stick', 0, 'Allows this server in stick tables', true),
  later('strict-maxconn', 0, 'Counts idle connections in maxconn'),
  later('tcp-ut', 1, 'TCP user timeout'),
  later('tfo', 0, 'TCP Fast Open towards the server', true),
  later('tls-tickets', 0, 'Enables TLS session tickets'),
  later('ws', 1, 'WebSocket protocol selection (auto, h1, h2)'),
], honouredServerOptions));

function ipOrHost(text: string, what: string): Parsed<string> {
  if (parseIp(text).ok || hostPattern.test(text)) return ok(text);
  return fail(`Cannot parse ${what} "${text}": not an IP address or host name`);
}

/** `server <name> <address>[:port] [options...]` */
export function handleServer(ctx: ProxyContext, line: KeywordLine, diag: Diagnostics): void {
  if (!allowedHere(ctx, line, diag, backendOnly) || ctx.section.kind === 'defaults') return;
  const [nameToken, addressToken, ...options] = line.args as [Token, Token, ...Token[]];
  if (!checkName(nameToken, 'server', line.fullName, diag)) return;
  const address = take(parseAddress(addressToken, 'server'), addressToken, line, diag);
  const own: ServerOptions = {};
  // the options are checked even when the address is wrong, so one pass reports every problem
  serverOptions.parse(own, options, { state: ctx.state, diag, keyword: line.fullName });
  if (address === undefined) return;
  const inherited = mergeServerOptions(defaultsSettings(ctx.state.config, ctx.section.inherits).defaultServer, ctx.section.own.defaultServer);
  ctx.section.servers.push({ name: nameToken.text, address, own, options: mergeServerOptions(inherited, own), at: locate(line.keyword) });
}

/** `default-server [options...]`: later servers of the section start from these */
export function handleDefaultServer(ctx: ProxyContext, line: KeywordLine, diag: Diagnostics): void {
  if (!allowedHere(ctx, line, diag, backendOrDefaults)) return;
  const own: ServerOptions = {};
  serverOptions.parse(own, line.args, { state: ctx.state, diag, keyword: line.fullName });
  ctx.section.own.defaultServer = mergeServerOptions(ctx.section.own.defaultServer, own);
}
