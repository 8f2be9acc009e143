// What the client sees when things go wrong, as HAProxy shows it: errorfile pages byte for byte,
// 502 for a garbage answer, 504 after timeout server, 408 for a slow head (slowloris), retries and
// redispatch around a refusing server, frontend maxconn holding excess connections, and a server's
// maxconn queue ending in 503 when timeout queue expires.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { run } from '../lib/command.ts';
import { curl, freePort, get, nameHandler, parseResponses, rawExchange, sleep, startHttpBackend, startRawBackend, startVigil } from './harness.ts';

const defaults = `
defaults
    mode http
    timeout connect 500ms
    timeout client 5s
    timeout server 5s
`;

test('errorfile 503 is sent byte for byte when no server can answer', async (t) => {
  const page = 'HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ncontent-length: 13\r\nx-page: mine\r\n\r\nsorry, later\n';
  const port = await freePort();
  const closed = await freePort();
  await startVigil(
    t,
    `${defaults}
frontend fe
    bind 127.0.0.1:${port}
    errorfile 503 {dir}/503.http
    default_backend be
backend be
    retries 0
    server s1 127.0.0.1:${closed}
`,
    { files: { '503.http': page } },
  );
  const exchange = await rawExchange(port, 'GET / HTTP/1.1\r\nhost: x\r\n\r\n', { timeoutMs: 3_000 });
  assert.equal(exchange.data.toString('latin1'), page);
});

test('a garbage answer from the server gets HAProxy\'s 502 page', async (t) => {
  const backend = await startRawBackend(t, (socket) => socket.once('data', () => socket.end('this is not HTTP\r\n\r\n')));
  const port = await freePort();
  await startVigil(t, `${defaults}
listen app
    bind 127.0.0.1:${port}
    server s1 127.0.0.1:${backend.port}
`);
  const response = await get(port);
  assert.equal(response.status, 502);
  assert.match(response.body.toString(), /502 Bad Gateway/);
});

test('a server that does not answer within timeout server gets a 504', async (t) => {
  const backend = await startRawBackend(t, () => undefined);
  const port = await freePort();
  await startVigil(t, `${defaults}
listen app
    bind 127.0.0.1:${port}
    timeout server 700ms
    server s1 127.0.0.1:${backend.port}
`);
  const started = Date.now();
  const response = await get(port);
  const took = Date.now() - started;
  assert.equal(response.status, 504);
  assert.match(response.body.toString(), /504 Gateway Time-out/);
  assert.ok(took >= 650 && took < 2_000, `answered after ${took} ms`);
});

test('slowloris: a head sent one byte every 500 ms is cut at timeout http-request with a 408', async (t) => {
  const backend = await startHttpBackend(t, nameHandler('s1'));
  const port = await freePort();
  await startVigil(t, `${defaults}
listen app
    bind 127.0.0.1:${port}
    timeout http-request 2s
    server s1 127.0.0.1:${backend.port}
`);
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  const parts: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => parts.push(chunk));
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const started = Date.now();
  const head = 'GET / HTTP/1.1\r\nhost: slow\r\nx-padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n';
  let sent = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || sent >= head.length) return;
    socket.write(head[sent++] ?? '');
  }, 500);
  const closedAt = await Promise.race([closed, sleep(6_000).then(() => 0)]);
  clearInterval(timer);
  socket.destroy();
  assert.ok(closedAt > 0, 'vigil closed the connection');
  const took = closedAt - started;
  assert.ok(took >= 1_900 && took < 3_000, `cut after ${took} ms`);
  const text = Buffer.concat(parts).toString('latin1');
  assert.match(text, /^HTTP\/1\.1 408 Request Time-out\r\n/);
  assert.match(text, /connection: close/i);
  assert.equal(backend.requests.length, 0);
});

test('retries with option redispatch: with one server refusing, every request still succeeds', async (t) => {
  const good = await startHttpBackend(t, nameHandler('good'));
  const refusing = await freePort();
  const port = await freePort();
  await startVigil(t, `${defaults}
listen app
    bind 127.0.0.1:${port}
    balance roundrobin
    retries 2
    option redispatch
    server bad 127.0.0.1:${refusing}
    server good 127.0.0.1:${good.port}
`);
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) statuses.push((await get(port, `/${i}`)).status);
  assert.deepEqual(statuses, Array(8).fill(200));
  assert.equal(good.requests.length, 8);
});

test('retries without redispatch: requests sent to the refusing server end in 503 after the retries', async (t) => {
  const good = await startHttpBackend(t, nameHandler('good'));
  const refusing = await freePort();
  const port = await freePort();
  await startVigil(t, `${defaults}
listen app
    bind 127.0.0.1:${port}
    balance roundrobin
    timeout connect 200ms
    retries 2
    no option redispatch
    server bad 127.0.0.1:${refusing}
    server good 127.0.0.1:${good.port}
`);
  const results: { status: number; ms: number }[] = [];
  for (let i = 0; i < 4; i++) {
    const started = Date.now();
    const status = (await get(port, `/${i}`)).status;
    results.push({ status, ms: Date.now() - started });
  }
  const failed = results.filter((r) => r.status === 503);
  assert.equal(failed.length, 2, JSON.stringify(results));
  assert.equal(results.filter((r) => r.status === 200).length, 2);
  // two retries, each after min(timeout connect, 1s) = 200 ms
  for (const r of failed) assert.ok(r.ms >= 380, `a 503 after ${r.ms} ms: the retries waited`);
});

test('frontend maxconn: excess connections wait and then complete; the backend never sees more at once', async (t) => {
  let inFlight = 0;
  let most = 0;
  const backend = await startHttpBackend(t, (_request, response) => {
    inFlight++;
    most = Math.max(most, inFlight);
    setTimeout(() => {
      inFlight--;
      response.end('done');
    }, 200);
  });
  const port = await freePort();
  const vigil = await startVigil(t, `${defaults}
frontend fe
    bind 127.0.0.1:${port}
    maxconn 2
    default_backend be
backend be
    server s1 127.0.0.1:${backend.port}
`);
  const started = Date.now();
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => curl([`http://127.0.0.1:${port}/${i}`])));
  const took = Date.now() - started;
  assert.deepEqual(results.map((r) => r.status), Array(10).fill(200));
  assert.ok(most <= 2, `the backend saw ${most} requests at once`);
  assert.ok(took >= 900, `10 requests of 200 ms two at a time took ${took} ms`);
  assert.ok(vigil.alive());
});

test('server maxconn with a queue: a request waiting longer than timeout queue gets a 503', async (t) => {
  const backend = await startHttpBackend(t, (_request, response) => setTimeout(() => response.end('slow'), 1_000));
  const port = await freePort();
  await startVigil(t, `${defaults}
listen app
    bind 127.0.0.1:${port}
    timeout queue 300ms
    server s1 127.0.0.1:${backend.port} maxconn 1
`);
  const first = rawExchange(port, 'GET /first HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', { timeoutMs: 3_000 });
  await sleep(100);
  const started = Date.now();
  const second = await rawExchange(port, 'GET /second HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', { timeoutMs: 3_000 });
  const took = Date.now() - started;
  const secondResponse = parseResponses(second.data).responses[0];
  assert.equal(secondResponse?.status, 503);
  assert.ok(took >= 250 && took < 900, `the queued request gave up after ${took} ms`);
  const firstResponse = parseResponses((await first).data).responses[0];
  assert.equal(firstResponse?.status, 200);
  assert.deepEqual(backend.requests.map((r) => r.url), ['/first']);
});

test('server maxconn with a queue: queued requests are served in turn when the wait is short enough', async (t) => {
  const backend = await startHttpBackend(t, (_request, response) => setTimeout(() => response.end('ok'), 100));
  const port = await freePort();
  await startVigil(t, `${defaults}
listen app
    bind 127.0.0.1:${port}
    timeout queue 5s
    server s1 127.0.0.1:${backend.port} maxconn 1
`);
  const results = await Promise.all(Array.from({ length: 5 }, (_, i) => curl([`http://127.0.0.1:${port}/${i}`])));
  assert.deepEqual(results.map((r) => r.status), Array(5).fill(200));
});

test('frontend maxconn under a wrk burst of 100 connections: the process stays up and answers after', { timeout: 60_000 }, async (t) => {
  const backend = await startHttpBackend(t, (_request, response) => setTimeout(() => response.end('ok'), 5));
  const port = await freePort();
  const vigil = await startVigil(t, `${defaults}
frontend fe
    bind 127.0.0.1:${port}
    maxconn 10
    default_backend be
backend be
    server s1 127.0.0.1:${backend.port}
`);
  const wrk = await run(['wrk', '-t1', '-c100', '-d2s', '--timeout', '5s', `http://127.0.0.1:${port}/`], { timeoutMs: 20_000 });
  assert.equal(wrk.code, 0, wrk.stderr);
  const requests = Number(/(\d+) requests in/.exec(wrk.stdout)?.[1] ?? 0);
  assert.ok(requests > 100, `wrk completed ${requests} requests`);
  assert.doesNotMatch(wrk.stdout, /Non-2xx/);
  assert.ok(vigil.alive());
  assert.equal((await get(port, '/after')).status, 200);
});
