// Builds the health checks of a haproxy.cfg: one monitored server per `server` line, with the
// checker its backend asks for (`option httpchk`, `http-check`, `option tcp-check`, plain
// connect) and HAProxy's defaults (inter 2s, rise 2, fall 3) and timeout rules.
import type { HaproxyConfig, CheckRule, ProxySection, Server } from '../config/haproxy/model.ts';
import { createChecker } from './checker.ts';
import type { HttpCheckRequest, HttpCheckSpec, HttpExpectation, HttpHeader } from './checkers/http.ts';
import { parseStatusCodes } from './checkers/http.ts';
import './checkers/index.ts';
import type { TcpCheckRule, TcpCheckSpec } from './checkers/tcp-check.ts';
import type { MonitoredServerConfig, ProbeConfig } from './engine.ts';
import { RiseFallHealth } from './health.ts';

/** HAProxy's defaults for a server's check (configuration.txt, "inter", "rise", "fall") */
export const haproxyCheckDefaults = { interMs: 2000, rise: 2, fall: 3 } as const;

export function serverId(backend: string, server: string): string {
  return `${backend}/${server}`;
}

/** Every server of every backend and listen section, checked or not */
export function haproxyMonitoredServers(config: HaproxyConfig): MonitoredServerConfig[] {
  const servers: MonitoredServerConfig[] = [];
  for (const proxy of config.proxies) {
    if (proxy.kind === 'frontend') continue;
    for (const server of proxy.servers) servers.push(monitoredServer(proxy, server));
  }
  return servers;
}

function monitoredServer(proxy: ProxySection, server: Server): MonitoredServerConfig {
  const options = server.options;
  const probes: ProbeConfig[] = [];
  if (options.check === true) probes.push(probeFor(proxy, server));
  return {
    id: serverId(proxy.name, server.name),
    group: proxy.name,
    name: server.name,
    backup: options.backup ?? false,
    weight: options.weight ?? 1,
    probes,
    ...(options.disabled === true ? { admin: 'maint' as const } : {}),
  };
}

function probeFor(proxy: ProxySection, server: Server): ProbeConfig {
  const o = server.options;
  const settings = proxy.settings;
  const interMs = o.interMs ?? haproxyCheckDefaults.interMs;
  // configuration.txt, "timeout check": without it, `inter` bounds the whole check; with it,
  // min(timeout connect, inter) bounds the connect and `timeout check` the reading after it
  const checkTimeout = settings.timeouts.check;
  const connectMs = checkTimeout === undefined ? interMs : Math.min(settings.timeouts.connect ?? interMs, interMs);
  const totalMs = checkTimeout === undefined ? interMs : connectMs + checkTimeout;
  const host = o.addr ?? server.address.host;
  const port = o.port ?? server.address.ports?.from ?? 0;
  return {
    checker: createChecker(specFor(proxy, server)),
    policy: new RiseFallHealth({
      rise: o.rise ?? haproxyCheckDefaults.rise,
      fall: o.fall ?? haproxyCheckDefaults.fall,
      interMs,
      ...(o.fastinterMs === undefined ? {} : { fastInterMs: o.fastinterMs }),
      ...(o.downinterMs === undefined ? {} : { downInterMs: o.downinterMs }),
      initial: 'up',
    }),
    target: { host, port },
    timeouts: { connectMs, totalMs },
  };
}

function specFor(proxy: ProxySection, server: Server): HttpCheckSpec | TcpCheckSpec | { kind: 'tcp-connect' } {
  const settings = proxy.settings;
  const tls = server.options.checkSsl === true ? { tls: server.options.checkSni === undefined ? {} : { servername: server.options.checkSni } } : {};
  const httpchk = settings.options['httpchk'];
  if (httpchk?.enabled === true) {
    const details = httpchk.details !== undefined && 'kind' in httpchk.details && httpchk.details.kind === 'httpchk' ? httpchk.details : undefined;
    return { kind: 'http', requests: [httpRequest(details, settings.httpCheck)], ...tls };
  }
  if (settings.options['tcp-check']?.enabled === true || settings.tcpCheck.length > 0) {
    return { kind: 'tcp-check', rules: tcpRules(settings.tcpCheck), ...(server.options.checkSni === undefined ? {} : { servername: server.options.checkSni }) };
  }
  return { kind: 'tcp-connect' };
}

/** `option httpchk [METH] [URI] [VER]` then `http-check send|expect` rules override or add */
function httpRequest(option: { method?: string; uri?: string; version?: string } | undefined, rules: readonly CheckRule[]): HttpCheckRequest {
  // HAProxy's defaults for httpchk: OPTIONS / HTTP/1.0
  let method = option?.method ?? 'OPTIONS';
  let path = option?.uri ?? '/';
  let version: '1.0' | '1.1' = option?.version === 'HTTP/1.1' ? '1.1' : '1.0';
  const headers: HttpHeader[] = [];
  let body: string | undefined;
  const expect: HttpExpectation[] = [];
  for (const rule of rules) {
    const words = rule.args.map((t) => t.text);
    if (rule.action === 'send') {
      for (let i = 0; i < words.length; i += 2) {
        const key = words[i];
        const value = words[i + 1] ?? '';
        if (key === 'meth') method = value;
        else if (key === 'uri') path = value;
        else if (key === 'ver') version = value === 'HTTP/1.1' ? '1.1' : '1.0';
        else if (key === 'hdr') {
          headers.push({ name: value, value: words[i + 2] ?? '' });
          i++;
        } else if (key === 'body') body = value;
      }
    } else if (rule.action === 'expect') {
      const expectation = httpExpectation(words);
      if (expectation !== undefined) expect.push(expectation);
    }
  }
  return { method, path, version, ...(headers.length > 0 ? { headers } : {}), ...(body === undefined ? {} : { body }), ...(expect.length > 0 ? { expect } : {}) };
}

function httpExpectation(words: readonly string[]): HttpExpectation | undefined {
  let i = 0;
  // leading keyword options (min-recv, comment, ok-status ...) are skipped to the match word
  while (i < words.length && !['!', 'status', 'rstatus', 'string', 'rstring'].includes(words[i] as string)) i += 2;
  const negate = words[i] === '!';
  if (negate) i++;
  const match = words[i];
  const pattern = words[i + 1] ?? '';
  const not = negate ? { negate: true } : {};
  switch (match) {
    case 'status':
      try {
        return { match: 'status', codes: parseStatusCodes(pattern), ...not };
      } catch {
        // the config check reports bad codes; a check that cannot parse them expects none
        return undefined;
      }
    case 'rstatus':
      return { match: 'rstatus', pattern, ...not };
    case 'string':
      return { match: 'string', text: pattern, ...not };
    case 'rstring':
      return { match: 'rstring', pattern, ...not };
    default:
      return undefined;
  }
}

function tcpRules(rules: readonly CheckRule[]): TcpCheckRule[] {
  const out: TcpCheckRule[] = [];
  for (const rule of rules) {
    const words = rule.args.map((t) => t.text);
    switch (rule.action) {
      case 'connect': {
        const portAt = words.indexOf('port');
        const port = portAt === -1 ? undefined : Number(words[portAt + 1]);
        out.push({ action: 'connect', ...(port === undefined || Number.isNaN(port) ? {} : { port }), ...(words.includes('ssl') ? { ssl: true } : {}) });
        break;
      }
      case 'send':
        out.push({ action: 'send', data: words[0] ?? '' });
        break;
      case 'send-binary':
        out.push({ action: 'send-binary', hex: words[0] ?? '' });
        break;
      case 'expect': {
        const negate = words[0] === '!';
        const rest = negate ? words.slice(1) : words;
        const match = rest[0];
        if (match === 'string' || match === 'rstring' || match === 'binary') {
          out.push({ action: 'expect', match, pattern: rest[1] ?? '', ...(negate ? { negate: true } : {}) });
        }
        break;
      }
      case 'comment':
        out.push({ action: 'comment', text: words.join(' ') });
        break;
    }
  }
  return out;
}
