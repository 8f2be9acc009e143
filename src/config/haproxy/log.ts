// `log` lines, shared by global and proxies:
//   log global
//   log <target> [len <n>] [format <f>] [sample <ranges>:<size>] [profile <name>] <facility> [<level> [<minlevel>]]
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import type { KeywordLine } from '../keywords.ts';
import type { Token } from '../token.ts';
import { parseChoice, parseInteger } from '../values.ts';
import { parseAddress } from './address.ts';
import { locate, take } from './context.ts';
import type { LogTarget } from './model.ts';

/** syslog facilities (RFC 5424 section 6.2.1 names as HAProxy spells them) */
export const logFacilities = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'auth2', 'ftp', 'ntp', 'audit', 'alert', 'cron2',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;

/** syslog severities, most to least severe (RFC 5424 section 6.2.1) */
export const logLevels = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

export const logFormats = ['local', 'rfc3164', 'rfc5424', 'priority', 'short', 'timed', 'iso', 'raw'] as const;

/** targets that are not addresses */
const specialTargets = new Set(['stdout', 'stderr']);

export function parseLogLine(line: KeywordLine, diag: Diagnostics): LogTarget | undefined {
  const [target, ...rest] = line.args as [Token, ...Token[]];
  const at = locate(line.keyword);
  if (target.text === 'global') {
    if (rest[0] !== undefined) {
      diag.error(rest[0], line.fullName, `"log global" takes no more words, got "${rest[0].text}"`, { code: DiagnosticCode.arity });
    }
    return { global: true, other: {}, at };
  }
  const result: LogTarget = { target: target.text, other: {}, at };
  if (!specialTargets.has(target.text)) {
    const address = take(parseAddress(target, 'log'), target, line, diag);
    if (address === undefined) return undefined;
    result.address = address;
  }
  let i = 0;
  // the optional `name value` pairs come before the facility
  while (['len', 'format', 'sample', 'profile'].includes(rest[i]?.text ?? '')) {
    const name = rest[i] as Token;
    const value = rest[i + 1];
    if (value === undefined) {
      diag.error(name, line.fullName, `"${name.text}" needs a value`, { code: DiagnosticCode.arity });
      return undefined;
    }
    if (name.text === 'len') {
      const length = take(parseInteger(value.text, { min: 80, max: 65535 }, 'log length'), value, line, diag);
      if (length === undefined) return undefined;
      result.length = length;
    } else if (name.text === 'format') {
      const format = take(parseChoice(value.text, logFormats, 'log format'), value, line, diag);
      if (format === undefined) return undefined;
      result.format = format;
    } else {
      result.other[name.text] = value.text;
    }
    i += 2;
  }
  const [facility, level, minLevel, extra] = rest.slice(i);
  if (facility === undefined) {
    diag.error(line.keyword, line.fullName, `"log ${target.text}" needs a facility`, { code: DiagnosticCode.arity, hint: 'for example local0' });
    return undefined;
  }
  const picked = take(parseChoice(facility.text, logFacilities, 'log facility'), facility, line, diag);
  if (picked === undefined) return undefined;
  result.facility = picked;
  for (const [token, field] of [
    [level, 'level'],
    [minLevel, 'minLevel'],
  ] as const) {
    if (token === undefined) continue;
    const value = take(parseChoice(token.text, logLevels, 'log level'), token, line, diag);
    if (value === undefined) return undefined;
    result[field] = value;
  }
  if (extra !== undefined) {
    diag.error(extra, line.fullName, `Unexpected "${extra.text}" after the log levels`, { code: DiagnosticCode.arity });
    return undefined;
  }
  return result;
}
