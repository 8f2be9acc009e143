// Where log lines go. A `log` line names a target; the target's kind (stdout, stderr, UDP syslog,
// unix socket ...) picks a transport from a registry, one file per kind. A LogSink wraps one
// `log` line: level filtering, sampling, the syslog header and truncation, over a transport
// shared by every `log` line aiming at the same destination (one UDP socket per destination,
// created once). Nothing here may block or throw into the data path: a line that cannot be sent
// is counted and dropped, as HAProxy does (its "DroppedLogs").
import type { Writable } from 'node:stream';
import type { LogTarget } from '../../config/haproxy/model.ts';
import { createFdTransport, createStreamTransport } from './sink-stream.ts';
import { createUdpTransport } from './sink-udp.ts';
import { createUnixTransport } from './sink-unix.ts';
import { defaultSyslogFormat, facilityOf, type HeaderFields, type SyslogFormat, severityOf, syslogHeaders } from './syslog.ts';

export interface TransportStats {
  /** lines handed to the operating system */
  sent: number;
  /** lines dropped: send errors, a full output buffer, an unresolved host name */
  dropped: number;
  /** the last error seen, for the stats page and `vigil check` */
  lastError?: string;
}

export interface LogTransport {
  /** hands one framed line over; never throws, never waits */
  send(line: string | Uint8Array): void;
  close(): void;
  readonly stats: TransportStats;
  /**
   * HAProxy counts the final line feed inside `len` on file descriptors (stdout, stderr) but adds
   * it past `len` on datagrams: `len 80` gives 80 bytes on stdout and 81 over UDP
   */
  readonly lengthIncludesNewline: boolean;
}

export type LogTargetKind = 'stdout' | 'stderr' | 'fd' | 'udp' | 'unix' | 'abns' | 'ring' | 'tcp';

/** where a target points, from the parsed `log` line */
export interface LogDestination {
  kind: LogTargetKind;
  /** IP literal or host name (udp, tcp), path (unix, abns), number (fd), ring name */
  host: string;
  port: number;
  family: 4 | 6 | undefined;
  /** the target as written, for messages */
  text: string;
}

export interface TransportContext {
  stdout: Writable;
  stderr: Writable;
}

/** a transport, or why this kind of target cannot be served */
export type TransportResult = { transport: LogTransport } | { unsupported: string };

export type TransportFactory = (destination: LogDestination, context: TransportContext) => TransportResult;

/** RFC 5426 section 3.3: syslog over UDP listens on port 514 */
export const syslogUdpPort = 514;

/** one factory per target kind */
export const logTransports: Readonly<Record<LogTargetKind, TransportFactory>> = {
  stdout: (_, context) => ({ transport: createStreamTransport(context.stdout) }),
  stderr: (_, context) => ({ transport: createStreamTransport(context.stderr) }),
  fd: createFdTransport,
  udp: createUdpTransport,
  unix: createUnixTransport,
  abns: (d) => ({ unsupported: `Cannot log to "${d.text}": Node cannot open abstract unix sockets` }),
  ring: (d) => ({ unsupported: `Cannot log to "${d.text}": vigil has no ring buffers` }),
  tcp: (d) => ({ unsupported: `Cannot log to "${d.text}": vigil sends syslog over UDP only; write the address without a stream prefix` }),
};

/** The destination a parsed `log` line points at; undefined for `log global` */
export function destinationOf(target: LogTarget): LogDestination | undefined {
  if (target.global === true) return undefined;
  const text = target.target ?? target.address?.text ?? '';
  if (text === 'stdout' || text === 'stderr') return { kind: text, host: '', port: 0, family: undefined, text };
  const address = target.address;
  if (address === undefined) return undefined;
  const port = address.ports?.from ?? syslogUdpPort;
  switch (address.family) {
    case 'unix':
      return { kind: 'unix', host: address.host, port: 0, family: undefined, text };
    case 'abns':
      return { kind: 'abns', host: address.host, port: 0, family: undefined, text };
    case 'fd': {
      // HAProxy: stdout and stderr are aliases of fd@1 and fd@2
      const kind = address.host === '1' ? 'stdout' : address.host === '2' ? 'stderr' : 'fd';
      return { kind, host: address.host, port: 0, family: undefined, text };
    }
    case 'ring':
      return { kind: 'ring', host: address.host, port: 0, family: undefined, text };
    default: {
      const family = address.family === 'ipv6' ? 6 : address.family === 'ipv4' ? 4 : undefined;
      const kind = address.transport === 'dgram' ? 'udp' : 'tcp';
      return { kind, host: address.host, port, family, text };
    }
  }
}

/** transports are shared per destination: two `log` lines to one syslog server use one socket */
function transportKey(d: LogDestination): string {
  return d.kind === 'udp' || d.kind === 'tcp' ? `${d.kind}:[${d.host}]:${d.port}` : `${d.kind}:${d.host}`;
}

/** HAProxy's default `len` (MAX_SYSLOG_LEN) */
export const defaultMaxLength = 1024;

export interface SinkOptions {
  /** `log-send-hostname`'s name, or undefined */
  hostname: string | undefined;
  pid: number;
  /** wall-clock milliseconds with a fraction, for syslog headers */
  now: () => number;
}

/** `sample 1-3,5:10`: keep lines 1 to 3 and 5 of every 10 */
function parseSample(text: string | undefined): { ranges: Array<[number, number]>; size: number } | undefined {
  if (text === undefined) return undefined;
  const colon = text.lastIndexOf(':');
  const size = Number(text.slice(colon + 1));
  if (colon === -1 || !Number.isInteger(size) || size <= 0) return undefined;
  const ranges: Array<[number, number]> = [];
  for (const part of text.slice(0, colon).split(',')) {
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || !Number.isInteger(from) || (to !== undefined && !Number.isInteger(to))) return undefined;
    ranges.push([from, to ?? from]);
  }
  return { ranges, size };
}

/** One `log` line's view of its destination */
export class LogSink {
  readonly target: LogTarget;
  readonly transport: LogTransport;
  readonly #facility: number;
  /** messages less severe (higher number) than this are not sent */
  readonly #maxSeverity: number;
  /** messages more severe than this are sent as this (configuration.txt, "log": minlevel) */
  readonly #minSeverity: number;
  readonly #format: SyslogFormat;
  readonly #maxContent: number;
  readonly #sample: { ranges: Array<[number, number]>; size: number } | undefined;
  #sampleIndex = 0;
  readonly #fields: HeaderFields;
  readonly #now: () => number;

  constructor(target: LogTarget, transport: LogTransport, options: SinkOptions) {
    this.target = target;
    this.transport = transport;
    this.#facility = facilityOf(target.facility ?? 'kern') ?? 0;
    this.#maxSeverity = severityOf(target.level ?? 'debug') ?? 7;
    this.#minSeverity = severityOf(target.minLevel ?? 'emerg') ?? 0;
    this.#format = (target.format as SyslogFormat | undefined) ?? defaultSyslogFormat(options.hostname);
    const length = target.length ?? defaultMaxLength;
    this.#maxContent = transport.lengthIncludesNewline ? length - 1 : length;
    this.#sample = parseSample(target.other['sample']);
    this.#fields = { facility: this.#facility, severity: 0, nowMs: 0, hostname: options.hostname, tag: '', pid: options.pid };
    this.#now = options.now;
  }

  /** true when a message of this severity passes the target's level */
  accepts(severity: number): boolean {
    return severity <= this.#maxSeverity;
  }

  /** Frames and sends one message; `severity` 0 (emerg) to 7 (debug) */
  send(severity: number, message: string, tag: string): void {
    if (severity > this.#maxSeverity) return;
    if (this.#sample !== undefined && !this.#sampled()) return;
    const fields = this.#fields;
    fields.severity = severity < this.#minSeverity ? this.#minSeverity : severity;
    fields.tag = tag;
    fields.nowMs = this.#format === 'raw' || this.#format === 'short' || this.#format === 'priority' ? 0 : this.#now();
    const line = syslogHeaders[this.#format](fields) + message;
    this.transport.send(this.#truncate(line));
  }

  #sampled(): boolean {
    const sample = this.#sample as { ranges: Array<[number, number]>; size: number };
    const position = (this.#sampleIndex % sample.size) + 1;
    this.#sampleIndex++;
    return sample.ranges.some(([from, to]) => position >= from && position <= to);
  }

  /** cuts the line to `len` bytes, then adds the line feed */
  #truncate(line: string): string | Uint8Array {
    const max = this.#maxContent;
    // a UTF-16 unit is at most 3 UTF-8 bytes: short lines skip the byte count
    if (line.length * 3 <= max || Buffer.byteLength(line) <= max) return `${line}\n`;
    const bytes = Buffer.allocUnsafe(max + 1);
    bytes.write(line, 0, max, 'utf8');
    bytes[max] = 0x0a;
    return bytes;
  }
}

/** why a `log` line will not be served */
export interface LogSinkProblem {
  target: LogTarget;
  message: string;
}

export interface LogSinkPoolOptions extends Partial<TransportContext> {
  pid?: number;
  now?: () => number;
  transports?: Readonly<Record<LogTargetKind, TransportFactory>>;
}

/**
 * The transports of one running configuration, created once and shared. Sinks are kept per
 * `log` line (so `log global` in fifty proxies still means one sink per global line).
 */
export class LogSinkPool {
  readonly #transports = new Map<string, TransportResult>();
  readonly #sinks = new WeakMap<LogTarget, LogSink | LogSinkProblem>();
  readonly #context: TransportContext;
  readonly #factories: Readonly<Record<LogTargetKind, TransportFactory>>;
  readonly #pid: number;
  readonly #now: () => number;

  constructor(options: LogSinkPoolOptions = {}) {
    this.#context = { stdout: options.stdout ?? process.stdout, stderr: options.stderr ?? process.stderr };
    this.#factories = options.transports ?? logTransports;
    this.#pid = options.pid ?? process.pid;
    this.#now = options.now ?? (() => performance.timeOrigin + performance.now());
  }

  /** The sink of one `log` line (not `log global`), or why it cannot be served */
  sinkFor(target: LogTarget, hostname: string | undefined): LogSink | LogSinkProblem {
    const cached = this.#sinks.get(target);
    if (cached !== undefined) return cached;
    const destination = destinationOf(target);
    let result: LogSink | LogSinkProblem;
    if (destination === undefined) {
      result = { target, message: `Cannot log to "${target.target ?? ''}": no address` };
    } else {
      const key = transportKey(destination);
      let transport = this.#transports.get(key);
      if (transport === undefined) {
        transport = this.#factories[destination.kind](destination, this.#context);
        this.#transports.set(key, transport);
      }
      result =
        'unsupported' in transport
          ? { target, message: transport.unsupported }
          : new LogSink(target, transport.transport, { hostname, pid: this.#pid, now: this.#now });
    }
    this.#sinks.set(target, result);
    return result;
  }

  /** per destination: sent and dropped counts */
  stats(): Map<string, TransportStats> {
    const out = new Map<string, TransportStats>();
    for (const [key, result] of this.#transports) if ('transport' in result) out.set(key, { ...result.transport.stats });
    return out;
  }

  /** Closes every socket; later sends are dropped */
  close(): void {
    for (const result of this.#transports.values()) if ('transport' in result) result.transport.close();
  }
}
