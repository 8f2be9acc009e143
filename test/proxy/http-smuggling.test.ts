// Requests that two HTTP parsers could read differently are refused as RFC 9112 requires, before
// the server sees them; and no malformed request, however mangled, takes the process down.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { freePort, get, type HttpBackend, type RunningVigil, nameHandler, parseResponses, rawExchange, startHttpBackend, startRawBackend, startVigil } from './harness.ts';

function config(port: number, backendPort: number): string {
  return `
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
    timeout http-request 2s
frontend fe
    bind 127.0.0.1:${port}
    default_backend be
backend be
    server s1 127.0.0.1:${backendPort}
`;
}

async function setup(t: TestContext): Promise<{ port: number; backend: HttpBackend; vigil: RunningVigil }> {
  const backend = await startHttpBackend(t, nameHandler('s1'));
  const port = await freePort();
  const vigil = await startVigil(t, config(port, backend.port));
  return { port, backend, vigil };
}

/** sends `request`, expects HAProxy's 400 page and a closed connection, and no request at the server */
async function refused(port: number, request: string, seen: () => number): Promise<void> {
  const before = seen();
  const exchange = await rawExchange(port, request, { timeoutMs: 3_000 });
  assert.match(exchange.data.toString('latin1'), /^HTTP\/1\.1 400 Bad request\r\n/, `answer to ${JSON.stringify(request)}`);
  assert.ok(exchange.closed, 'the connection is closed after the 400');
  assert.ok(exchange.closedAfterMs < 1_000, `closed at once, not after a timeout (${exchange.closedAfterMs} ms)`);
  assert.equal(seen(), before, 'the server never sees a refused request');
}

test('conflicting Content-Length values get a 400 and a close; the server never sees them', async (t) => {
  const { port, backend } = await setup(t);
  const seen = (): number => backend.requests.length;
  await refused(port, 'POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\nhello!', seen);
  await refused(port, 'POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 5, 6\r\n\r\nhello!', seen);
  await refused(port, 'POST / HTTP/1.1\r\nhost: x\r\ncontent-length: +5\r\n\r\nhello', seen);
  await refused(port, 'POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 0x5\r\n\r\nhello', seen);
  // identical repeated values are one value (RFC 9110 section 8.6)
  const same = await rawExchange(port, 'POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello');
  assert.match(same.data.toString('latin1'), /^HTTP\/1\.1 200/);
});

test('a Transfer-Encoding the proxy cannot frame gets a 400', async (t) => {
  const { port, backend } = await setup(t);
  const seen = (): number => backend.requests.length;
  await refused(port, 'POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked, gzip\r\n\r\n0\r\n\r\n', seen);
  await refused(port, 'POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: xchunked\r\n\r\n0\r\n\r\n', seen);
  await refused(port, 'POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n', seen);
  await refused(port, 'POST / HTTP/1.0\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n', seen);
  // a bad chunk size is caught in the body: 400 when nothing was forwarded yet, else a cut
  const badChunk = await rawExchange(port, 'POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n', { timeoutMs: 3_000 });
  assert.ok(badChunk.closed);
  assert.doesNotMatch(badChunk.data.toString('latin1'), /^HTTP\/1\.1 200/);
});

test('Content-Length with Transfer-Encoding: the server gets chunked framing only, and the client connection closes after', async (t) => {
  const backend = await startRawBackend(t, (socket) => {
    let seen = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      if (seen.includes('0\r\n\r\n')) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
    });
  });
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  const smuggled = 'GET /admin HTTP/1.1\r\nhost: x\r\n\r\n';
  const body = `3\r\nabc\r\n0\r\n\r\n${smuggled}`;
  const exchange = await rawExchange(port, `POST / HTTP/1.1\r\nhost: x\r\ncontent-length: ${body.length}\r\ntransfer-encoding: chunked\r\n\r\n${body}`, { timeoutMs: 3_000 });
  const received = backend.received[0]?.toString('latin1') ?? '';
  assert.doesNotMatch(received, /content-length/i);
  assert.match(received, /transfer-encoding: chunked\r\n/i);
  assert.ok(received.endsWith('3\r\nabc\r\n0\r\n\r\n'), `the body ends at the last chunk: ${JSON.stringify(received)}`);
  assert.doesNotMatch(received, /admin/, 'what follows the chunked body is not forwarded as part of it');
  const { responses } = parseResponses(exchange.data);
  assert.equal(responses.length, 1, 'one answer: the bytes after the body are not taken for a request');
  assert.equal(responses[0]?.status, 200);
  assert.equal(responses[0]?.headers['connection'], 'close');
  assert.ok(exchange.closed, 'the client connection is closed after the response');
});

test('bad bytes in a head get a 400: NUL, bare LF, space before the colon, obs-fold, bad request line', async (t) => {
  const { port, backend } = await setup(t);
  const seen = (): number => backend.requests.length;
  await refused(port, 'GET / HTTP/1.1\r\nhost: x\r\nx-a: a\0b\r\n\r\n', seen);
  await refused(port, 'GET / HTTP/1.1\r\nhost: x\r\nx-a: a\nx-b: b\r\n\r\n', seen);
  await refused(port, 'GET / HTTP/1.1\nhost: x\n\n', seen);
  await refused(port, 'GET / HTTP/1.1\r\nhost : x\r\n\r\n', seen);
  await refused(port, 'GET / HTTP/1.1\r\nhost: x\r\nx-a: a\r\n b\r\n\r\n', seen);
  await refused(port, 'GET / HTTP/1.1\r\nhost: x\r\nx-a: a\rb\r\n\r\n', seen);
  await refused(port, 'GET  / HTTP/1.1\r\nhost: x\r\n\r\n', seen);
  await refused(port, 'GET / HTTP/2.0\r\nhost: x\r\n\r\n', seen);
  await refused(port, 'GET / HTTP/1.1\r\nhost: x\r\nhost: y\r\n\r\n', seen);
  await refused(port, 'GET / HTTP/1.1\r\n\r\n', seen);
  assert.equal((await get(port, '/')).status, 200, 'a good request still works');
});

/** mulberry32: a small seeded PRNG, so a failing fuzz run can be replayed */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('a few hundred mutated and random heads never take the process down', { timeout: 120_000 }, async (t) => {
  const { port, vigil } = await setup(t);
  const random = prng(0x5eed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const seeds = [
    'GET / HTTP/1.1\r\nhost: x\r\n\r\n',
    'POST /p HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\n\r\nabc',
    'POST /p HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    'GET /ws HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n',
    'GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n',
  ];
  const specials = ['\r', '\n', '\0', ' ', ':', '\t', ',', '\x7f', '\xff', 'chunked', 'content-length: ', '\r\n\r\n', '-1', '99999999999999999'];
  const mutate = (input: string): string => {
    let s = input;
    const edits = 1 + Math.floor(random() * 4);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * (s.length + 1));
      switch (Math.floor(random() * 4)) {
        case 0:
          s = s.slice(0, at) + s.slice(at + 1);
          break;
        case 1:
          s = s.slice(0, at) + pick(specials) + s.slice(at);
          break;
        case 2:
          s = s.slice(0, at) + String.fromCharCode(Math.floor(random() * 256)) + s.slice(at + 1);
          break;
        default:
          s = s.slice(0, at) + s.slice(at, at + 8).repeat(2 + Math.floor(random() * 3)) + s.slice(at + 8);
      }
    }
    return s;
  };
  const randomBytes = (): string => {
    let s = '';
    const n = Math.floor(random() * 200);
    for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(random() * 256));
    return `${s}\r\n\r\n`;
  };
  let answered = 0;
  const total = 300;
  // in batches of 20 concurrent connections, each with a short bound
  for (let i = 0; i < total; i += 20) {
    const batch: Promise<unknown>[] = [];
    for (let j = 0; j < 20; j++) {
      const input = random() < 0.8 ? mutate(pick(seeds)) : randomBytes();
      batch.push(
        rawExchange(port, Buffer.from(input, 'latin1'), { timeoutMs: 300, endAfterWrite: random() < 0.5 }).then((r) => {
          if (r.data.length > 0) answered++;
        }),
      );
    }
    await Promise.all(batch);
  }
  assert.ok(vigil.alive(), 'vigil is still running');
  assert.doesNotMatch(vigil.output(), /data path error|ALERT/, 'no session failed with an exception');
  assert.ok(answered > 0);
  for (let i = 0; i < 5; i++) assert.equal((await get(port, `/after-fuzz-${i}`)).status, 200, 'a normal request still works after the fuzzing');
});
