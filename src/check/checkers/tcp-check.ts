// kind `tcp-check`: HAProxy `option tcp-check` rule lists: connect, send, send-binary, expect
// (string, rstring, binary, each possibly negated with `!`) and comment, run in order. Without rules
// it is a plain connect check. When the first rule is not a connect, a connect to the server is
// implied before it and counted as step 1, as HAProxy does.
//
// expect semantics, as HAProxy: a positive expect waits for more data until its pattern appears,
// the peer closes, the buffer (1 MiB) fills or the deadline passes. A negated expect cannot know
// the pattern will never come, so it passes only when the peer closes (or the buffer fills) without
// it. After a passing expect the data up to the end of the match is consumed, so the next expect
// looks at what follows.
import { registerChecker, type CheckSpec, type Checker, type CheckTarget, type CheckTimeouts } from '../checker.ts';
import { CheckStatus, type CheckOutcome } from '../outcome.ts';
import { ProbeFailure, runProbe, type Probe } from './probe.ts';
import { ChunkReader, openConnection, startTls, writeAll } from './stream.ts';
import type net from 'node:net';

export type TcpCheckRule =
  | {
      readonly action: 'connect';
      /** default: the target's port */
      readonly port?: number;
      readonly ssl?: boolean;
      /** SNI for `ssl`; default the spec's `servername` */
      readonly sni?: string;
      readonly comment?: string;
    }
  /** `data` as written in haproxy.cfg: its \r \n \t \\ \xHH escapes are interpreted here */
  | { readonly action: 'send'; readonly data: string; readonly comment?: string }
  | { readonly action: 'send-binary'; readonly hex: string; readonly comment?: string }
  | {
      readonly action: 'expect';
      readonly match: 'string' | 'rstring' | 'binary';
      /** the string, regular expression or hex bytes */
      readonly pattern: string;
      readonly negate?: boolean;
      readonly comment?: string;
    }
  /** `tcp-check comment <text>`: names the next rule in failure reports */
  | { readonly action: 'comment'; readonly text: string };

export interface TcpCheckSpec extends CheckSpec {
  readonly kind: 'tcp-check';
  readonly rules: readonly TcpCheckRule[];
  /** SNI for `connect ssl` rules without their own */
  readonly servername?: string;
}

/**
 * Interprets the backslash escapes HAProxy's config parser applies to words (configuration.txt
 * §2.2): \r \n \t, \xHH, and a backslash before a space, #, quote or backslash. Unknown escapes
 * are kept as written. Returns raw bytes, since \xHH can produce any byte.
 */
export function unescapeHaproxyString(text: string): Buffer {
  const bytes: number[] = [];
  const pushText = (part: string): void => {
    for (const byte of Buffer.from(part, 'utf8')) bytes.push(byte);
  };
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (char !== '\\' || i + 1 >= text.length) {
      pushText(char);
      continue;
    }
    const next = text.charAt(i + 1);
    const simple: Record<string, number> = { r: 0x0d, n: 0x0a, t: 0x09, '\\': 0x5c, ' ': 0x20, '#': 0x23, '"': 0x22, "'": 0x27 };
    const value = simple[next];
    if (value !== undefined) {
      bytes.push(value);
      i++;
    } else if (next === 'x' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 2, i + 4))) {
      bytes.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      pushText(char);
    }
  }
  return Buffer.from(bytes);
}

export function parseHex(hex: string): Buffer {
  const digits = hex.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(digits)) throw new Error(`Cannot parse hex string "${hex}"`);
  return Buffer.from(digits, 'hex');
}

type Step =
  | { readonly action: 'connect'; readonly port: number | undefined; readonly ssl: boolean; readonly sni: string | undefined; readonly label: string }
  | { readonly action: 'send'; readonly bytes: Buffer; readonly label: string }
  | {
      readonly action: 'expect';
      /** where the pattern ends in the buffer, or -1 */
      readonly find: (buffer: Buffer) => number;
      readonly negate: boolean;
      readonly label: string;
      /** for "did not match content '...'" */
      readonly shown: string;
    };

/** A buffer this full ends a wait, as HAProxy's full check buffer does */
const maxBufferedBytes = 1024 * 1024;

function describe(rule: Exclude<TcpCheckRule, { action: 'comment' }>): string {
  switch (rule.action) {
    case 'connect':
      return ['connect', rule.port !== undefined ? `port ${rule.port}` : '', rule.ssl === true ? 'ssl' : ''].filter((w) => w !== '').join(' ');
    case 'send':
      return `send data`;
    case 'send-binary':
      return `send-binary data`;
    case 'expect':
      return `expect ${rule.negate === true ? '! ' : ''}${rule.match} '${rule.pattern}'`;
  }
}

function compileSteps(rules: readonly TcpCheckRule[], servername: string | undefined): Step[] {
  const steps: Step[] = [];
  let comment: string | undefined;
  for (const rule of rules) {
    if (rule.action === 'comment') {
      comment = rule.text;
      continue;
    }
    // HAProxy reports a rule by its comment when it has one
    const label = rule.comment ?? comment ?? describe(rule);
    comment = undefined;
    if (steps.length === 0 && rule.action !== 'connect') {
      steps.push({ action: 'connect', port: undefined, ssl: false, sni: undefined, label: 'connect' });
    }
    switch (rule.action) {
      case 'connect':
        steps.push({ action: 'connect', port: rule.port, ssl: rule.ssl ?? false, sni: rule.sni ?? servername, label });
        break;
      case 'send':
        steps.push({ action: 'send', bytes: unescapeHaproxyString(rule.data), label });
        break;
      case 'send-binary':
        steps.push({ action: 'send', bytes: parseHex(rule.hex), label });
        break;
      case 'expect':
        steps.push({ action: 'expect', find: matcher(rule.match, rule.pattern), negate: rule.negate ?? false, label, shown: rule.pattern });
        break;
    }
  }
  return steps;
}

function matcher(match: 'string' | 'rstring' | 'binary', pattern: string): (buffer: Buffer) => number {
  if (match === 'rstring') {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern);
    } catch (error) {
      throw new Error(`Cannot compile regular expression "${pattern}": ${(error as Error).message}`, { cause: error });
    }
    // a regex match consumes the whole buffer: its byte offset is not worth recovering
    return (buffer) => (regex.test(buffer.toString('utf8')) ? buffer.length : -1);
  }
  const needle = match === 'binary' ? parseHex(pattern) : Buffer.from(pattern, 'utf8');
  return (buffer) => {
    const at = buffer.indexOf(needle);
    return at < 0 ? -1 : at + needle.length;
  };
}

export class TcpCheckChecker implements Checker {
  readonly kind = 'tcp-check';
  readonly description: string;
  readonly #steps: readonly Step[];

  constructor(spec: TcpCheckSpec) {
    this.#steps = compileSteps(spec.rules, spec.servername);
    this.description = this.#steps.length === 0 ? 'TCP connect' : `tcp-check (${this.#steps.length} steps)`;
  }

  run(target: CheckTarget, timeouts: CheckTimeouts, signal: AbortSignal): Promise<CheckOutcome> {
    const options = { totalMs: timeouts.totalMs, signal, abortedStatus: CheckStatus.socketError, errorStatus: CheckStatus.socketError };
    return runProbe(options, async (probe) => {
      const connectMs = Math.min(timeouts.connectMs, timeouts.totalMs);
      if (this.#steps.length === 0) {
        await openConnection(probe, target, connectMs);
        return { status: CheckStatus.l4ok, info: '' };
      }
      let connection: { stream: net.Socket; reader: ChunkReader } | undefined;
      let buffer: Buffer = Buffer.alloc(0);
      let expected = false;
      for (const [index, step] of this.#steps.entries()) {
        const at = (info: string): string => `${info} at step ${index + 1} of tcp-check (${step.label})`;
        switch (step.action) {
          case 'connect': {
            connection?.stream.destroy();
            const endpoint = { ...target, port: step.port ?? target.port };
            const socket = await openConnection(probe, endpoint, connectMs, at);
            const stream = step.ssl ? await startTls(probe, socket, step.sni === undefined ? {} : { servername: step.sni }, at) : socket;
            connection = { stream, reader: new ChunkReader(probe, stream) };
            buffer = Buffer.alloc(0);
            break;
          }
          case 'send': {
            if (connection === undefined) throw new ProbeFailure(CheckStatus.socketError, at('No connection'));
            await writeAll(probe, connection.stream, step.bytes, () => new ProbeFailure(CheckStatus.l7timeout, at('Timeout')));
            break;
          }
          case 'expect': {
            if (connection === undefined) throw new ProbeFailure(CheckStatus.socketError, at('No connection'));
            expected = true;
            buffer = await this.#expect(probe, connection.reader, buffer, step, index + 1);
            break;
          }
        }
      }
      return { status: expected ? CheckStatus.l7ok : CheckStatus.l4ok, info: '(tcp-check)' };
    });
  }

  /** Reads until `step` is decided; returns what is left in the buffer after a pass */
  async #expect(probe: Probe, reader: ChunkReader, initial: Buffer, step: Extract<Step, { action: 'expect' }>, number: number): Promise<Buffer> {
    let buffer: Buffer = initial;
    const where = `at step ${number} of tcp-check (${step.label})`;
    const timeout = (): ProbeFailure => new ProbeFailure(CheckStatus.l7timeout, where);
    for (;;) {
      const end = step.find(buffer);
      if (end >= 0) {
        if (step.negate) throw new ProbeFailure(CheckStatus.l7response, `TCPCHK matched unwanted content '${step.shown}' ${where}`);
        return buffer.subarray(end);
      }
      const full = buffer.length >= maxBufferedBytes;
      const chunk = full ? null : await reader.next(timeout);
      if (chunk === null) {
        if (step.negate) return Buffer.alloc(0);
        if (buffer.length === 0) throw new ProbeFailure(CheckStatus.l7response, `TCPCHK got an empty response ${where}`);
        throw new ProbeFailure(CheckStatus.l7response, `TCPCHK did not match content '${step.shown}' ${where}`);
      }
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    }
  }
}

registerChecker('tcp-check', (spec) => new TcpCheckChecker(spec as TcpCheckSpec));
