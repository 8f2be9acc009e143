// kind `dns`: keepalived DNS_CHECK. One UDP query (type A for "." unless told otherwise) to the
// target; up when a well-formed response with the query's id and RCODE NOERROR comes back. The
// socket is connected, so an ICMP port unreachable surfaces as "Connection refused".
import dgram from 'node:dgram';
import net from 'node:net';
import { lazyCrypto } from '../../core/lazy-builtins.ts';
import { registerChecker, type CheckSpec, type Checker, type CheckTarget, type CheckTimeouts } from '../checker.ts';
import { CheckStatus, type CheckOutcome } from '../outcome.ts';
import { encodeQuery, encodeName, judgeResponse, rcodeName, DnsType, type DnsTypeName } from './dns-message.ts';
import { ProbeFailure, runProbe, type Probe } from './probe.ts';
import { errnoText } from './stream.ts';

export interface DnsCheckSpec extends CheckSpec {
  readonly kind: 'dns';
  /** default "A" */
  readonly type?: DnsTypeName;
  /** default "." */
  readonly name?: string;
}

export class DnsChecker implements Checker {
  readonly kind = 'dns';
  readonly description: string;
  readonly #type: DnsTypeName;
  readonly #name: string;

  constructor(spec: DnsCheckSpec) {
    this.#type = spec.type ?? 'A';
    this.#name = spec.name ?? '.';
    if (!(this.#type in DnsType)) throw new Error(`Cannot query DNS type "${this.#type}"`);
    encodeName(this.#name); // throws now rather than at every run
    this.description = `DNS ${this.#type} ${this.#name}`;
  }

  run(target: CheckTarget, timeouts: CheckTimeouts, signal: AbortSignal): Promise<CheckOutcome> {
    const options = { totalMs: timeouts.totalMs, signal, abortedStatus: CheckStatus.socketError, errorStatus: CheckStatus.socketError };
    return runProbe(options, async (probe) => {
      const socket = await this.#open(probe, target);
      const query = encodeQuery(lazyCrypto().randomInt(0, 0x10000), this.#name, this.#type);
      const timeout = (): ProbeFailure => new ProbeFailure(CheckStatus.l7timeout, 'DNS query timeout');
      const answered = new Promise<{ status: CheckStatus; info: string; code?: number }>((resolve, reject) => {
        socket.on('message', (message: Buffer) => {
          const verdict = judgeResponse(query, message);
          switch (verdict.kind) {
            case 'unrelated':
              return; // a stray or late datagram: the answer may still come
            case 'malformed':
              resolve({ status: CheckStatus.l7response, info: verdict.reason });
              return;
            case 'error':
              resolve({ status: CheckStatus.l7status, info: `DNS response with RCODE ${rcodeName(verdict.rcode)}`, code: verdict.rcode });
              return;
            case 'ok':
              resolve({ status: CheckStatus.l7ok, info: 'DNS response NOERROR', code: 0 });
          }
        });
        socket.on('error', (error) => reject(new ProbeFailure(CheckStatus.l4connect, errnoText(error))));
        socket.send(query, (error) => {
          if (error) reject(new ProbeFailure(CheckStatus.socketError, errnoText(error)));
        });
      });
      return probe.within(answered, timeout);
    });
  }

  async #open(probe: Probe, target: CheckTarget): Promise<dgram.Socket> {
    const socket = dgram.createSocket(net.isIPv6(target.host) ? 'udp6' : 'udp4');
    socket.on('error', () => {});
    probe.defer(() => socket.close());
    const ready = new Promise<void>((resolve, reject) => {
      socket.once('error', (error) => reject(new ProbeFailure(CheckStatus.l4connect, errnoText(error))));
      const connect = (): void => socket.connect(target.port, target.host, () => resolve());
      if (target.localAddress !== undefined || target.localPort !== undefined) {
        socket.bind({ port: target.localPort ?? 0, ...(target.localAddress !== undefined ? { address: target.localAddress } : {}) }, connect);
      } else {
        connect();
      }
    });
    await probe.within(ready, () => new ProbeFailure(CheckStatus.l4timeout, 'Connection timeout'));
    return socket;
  }
}

registerChecker('dns', (spec) => new DnsChecker(spec as DnsCheckSpec));
