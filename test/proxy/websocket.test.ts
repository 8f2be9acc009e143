// A WebSocket (RFC 6455) through the proxy: the upgrade goes through, frames pass both ways
// untouched, and an idle tunnel is closed at `timeout tunnel`, not at the shorter client/server ones.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { test } from 'node:test';
import { freePort, RawClient, startHttpBackend, startVigil } from './harness.ts';

/** RFC 6455 section 1.3 */
const websocketGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** one unmasked (server) or masked (client) text frame with a short payload (< 126 bytes) */
function frame(text: string, mask: Buffer | undefined): Buffer {
  const payload = Buffer.from(text);
  const head = Buffer.from([0x81, (mask === undefined ? 0 : 0x80) | payload.length]);
  if (mask === undefined) return Buffer.concat([head, payload]);
  const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] as number)));
  return Buffer.concat([head, mask, masked]);
}

/** decodes one short frame; undefined while incomplete */
function readFrame(data: Buffer): { text: string; masked: boolean; length: number } | undefined {
  if (data.length < 2) return undefined;
  const masked = ((data[1] as number) & 0x80) !== 0;
  const size = (data[1] as number) & 0x7f;
  const start = 2 + (masked ? 4 : 0);
  if (data.length < start + size) return undefined;
  let payload = data.subarray(start, start + size);
  if (masked) {
    const mask = data.subarray(2, 6);
    payload = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] as number)));
  }
  return { text: payload.toString(), masked, length: start + size };
}

test('a WebSocket echo works through the proxy, and an idle tunnel closes at timeout tunnel', async (t) => {
  const backend = await startHttpBackend(t, (_request, response) => response.end('not an upgrade'));
  backend.server.on('upgrade', (request: IncomingMessage, socket: Duplex) => {
    const key = request.headers['sec-websocket-key'] ?? '';
    const accept = createHash('sha1').update(`${key}${websocketGuid}`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (let f = readFrame(buffered); f !== undefined; f = readFrame(buffered)) {
        buffered = buffered.subarray(f.length);
        socket.write(frame(`echo: ${f.text}`, undefined));
      }
    });
    socket.on('error', () => undefined);
  });
  const port = await freePort();
  await startVigil(t, `
defaults
    mode http
    timeout connect 1s
    timeout client 300ms
    timeout server 300ms
    timeout tunnel 1500ms
listen app
    bind 127.0.0.1:${port}
    server s1 127.0.0.1:${backend.port}
`);
  const client = await RawClient.open(port);
  const key = Buffer.from('0123456789abcdef').toString('base64');
  client.write(`GET /chat HTTP/1.1\r\nhost: test\r\nconnection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: ${key}\r\n\r\n`);
  assert.ok(await client.wait((d) => d.includes('\r\n\r\n')), 'the 101 arrives');
  const head = client.take().toString('latin1');
  assert.match(head, /^HTTP\/1\.1 101 /);
  assert.match(head, /upgrade: websocket/i);
  assert.match(head, new RegExp(`sec-websocket-accept: ${createHash('sha1').update(`${key}${websocketGuid}`).digest('base64').replace(/[+/]/g, '\\$&')}`, 'i'));

  client.write(frame('hello', Buffer.from([1, 2, 3, 4])));
  assert.ok(await client.wait((d) => readFrame(d) !== undefined));
  const echoed = readFrame(client.take());
  assert.deepEqual(echoed && { text: echoed.text, masked: echoed.masked }, { text: 'echo: hello', masked: false });

  // idle longer than timeout client/server (300 ms): the tunnel stays, as timeout tunnel rules it
  await new Promise((resolve) => setTimeout(resolve, 800));
  assert.equal(client.closed, false, 'still open after the client and server timeouts');
  client.write(frame('again', Buffer.from([9, 8, 7, 6])));
  assert.ok(await client.wait((d) => readFrame(d) !== undefined));
  assert.equal(readFrame(client.take())?.text, 'echo: again');
  const idleFrom = Date.now();
  assert.ok(await client.waitClosed(4_000), 'the idle tunnel is closed');
  const idle = Date.now() - idleFrom;
  assert.ok(idle >= 1_400 && idle < 2_500, `closed after ${idle} ms idle (timeout tunnel 1500ms)`);
});
