// `log /dev/log ...`: a unix datagram socket. Node has no unix datagram sockets (node:dgram only
// does udp4/udp6, node:net only stream sockets), and vigil takes no native add-on, so such a target
// is reported as unsupported when the configuration is loaded rather than silently dropping lines.
import type { LogDestination, TransportResult } from './sink.ts';

export function createUnixTransport(destination: LogDestination): TransportResult {
  return {
    unsupported:
      `Cannot log to "${destination.text}": Node cannot open unix datagram sockets; ` +
      'log to a UDP syslog address (for example "log 127.0.0.1:514 local0") or to stdout instead',
  };
}
