// kind `tcp-connect`: a plain TCP connection, nothing sent (HAProxy `check` without an option,
// keepalived TCP_CHECK). Up when the three-way handshake completes within connectMs.
import { registerChecker, type CheckSpec, type Checker, type CheckTarget, type CheckTimeouts } from '../checker.ts';
import { CheckStatus, type CheckOutcome } from '../outcome.ts';
import { runProbe } from './probe.ts';
import { openConnection } from './stream.ts';

export interface TcpConnectCheckSpec extends CheckSpec {
  readonly kind: 'tcp-connect';
}

export class TcpConnectChecker implements Checker {
  readonly kind = 'tcp-connect';
  readonly description = 'TCP connect';

  run(target: CheckTarget, timeouts: CheckTimeouts, signal: AbortSignal): Promise<CheckOutcome> {
    const options = { totalMs: timeouts.totalMs, signal, abortedStatus: CheckStatus.socketError, errorStatus: CheckStatus.socketError };
    return runProbe(options, async (probe) => {
      await openConnection(probe, target, Math.min(timeouts.connectMs, timeouts.totalMs));
      // HAProxy leaves the info empty for a passing layer-4 check
      return { status: CheckStatus.l4ok, info: '' };
    });
  }
}

registerChecker('tcp-connect', () => new TcpConnectChecker());
