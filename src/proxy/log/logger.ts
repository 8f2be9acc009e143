// Per-proxy logging resolved from the configuration the way HAProxy 2.6 does it:
//   - a proxy logs only to its own `log` lines; `log global` stands for the global section's
//     lines; a proxy with none (or `no log`) logs nothing at all, traffic or events
//   - the format is the proxy's `log-format`, else `option httplog` (`clf`), `option httpslog`,
//     `option tcplog`; httplog/httpslog on a tcp-mode proxy falls back to tcplog as HAProxy does;
//     with no option HAProxy logs "Connect from ..." when a connection is accepted
//   - traffic is logged at `info` (`err` for failed sessions with `option log-separate-errors`);
//     `option dontlognull` skips sessions in which the client sent nothing, `option
//     dontlog-normal` skips sessions without error, retry, redispatch or 5xx
//   - server state events go to the same targets: DOWN at `alert`, UP at `notice`, a proxy
//     stopping at `warning` (levels seen from a running haproxy 2.6)
// The frontend's logger logs a session; a backend's logger logs its servers' events.
import { hostname as systemHostname } from 'node:os';
import type { GlobalSettings, LogTarget, OptionSetting, ProxySettings } from '../../config/haproxy/model.ts';
import { clfHttpLogFormat, connectLogFormat, httpLogFormat, httpsLogFormat, tcpLogFormat } from './formats.ts';
import type { LogContext } from './log-context.ts';
import { compileLogFormat, LogFormatError, type LogFormatter } from './log-format.ts';
import { LogSink, LogSinkPool, type LogSinkPoolOptions, type LogSinkProblem } from './sink.ts';
import { type LogLevel, severityOf } from './syslog.ts';

/** What every logger of one running configuration shares */
export interface LogEnvironment {
  readonly sinks: LogSinkPool;
  /** the name `log-send-hostname` without argument puts in headers */
  readonly systemHostname: string;
  /** the syslog tag without `log-tag`: HAProxy uses its program name; "haproxy" keeps rsyslog rules working */
  readonly defaultTag: string;
}

export interface LogEnvironmentOptions extends LogSinkPoolOptions {
  systemHostname?: string;
  defaultTag?: string;
}

export function createLogEnvironment(options: LogEnvironmentOptions = {}): LogEnvironment {
  return {
    sinks: new LogSinkPool(options),
    systemHostname: options.systemHostname ?? systemHostname(),
    defaultTag: options.defaultTag ?? 'haproxy',
  };
}

export interface LogProblem {
  /** the `log` line, or undefined for a log-format problem */
  target?: LogTarget;
  message: string;
}

/** Events outside traffic: server UP/DOWN, proxy start and stop, health-check results */
export interface EventLogger {
  /** true when at least one target receives lines */
  readonly enabled: boolean;
  logEvent(level: LogLevel, text: string): void;
}

export interface ProxyLogger extends EventLogger {
  /**
   * When the session should call logSession: `end` once it is over (and per request in HTTP);
   * `accept` for HAProxy's "Connect from" line, written as the connection is accepted
   */
  readonly when: 'accept' | 'end';
  /** the log-format in force, for `vigil check` and the stats page */
  readonly format: string | undefined;
  /** `option log-health-checks`: the checker logs every check result change, not only UP/DOWN */
  readonly logHealthChecks: boolean;
  /** `log` lines that cannot be served (unix datagram sockets ...) and a bad log-format */
  readonly problems: readonly LogProblem[];
  logSession(ctx: LogContext): void;
}

/** the severities HAProxy uses for traffic lines */
const infoSeverity = 6;
const errSeverity = 3;

function optionOn(settings: ProxySettings, name: string): OptionSetting | undefined {
  const option = settings.options[name];
  return option?.enabled === true ? option : undefined;
}

/** `log global` expanded: each proxy line, or the global lines in its place */
function resolveTargets(proxy: ProxySettings, global: GlobalSettings): LogTarget[] {
  if (proxy.noLog === true && proxy.logs.length === 0) return [];
  const targets: LogTarget[] = [];
  for (const target of proxy.logs) {
    if (target.global === true) targets.push(...global.logs.filter((t) => t.global !== true));
    else targets.push(target);
  }
  return targets;
}

/** `log-send-hostname` as a name, or undefined */
function headerHostname(global: GlobalSettings, env: LogEnvironment): string | undefined {
  if (global.logSendHostname === undefined) return undefined;
  return global.logSendHostname === true ? env.systemHostname : global.logSendHostname;
}

function openSinks(targets: readonly LogTarget[], global: GlobalSettings, env: LogEnvironment, problems: LogProblem[]): LogSink[] {
  const hostname = headerHostname(global, env);
  const sinks: LogSink[] = [];
  for (const target of targets) {
    const sink: LogSink | LogSinkProblem = env.sinks.sinkFor(target, hostname);
    if (sink instanceof LogSink) sinks.push(sink);
    else problems.push({ target, message: sink.message });
  }
  return sinks;
}

/**
 * The log-format a proxy uses. HAProxy keeps the last of `log-format` / `option httplog` /
 * `option tcplog` in section order; the model keeps no position for `log-format`, so an explicit
 * `log-format` wins, then the latest of the options by line.
 */
function chooseFormat(proxy: ProxySettings): { format: string; when: 'accept' | 'end' } {
  const mode = proxy.mode === 'http' ? 'http' : 'tcp';
  if (proxy.logFormat !== undefined) return { format: proxy.logFormat, when: 'end' };
  const candidates = (['httplog', 'httpslog', 'tcplog'] as const)
    .map((name) => ({ name, option: optionOn(proxy, name) }))
    .filter((c): c is { name: 'httplog' | 'httpslog' | 'tcplog'; option: OptionSetting } => c.option !== undefined)
    .sort((a, b) => (a.option.at.file === b.option.at.file ? a.option.at.line - b.option.at.line : 0));
  const chosen = candidates.at(-1);
  if (chosen === undefined) return { format: connectLogFormat(mode), when: 'accept' };
  // HAProxy: "'option httplog' not usable with frontend (needs 'mode http'). Falling back to 'option tcplog'"
  if (chosen.name === 'tcplog' || mode === 'tcp') return { format: tcpLogFormat, when: 'end' };
  if (chosen.name === 'httpslog') return { format: httpsLogFormat, when: 'end' };
  return { format: chosen.option.args[0] === 'clf' ? clfHttpLogFormat : httpLogFormat, when: 'end' };
}

/** a session without error, retry, redispatch or 5xx (configuration.txt section 8.3.4) */
function isNormal(ctx: LogContext): boolean {
  return ctx.terminationState.startsWith('-') && ctx.retries === 0 && !ctx.redispatched && !(ctx.status >= 500);
}

function sendAll(sinks: readonly LogSink[], severity: number, text: string, tag: string): void {
  for (let i = 0; i < sinks.length; i++) (sinks[i] as LogSink).send(severity, text, tag);
}

const disabledSession = (): void => {};

/**
 * The logger of one proxy (`proxy` are its effective settings). Problems (an unsupported target,
 * a bad log-format) are reported in `problems`, never thrown; the rest of the targets still work.
 */
export function createProxyLogger(proxy: ProxySettings, global: GlobalSettings, env: LogEnvironment): ProxyLogger {
  const problems: LogProblem[] = [];
  const sinks = openSinks(resolveTargets(proxy, global), global, env, problems);
  const tag = proxy.logTag ?? global.logTag ?? env.defaultTag;
  const { format, when } = chooseFormat(proxy);
  let formatter: LogFormatter | undefined;
  try {
    formatter = compileLogFormat(format);
  } catch (error) {
    if (!(error instanceof LogFormatError)) throw error;
    problems.push({ message: error.message });
  }
  const dontLogNull = optionOn(proxy, 'dontlognull') !== undefined;
  const dontLogNormal = optionOn(proxy, 'dontlog-normal') !== undefined;
  const separateErrors = optionOn(proxy, 'log-separate-errors') !== undefined;
  const enabled = sinks.length > 0;

  const logEvent = (level: LogLevel, text: string): void => {
    if (!enabled) return;
    try {
      sendAll(sinks, severityOf(level) ?? infoSeverity, text, tag);
    } catch {
      // sinks count their own failures; an event must never break the caller
    }
  };

  let logSession: (ctx: LogContext) => void = disabledSession;
  // no target takes `info` or `err` lines (all set to `notice`, say): traffic is never formatted
  const takesTraffic = sinks.some((sink) => sink.accepts(separateErrors ? errSeverity : infoSeverity));
  if (enabled && takesTraffic && formatter !== undefined) {
    const format = formatter;
    // the "Connect from" line is written at accept time, before any byte: no null/normal filter
    logSession = when === 'accept' ? (ctx) => {
      try {
        sendAll(sinks, infoSeverity, format(ctx), tag);
      } catch {
        // logging must never break the data path
      }
    } : (ctx) => {
      if (dontLogNull && ctx.bytesUploaded === 0) return;
      const normal = isNormal(ctx);
      if (dontLogNormal && normal) return;
      try {
        sendAll(sinks, separateErrors && !normal ? errSeverity : infoSeverity, format(ctx), tag);
      } catch {
        // logging must never break the data path
      }
    };
  }

  return {
    enabled,
    when,
    format: formatter === undefined ? undefined : format,
    logHealthChecks: optionOn(proxy, 'log-health-checks') !== undefined,
    problems,
    logSession,
    logEvent,
  };
}

/** The global section's own logger: process start and stop, events not tied to a proxy */
export function createGlobalLogger(global: GlobalSettings, env: LogEnvironment): EventLogger & { readonly problems: readonly LogProblem[] } {
  const problems: LogProblem[] = [];
  const sinks = openSinks(global.logs.filter((t) => t.global !== true), global, env, problems);
  const tag = global.logTag ?? env.defaultTag;
  return {
    enabled: sinks.length > 0,
    problems,
    logEvent(level, text) {
      try {
        sendAll(sinks, severityOf(level) ?? infoSeverity, text, tag);
      } catch {
        // an event must never break the caller
      }
    },
  };
}

/** The levels HAProxy uses for server and proxy events (seen from haproxy 2.6) */
export const eventLevels = {
  serverDown: 'alert',
  serverUp: 'notice',
  proxyStopped: 'warning',
} as const satisfies Record<string, LogLevel>;
