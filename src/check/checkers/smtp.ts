// kind `smtp`: keepalived SMTP_CHECK (keepalived/check/check_smtp.c): connect, expect a 220
// banner, send HELO, expect 250, send QUIT and read its reply (any reply, or a close, ends the
// check as it does for keepalived).
import type net from 'node:net';
import { registerChecker, type CheckSpec, type Checker, type CheckTarget, type CheckTimeouts } from '../checker.ts';
import { CheckStatus, type CheckOutcome } from '../outcome.ts';
import { ProbeFailure, runProbe } from './probe.ts';
import { ChunkReader, openConnection, writeAll } from './stream.ts';

export interface SmtpCheckSpec extends CheckSpec {
  readonly kind: 'smtp';
  /** helo_name; default keepalived's "smtpchecker.keepalived.org" */
  readonly heloName?: string;
}

export const defaultHeloName = 'smtpchecker.keepalived.org';

/** RFC 5321 §4.2: a reply line is a 3-digit code, then "-" (more lines follow), " " or nothing */
const replyLine = /^(\d{3})([ -]|$)/;
/** more than this without a complete reply is not an SMTP server talking */
const maxReplyBytes = 64 * 1024;

interface Reply {
  readonly code: number;
  /** the last line, for infos */
  readonly text: string;
}

/** Reads one (possibly multi-line) reply; null when the peer closed before one began */
class ReplyReader {
  readonly #reader: ChunkReader;
  #buffer = '';

  constructor(reader: ChunkReader) {
    this.#reader = reader;
  }

  async next(onDeadline: () => ProbeFailure): Promise<Reply | null> {
    for (;;) {
      const reply = this.#take();
      if (reply !== undefined) return reply;
      if (this.#buffer.length > maxReplyBytes) throw new ProbeFailure(CheckStatus.l7response, 'SMTP reply too long');
      const chunk = await this.#reader.next(onDeadline);
      if (chunk === null) {
        if (this.#buffer === '') return null;
        throw new ProbeFailure(CheckStatus.l7response, 'Connection closed in the middle of an SMTP reply');
      }
      this.#buffer += chunk.toString('latin1');
    }
  }

  #take(): Reply | undefined {
    let start = 0;
    for (;;) {
      const end = this.#buffer.indexOf('\n', start);
      if (end < 0) return undefined;
      const line = this.#buffer.slice(start, end).replace(/\r$/, '');
      start = end + 1;
      const match = replyLine.exec(line);
      if (match === null) throw new ProbeFailure(CheckStatus.l7response, `Malformed SMTP reply "${line.slice(0, 80)}"`);
      if (match[2] !== '-') {
        this.#buffer = this.#buffer.slice(start);
        return { code: Number(match[1]), text: line };
      }
    }
  }
}

export class SmtpChecker implements Checker {
  readonly kind = 'smtp';
  readonly description: string;
  readonly #heloName: string;

  constructor(spec: SmtpCheckSpec) {
    this.#heloName = spec.heloName ?? defaultHeloName;
    if (/[\r\n]/.test(this.#heloName)) throw new Error(`Cannot send helo_name "${this.#heloName}": it contains a line break`);
    this.description = `SMTP HELO ${this.#heloName}`;
  }

  run(target: CheckTarget, timeouts: CheckTimeouts, signal: AbortSignal): Promise<CheckOutcome> {
    const options = { totalMs: timeouts.totalMs, signal, abortedStatus: CheckStatus.socketError, errorStatus: CheckStatus.socketError };
    return runProbe(options, async (probe) => {
      const stream: net.Socket = await openConnection(probe, target, Math.min(timeouts.connectMs, timeouts.totalMs));
      const replies = new ReplyReader(new ChunkReader(probe, stream));
      const waiting = (what: string) => (): ProbeFailure => new ProbeFailure(CheckStatus.l7timeout, `Timeout waiting for the SMTP ${what}`);

      const banner = await replies.next(waiting('banner'));
      if (banner === null) throw new ProbeFailure(CheckStatus.l7response, 'Connection closed before the SMTP banner');
      if (banner.code !== 220) return { status: CheckStatus.l7status, info: `Bad SMTP banner: ${banner.text}`, code: banner.code };

      await writeAll(probe, stream, `HELO ${this.#heloName}\r\n`, waiting('HELO reply'));
      const helo = await replies.next(waiting('HELO reply'));
      if (helo === null) throw new ProbeFailure(CheckStatus.l7response, 'Connection closed before the HELO reply');
      if (helo.code !== 250) return { status: CheckStatus.l7status, info: `Bad HELO response: ${helo.text}`, code: helo.code };

      await writeAll(probe, stream, 'QUIT\r\n', waiting('QUIT reply'));
      await replies.next(waiting('QUIT reply'));
      return { status: CheckStatus.l7ok, info: `HELO accepted: ${helo.text}`, code: 250 };
    });
  }
}

registerChecker('smtp', (spec) => new SmtpChecker(spec as SmtpCheckSpec));
