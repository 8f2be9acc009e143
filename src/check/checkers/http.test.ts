import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import https from 'node:https';
import type net from 'node:net';
import { test, type TestContext } from 'node:test';
import { createChecker } from '../checker.ts';
import { CheckStatus } from '../outcome.ts';
import { haproxyDefaultStatus, keepalivedDefaultStatus, parseStatusCodes, type HttpCheckSpec } from './http.ts';
import { local, neverAborted, receiveRequestHead, refusedPort, selfSignedCertificate, tcpServer, timeouts } from './servers.fixture.ts';

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** An HTTP server that answers every request with `response` (raw bytes) and records the heads */
async function rawHttpServer(t: TestContext, response: string | ((head: string) => string), options: { close?: boolean } = {}) {
  const heads: string[] = [];
  const port = await tcpServer(t, (socket: net.Socket) => {
    void receiveRequestHead(socket).then((head) => {
      heads.push(head);
      socket.write(typeof response === 'string' ? response : response(head));
      if (options.close ?? true) socket.end();
    });
  });
  return { port, heads };
}

const withTls = (spec: HttpCheckSpec): HttpCheckSpec => ({ ...spec, tls: {} });

const ok200 = 'HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello';

// HAProxy: option httpchk, the old default request
const haproxySpec = (extra: Partial<HttpCheckSpec['requests'][number]> = {}): HttpCheckSpec => ({
  kind: 'http',
  requests: [{ method: 'OPTIONS', path: '/', version: '1.0', ...extra }],
  defaultStatus: haproxyDefaultStatus,
});

test('http: HAProxy httpchk passes on 200 with L7OK and the HAProxy info, sending no Host on HTTP/1.0', async (t) => {
  const server = await rawHttpServer(t, ok200);
  const outcome = await createChecker(haproxySpec()).run(local(server.port), timeouts(1000, 2000), neverAborted);
  assert.deepEqual([outcome.ok, outcome.status, outcome.code, outcome.info], [true, CheckStatus.l7ok, 200, 'HTTP status check returned code <200>']);
  assert.equal(server.heads[0], 'OPTIONS / HTTP/1.0');
});

test('http: without expect HAProxy passes 3xx and fails 5xx with L7STS', async (t) => {
  const redirect = await rawHttpServer(t, 'HTTP/1.0 302 Found\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n');
  const failing = await rawHttpServer(t, 'HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
  const checker = createChecker(haproxySpec());
  assert.equal((await checker.run(local(redirect.port), timeouts(1000, 2000), neverAborted)).status, CheckStatus.l7ok);
  const outcome = await checker.run(local(failing.port), timeouts(1000, 2000), neverAborted);
  assert.deepEqual([outcome.ok, outcome.status, outcome.code, outcome.info], [false, CheckStatus.l7status, 503, 'HTTP status check returned code <503>']);
});

test('http: keepalived without status_code passes only 2xx', async (t) => {
  const redirect = await rawHttpServer(t, 'HTTP/1.0 301 Moved\r\nContent-Length: 0\r\n\r\n');
  const spec: HttpCheckSpec = { kind: 'http', requests: [{ path: '/' }], defaultStatus: keepalivedDefaultStatus };
  const outcome = await createChecker(spec).run(local(redirect.port), timeouts(1000, 2000), neverAborted);
  assert.deepEqual([outcome.status, outcome.code], [CheckStatus.l7status, 301]);
});

test('http: status_code lists and ranges, as keepalived and HAProxy write them', async (t) => {
  assert.deepEqual(parseStatusCodes('200 300-302'), [{ min: 200, max: 200 }, { min: 300, max: 302 }]);
  assert.deepEqual(parseStatusCodes('200,201,300-310'), [{ min: 200, max: 200 }, { min: 201, max: 201 }, { min: 300, max: 310 }]);
  assert.throws(() => parseStatusCodes('2xx'), /Cannot parse HTTP status code "2xx"/);
  assert.throws(() => parseStatusCodes('300-200'), /Cannot parse/);

  const noContent = await rawHttpServer(t, 'HTTP/1.1 204 No Content\r\n\r\n');
  const notFound = await rawHttpServer(t, 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
  const spec: HttpCheckSpec = { kind: 'http', requests: [{ path: '/', expect: [{ match: 'status', codes: parseStatusCodes('200-204 300') }] }] };
  const checker = createChecker(spec);
  assert.equal((await checker.run(local(noContent.port), timeouts(1000, 2000), neverAborted)).status, CheckStatus.l7ok);
  assert.equal((await checker.run(local(notFound.port), timeouts(1000, 2000), neverAborted)).status, CheckStatus.l7status);
});

test('http: expect rstatus, and negated status (! status 503)', async (t) => {
  const unavailable = await rawHttpServer(t, 'HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
  const fine = await rawHttpServer(t, 'HTTP/1.0 418 Teapot\r\nContent-Length: 0\r\n\r\n');
  const run = (spec: HttpCheckSpec, port: number) => createChecker(spec).run(local(port), timeouts(1000, 2000), neverAborted);
  const notUnavailable = haproxySpec({ expect: [{ match: 'status', codes: [{ min: 503, max: 503 }], negate: true }] });
  assert.equal((await run(notUnavailable, fine.port)).status, CheckStatus.l7ok);
  const refused = await run(notUnavailable, unavailable.port);
  assert.deepEqual([refused.status, refused.info], [CheckStatus.l7status, 'HTTP status check returned code <503>']);
  const any4xx = haproxySpec({ expect: [{ match: 'rstatus', pattern: '^4' }] });
  assert.equal((await run(any4xx, fine.port)).status, CheckStatus.l7ok);
  assert.equal((await run(any4xx, unavailable.port)).status, CheckStatus.l7status);
  const not5xx = haproxySpec({ expect: [{ match: 'rstatus', pattern: '^5', negate: true }] });
  assert.equal((await run(not5xx, unavailable.port)).status, CheckStatus.l7status);
});

test('http: expect string / rstring and their negation judge the body (L7RSP on mismatch)', async (t) => {
  const server = await rawHttpServer(t, 'HTTP/1.1 200 OK\r\nContent-Length: 22\r\n\r\nstatus: ready, load 3\n', { close: false });
  const run = (expect: NonNullable<HttpCheckSpec['requests'][number]['expect']>) =>
    createChecker(haproxySpec({ version: '1.1', expect })).run(local(server.port), timeouts(1000, 2000), neverAborted);

  // the server keeps the connection open: the check ends on Content-Length, not on a timeout
  const found = await run([{ match: 'string', text: 'ready' }]);
  assert.deepEqual([found.status, found.info], [CheckStatus.l7ok, 'HTTP content check matched']);
  assert.ok(found.durationMs < 500);
  const missing = await run([{ match: 'string', text: 'maintenance' }]);
  assert.deepEqual([missing.status, missing.info, missing.code], [CheckStatus.l7response, 'HTTP content check did not match', 200]);
  assert.equal((await run([{ match: 'string', text: 'maintenance', negate: true }])).status, CheckStatus.l7ok);
  const unwanted = await run([{ match: 'string', text: 'ready', negate: true }]);
  assert.deepEqual([unwanted.status, unwanted.info], [CheckStatus.l7response, 'HTTP check matched unwanted content']);
  assert.equal((await run([{ match: 'rstring', pattern: 'load [0-4]\\b' }])).status, CheckStatus.l7ok);
  assert.equal((await run([{ match: 'rstring', pattern: 'load [5-9]' }])).status, CheckStatus.l7response);
  // several expect rules: all must pass
  assert.equal((await run([{ match: 'status', codes: [{ min: 200, max: 200 }] }, { match: 'string', text: 'nope' }])).status, CheckStatus.l7response);
});

test('http: keepalived digest over a chunked body; a mismatch is L7RSP naming both digests', async (t) => {
  const body = 'hello, chunked world';
  const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nf\r\n, chunked world\r\n0\r\nX-Trailer: y\r\n\r\n';
  const server = await rawHttpServer(t, chunked, { close: false });
  const spec = (digest: string): HttpCheckSpec => ({
    kind: 'http',
    requests: [{ path: '/', hostFromTarget: true, expect: [{ match: 'status', codes: keepalivedDefaultStatus }, { match: 'md5', digest }] }],
  });
  const good = await createChecker(spec(md5(body))).run(local(server.port), timeouts(1000, 2000), neverAborted);
  assert.deepEqual([good.status, good.info], [CheckStatus.l7ok, 'MD5 digest matched']);
  const wrong = md5('something else');
  const bad = await createChecker(spec(wrong)).run(local(server.port), timeouts(1000, 2000), neverAborted);
  assert.equal(bad.status, CheckStatus.l7response);
  assert.equal(bad.info, `MD5 digest mismatch: got ${md5(body)}, expected ${wrong}`);
});

test('http: a body read until the server closes is hashed whole', async (t) => {
  const server = await rawHttpServer(t, 'HTTP/1.0 200 OK\r\n\r\nuntil close');
  const spec: HttpCheckSpec = { kind: 'http', requests: [{ path: '/', expect: [{ match: 'md5', digest: md5('until close') }] }] };
  assert.equal((await createChecker(spec).run(local(server.port), timeouts(1000, 2000), neverAborted)).status, CheckStatus.l7ok);
});

test('http: keepalived url blocks all must pass; the failing one is named', async (t) => {
  const server = await rawHttpServer(t, (head) =>
    head.startsWith('GET /b ') ? 'HTTP/1.0 500 Oops\r\nContent-Length: 0\r\n\r\n' : 'HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n',
  );
  const expect = [{ match: 'status', codes: keepalivedDefaultStatus }] as const;
  const spec: HttpCheckSpec = { kind: 'http', requests: [{ path: '/a', expect }, { path: '/b', expect }, { path: '/c', expect }] };
  const outcome = await createChecker(spec).run(local(server.port), timeouts(1000, 2000), neverAborted);
  assert.deepEqual([outcome.status, outcome.code, outcome.info], [CheckStatus.l7status, 500, 'HTTP status check returned code <500> (GET /b)']);
  assert.deepEqual(server.heads.map((head) => head.split('\r\n')[0]), ['GET /a HTTP/1.0', 'GET /b HTTP/1.0']);
});

test('http: Host header per anchor: keepalived virtualhost or <ip>:<port>, HTTP/1.1 always, 1.0C closes', async (t) => {
  const server = await rawHttpServer(t, ok200);
  const run = (request: HttpCheckSpec['requests'][number]) =>
    createChecker({ kind: 'http', requests: [request] } as HttpCheckSpec).run(local(server.port), timeouts(1000, 2000), neverAborted);
  await run({ path: '/vh', host: 'www.example.com' });
  await run({ path: '/ip', hostFromTarget: true });
  await run({ path: '/11', version: '1.1', connectionClose: true });
  await run({ path: '/10c', connectionClose: true, headers: [{ name: 'User-Agent', value: 'KeepAliveClient' }] });
  await run({ path: '/hdr', version: '1.1', headers: [{ name: 'host', value: 'from-http-check-send' }] });
  assert.deepEqual(server.heads, [
    'GET /vh HTTP/1.0\r\nHost: www.example.com',
    `GET /ip HTTP/1.0\r\nHost: 127.0.0.1:${server.port}`,
    `GET /11 HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close`,
    'GET /10c HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nConnection: close',
    'GET /hdr HTTP/1.1\r\nhost: from-http-check-send',
  ]);
});

test('http: http-check send body goes out with its Content-Length', async (t) => {
  let received = '';
  const port = await tcpServer(t, (socket) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (received.endsWith('{"ping":1}')) socket.end(ok200);
    });
  });
  const spec = haproxySpec({ method: 'POST', path: '/health', body: '{"ping":1}', headers: [{ name: 'Content-Type', value: 'application/json' }] });
  assert.equal((await createChecker(spec).run(local(port), timeouts(1000, 2000), neverAborted)).status, CheckStatus.l7ok);
  assert.equal(received, 'POST /health HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"ping":1}');
});

test('http: a server that accepts but never answers is L7TOUT within totalMs', async (t) => {
  const port = await tcpServer(t, () => {});
  const started = performance.now();
  const outcome = await createChecker(haproxySpec()).run(local(port), timeouts(1000, 300), neverAborted);
  const elapsed = performance.now() - started;
  assert.deepEqual([outcome.status, outcome.info], [CheckStatus.l7timeout, 'Timeout waiting for the HTTP response']);
  assert.ok(elapsed >= 290 && elapsed < 600, `took ${elapsed} ms`);
});

test('http: a refused connection is L4CON at once', async () => {
  const outcome = await createChecker(haproxySpec()).run(local(await refusedPort()), timeouts(1000, 2000), neverAborted);
  assert.deepEqual([outcome.status, outcome.info], [CheckStatus.l4connect, 'Connection refused']);
  assert.ok(outcome.durationMs < 500);
});

test('http: malformed and truncated responses are L7RSP saying what was wrong', async (t) => {
  const cases: [string, string][] = [
    ['SSH-2.0-OpenSSH_9.6\r\n\r\n', 'Malformed HTTP status line'],
    ['', 'Empty response'],
    ['HTTP/1.1 200 OK\r\nContent-Le', 'Incomplete HTTP response headers'],
    ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort', 'Incomplete HTTP response body'],
  ];
  for (const [response, info] of cases) {
    const server = await rawHttpServer(t, response);
    const spec = haproxySpec({ expect: [{ match: 'string', text: 'x' }] });
    const outcome = await createChecker(spec).run(local(server.port), timeouts(1000, 2000), neverAborted);
    assert.deepEqual([outcome.status, outcome.info], [CheckStatus.l7response, info], JSON.stringify(response));
  }
});

test('http: an abort stops a waiting check promptly', async (t) => {
  const port = await tcpServer(t, () => {});
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const outcome = await createChecker(haproxySpec()).run(local(port), timeouts(5000, 5000), controller.signal);
  assert.deepEqual([outcome.ok, outcome.info], [false, 'Check aborted']);
  assert.ok(outcome.durationMs < 500);
});

test('http: specs that cannot work are refused when the checker is built', () => {
  assert.throws(() => createChecker({ kind: 'http', requests: [] } as HttpCheckSpec), /without a request/);
  assert.throws(() => createChecker(haproxySpec({ expect: [{ match: 'rstring', pattern: '(' }] })), /Cannot compile regular expression "\("/);
  assert.throws(() => createChecker(haproxySpec({ expect: [{ match: 'md5', digest: 'abc' }] })), /32 hex digits/);
  assert.throws(() => createChecker(haproxySpec({ headers: [{ name: 'X', value: 'a\r\nInjected: 1' }] })), /line break/);
});

test('http over TLS (check-ssl, SSL_GET)', async (t) => {
  const certificate = await selfSignedCertificate();
  if (typeof certificate === 'string') return t.skip(certificate);

  await t.test('a self-signed server passes: certificates are not verified', async (t) => {
    let servername: string | undefined;
    const server = https.createServer({ ...certificate }, (req, res) => {
      servername = (req.socket as import('node:tls').TLSSocket).servername || undefined;
      res.end('secure ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => server.close());
    const port = (server.address() as net.AddressInfo).port;
    const spec: HttpCheckSpec = { kind: 'http', tls: { servername: 'www.example.com' }, requests: [{ path: '/', version: '1.1', expect: [{ match: 'string', text: 'secure ok' }] }] };
    const outcome = await createChecker(spec).run(local(port), timeouts(1000, 3000), neverAborted);
    assert.deepEqual([outcome.status, outcome.code], [CheckStatus.l7ok, 200]);
    assert.equal(servername, 'www.example.com');
  });

  await t.test('a plain-text server fails the handshake with L6RSP', async (t) => {
    // answers the ClientHello the way a plain HTTP server answers garbage
    const port = await tcpServer(t, (socket) => socket.once('data', () => socket.end('HTTP/1.0 400 Bad Request\r\n\r\n')));
    const outcome = await createChecker(withTls(haproxySpec())).run(local(port), timeouts(1000, 2000), neverAborted);
    assert.equal(outcome.status, CheckStatus.l6response);
    assert.match(outcome.info, /^SSL handshake failure/);
  });

  await t.test('a silent server times the handshake out with L6TOUT', async (t) => {
    const port = await tcpServer(t, () => {});
    const outcome = await createChecker(withTls(haproxySpec())).run(local(port), timeouts(1000, 300), neverAborted);
    assert.deepEqual([outcome.status, outcome.info], [CheckStatus.l6timeout, 'SSL handshake timeout']);
    assert.ok(outcome.durationMs < 600);
  });
});
