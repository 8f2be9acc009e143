import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { createChecker } from '../checker.ts';
import { CheckStatus } from '../outcome.ts';
import './tcp-connect.ts';
import { local, neverAborted, refusedPort, tcpServer, timeouts, unansweredPort } from './servers.fixture.ts';

const checker = createChecker({ kind: 'tcp-connect' });

test('tcp-connect: a listening port is L4OK', async (t) => {
  const port = await tcpServer(t, () => {});
  const outcome = await checker.run(local(port), timeouts(1000, 2000), neverAborted);
  assert.equal(outcome.status, CheckStatus.l4ok);
  assert.equal(outcome.ok, true);
  assert.ok(outcome.durationMs >= 0 && outcome.durationMs < 1000);
});

test('tcp-connect: a closed port is L4CON "Connection refused", at once', async () => {
  const outcome = await checker.run(local(await refusedPort()), timeouts(1000, 2000), neverAborted);
  assert.deepEqual([outcome.ok, outcome.status, outcome.info], [false, CheckStatus.l4connect, 'Connection refused']);
  assert.ok(outcome.durationMs < 500, `took ${outcome.durationMs} ms`);
});

test('tcp-connect: an unanswered SYN is L4TOUT "Connection timeout" after connectMs', async (t) => {
  const port = await unansweredPort(t);
  if (typeof port === 'string') return t.skip(port);
  const started = performance.now();
  const outcome = await checker.run(local(port), timeouts(150, 2000), neverAborted);
  const elapsed = performance.now() - started;
  assert.deepEqual([outcome.status, outcome.info], [CheckStatus.l4timeout, 'Connection timeout']);
  assert.ok(elapsed >= 140 && elapsed < 600, `took ${elapsed} ms`);
});

test('tcp-connect: totalMs bounds the connect when it is shorter than connectMs', async (t) => {
  const port = await unansweredPort(t);
  if (typeof port === 'string') return t.skip(port);
  const outcome = await checker.run(local(port), timeouts(5000, 150), neverAborted);
  assert.equal(outcome.status, CheckStatus.l4timeout);
  assert.ok(outcome.durationMs < 600, `took ${outcome.durationMs} ms`);
});

test('tcp-connect: connects from localAddress/localPort (bindto)', async (t) => {
  let peer: { address: string | undefined; port: number | undefined } | undefined;
  const port = await tcpServer(t, (socket) => {
    peer = { address: socket.remoteAddress, port: socket.remotePort };
  });
  const localPort = await refusedPort();
  const outcome = await checker.run({ ...local(port), localAddress: '127.0.0.2', localPort }, timeouts(1000, 2000), neverAborted);
  assert.equal(outcome.status, CheckStatus.l4ok);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(peer, { address: '127.0.0.2', port: localPort });
});

test('tcp-connect: an abort stops a hanging connect promptly', async (t) => {
  const port = await unansweredPort(t);
  if (typeof port === 'string') return t.skip(port);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const outcome = await checker.run(local(port), timeouts(5000, 5000), controller.signal);
  assert.deepEqual([outcome.ok, outcome.status, outcome.info], [false, CheckStatus.socketError, 'Check aborted']);
  assert.ok(outcome.durationMs < 500, `took ${outcome.durationMs} ms`);
});

test('tcp-connect: the socket is closed after the check', async (t) => {
  const closed = Promise.withResolvers<void>();
  const port = await tcpServer(t, (socket: net.Socket) => socket.on('close', () => closed.resolve()));
  await checker.run(local(port), timeouts(1000, 2000), neverAborted);
  await closed.promise;
});
