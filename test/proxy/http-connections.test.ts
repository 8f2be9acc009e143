// HTTP connection handling end to end on loopback, as a user of haproxy.cfg would notice it:
// keep-alive on both sides (server connections reused), option httpclose / http-server-close,
// pipelining, HTTP/1.0 clients, HEAD, 204/304, bodies streamed both ways, Expect: 100-continue.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, get as httpGet } from 'node:http';
import { test } from 'node:test';
import { run } from '../lib/command.ts';
import {
  curl,
  freePort,
  nameHandler,
  parseResponses,
  rawExchange,
  RawClient,
  sleep,
  startHttpBackend,
  startRawBackend,
  startVigil,
  type BackendHandler,
} from './harness.ts';

function config(port: number, backendPort: number, extra = ''): string {
  return `
global
    maxconn 1000
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
${extra}
frontend fe
    bind 127.0.0.1:${port}
    default_backend be
backend be
    server s1 127.0.0.1:${backendPort}
`;
}

test('keep-alive: several requests on one client connection, and the server connection is reused', async (t) => {
  const backend = await startHttpBackend(t, nameHandler('s1'));
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  const client = await RawClient.open(port);
  for (let i = 0; i < 5; i++) {
    client.write(`GET /r${i} HTTP/1.1\r\nhost: test\r\n\r\n`);
    const response = await client.response();
    assert.equal(response.status, 200);
    assert.equal(response.body.toString(), `s1 GET /r${i}\n`);
    assert.notEqual(response.headers['connection'], 'close', 'no connection: close on a keep-alive answer');
  }
  assert.equal(client.closed, false, 'the client connection stays open');
  client.close();
  // five more requests on five fresh client connections: the pooled server connection serves them
  for (let i = 0; i < 5; i++) {
    const r = await curl([`http://127.0.0.1:${port}/c${i}`]);
    assert.equal(r.status, 200);
  }
  assert.equal(backend.requests.length, 10);
  assert.ok(backend.connections < 3, `the backend saw ${backend.connections} connections for 10 requests`);
});

test('option httpclose: the client and the server get connection: close, and both connections close', async (t) => {
  const backend = await startHttpBackend(t, nameHandler('s1'));
  const port = await freePort();
  await startVigil(t, config(port, backend.port, '    option httpclose'));
  const client = await RawClient.open(port);
  client.write('GET / HTTP/1.1\r\nhost: test\r\n\r\n');
  const response = await client.response();
  assert.equal(response.status, 200);
  assert.equal(response.headers['connection'], 'close');
  assert.ok(await client.waitClosed(2_000), 'vigil closes the client connection after the response');
  assert.equal(backend.requests[0]?.headers['connection'], 'close');
  await curl([`http://127.0.0.1:${port}/`]);
  assert.equal(backend.connections, 2, 'one server connection per request');
});

test('option http-server-close: the client keeps its connection, the server connection closes after each response', async (t) => {
  const backend = await startHttpBackend(t, nameHandler('s1'));
  const port = await freePort();
  await startVigil(t, config(port, backend.port, '    option http-server-close'));
  const client = await RawClient.open(port);
  for (let i = 0; i < 3; i++) {
    client.write(`GET /${i} HTTP/1.1\r\nhost: test\r\n\r\n`);
    const response = await client.response();
    assert.equal(response.status, 200);
    assert.notEqual(response.headers['connection'], 'close');
  }
  assert.equal(client.closed, false);
  client.close();
  assert.equal(backend.connections, 3);
  for (const r of backend.requests) assert.equal(r.headers['connection'], 'close');
});

test('pipelining: three requests in one write get three responses in order', async (t) => {
  // the first answer is the slowest, so an out-of-order relay would show
  const backend = await startHttpBackend(t, (request, response) => {
    const delay = request.url === '/1' ? 200 : 0;
    setTimeout(() => response.end(`answer ${request.url ?? ''}`), delay);
  });
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  const three = ['/1', '/2', '/3'].map((p) => `GET ${p} HTTP/1.1\r\nhost: test\r\n\r\n`).join('');
  const exchange = await rawExchange(port, three, { until: (d) => parseResponses(d).responses.length === 3 });
  const bodies = parseResponses(exchange.data).responses.map((r) => r.body.toString());
  assert.deepEqual(bodies, ['answer /1', 'answer /2', 'answer /3']);
});

test('HTTP/1.0: ab without -k completes, a 1.0 keep-alive client keeps its connection, a close-delimited answer ends with the close', async (t) => {
  const backend = await startHttpBackend(t, (request, response) => {
    if (request.url === '/chunked') {
      response.write('part one, ');
      response.end('part two');
      return;
    }
    response.setHeader('content-length', '5');
    response.end('hello');
  });
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  const ab = await run(['ab', '-n', '200', '-c', '10', `http://127.0.0.1:${port}/`], { timeoutMs: 30_000 });
  assert.equal(ab.code, 0, ab.stderr);
  assert.match(ab.stdout, /Complete requests:\s+200/);
  assert.match(ab.stdout, /Failed requests:\s+0/);

  const client = await RawClient.open(port);
  client.write('GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n');
  const first = await client.response();
  assert.equal(first.status, 200);
  assert.match(first.headers['connection'] ?? '', /keep-alive/i);
  client.write('GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n');
  const second = await client.response();
  assert.equal(second.body.toString(), 'hello');
  client.close();

  const dechunked = await rawExchange(port, 'GET /chunked HTTP/1.0\r\n\r\n');
  assert.ok(dechunked.closed, 'the 1.0 client learns the end of the body from the close');
  const text = dechunked.data.toString('latin1');
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  assert.equal(body, 'part one, part two');
  assert.doesNotMatch(text, /transfer-encoding/i);
});

test('HEAD, 204 and 304 answers carry no body and the connection goes on', async (t) => {
  const backend = await startHttpBackend(t, (request, response) => {
    if (request.url === '/204') {
      response.statusCode = 204;
      response.end();
    } else if (request.url === '/304') {
      response.statusCode = 304;
      response.end();
    } else {
      response.setHeader('content-length', '11');
      response.end(request.method === 'HEAD' ? undefined : 'hello world');
    }
  });
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  const client = await RawClient.open(port);
  client.write('HEAD / HTTP/1.1\r\nhost: test\r\n\r\n');
  await client.wait((d) => d.includes('\r\n\r\n'));
  await sleep(100);
  const head = client.take().toString('latin1');
  assert.match(head, /^HTTP\/1\.1 200/);
  assert.match(head, /content-length: 11/i);
  assert.ok(head.endsWith('\r\n\r\n'), 'no body after a HEAD answer');
  for (const status of [204, 304]) {
    client.write(`GET /${status} HTTP/1.1\r\nhost: test\r\n\r\n`);
    const response = await client.response();
    assert.equal(response.status, status);
    await sleep(50);
    assert.equal(client.data.length, 0, `nothing after the ${status} head`);
  }
  client.write('GET / HTTP/1.1\r\nhost: test\r\n\r\n');
  assert.equal((await client.response()).body.toString(), 'hello world');
  client.close();
});

test('request bodies stream to the server: a 5 MiB curl upload and a chunked upload arrive intact', async (t) => {
  const backend = await startHttpBackend(t, (request, response, body) => {
    response.end(`${body.length} ${createHash('sha256').update(body).digest('hex')}`);
  });
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  const dir = mkdtempSync(join(tmpdir(), 'vigil-upload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const payload = Buffer.alloc(5 * 1024 * 1024);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + (i >> 10)) & 0xff;
  const file = join(dir, 'payload');
  writeFileSync(file, payload);
  const hash = createHash('sha256').update(payload).digest('hex');

  const upload = await curl(['--data-binary', `@${file}`, '-H', 'content-type: application/octet-stream', `http://127.0.0.1:${port}/upload`], 30_000);
  assert.equal(upload.status, 200, upload.stderr);
  assert.equal(upload.body, `${payload.length} ${hash}`);
  assert.equal(backend.requests[0]?.headers['content-length'], String(payload.length));

  const chunked = await curl(['--data-binary', `@${file}`, '-H', 'transfer-encoding: chunked', `http://127.0.0.1:${port}/chunked`], 30_000);
  assert.equal(chunked.status, 200, chunked.stderr);
  assert.equal(chunked.body, `${payload.length} ${hash}`);
  assert.equal(backend.requests[1]?.headers['transfer-encoding'], 'chunked');
});

test('a head and a large body sent in one write arrive intact, on a new server connection and on a pooled one', async (t) => {
  const backend = await startHttpBackend(t, (request, response, body) => {
    response.end(`${body.length} ${createHash('sha256').update(body).digest('hex')}`);
  });
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  const client = await RawClient.open(port);
  t.after(() => client.close());
  // held while the server connection opens (the first), or written at once on the pooled one (the
  // others); the head and the body bytes that came with it go out as parts, except the last, small
  // enough to be joined
  for (const size of [200 * 1024, 48 * 1024, 3000]) {
    const payload = Buffer.alloc(size);
    for (let i = 0; i < size; i++) payload[i] = (i * 7 + (i >> 8) + size) & 0xff;
    client.write(Buffer.concat([Buffer.from(`POST /one HTTP/1.1\r\nhost: test\r\ncontent-length: ${size}\r\n\r\n`, 'latin1'), payload]));
    const response = await client.response();
    assert.equal(response.status, 200);
    assert.equal(response.body.toString(), `${size} ${createHash('sha256').update(payload).digest('hex')}`);
  }
  assert.equal(backend.requests.length, 3);
});

test('a request body is forwarded as it arrives, before the client has sent all of it', async (t) => {
  let firstPartAt = 0;
  const backend = await startHttpBackend(
    t,
    (request, response) => {
      request.once('data', () => (firstPartAt = Date.now()));
      request.resume();
      request.on('end', () => response.end('ok'));
    },
    { streaming: true },
  );
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  const client = await RawClient.open(port);
  client.write('POST / HTTP/1.1\r\nhost: test\r\ncontent-length: 10\r\n\r\nhello');
  await sleep(500);
  const restAt = Date.now();
  client.write('world');
  const response = await client.response();
  assert.equal(response.status, 200);
  assert.ok(firstPartAt > 0 && firstPartAt < restAt, 'the server got the first half before the client sent the rest');
  client.close();
});

test('response bodies stream: the client gets the first part before the server sends the rest', async (t) => {
  let restSentAt = 0;
  const streamer: BackendHandler = (_request, response) => {
    response.setHeader('content-type', 'text/plain');
    response.write('first part\n');
    setTimeout(() => {
      restSentAt = Date.now();
      response.end('the rest\n');
    }, 500);
  };
  const backend = await startHttpBackend(t, streamer);
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  const client = await RawClient.open(port);
  client.write('GET / HTTP/1.1\r\nhost: test\r\n\r\n');
  await client.wait((d) => d.includes('first part'));
  const firstAt = Date.now();
  const whole = await client.response();
  assert.equal(whole.body.toString(), 'first part\nthe rest\n');
  assert.ok(firstAt < restSentAt, `the first part arrived ${restSentAt - firstAt} ms before the rest was sent`);
  client.close();
});

test('Expect: 100-continue: curl gets the interim answer and its body goes through', async (t) => {
  const backend = await startHttpBackend(t, (_request, response, body) => response.end(`got ${body.length}`));
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  const body = 'x'.repeat(2000);
  const r = await curl(['-v', '-H', 'Expect: 100-continue', '--expect100-timeout', '5', '--data-binary', body, `http://127.0.0.1:${port}/`]);
  assert.equal(r.status, 200, r.stderr);
  assert.equal(r.body, 'got 2000');
  assert.match(r.stderr, /HTTP\/1\.1 100 Continue/);
});

test('an HTTP/1.0 client gets a chunked answer de-chunked, ended by the close', async (t) => {
  const backend = await startRawBackend(t, (socket) => {
    socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n'));
  });
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  const exchange = await rawExchange(port, 'GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n', { timeoutMs: 3_000 });
  assert.ok(exchange.closed, 'the connection closes to end the body');
  const text = exchange.data.toString('latin1');
  assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
  assert.doesNotMatch(text, /transfer-encoding/i);
  assert.match(text, /connection: close/i);
  assert.equal(text.slice(text.indexOf('\r\n\r\n') + 4), 'hello, world');
});

test('an empty answer (Content-Length: 0) ends the transaction: the connection goes on, or closes when asked', async (t) => {
  const backend = await startHttpBackend(t, (_request, response) => {
    response.statusCode = 500;
    response.end();
  });
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  const client = await RawClient.open(port);
  for (let i = 0; i < 3; i++) {
    client.write('GET / HTTP/1.1\r\nhost: test\r\n\r\n');
    const response = await client.response();
    assert.equal(response.status, 500);
    assert.equal(response.headers['content-length'], '0');
  }
  client.close();
  const closing = await rawExchange(port, 'GET / HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n', { timeoutMs: 2_000 });
  assert.ok(closing.closed && closing.closedAfterMs < 1_000, 'closed right after the empty answer');
});

test('a client closing its connection does not close the pooled server connection', async (t) => {
  const backend = await startHttpBackend(t, nameHandler('s1'));
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  for (let i = 0; i < 5; i++) {
    const exchange = await rawExchange(port, `GET /${i} HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n`);
    assert.ok(exchange.closed);
    assert.match(exchange.data.toString('latin1'), /connection: close/i);
  }
  assert.equal(backend.requests.length, 5);
  assert.equal(backend.connections, 1, 'the connection: close of each client stays on the client side');
  for (const r of backend.requests) assert.notEqual(r.headers['connection'], 'close');
});

test('large responses to clients that read slower than the server sends arrive intact', { timeout: 60_000 }, async (t) => {
  // the kernel's send buffer fills, writes to the client stay pending, and the server side's read
  // memory is lent and later read into again: every byte must still arrive as the server sent it
  const payload = Buffer.alloc(24 * 1024 * 1024);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 131 + (i >> 12)) & 0xff;
  const hash = createHash('sha256').update(payload).digest('hex');
  const backend = await startHttpBackend(t, (_request, response) => response.end(payload));
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  const dir = mkdtempSync(join(tmpdir(), 'vigil-download-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // two clients at once, each fetching twice over one keep-alive connection
  const clients = [0, 1].map((c) =>
    run(['curl', '-sS', '--max-time', '30', '--limit-rate', '40M', '-o', join(dir, `${c}a`), '-o', join(dir, `${c}b`), '-w', '%{http_code} ',
      `http://127.0.0.1:${port}/a`, `http://127.0.0.1:${port}/b`], { timeoutMs: 35_000 }),
  );
  const results = await Promise.all(clients);
  for (const result of results) assert.equal(result.stdout.trim(), '200 200', result.stderr);
  for (const name of ['0a', '0b', '1a', '1b']) {
    const body = readFileSync(join(dir, name));
    assert.equal(body.length, payload.length, `${name}: length`);
    assert.equal(createHash('sha256').update(body).digest('hex'), hash, `${name}: content`);
  }
  assert.equal(backend.requests.length, 4);
});

test('answers of different sizes to 20 keep-alive clients at once each arrive as their server sent them', { timeout: 60_000 }, async (t) => {
  // read buffers pass from socket to socket between bursts: a byte of one answer in another
  // would show here, each answer being its own pattern
  const answer = (n: number): Buffer => {
    const body = Buffer.alloc(20_000 + n * 1_777);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7 + n * 13 + (i >> 8)) & 0xff;
    return body;
  };
  const backend = await startHttpBackend(t, (request, response) => response.end(answer(Number(request.url?.slice(1)))));
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  const agent = new Agent({ keepAlive: true, maxSockets: 20 });
  t.after(() => agent.destroy());
  const fetch = (n: number): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      httpGet({ host: '127.0.0.1', port, path: `/${n}`, agent }, (response) => {
        const parts: Buffer[] = [];
        response.on('data', (chunk: Buffer) => parts.push(chunk));
        response.on('end', () => resolve(Buffer.concat(parts)));
        response.on('error', reject);
      }).on('error', reject);
    });
  const numbers = Array.from({ length: 200 }, (_, i) => i);
  const bodies = await Promise.all(numbers.map(fetch));
  for (const n of numbers) assert.ok(bodies[n]?.equals(answer(n)), `answer ${n} arrived as sent`);
  assert.equal(backend.requests.length, 200);
});
