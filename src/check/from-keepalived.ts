// Builds the health checks of a keepalived.conf: one monitored server per real_server of every
// virtual_server, with one probe per checker block (TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK,
// DNS_CHECK, SMTP_CHECK). The engine counts a server up only while all its probes are, which is
// how keepalived combines several checkers on one real server (ipwrapper.c, num_failed_checkers).
//
// Ids: `vs:<vip>:<vport>/<rip>:<rport>`, e.g. `vs:198.51.100.15:80/198.51.100.100:80`. IPv6
// addresses are bracketed (`vs:[2001:db8::15]:80/[2001:db8::100]:80`), a fwmark service is
// `vs:fwmark:<n>`, a group service `vs:group:<name>`, and a protocol other than TCP is written
// before the address (`vs:udp:198.51.100.15:53/...`) so TCP and UDP services on one address differ.
// A port left out (fwmark services) is left out of the id too. The group of every real server is
// its virtual server's id (`vs:198.51.100.15:80`).
//
// Timing and defaults are keepalived 2.2.7's, read from its configuration dump (`keepalived -d`)
// and keepalived.conf(5): a checker's setting, else its real server's, else its virtual server's,
// else the default below.
import type {
  Checker as CheckerBlock,
  CheckerConnection,
  CheckerDefaults,
  CheckerType,
  DnsCheck,
  HttpCheck,
  KeepalivedConfig,
  MiscCheck,
  RealServer,
  SmtpCheck,
  VirtualServer,
} from '../config/keepalived/model.ts';
import type { SourceLocation } from '../config/token.ts';
import type { CheckTarget, CheckTimeouts } from './checker.ts';
import { createChecker } from './checker.ts';
import type { DnsCheckSpec } from './checkers/dns.ts';
import type { HttpCheckRequest, HttpCheckSpec, HttpExpectation } from './checkers/http.ts';
import { keepalivedDefaultStatus } from './checkers/http.ts';
import './checkers/index.ts';
import type { MiscCheckSpec } from './checkers/misc.ts';
import type { SmtpCheckSpec } from './checkers/smtp.ts';
import type { MonitoredServerConfig, ProbeConfig } from './engine.ts';
import { RetryHealth } from './health.ts';

/**
 * keepalived 2.2.7's defaults. `retry` and `delay_before_retry` depend on the checker type
 * (keepalived.conf(5): "Default: 1 unless specified below"; "delay_before_retry ... Defaults to
 * delay_loop for DNS_CHECK, 3 seconds for HTTP_GET and SSL_GET, and 1 second otherwise"; MISC_CHECK:
 * "The retry default is 0"; DNS_CHECK: "The retry default is 3"), all confirmed by `keepalived -d`.
 * `warmup` defaults to delay_loop: the first check starts at a random time within one delay_loop.
 */
export const keepalivedCheckDefaults = {
  delayLoopMs: 60_000,
  connectTimeoutMs: 5_000,
  weight: 1,
  retry: { TCP_CHECK: 1, HTTP_GET: 1, SSL_GET: 1, SMTP_CHECK: 1, UDP_CHECK: 1, PING_CHECK: 1, DNS_CHECK: 3, MISC_CHECK: 0 },
  /** undefined: delay_loop */
  delayBeforeRetryMs: { HTTP_GET: 3_000, SSL_GET: 3_000, DNS_CHECK: undefined, default: 1_000 },
  dnsQueryType: 'SOA',
  dnsName: '.',
} as const;

/** One probe of a monitored server, as keepalived would name and log it */
export interface KeepalivedProbeInfo {
  readonly type: CheckerType;
  /** retries after a failure before the server is down (keepalived's "failed after N retries") */
  readonly retry: number;
  readonly logAllFailures: boolean;
  /** MISC_CHECK: the script as keepalived prints it */
  readonly script?: string;
  /** HTTP_GET / SSL_GET: the url paths, in order */
  readonly paths?: readonly string[];
  readonly at: SourceLocation;
}

export interface KeepalivedRealServerChecks {
  readonly config: MonitoredServerConfig;
  readonly realServer: RealServer;
  readonly probes: readonly KeepalivedProbeInfo[];
}

export interface KeepalivedVirtualServerChecks {
  /** the group of its real servers in the engine, e.g. `vs:198.51.100.15:80` */
  readonly id: string;
  readonly virtualServer: VirtualServer;
  readonly realServers: readonly KeepalivedRealServerChecks[];
}

/** A checker vigil cannot run. The caller must report it: a server is never silently unchecked */
export interface UnsupportedChecker {
  readonly serverId: string;
  readonly type: CheckerType;
  readonly reason: string;
  readonly at: SourceLocation;
}

export interface KeepalivedChecks {
  readonly virtualServers: readonly KeepalivedVirtualServerChecks[];
  /** every real server of every virtual server, in config order: hand these to CheckEngine.add */
  readonly servers: readonly MonitoredServerConfig[];
  readonly unsupported: readonly UnsupportedChecker[];
}

const unsupportedReasons: Partial<Record<CheckerType, string>> = {
  PING_CHECK: 'PING_CHECK needs a raw ICMP socket, which Node cannot open without a native addon; use TCP_CHECK or UDP_CHECK instead',
  UDP_CHECK: 'UDP_CHECK is not implemented yet; use DNS_CHECK for DNS servers or MISC_CHECK with a script',
  FILE_CHECK: 'FILE_CHECK (track_file) is not implemented yet; use MISC_CHECK with a script that reads the file',
};

function bracket(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** `vs:198.51.100.15:80`, `vs:udp:198.51.100.15:53`, `vs:fwmark:7`, `vs:group:web` */
export function virtualServerId(vs: VirtualServer): string {
  const protocol = vs.protocol === undefined || vs.protocol === 'TCP' ? '' : `${vs.protocol.toLowerCase()}:`;
  const target = vs.target;
  switch (target.kind) {
    case 'address':
      return `vs:${protocol}${bracket(target.address.address)}${target.port === undefined ? '' : `:${target.port}`}`;
    case 'fwmark':
      return `vs:fwmark:${target.fwmark}`;
    case 'group':
      return `vs:${protocol}group:${target.group}`;
  }
}

/** `198.51.100.100:80`, or the address alone when the real server has no port */
export function realServerName(rs: RealServer): string {
  return rs.port === undefined ? bracket(rs.address.address) : `${bracket(rs.address.address)}:${rs.port}`;
}

export function realServerId(vs: VirtualServer, rs: RealServer): string {
  return `${virtualServerId(vs)}/${realServerName(rs)}`;
}

/** The port a real server without its own port is reached on: the virtual server's */
export function realServerPort(vs: VirtualServer, rs: RealServer): number | undefined {
  return rs.port ?? (vs.target.kind === 'address' ? vs.target.port : undefined);
}

export function keepalivedChecks(config: KeepalivedConfig): KeepalivedChecks {
  const virtualServers: KeepalivedVirtualServerChecks[] = [];
  const servers: MonitoredServerConfig[] = [];
  const unsupported: UnsupportedChecker[] = [];
  for (const vs of config.virtualServers) {
    const realServers: KeepalivedRealServerChecks[] = [];
    for (const rs of vs.realServers) {
      const built = realServerChecks(config, vs, rs, unsupported);
      realServers.push(built);
      servers.push(built.config);
    }
    virtualServers.push({ id: virtualServerId(vs), virtualServer: vs, realServers });
  }
  return { virtualServers, servers, unsupported };
}

/** Just the engine's configs, like haproxyMonitoredServers; unsupported checkers are in `keepalivedChecks` */
export function keepalivedMonitoredServers(config: KeepalivedConfig): MonitoredServerConfig[] {
  return [...keepalivedChecks(config).servers];
}

/** The settings a checker inherits: its own, else its real server's, else its virtual server's */
function inherited<K extends keyof CheckerDefaults>(key: K, checker: CheckerDefaults, rs: RealServer, vs: VirtualServer): CheckerDefaults[K] {
  return checker[key] ?? rs[key] ?? vs[key];
}

function realServerChecks(config: KeepalivedConfig, vs: VirtualServer, rs: RealServer, unsupported: UnsupportedChecker[]): KeepalivedRealServerChecks {
  const id = realServerId(vs, rs);
  const probes: ProbeConfig[] = [];
  const infos: KeepalivedProbeInfo[] = [];
  const warmups: number[] = [];
  for (const checker of expandSmtpHosts(rs.checkers)) {
    const reason = unsupportedReasons[checker.type];
    if (reason !== undefined || checker.type === 'FILE_CHECK' || checker.type === 'UDP_CHECK' || checker.type === 'PING_CHECK') {
      unsupported.push({ serverId: id, type: checker.type, reason: reason ?? `${checker.type} is not supported`, at: checker.at });
      continue;
    }
    const delayLoopMs = inherited('delayLoopMs', checker, rs, vs) ?? keepalivedCheckDefaults.delayLoopMs;
    const retry = inherited('retry', checker, rs, vs) ?? keepalivedCheckDefaults.retry[checker.type];
    const typeRetryDelay =
      checker.type === 'HTTP_GET' || checker.type === 'SSL_GET'
        ? keepalivedCheckDefaults.delayBeforeRetryMs.HTTP_GET
        : checker.type === 'DNS_CHECK'
          ? delayLoopMs
          : keepalivedCheckDefaults.delayBeforeRetryMs.default;
    const delayBeforeRetryMs = inherited('delayBeforeRetryMs', checker, rs, vs) ?? typeRetryDelay;
    const alpha = inherited('alpha', checker, rs, vs) ?? false;
    warmups.push(inherited('warmupMs', checker, rs, vs) ?? delayLoopMs);
    const connectMs = inherited('connectTimeoutMs', checker, rs, vs) ?? keepalivedCheckDefaults.connectTimeoutMs;
    const built = probeFor(config, vs, rs, checker, connectMs, delayLoopMs);
    probes.push({
      checker: createChecker(built.spec),
      policy: new RetryHealth({ delayLoopMs, retry, delayBeforeRetryMs, startDown: alpha }),
      target: built.target,
      timeouts: built.timeouts,
    });
    infos.push({
      type: checker.type,
      retry,
      logAllFailures: checker.logAllFailures ?? false,
      ...(checker.type === 'MISC_CHECK' && checker.script !== undefined ? { script: checker.script.path } : {}),
      ...(checker.type === 'HTTP_GET' || checker.type === 'SSL_GET' ? { paths: checker.urls.map((url) => url.path ?? '/') } : {}),
      at: checker.at,
    });
  }
  // The engine has one warmup per server; keepalived has one per checker. The shortest keeps the
  // promise that no checker starts later than its own warmup allows.
  const warmupMs = warmups.length === 0 ? undefined : Math.min(...warmups);
  const monitored: MonitoredServerConfig = {
    id,
    group: virtualServerId(vs),
    name: realServerName(rs),
    weight: rs.weight ?? keepalivedCheckDefaults.weight,
    probes,
    ...(warmupMs === undefined ? {} : { warmupMs }),
  };
  return { config: monitored, realServer: rs, probes: infos };
}

/** keepalived 2 reads each 1.x `host {}` block of an SMTP_CHECK as one more SMTP_CHECK */
function expandSmtpHosts(checkers: readonly CheckerBlock[]): CheckerBlock[] {
  const out: CheckerBlock[] = [];
  for (const checker of checkers) {
    if (checker.type !== 'SMTP_CHECK' || checker.hosts.length === 0) {
      out.push(checker);
      continue;
    }
    for (const host of checker.hosts) out.push({ ...checker, ...host, hosts: [] });
  }
  return out;
}

type ConnectingChecker = Exclude<CheckerBlock, MiscCheck | { readonly type: 'FILE_CHECK' }>;

function targetOf(vs: VirtualServer, rs: RealServer, checker: CheckerConnection): CheckTarget {
  return {
    host: checker.connectIp?.address ?? rs.address.address,
    port: checker.connectPort ?? realServerPort(vs, rs) ?? 0,
    ...(checker.bindTo === undefined ? {} : { localAddress: checker.bindTo.address }),
    ...(checker.bindPort === undefined ? {} : { localPort: checker.bindPort }),
  };
}

interface BuiltProbe {
  readonly spec: HttpCheckSpec | MiscCheckSpec | DnsCheckSpec | SmtpCheckSpec | { readonly kind: 'tcp-connect' };
  readonly target: CheckTarget;
  readonly timeouts: CheckTimeouts;
}

/**
 * keepalived's connect_timeout bounds each network step (connect, then each read), not the whole
 * check, so a check of N steps may take N connect timeouts; vigil bounds the whole check by that.
 */
function probeFor(config: KeepalivedConfig, vs: VirtualServer, rs: RealServer, checker: Exclude<CheckerBlock, { readonly type: 'FILE_CHECK' }>, connectMs: number, delayLoopMs: number): BuiltProbe {
  if (checker.type === 'MISC_CHECK') return { spec: miscSpec(config, rs, checker), target: { host: rs.address.address, port: realServerPort(vs, rs) ?? 0 }, timeouts: { connectMs, totalMs: delayLoopMs } };
  const connecting: ConnectingChecker = checker;
  const target = targetOf(vs, rs, connecting);
  switch (connecting.type) {
    case 'TCP_CHECK':
      return { spec: { kind: 'tcp-connect' }, target, timeouts: { connectMs, totalMs: connectMs } };
    case 'HTTP_GET':
    case 'SSL_GET': {
      const spec = httpSpec(vs, rs, connecting);
      // connect, then the response, for each url
      return { spec, target, timeouts: { connectMs, totalMs: connectMs * 2 * spec.requests.length } };
    }
    case 'DNS_CHECK':
      return { spec: dnsSpec(connecting), target, timeouts: { connectMs, totalMs: connectMs } };
    case 'SMTP_CHECK':
      // connect, banner, HELO reply, QUIT reply
      return { spec: smtpSpec(connecting), target, timeouts: { connectMs, totalMs: connectMs * 4 } };
    default:
      // unreachable: the unsupported types were taken out by the caller
      throw new Error(`Cannot build a check for ${connecting.type}`);
  }
}

function httpSpec(vs: VirtualServer, rs: RealServer, checker: HttpCheck): HttpCheckSpec {
  const protocol = checker.httpProtocol ?? '1.0';
  const requests: HttpCheckRequest[] = checker.urls.map((url) => {
    const expect: HttpExpectation[] = [
      {
        match: 'status',
        codes: url.statusCodes.length > 0 ? url.statusCodes.map((range) => ({ min: range.from, max: range.to })) : keepalivedDefaultStatus,
      },
    ];
    if (url.digest !== undefined) expect.push({ match: 'md5', digest: url.digest });
    if (url.regex !== undefined) expect.push({ match: 'rstring', pattern: url.regex, ...(url.regexNoMatch === true ? { negate: true } : {}) });
    const host = url.virtualhost ?? checker.virtualhost ?? rs.virtualhost ?? vs.virtualhost;
    return {
      method: 'GET',
      path: url.path ?? '/',
      version: protocol === '1.1' ? '1.1' : '1.0',
      // keepalived sends "Host: <address>:<port>" when no virtualhost is set
      ...(host === undefined ? { hostFromTarget: true } : { host }),
      // 1.0C is 1.0 with Connection: close; keepalived sends it with 1.1 as well
      ...(protocol === '1.0' ? {} : { connectionClose: true }),
      expect,
    };
  });
  const sni = checker.enableSni === true ? (checker.sniName ?? checker.virtualhost ?? rs.virtualhost ?? vs.virtualhost) : undefined;
  return {
    kind: 'http',
    requests,
    defaultStatus: keepalivedDefaultStatus,
    ...(checker.type === 'SSL_GET' ? { tls: sni === undefined ? {} : { servername: sni } } : {}),
  };
}

function miscSpec(config: KeepalivedConfig, rs: RealServer, checker: MiscCheck): MiscCheckSpec {
  if (checker.script === undefined) throw new Error('Cannot build a MISC_CHECK without misc_path');
  // `user` on the check, else on misc_path itself, else global_defs script_user
  const user = checker.user ?? (checker.script.user === undefined ? undefined : { user: checker.script.user, ...(checker.script.group === undefined ? {} : { group: checker.script.group }) }) ?? config.globalDefs.scriptUser;
  return {
    kind: 'misc',
    command: checker.script.command,
    ...(checker.miscTimeoutMs === undefined ? {} : { timeoutMs: checker.miscTimeoutMs }),
    ...(checker.dynamic === true ? { dynamic: true, configuredWeight: rs.weight ?? keepalivedCheckDefaults.weight } : {}),
    ...(user === undefined ? {} : { user: user.user, ...(user.group === undefined ? {} : { group: user.group }) }),
    ...(config.globalDefs.enableScriptSecurity === true ? { scriptSecurity: true } : {}),
  };
}

function dnsSpec(checker: DnsCheck): DnsCheckSpec {
  return { kind: 'dns', type: checker.queryType ?? keepalivedCheckDefaults.dnsQueryType, name: checker.name ?? keepalivedCheckDefaults.dnsName };
}

/** without helo_name keepalived 2.2.7 sends its own default, not global_defs smtp_helo_name */
function smtpSpec(checker: SmtpCheck): SmtpCheckSpec {
  return { kind: 'smtp', ...(checker.heloName === undefined ? {} : { heloName: checker.heloName }) };
}
