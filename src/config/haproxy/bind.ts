// `bind` lines and their inline options (HAProxy's bind_kws), also used by the global
// `stats socket`, which takes the same options.
import type { Diagnostics } from '../diagnostics.ts';
import { type KeywordLine, markSupported } from '../keywords.ts';
import type { Token } from '../token.ts';
import { parseChoice, parseInteger } from '../values.ts';
import { parseBindAddresses } from './address.ts';
import { allowedHere, frontendOnly } from './capabilities.ts';
import { locate, need, type ProxyContext, resolvePath, take, takeFor } from './context.ts';
import type { BindOptions } from './model.ts';
import { type InlineContext, type InlineOption, OptionTable } from './option-table.ts';

type Option = InlineOption<BindOptions>;
type KeysOfType<T, V> = { [K in keyof T]-?: NonNullable<T[K]> extends V ? K : never }[keyof T];
/** fields that take any string, not a union of literals */
type TextKeys<T> = { [K in keyof T]-?: string extends NonNullable<T[K]> ? (NonNullable<T[K]> extends string ? K : never) : never }[keyof T];

const label = (ctx: InlineContext, option: Token): string => `${ctx.keyword} ${option.text}`;

export function emptyBindOptions(): BindOptions {
  return { ssl: false, certificates: [], strictSni: false, v4v6: false, v6only: false, acceptProxy: false, transparent: false, deferAccept: false, tfo: false, disabledProtocols: [] };
}

function flag(name: string, field: KeysOfType<BindOptions, boolean>, summary: string): Option {
  return { name, status: 'parsed', summary, handle: (t) => void (t[field] = true) };
}

function text(name: string, field: TextKeys<BindOptions>, summary: string): Option {
  return { name, status: 'parsed', summary, values: 1, handle: (t, [value]) => void (value !== undefined && (t[field] = value.text)) };
}

function integer(name: string, field: KeysOfType<BindOptions, number>, summary: string, min: number, radix: 10 | 8 = 10): Option {
  return {
    name,
    status: 'parsed',
    summary,
    values: 1,
    handle: (t, [value], option, ctx) => {
      if (value === undefined) return;
      if (radix === 8) {
        // unix socket permissions are octal, as chmod takes them
        if (/^[0-7]{1,4}$/.test(value.text)) t[field] = Number.parseInt(value.text, 8);
        else ctx.diag.error(value, label(ctx, option), `Cannot parse mode "${value.text}": expected octal permissions such as 600`);
        return;
      }
      const n = takeFor(parseInteger(value.text, { min }, name), value, label(ctx, option), ctx.diag);
      if (n !== undefined) t[field] = n;
    },
  };
}

function choice<K extends KeysOfType<BindOptions, string>>(name: string, field: K, choices: readonly NonNullable<BindOptions[K]>[], summary: string): Option {
  return {
    name,
    status: 'parsed',
    summary,
    values: 1,
    handle: (t, [value], option, ctx) => {
      if (value === undefined) return;
      const picked = takeFor(parseChoice(value.text, choices as readonly string[], `${name} value`), value, label(ctx, option), ctx.diag);
      if (picked !== undefined) (t as unknown as Record<string, unknown>)[field] = picked;
    },
  };
}

function certificateFile(name: string, summary: string, store: (t: BindOptions, path: string) => void, base: 'crtBase' | 'caBase'): Option {
  return {
    name,
    status: 'parsed',
    summary,
    values: 1,
    handle: (t, [value], option, ctx) => {
      if (value === undefined) return;
      const path = resolvePath(ctx.state, value.text, ctx.state.config.global[base]);
      store(t, path);
      // a missing certificate stops HAProxy at start-up, but the text is right: a machine fact
      need(ctx.state, 'file', path, locate(value), label(ctx, option));
    },
  };
}

/** recognised so it is not a typo; a warning says nothing acts on it yet */
function later(name: string, values: number, summary: string): Option {
  return { name, status: 'unsupported', summary, values };
}

function disable(name: string, summary: string): Option {
  return { name, status: 'parsed', summary, handle: (t) => void t.disabledProtocols.push(name) };
}

/**
 * What the runtime acts on: the proxy's listeners (src/proxy/build.ts) and the runtime API's
 * `stats socket` (src/admin/runtime-api.ts). The rest stays `parsed`.
 */
const honouredBindOptions: Readonly<Record<string, true | string>> = {
  v6only: true,
  mode: 'applied to unix stats sockets; proxy binds on unix sockets are not opened',
  level: 'applies to stats sockets',
};

export const bindOptions = new OptionTable<BindOptions>('bind', markSupported([
  text('name', 'name', 'Name of the listener in stats and logs'),
  integer('id', 'id', 'Numeric listener id', 1),
  flag('ssl', 'ssl', 'Terminates SSL/TLS on this listener'),
  certificateFile('crt', 'Certificate (PEM with key) or directory of certificates', (t, p) => void t.certificates.push(p), 'crtBase'),
  certificateFile('crt-list', 'File listing certificates with per-SNI options', (t, p) => void (t.crtList = p), 'crtBase'),
  certificateFile('ca-file', 'CA bundle to verify client certificates', (t, p) => void (t.caFile = p), 'caBase'),
  choice('verify', 'verify', ['none', 'optional', 'required'], 'Client certificate verification'),
  {
    name: 'alpn',
    status: 'parsed',
    summary: 'ALPN protocols offered to clients, comma-separated',
    values: 1,
    handle: (t, [value]) => void (value !== undefined && (t.alpn = value.text.split(','))),
  },
  flag('strict-sni', 'strictSni', 'Refuses TLS handshakes whose SNI matches no certificate'),
  flag('v4v6', 'v4v6', 'Accepts IPv4 and IPv6 on a wildcard IPv6 address'),
  flag('v6only', 'v6only', 'Accepts IPv6 only on an IPv6 address'),
  flag('accept-proxy', 'acceptProxy', 'Expects a PROXY protocol header from clients'),
  integer('accept-netscaler-cip', 'acceptNetscalerCip', 'Expects a NetScaler client-IP header with this magic number', 0),
  flag('transparent', 'transparent', 'Binds a foreign (non-local) address'),
  flag('defer-accept', 'deferAccept', 'Accepts connections only once data arrives'),
  flag('tfo', 'tfo', 'Enables TCP Fast Open'),
  text('interface', 'interface', 'Binds to one network interface'),
  integer('maxconn', 'maxconn', 'Maximum concurrent connections on this listener', 0),
  integer('backlog', 'backlog', 'Listen queue length', 0),
  text('proto', 'proto', 'Forces the multiplexer protocol (h1, h2, quic)'),
  integer('mode', 'mode', 'Permissions of a unix socket (octal)', 0, 8),
  text('user', 'user', 'Owner of a unix socket'),
  text('group', 'group', 'Group of a unix socket'),
  integer('uid', 'uid', 'Owner uid of a unix socket', 0),
  integer('gid', 'gid', 'Group gid of a unix socket', 0),
  choice('level', 'level', ['user', 'operator', 'admin'], 'Privilege level of a stats socket'),
  text('expose-fd', 'exposeFd', 'Lets the socket pass listeners on reload (expose-fd listeners)'),
  choice('severity-output', 'severityOutput', ['none', 'number', 'string'], 'Severity shown in stats socket answers'),
  text('ssl-min-ver', 'sslMinVer', 'Lowest TLS version accepted'),
  text('ssl-max-ver', 'sslMaxVer', 'Highest TLS version accepted'),
  text('ciphers', 'ciphers', 'TLS 1.2 cipher list'),
  text('ciphersuites', 'ciphersuites', 'TLS 1.3 cipher suites'),
  disable('no-sslv3', 'Disables SSLv3'),
  disable('no-tlsv10', 'Disables TLS 1.0'),
  disable('no-tlsv11', 'Disables TLS 1.1'),
  disable('no-tlsv12', 'Disables TLS 1.2'),
  disable('no-tlsv13', 'Disables TLS 1.3'),
  later('allow-0rtt', 0, 'Accepts TLS early data'),
  later('ca-ignore-err', 1, 'Client certificate CA errors to ignore'),
  later('ca-sign-file', 1, 'CA used to generate certificates on the fly'),
  later('ca-sign-pass', 1, 'Passphrase of ca-sign-file'),
  later('ca-verify-file', 1, 'CA used only to verify client certificates'),
  later('client-sigalgs', 1, 'Signature algorithms for client authentication'),
  later('crl-file', 1, 'Certificate revocation list'),
  later('crt-ignore-err', 1, 'Client certificate errors to ignore'),
  later('curves', 1, 'Elliptic curves offered'),
  later('default-crt', 1, 'Default certificate when no SNI matches'),
  later('ecdhe', 1, 'ECDHE curve'),
  later('force-sslv3', 0, 'Forces SSLv3 (obsolete)'),
  later('force-tlsv10', 0, 'Forces TLS 1.0'),
  later('force-tlsv11', 0, 'Forces TLS 1.1'),
  later('force-tlsv12', 0, 'Forces TLS 1.2'),
  later('force-tlsv13', 0, 'Forces TLS 1.3'),
  later('generate-certificates', 0, 'Generates certificates for unknown SNIs'),
  later('guid-prefix', 1, 'GUID prefix of the listeners'),
  later('idle-ping', 1, 'Pings idle client connections'),
  later('ktls', 1, 'Kernel TLS offload'),
  later('label', 1, 'Label for stats grouping'),
  later('mss', 1, 'TCP maximum segment size'),
  later('namespace', 1, 'Network namespace of the listener'),
  later('nbconn', 1, 'Number of connections for reverse HTTP'),
  later('nice', 1, 'Scheduling priority of the listener'),
  later('no-alpn', 0, 'Disables ALPN'),
  later('no-ca-names', 0, 'Does not send CA names in certificate requests'),
  later('no-tls-tickets', 0, 'Disables TLS session tickets'),
  later('npn', 1, 'NPN protocols offered'),
  later('prefer-client-ciphers', 0, 'Uses the client cipher order'),
  later('quic-cc-algo', 1, 'QUIC congestion control algorithm'),
  later('quic-force-retry', 0, 'Forces QUIC retry'),
  later('quic-socket', 1, 'QUIC socket mode'),
  later('shards', 1, 'Number of listener shards'),
  later('sigalgs', 1, 'Signature algorithms'),
  later('ssl-max-early-data', 1, 'Maximum TLS early data'),
  later('tcp-md5sig', 1, 'TCP MD5 signature password'),
  later('tcp-ut', 1, 'TCP user timeout'),
  later('thread', 1, 'Threads the listener runs on'),
  later('process', 1, 'Processes the listener runs on (removed in 2.5)'),
  later('tls-ticket-keys', 1, 'File of TLS ticket keys'),
], honouredBindOptions));

/** `bind <address>[,<address>...] [options...]` */
export function handleBind(ctx: ProxyContext, line: KeywordLine, diag: Diagnostics): void {
  if (!allowedHere(ctx, line, diag, frontendOnly) || ctx.section.kind === 'defaults') return;
  const [addressToken, ...words] = line.args as [Token, ...Token[]];
  const addresses = take(parseBindAddresses(addressToken), addressToken, line, diag);
  if (addresses === undefined) return;
  const options = emptyBindOptions();
  bindOptions.parse(options, words, { state: ctx.state, diag, keyword: line.fullName });
  ctx.section.binds.push({ addresses, options, at: locate(line.keyword) });
}
