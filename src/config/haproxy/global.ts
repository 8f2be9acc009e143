// The `global` section: process-wide settings (HAProxy's cfgparse-global.c and the keywords
// modules register there).
import { dirname } from 'node:path';
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import { type Keyword, type KeywordLine, KeywordTable, markSupported } from '../keywords.ts';
import { didYouMean } from '../suggest.ts';
import type { Token } from '../token.ts';
import { parseChoice, parseInteger, parseSize, parseTime } from '../values.ts';
import { parseAddress } from './address.ts';
import { bindOptions, emptyBindOptions } from './bind.ts';
import { type GlobalContext, joinWords, locate, need, resolvePath, take } from './context.ts';
import { parseLogLine } from './log.ts';
import type { GlobalSettings } from './model.ts';

type Entry = Keyword<GlobalContext>;
type KeysOfType<T, V> = { [K in keyof T]-?: NonNullable<T[K]> extends V ? K : never }[keyof T];

export function emptyGlobal(): GlobalSettings {
  return {
    daemon: false,
    masterWorker: false,
    logs: [],
    statsSockets: [],
    tune: {},
    sslDefaults: {},
    luaLoad: [],
    environment: {},
    strictLimits: false,
    zeroWarning: false,
    noReusePort: false,
  };
}

function flag(name: string, field: KeysOfType<GlobalSettings, boolean>, summary: string): Entry {
  return { name, status: 'parsed', summary, args: { max: 0 }, handle: (ctx) => void (ctx.global[field] = true) };
}

function text(name: string, field: KeysOfType<GlobalSettings, string>, summary: string): Entry {
  return { name, status: 'parsed', summary, args: { min: 1, max: 1 }, handle: (ctx, line) => void (ctx.global[field] = (line.args[0] as Token).text) };
}

function integer(name: string, field: KeysOfType<GlobalSettings, number>, summary: string, min: number, max?: number): Entry {
  return {
    name,
    status: 'parsed',
    summary,
    args: { min: 1, max: 1 },
    handle: (ctx, line, diag) => {
      const token = line.args[0] as Token;
      const value = take(parseInteger(token.text, max === undefined ? { min } : { min, max }, name), token, line, diag);
      if (value !== undefined) ctx.global[field] = value;
    },
  };
}

function later(name: string, summary: string): Entry {
  return { name, status: 'unsupported', summary };
}

/** a path keyword whose file or directory the host must have */
function path(name: string, field: 'pidfile' | 'chroot' | 'caBase' | 'crtBase', summary: string, kind?: 'file' | 'directory'): Entry {
  return {
    name,
    status: 'parsed',
    summary,
    args: { min: 1, max: 1 },
    handle: (ctx, line) => {
      const token = line.args[0] as Token;
      ctx.global[field] = token.text;
      if (kind !== undefined) need(ctx.state, kind, resolvePath(ctx.state, token.text), locate(token), line.fullName);
    },
  };
}

function sslDefault(name: string, summary: string): Entry {
  return { name, status: 'parsed', summary, args: { min: 1 }, handle: (ctx, line) => void (ctx.global.sslDefaults[name] = line.args.map((t) => t.text)) };
}

/** `tune.*` values vigil reads; the others are recognised (or caught by the fallback) and warned */
function tune(name: string, summary: string, check: (text: string) => ReturnType<typeof parseInteger>): Entry {
  return {
    name,
    status: 'parsed',
    summary,
    args: { min: 1, max: 1 },
    handle: (ctx, line, diag) => {
      const token = line.args[0] as Token;
      if (take(check(token.text), token, line, diag) !== undefined) ctx.global.tune[name] = [token.text];
    },
  };
}

function handleUser(kind: 'user' | 'group') {
  return (ctx: GlobalContext, line: KeywordLine): void => {
    const token = line.args[0] as Token;
    ctx.global[kind] = token.text;
    need(ctx.state, kind, token.text, locate(token), line.fullName);
  };
}

function handleEnvironment(ctx: GlobalContext, line: KeywordLine, diag: Diagnostics): void {
  const env = ctx.state.env;
  const [name, value] = line.args;
  switch (line.keyword.text) {
    case 'setenv':
    case 'presetenv':
      if (name === undefined || value === undefined) {
        diag.error(line.keyword, line.fullName, `"${line.fullName}" expects a name and a value`, { code: DiagnosticCode.arity });
        return;
      }
      if (line.keyword.text === 'presetenv' && env[name.text] !== undefined) return;
      env[name.text] = value.text;
      ctx.global.environment[name.text] = value.text;
      return;
    case 'unsetenv':
      for (const token of line.args) {
        env[token.text] = undefined;
        ctx.global.environment[token.text] = undefined;
      }
      return;
    default: {
      // resetenv keeps only the names listed
      const keep = new Set(line.args.map((t) => t.text));
      for (const key of Object.keys(env)) {
        if (keep.has(key)) continue;
        env[key] = undefined;
        ctx.global.environment[key] = undefined;
      }
    }
  }
}

function handleStatsSocket(ctx: GlobalContext, line: KeywordLine, diag: Diagnostics): void {
  const [addressToken, ...words] = line.args as [Token, ...Token[]];
  const address = take(parseAddress(addressToken, 'bind'), addressToken, line, diag);
  if (address === undefined) return;
  const options = emptyBindOptions();
  bindOptions.parse(options, words, { state: ctx.state, diag, keyword: line.fullName });
  ctx.global.statsSockets.push({ address, options, at: locate(line.keyword) });
  if (address.family === 'unix') {
    // HAProxy creates the socket itself; the directory it goes in must exist
    need(ctx.state, 'directory', dirname(resolvePath(ctx.state, address.host)), locate(addressToken), line.fullName);
  }
  if (options.user !== undefined) need(ctx.state, 'user', options.user, locate(addressToken), line.fullName);
  if (options.group !== undefined) need(ctx.state, 'group', options.group, locate(addressToken), line.fullName);
}

const globalStats = new KeywordTable<GlobalContext>({ section: 'haproxy global stats' }, [
  {
    name: 'socket',
    status: 'supported',
    summary: 'Opens the runtime API (CLI) socket, with bind options',
    note: 'unix and ipv4@/ipv6@ addresses only; of the bind options, level and mode are honoured',
    args: { min: 1 },
    handle: handleStatsSocket,
  },
  {
    name: 'timeout',
    status: 'supported',
    summary: 'Idle timeout of runtime API connections',
    args: { min: 1, max: 1 },
    handle: (ctx, line, diag) => {
      const token = line.args[0] as Token;
      const ms = take(parseTime(token.text, 'ms', 'stats timeout'), token, line, diag);
      if (ms !== undefined) ctx.global.statsTimeoutMs = ms;
    },
  },
  {
    name: 'maxconn',
    status: 'parsed',
    summary: 'Maximum concurrent runtime API connections',
    args: { min: 1, max: 1 },
    handle: (ctx, line, diag) => {
      const token = line.args[0] as Token;
      const n = take(parseInteger(token.text, { min: 1 }, 'stats maxconn'), token, line, diag);
      if (n !== undefined) ctx.global.statsMaxconn = n;
    },
  },
  later('bind-process', 'Processes the stats socket runs on (removed in 2.5)'),
]);

const integerCheck = (min: number) => (t: string) => parseInteger(t, { min });
const sizeCheck = (t: string) => parseSize(t);
const timeCheck = (t: string) => parseTime(t, 'ms');

/** namespaces whose members are added often; an unknown member warns instead of failing */
const moduleNamespaces = ['tune.', '51degrees-', 'wurfl-', 'deviceatlas-', 'httpclient.', 'ocsp-update.', 'harden.', 'profiling.', 'ssl-'];

const configOnly = 'only the configuration\'s "${VAR}" expansions see it: vigil\'s own environment is not changed';
const staysRoot = 'not applied while vigil also runs a keepalived.conf (VRRP and L4 need root)';

/**
 * What vigil acts on: the daemon (src/daemon: privileges.ts, proxy-subsystem.ts), the data path
 * (src/proxy/build.ts, src/proxy/log), the stats page and runtime API (src/admin), and the
 * loader itself (environment variables, default-path). The rest stays `parsed`.
 */
const honouredGlobal: Readonly<Record<string, true | string>> = {
  user: staysRoot,
  group: staysRoot,
  uid: staysRoot,
  gid: staysRoot,
  pidfile: true,
  'default-path': 'resolves the paths vigil reads (errorfile, ACL pattern files)',
  maxconn: 'the limit of every frontend without its own maxconn, not a process-wide cap',
  nbthread: 'the number of data-path worker threads; --workers overrides it',
  log: 'TCP, abns@ and ring@ targets are reported and skipped',
  'log-tag': true,
  'log-send-hostname': true,
  setenv: configOnly,
  presetenv: configOnly,
  unsetenv: configOnly,
  resetenv: configOnly,
  description: 'shown on the stats page (stats show-desc) and by "show info"',
  node: 'shown on the stats page (stats show-node) and by "show info"',
  'spread-checks': true,
  'tune.maxaccept': 'sets how many listening sockets (SO_REUSEPORT) each bind address gets per worker thread: at most 64, 32 when not set',
  noreuseport: 'one listening socket per address and worker; with several workers they still share the port through SO_REUSEPORT',
};

export const globalTable: KeywordTable<GlobalContext> = new KeywordTable<GlobalContext>(
  {
    section: 'haproxy global',
    fallback: (_ctx, line, diag) => {
      const word = line.keyword.text;
      const namespace = moduleNamespaces.find((prefix) => word.startsWith(prefix));
      if (namespace === undefined) return false;
      const near = didYouMean(word, globalTable.names());
      diag.warning(line.keyword, word, `Unknown "${namespace}" keyword "${word}"; not supported, this line is ignored`, {
        code: DiagnosticCode.unsupported,
        ...(near === undefined ? {} : { hint: near }),
      });
      return true;
    },
  },
  markSupported([
    { ...flag('daemon', 'daemon', 'Runs in the background'), note: 'vigil run stays in the foreground: let systemd or another supervisor run it' },
    {
      name: 'master-worker',
      status: 'parsed',
      summary: 'Runs a master process supervising workers',
      args: { max: 1 },
      handle: (ctx) => void (ctx.global.masterWorker = true),
    },
    { name: 'user', status: 'parsed', summary: 'User the process runs as after start-up', args: { min: 1, max: 1 }, handle: handleUser('user') },
    { name: 'group', status: 'parsed', summary: 'Group the process runs as after start-up', args: { min: 1, max: 1 }, handle: handleUser('group') },
    integer('uid', 'uid', 'Numeric user id the process runs as', 0),
    integer('gid', 'gid', 'Numeric group id the process runs as', 0),
    path('pidfile', 'pidfile', 'File the process id is written to'),
    path('chroot', 'chroot', 'Directory the process chroots into', 'directory'),
    path('ca-base', 'caBase', 'Directory relative CA file paths start from'),
    path('crt-base', 'crtBase', 'Directory relative certificate paths start from'),
    {
      name: 'default-path',
      status: 'parsed',
      summary: 'What relative paths are relative to (current, config, parent, origin <dir>)',
      args: { min: 1, max: 2 },
      handle: (ctx, line, diag) => {
        const [kindToken, pathToken] = line.args as [Token, Token | undefined];
        const kind = take(parseChoice(kindToken.text, ['current', 'config', 'parent', 'origin'] as const, 'default-path'), kindToken, line, diag);
        if (kind === undefined) return;
        if (kind === 'origin' && pathToken === undefined) {
          diag.error(kindToken, line.fullName, '"default-path origin" needs a directory', { code: DiagnosticCode.arity });
          return;
        }
        ctx.global.defaultPath = kind === 'origin' && pathToken !== undefined ? { kind, path: pathToken.text } : { kind };
      },
    },
    integer('maxconn', 'maxconn', 'Maximum concurrent connections of the process', 1),
    integer('nbthread', 'nbthread', 'Number of worker threads', 1, 4096),
    {
      name: 'nbproc',
      status: 'parsed',
      summary: 'Number of processes (removed in HAProxy 2.5; vigil runs one)',
      args: { min: 1, max: 1 },
      handle: (ctx, line, diag) => {
        const token = line.args[0] as Token;
        const n = take(parseInteger(token.text, { min: 1 }, 'nbproc'), token, line, diag);
        if (n === undefined) return;
        ctx.global.nbproc = n;
        if (n > 1) {
          diag.warning(line.keyword, line.fullName, `"nbproc ${n}" was removed in HAProxy 2.5; one process is used`, {
            code: DiagnosticCode.deprecated,
            hint: 'use nbthread instead',
          });
        }
      },
    },
    integer('ulimit-n', 'ulimitN', 'File descriptor limit of the process', 1),
    {
      name: 'hard-stop-after',
      status: 'parsed',
      summary: 'Longest time old processes may linger after a reload',
      args: { min: 1, max: 1 },
      handle: (ctx, line, diag) => {
        const token = line.args[0] as Token;
        const ms = take(parseTime(token.text, 'ms', 'hard-stop-after'), token, line, diag);
        if (ms !== undefined) ctx.global.hardStopAfterMs = ms;
      },
    },
    {
      name: 'log',
      status: 'parsed',
      summary: 'Syslog target for process and "log global" proxy logs',
      args: { min: 1 },
      handle: (ctx, line, diag) => {
        const target = parseLogLine(line, diag);
        if (target !== undefined) ctx.global.logs.push(target);
      },
    },
    text('log-tag', 'logTag', 'Tag sent in syslog headers'),
    {
      name: 'log-send-hostname',
      status: 'parsed',
      summary: 'Puts a host name in syslog headers',
      args: { max: 1 },
      handle: (ctx, line) => void (ctx.global.logSendHostname = line.args[0]?.text ?? true),
    },
    { name: 'stats', status: 'supported', summary: 'Runtime API socket settings', sub: globalStats },
    {
      name: 'lua-load',
      status: 'parsed',
      summary: 'Loads a Lua script (Lua is not run yet)',
      args: { min: 1 },
      handle: (ctx, line) => {
        const token = line.args[0] as Token;
        const file = resolvePath(ctx.state, token.text);
        ctx.global.luaLoad.push(file);
        need(ctx.state, 'file', file, locate(token), line.fullName);
      },
    },
    { name: 'setenv', status: 'parsed', summary: 'Sets an environment variable for later "${VAR}" expansions', args: { min: 2, max: 2 }, handle: handleEnvironment },
    { name: 'presetenv', status: 'parsed', summary: 'Sets an environment variable unless it is already set', args: { min: 2, max: 2 }, handle: handleEnvironment },
    { name: 'unsetenv', status: 'parsed', summary: 'Removes environment variables', args: { min: 1 }, handle: handleEnvironment },
    { name: 'resetenv', status: 'parsed', summary: 'Removes all environment variables but those listed', handle: handleEnvironment },
    { name: 'description', status: 'parsed', summary: 'Text shown on the stats page', args: { min: 1 }, handle: (ctx, line) => void (ctx.global.description = joinWords(line.args)) },
    text('node', 'node', 'Node name shown on the stats page'),
    integer('spread-checks', 'spreadChecks', 'Random spread of check intervals, 0 to 50 percent', 0, 50),
    flag('strict-limits', 'strictLimits', 'Refuses to start when limits cannot be set'),
    flag('zero-warning', 'zeroWarning', 'Refuses to start when the configuration has warnings'),
    flag('noreuseport', 'noReusePort', 'Disables SO_REUSEPORT'),
    sslDefault('ssl-default-bind-ciphers', 'Default TLS 1.2 ciphers of bind lines'),
    sslDefault('ssl-default-bind-ciphersuites', 'Default TLS 1.3 cipher suites of bind lines'),
    sslDefault('ssl-default-bind-options', 'Default TLS options of bind lines'),
    sslDefault('ssl-default-bind-curves', 'Default curves of bind lines'),
    sslDefault('ssl-default-bind-sigalgs', 'Default signature algorithms of bind lines'),
    sslDefault('ssl-default-bind-client-sigalgs', 'Default client signature algorithms of bind lines'),
    sslDefault('ssl-default-server-ciphers', 'Default TLS 1.2 ciphers towards servers'),
    sslDefault('ssl-default-server-ciphersuites', 'Default TLS 1.3 cipher suites towards servers'),
    sslDefault('ssl-default-server-options', 'Default TLS options towards servers'),
    sslDefault('ssl-default-server-curves', 'Default curves towards servers'),
    sslDefault('ssl-default-server-sigalgs', 'Default signature algorithms towards servers'),
    sslDefault('ssl-default-server-client-sigalgs', 'Default client signature algorithms towards servers'),
    tune('tune.bufsize', 'Buffer size in bytes', sizeCheck),
    tune('tune.maxrewrite', 'Buffer space reserved for header rewriting', sizeCheck),
    tune('tune.http.maxhdr', 'Maximum number of request headers', integerCheck(1)),
    tune('tune.maxaccept', 'Connections accepted at once per listener', integerCheck(-1)),
    tune('tune.ssl.default-dh-param', 'DH parameter size for TLS', integerCheck(1024)),
    tune('tune.ssl.cachesize', 'TLS session cache size', integerCheck(0)),
    tune('tune.ssl.lifetime', 'TLS session lifetime', timeCheck),
    later('tune.ssl.keylog', 'Keeps TLS session keys for logging'),
    later('tune.lua.bool-sample-conversion', 'How Lua sees boolean samples'),
    later('tune.lua.maxmem', 'Lua memory limit'),
    later('tune.lua.forced-yield', 'Lua instructions between yields'),
    later('tune.lua.session-timeout', 'Lua session timeout'),
    later('tune.lua.service-timeout', 'Lua service timeout'),
    later('tune.lua.task-timeout', 'Lua task timeout'),
    later('tune.h2.max-concurrent-streams', 'HTTP/2 concurrent streams'),
    later('tune.h2.initial-window-size', 'HTTP/2 initial window'),
    later('tune.idletimer', 'Idle stream detection delay'),
    later('tune.rcvbuf.client', 'Client socket receive buffer'),
    later('tune.rcvbuf.server', 'Server socket receive buffer'),
    later('tune.sndbuf.client', 'Client socket send buffer'),
    later('tune.sndbuf.server', 'Server socket send buffer'),
    later('tune.comp.maxlevel', 'Highest compression level'),
    later('tune.http.cookielen', 'Longest captured cookie'),
    later('tune.http.logurilen', 'Longest logged URI'),
    later('tune.pipesize', 'Pipe size for splicing'),
    later('tune.bufsize.small', 'Small buffer size'),
    later('tune.ssl.maxrecord', 'Largest TLS record'),
    later('tune.ssl.capture-buffer-size', 'TLS ClientHello capture size'),
    later('tune.ssl.force-private-cache', 'Per-process TLS session cache'),
    later('tune.vars.global-max-size', 'Memory for global variables'),
    later('tune.vars.txn-max-size', 'Memory for transaction variables'),
    later('tune.vars.sess-max-size', 'Memory for session variables'),
    later('tune.vars.reqres-max-size', 'Memory for request/response variables'),
    later('tune.vars.proc-max-size', 'Memory for process variables'),
    later('tune.listener.multi-queue', 'Per-thread accept queues'),
    later('tune.runqueue-depth', 'Tasks run per scheduler pass'),
    later('tune.fd.edge-triggered', 'Edge-triggered polling'),
    later('tune.recv_enough', 'Bytes read before yielding'),
    later('tune.quic.frontend.max-idle-timeout', 'QUIC idle timeout'),
    later('tune.quic.socket-owner', 'QUIC socket ownership'),
    later('tune.buffers.limit', 'Buffer count limit'),
    later('tune.buffers.reserve', 'Reserved buffers'),
    later('tune.chksize', 'Check buffer size'),
    later('tune.zlib.memlevel', 'zlib memory level'),
    later('tune.zlib.windowsize', 'zlib window size'),
    ...[
      ['cpu-map', 'Pins threads to CPUs'],
      ['numa-cpu-mapping', 'Binds to one NUMA node'],
      ['busy-polling', 'Polls without sleeping'],
      ['max-spread-checks', 'Upper bound of check start spreading'],
      ['maxconnrate', 'Process-wide connection rate limit'],
      ['maxsessrate', 'Process-wide session rate limit'],
      ['maxsslconn', 'Process-wide TLS connection limit'],
      ['maxsslrate', 'Process-wide TLS handshake rate limit'],
      ['maxpipes', 'Pipes for splicing'],
      ['maxzlibmem', 'zlib memory limit'],
      ['maxcomprate', 'Compression input rate limit'],
      ['maxcompcpuusage', 'Compression CPU limit'],
      ['noepoll', 'Disables epoll'],
      ['nokqueue', 'Disables kqueue'],
      ['noevports', 'Disables event ports'],
      ['nopoll', 'Disables poll'],
      ['nosplice', 'Disables kernel splicing'],
      ['nogetaddrinfo', 'Disables getaddrinfo'],
      ['quiet', 'Quiet start-up'],
      ['debug', 'Debug mode (obsolete)'],
      ['set-dumpable', 'Allows core dumps after dropping privileges'],
      ['insecure-fork-wanted', 'Allows forking (external checks, Lua)'],
      ['insecure-setuid-wanted', 'Allows setuid binaries'],
      ['issuers-chain-path', 'Directory of certificate issuer chains'],
      ['h1-case-adjust', 'Rewrites the case of an HTTP/1 header name'],
      ['h1-case-adjust-file', 'File of HTTP/1 header name case rewrites'],
      ['h2-workaround-bogus-websocket-clients', 'Works around bogus WebSocket clients'],
      ['external-check', 'Allows external check commands'],
      ['unix-bind', 'Default prefix and permissions of unix sockets'],
      ['server-state-base', 'Directory of server state files'],
      ['server-state-file', 'Server state file loaded at start-up'],
      ['ssl-engine', 'OpenSSL engine'],
      ['ssl-mode-async', 'Asynchronous TLS engine mode'],
      ['ssl-dh-param-file', 'DH parameters file'],
      ['ssl-server-verify', 'Default server certificate verification'],
      ['ssl-skip-self-issued-ca', 'Does not send self-issued CA certificates'],
      ['ssl-load-extra-files', 'Which extra certificate files to load'],
      ['ssl-load-extra-del-ext', 'Strips the extension of certificate files'],
      ['ssl-propquery', 'OpenSSL property query'],
      ['ssl-provider', 'OpenSSL provider'],
      ['ssl-provider-path', 'OpenSSL provider path'],
      ['ssl-security-level', 'OpenSSL security level'],
      ['pp2-never-send-local', 'Never sends PROXY v2 LOCAL'],
      ['thread-groups', 'Number of thread groups'],
      ['thread-group', 'Threads of one thread group'],
      ['fd-hard-limit', 'Upper bound of the file descriptor limit'],
      ['cluster-secret', 'Secret shared by a cluster of load balancers'],
      ['limited-quic', 'Enables QUIC with limited TLS libraries'],
      ['anonkey', 'Key anonymising CLI dumps'],
      ['localpeer', 'Name of the local peer'],
      ['grace', 'Grace period on soft stop (removed in 2.6)'],
      ['lua-load-per-thread', 'Loads a Lua script in each thread'],
      ['lua-prepend-path', 'Adds a directory to the Lua search path'],
      ['mworker-max-reloads', 'Reloads before an old worker is killed'],
      ['expose-experimental-directives', 'Allows experimental keywords'],
      ['expose-deprecated-directives', 'Allows deprecated keywords'],
      ['stats-file', 'File counters are preloaded from'],
      ['prealloc-fd', 'Preallocates the file descriptor table'],
      ['close-spread-time', 'Spreads idle connection closes on soft stop'],
      ['dns-accept-family', 'Address families DNS results may use'],
      ['shm-stats-file', 'Shared memory statistics file'],
      ['warn-blocked-traffic-after', 'Delay before warning about blocked traffic'],
      ['no-memory-trimming', 'Disables malloc_trim on reloads'],
      ['profiling.tasks', 'Task profiling'],
      ['profiling.memory', 'Memory profiling'],
      ['httpclient.resolvers.id', 'Resolvers of the internal HTTP client'],
      ['httpclient.resolvers.prefer', 'Address family preferred by the HTTP client'],
      ['httpclient.resolvers.disabled', 'Disables DNS in the HTTP client'],
      ['httpclient.retries', 'Retries of the HTTP client'],
      ['httpclient.ssl.verify', 'Certificate verification of the HTTP client'],
      ['httpclient.ssl.ca-file', 'CA bundle of the HTTP client'],
      ['httpclient.timeout.connect', 'Connect timeout of the HTTP client'],
      ['ocsp-update.mode', 'Automatic OCSP updates'],
      ['ocsp-update.maxdelay', 'Longest delay between OCSP updates'],
      ['ocsp-update.mindelay', 'Shortest delay between OCSP updates'],
      ['ocsp-update.httpproxy', 'Proxy for OCSP updates'],
      ['wurfl-data-file', 'WURFL device database'],
      ['wurfl-information-list', 'WURFL capabilities to load'],
      ['wurfl-information-list-separator', 'Separator of WURFL values'],
      ['wurfl-patch-file', 'WURFL patch files'],
      ['wurfl-cache-size', 'WURFL cache size'],
      ['51degrees-data-file', '51Degrees device database'],
      ['51degrees-property-name-list', '51Degrees properties to load'],
      ['51degrees-property-separator', 'Separator of 51Degrees values'],
      ['51degrees-cache-size', '51Degrees cache size'],
      ['deviceatlas-json-file', 'DeviceAtlas device database'],
      ['deviceatlas-log-level', 'DeviceAtlas log level'],
      ['deviceatlas-separator', 'Separator of DeviceAtlas values'],
      ['deviceatlas-properties-cookie', 'DeviceAtlas client-side cookie'],
    ].map(([name, summary]) => later(name as string, summary as string)),
  ], honouredGlobal),
);
