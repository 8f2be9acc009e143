// `mode tcp` end to end: bytes relayed both ways untouched, a client's half-close passed on while
// the answer still comes back, and a large transfer arriving intact.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { test } from 'node:test';
import { freePort, rawExchange, startRawBackend, startVigil } from './harness.ts';

function config(port: number, backendPort: number): string {
  return `
defaults
    mode tcp
    timeout connect 1s
    timeout client 10s
    timeout server 10s
listen echo
    bind 127.0.0.1:${port}
    server s1 127.0.0.1:${backendPort}
`;
}

test('mode tcp relays an echo, and a client half-close still gets the answer sent after it', async (t) => {
  const backend = await startRawBackend(t, (socket) => {
    socket.on('data', (chunk: Buffer) => socket.write(chunk));
    // answers once more after the client's FIN, then ends its side
    socket.on('end', () => socket.end('bye after your FIN\n'));
  });
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  const exchange = await rawExchange(port, 'hello tcp\n', { endAfterWrite: true, timeoutMs: 3_000 });
  assert.equal(exchange.data.toString(), 'hello tcp\nbye after your FIN\n');
  assert.ok(exchange.closed);
});

test('mode tcp carries 16 MiB each way intact (sha256)', { timeout: 60_000 }, async (t) => {
  const backend = await startRawBackend(t, (socket) => {
    socket.pipe(socket);
  });
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  const payload = randomBytes(16 * 1024 * 1024);
  const sent = createHash('sha256').update(payload).digest('hex');
  const received = await new Promise<{ hash: string; length: number }>((resolve, reject) => {
    const hash = createHash('sha256');
    let length = 0;
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => {
      socket.end(payload);
    });
    socket.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      length += chunk.length;
    });
    socket.on('end', () => resolve({ hash: hash.digest('hex'), length }));
    socket.on('error', reject);
    setTimeout(() => reject(new Error(`only ${length} bytes came back`)), 30_000).unref();
  });
  assert.equal(received.length, payload.length);
  assert.equal(received.hash, sent);
});
