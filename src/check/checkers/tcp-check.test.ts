import assert from 'node:assert/strict';
import tls from 'node:tls';
import type net from 'node:net';
import { test } from 'node:test';
import { createChecker } from '../checker.ts';
import { CheckStatus } from '../outcome.ts';
import { unescapeHaproxyString, type TcpCheckRule, type TcpCheckSpec } from './tcp-check.ts';
import { local, neverAborted, receive, refusedPort, selfSignedCertificate, tcpServer, timeouts } from './servers.fixture.ts';

const spec = (rules: TcpCheckRule[]): TcpCheckSpec => ({ kind: 'tcp-check', rules });

/** A Redis-like peer: answers PING with +PONG and INFO with a role line, records what it got */
async function redisLike(t: import('node:test').TestContext, role = 'master') {
  const received: Buffer[] = [];
  const port = await tcpServer(t, (socket: net.Socket) => {
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      const text = chunk.toString();
      if (text.includes('PING')) socket.write('+PONG\r\n');
      if (text.includes('INFO')) socket.write(`$20\r\n# Replication\r\nrole:${role}\r\n`);
      if (text.includes('QUIT')) socket.end('+OK\r\n');
    });
  });
  return { port, received };
}

const redisRules: TcpCheckRule[] = [
  { action: 'send', data: 'PING\\r\\n' },
  { action: 'expect', match: 'string', pattern: '+PONG' },
  { action: 'send', data: 'INFO\\ replication\\r\\n' },
  { action: 'expect', match: 'string', pattern: 'role:master' },
  { action: 'send', data: 'QUIT\\r\\n' },
  { action: 'expect', match: 'string', pattern: '+OK' },
];

test('tcp-check: HAProxy escapes in send are interpreted (\\r \\n \\t \\xHH, escaped space and backslash)', () => {
  assert.deepEqual(unescapeHaproxyString('PING\\r\\n'), Buffer.from('PING\r\n'));
  assert.deepEqual(unescapeHaproxyString('a\\ b\\tc\\\\d\\x00\\xffe\\q'), Buffer.from([0x61, 0x20, 0x62, 0x09, 0x63, 0x5c, 0x64, 0x00, 0xff, 0x65, 0x5c, 0x71]));
});

test('tcp-check: without rules it is a connect check (L4OK)', async (t) => {
  const port = await tcpServer(t, () => {});
  const outcome = await createChecker(spec([])).run(local(port), timeouts(1000, 2000), neverAborted);
  assert.equal(outcome.status, CheckStatus.l4ok);
});

test('tcp-check: a Redis master check passes with L7OK "(tcp-check)", sending the unescaped bytes', async (t) => {
  const peer = await redisLike(t);
  const outcome = await createChecker(spec(redisRules)).run(local(peer.port), timeouts(1000, 2000), neverAborted);
  assert.deepEqual([outcome.ok, outcome.status, outcome.info], [true, CheckStatus.l7ok, '(tcp-check)']);
  assert.equal(Buffer.concat(peer.received).toString(), 'PING\r\nINFO replication\r\nQUIT\r\n');
});

test('tcp-check: a mismatch once the peer closes is L7RSP naming the step; a comment names it instead', async (t) => {
  const peer = await redisLike(t, 'slave');
  const rules: TcpCheckRule[] = [...redisRules.slice(0, 3), { action: 'comment', text: 'role check' }, { action: 'expect', match: 'string', pattern: 'role:master' }];
  const closing = await tcpServer(t, (socket) => socket.once('data', () => socket.end('+PONG\r\n-ERR\r\n')));
  const mismatch = await createChecker(spec(redisRules.slice(0, 4))).run(local(closing), timeouts(1000, 2000), neverAborted);
  assert.deepEqual(
    [mismatch.status, mismatch.info],
    [CheckStatus.l7response, "TCPCHK did not match content 'role:master' at step 5 of tcp-check (expect string 'role:master')"],
  );
  // a peer that keeps the connection open: the expect waits until the deadline
  const slave = await createChecker(spec(rules)).run(local(peer.port), timeouts(1000, 300), neverAborted);
  assert.deepEqual([slave.status, slave.info], [CheckStatus.l7timeout, 'at step 5 of tcp-check (role check)']);
  assert.ok(slave.durationMs < 600);
});

test('tcp-check: send-binary and expect binary', async (t) => {
  const port = await tcpServer(t, (socket) =>
    void receive(socket, (data) => data.length >= 4).then((data) => socket.write(data.equals(Buffer.from('deadbeef', 'hex')) ? Buffer.from([0x00, 0x01, 0xca, 0xfe]) : 'no')),
  );
  const rules: TcpCheckRule[] = [
    { action: 'send-binary', hex: 'deadbeef' },
    { action: 'expect', match: 'binary', pattern: 'CAFE' },
  ];
  assert.equal((await createChecker(spec(rules)).run(local(port), timeouts(1000, 2000), neverAborted)).status, CheckStatus.l7ok);
});

test('tcp-check: expect rstring, and a negated expect that passes when the peer closes without the pattern', async (t) => {
  const port = await tcpServer(t, (socket) => socket.end('220 mail.example.com ESMTP ready\r\n'));
  const run = (rules: TcpCheckRule[]) => createChecker(spec(rules)).run(local(port), timeouts(1000, 2000), neverAborted);
  assert.equal((await run([{ action: 'expect', match: 'rstring', pattern: '^220 .* ESMTP' }])).status, CheckStatus.l7ok);
  assert.equal((await run([{ action: 'expect', match: 'string', pattern: 'ERR', negate: true }])).status, CheckStatus.l7ok);
  const unwanted = await run([{ action: 'expect', match: 'string', pattern: 'ESMTP', negate: true }]);
  assert.deepEqual([unwanted.status, unwanted.info], [CheckStatus.l7response, "TCPCHK matched unwanted content 'ESMTP' at step 2 of tcp-check (expect ! string 'ESMTP')"]);
});

test('tcp-check: a silent peer is L7TOUT within totalMs', async (t) => {
  const port = await tcpServer(t, () => {});
  const started = performance.now();
  const outcome = await createChecker(spec([{ action: 'expect', match: 'string', pattern: 'hello' }])).run(local(port), timeouts(1000, 250), neverAborted);
  const elapsed = performance.now() - started;
  assert.equal(outcome.status, CheckStatus.l7timeout);
  assert.ok(elapsed >= 240 && elapsed < 550, `took ${elapsed} ms`);
});

test('tcp-check: connect port N reaches another port; a refused connect is L4CON at its step', async (t) => {
  const other = await tcpServer(t, (socket) => socket.end('banner\r\n'));
  const rules: TcpCheckRule[] = [
    { action: 'connect', port: other },
    { action: 'expect', match: 'string', pattern: 'banner' },
  ];
  assert.equal((await createChecker(spec(rules)).run(local(await refusedPort()), timeouts(1000, 2000), neverAborted)).status, CheckStatus.l7ok);
  const implicit = await createChecker(spec([{ action: 'expect', match: 'string', pattern: 'x' }])).run(local(await refusedPort()), timeouts(1000, 2000), neverAborted);
  assert.deepEqual([implicit.status, implicit.info], [CheckStatus.l4connect, 'Connection refused at step 1 of tcp-check (connect)']);
});

test('tcp-check: connect ssl talks TLS', async (t) => {
  const certificate = await selfSignedCertificate();
  if (typeof certificate === 'string') return t.skip(certificate);
  const server = tls.createServer({ ...certificate }, (socket) => socket.end('secure hello\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const port = (server.address() as net.AddressInfo).port;
  const rules: TcpCheckRule[] = [
    { action: 'connect', ssl: true },
    { action: 'expect', match: 'string', pattern: 'secure hello' },
  ];
  assert.equal((await createChecker(spec(rules)).run(local(port), timeouts(1000, 3000), neverAborted)).status, CheckStatus.l7ok);
});

test('tcp-check: an abort stops a waiting expect promptly', async (t) => {
  const port = await tcpServer(t, () => {});
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const outcome = await createChecker(spec([{ action: 'expect', match: 'string', pattern: 'x' }])).run(local(port), timeouts(5000, 5000), controller.signal);
  assert.deepEqual([outcome.ok, outcome.info], [false, 'Check aborted']);
  assert.ok(outcome.durationMs < 500);
});
