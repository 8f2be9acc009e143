// Syslog numbers and message headers, one header shape per `log ... format <name>`. Shapes as
// haproxy 2.6 sends them (captured from a running haproxy 2.6.12 over UDP and on stdout):
//   local     <134>Nov 25 10:36:49 haproxy[13265]: msg             (the default)
//   rfc3164   <134>Nov 25 10:36:49 vm haproxy[13265]: msg          (RFC 3164 section 4.1)
//   rfc5424   <134>1 2026-11-25T10:36:49.852672+00:00 - haproxy 13265 - - msg (RFC 5424 section 6)
//   priority  <134>msg
//   short     <6>msg                                            (severity only, as systemd reads)
//   timed     <6>2026-11-25T10:36:49.852672+00:00 msg
//   iso       2026-11-25T10:36:49.852672+00:00 msg
//   raw       msg
// Every message ends with a line feed, datagrams included.
import { logFacilities, logFormats, logLevels } from '../../config/haproxy/log.ts';
import { formatIsoTimestamp, formatSyslogTimestamp } from './log-time.ts';

export type LogLevel = (typeof logLevels)[number];
export type LogFacility = (typeof logFacilities)[number];
export type SyslogFormat = (typeof logFormats)[number];

/** RFC 5424 section 6.2.1 severity: emerg 0 ... debug 7; undefined for an unknown name */
export function severityOf(level: string): number | undefined {
  const index = (logLevels as readonly string[]).indexOf(level);
  return index === -1 ? undefined : index;
}

/** RFC 5424 section 6.2.1 facility: kern 0 ... local7 23; undefined for an unknown name */
export function facilityOf(facility: string): number | undefined {
  const index = (logFacilities as readonly string[]).indexOf(facility);
  return index === -1 ? undefined : index;
}

/** RFC 5424 section 6.2.1: PRI = facility * 8 + severity */
export function priorityOf(facility: number, severity: number): number {
  return facility * 8 + severity;
}

export interface HeaderFields {
  facility: number;
  severity: number;
  /** wall-clock milliseconds, may carry a fraction (microseconds in rfc5424/iso/timed) */
  nowMs: number;
  /** `log-send-hostname`'s name; undefined when that keyword is absent */
  hostname: string | undefined;
  tag: string;
  pid: number;
}

type HeaderBuilder = (fields: HeaderFields) => string;

const rfc3164: HeaderBuilder = (f) =>
  `<${priorityOf(f.facility, f.severity)}>${formatSyslogTimestamp(f.nowMs)} ${f.hostname ?? 'localhost'} ${f.tag}[${f.pid}]: `;

/** one header builder per syslog format name */
export const syslogHeaders: Readonly<Record<SyslogFormat, HeaderBuilder>> = {
  // rfc3164 without the HOSTNAME field
  local: (f) => `<${priorityOf(f.facility, f.severity)}>${formatSyslogTimestamp(f.nowMs)} ${f.tag}[${f.pid}]: `,
  // HAProxy writes "localhost" when asked for rfc3164 without `log-send-hostname`
  rfc3164,
  // VERSION 1, NILVALUE hostname without log-send-hostname, no MSGID, no STRUCTURED-DATA
  rfc5424: (f) => `<${priorityOf(f.facility, f.severity)}>1 ${formatIsoTimestamp(f.nowMs)} ${f.hostname ?? '-'} ${f.tag} ${f.pid} - - `,
  priority: (f) => `<${priorityOf(f.facility, f.severity)}>`,
  short: (f) => `<${f.severity}>`,
  timed: (f) => `<${f.severity}>${formatIsoTimestamp(f.nowMs)} `,
  iso: (f) => `${formatIsoTimestamp(f.nowMs)} `,
  raw: () => '',
};

/**
 * The header a target without `format` gets: `local`, or rfc3164 once `log-send-hostname` is set
 * (configuration.txt, "log": "option log-send-hostname switches the default to rfc3164")
 */
export function defaultSyslogFormat(hostname: string | undefined): SyslogFormat {
  return hostname === undefined ? 'local' : 'rfc3164';
}
