// A tiny real HTTP server to run inside a lab host, standing in for the seed's real servers
// (`echo "192.168.4.100" > index.html` behind httpd): every GET or HEAD is answered with the
// configured body and a newline.
//
//   node test/lib/httpd.ts --port 80 --body 198.51.100.100
//
// It prints "httpd listening on <address>:<port>" once it accepts connections, and one
// "request <method> <url> from <address>:<port>" line per request, so tests can see which real
// server answered and from which source address (LVS-DR keeps the client's, NAT may not).
// SIGTERM or SIGINT closes it and exits 0.
//
// Other modules import it only for `httpdArgv`; the server starts only when run as a program.

import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nodeBin } from './repo-paths.ts';

export interface HttpdOptions {
  readonly port: number;
  readonly body: string;
  /** Address to bind; all addresses when absent. */
  readonly bind?: string;
}

/** The command line that runs this server with the pinned Node, for `host.spawn`. */
export function httpdArgv(options: HttpdOptions): string[] {
  return [
    nodeBin,
    fileURLToPath(import.meta.url),
    '--port',
    String(options.port),
    '--body',
    options.body,
    ...(options.bind === undefined ? [] : ['--bind', options.bind]),
  ];
}

function main(argv: readonly string[]): void {
  const { values } = parseArgs({
    args: [...argv],
    options: { port: { type: 'string' }, body: { type: 'string' }, bind: { type: 'string' } },
  });
  if (values.port === undefined || values.body === undefined) {
    // `node --test` with no arguments runs every .ts under test/, this file included: there,
    // do nothing rather than fail or listen.
    if (process.env['NODE_TEST_CONTEXT'] !== undefined) return;
    process.stderr.write('usage: httpd.ts --port PORT --body TEXT [--bind ADDRESS]\n');
    process.exit(2);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`Cannot listen on port "${values.port}": not a port number\n`);
    process.exit(2);
  }
  const body = `${values.body}\n`;

  const server = createServer((request, response) => {
    // Listening on all addresses makes the socket dual-stack; print IPv4 peers as plain IPv4.
    const peer = (request.socket.remoteAddress ?? '?').replace(/^::ffff:(?=\d+\.)/, '');
    process.stdout.write(`request ${request.method} ${request.url} from ${peer}:${request.socket.remotePort}\n`);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
    response.end(request.method === 'HEAD' ? undefined : body);
  });
  server.on('error', (error) => {
    process.stderr.write(`httpd: ${error.message}\n`);
    process.exit(1);
  });
  const onListening = (): void => {
    const address = server.address();
    const where = typeof address === 'object' && address !== null ? `${address.address}:${address.port}` : String(address);
    process.stdout.write(`httpd listening on ${where}\n`);
  };
  if (values.bind === undefined) server.listen(port, onListening);
  else server.listen(port, values.bind, onListening);

  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (import.meta.main) main(process.argv.slice(2));
