import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { test, type TestContext } from 'node:test';
import { createChecker } from '../checker.ts';
import { CheckStatus } from '../outcome.ts';
import { encodeQuery, judgeResponse } from './dns-message.ts';
import type { DnsCheckSpec } from './dns.ts';
import './dns.ts';
import { local, neverAborted, timeouts } from './servers.fixture.ts';

/**
 * A UDP DNS responder: `answer` gets each query and returns the datagrams to send back (built by
 * flipping the query into a response with the given id and RCODE), or nothing to stay silent.
 */
async function responder(t: TestContext, answer: (query: Buffer) => Buffer[]): Promise<{ port: number; queries: Buffer[] }> {
  const queries: Buffer[] = [];
  const socket = dgram.createSocket('udp4');
  socket.on('message', (query, peer) => {
    queries.push(query);
    for (const reply of answer(query)) socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  t.after(() => socket.close());
  return { port: socket.address().port, queries };
}

/** The query turned into a response: QR set, RA set, the given RCODE and id, the question kept */
function reply(query: Buffer, options: { rcode?: number; id?: number } = {}): Buffer {
  const response = Buffer.from(query);
  response.writeUInt16BE(options.id ?? query.readUInt16BE(0), 0);
  response.writeUInt16BE(0x8180 | (options.rcode ?? 0), 2);
  return response;
}

const run = (spec: Omit<DnsCheckSpec, 'kind'>, port: number, totalMs = 2000) =>
  createChecker({ kind: 'dns', ...spec }).run(local(port), timeouts(totalMs, totalMs), neverAborted);

test('dns: the query is a standard recursive query for "." type A by default (RFC 1035 §4.1)', () => {
  const query = encodeQuery(0x1234, '.', 'A');
  assert.deepEqual([...query], [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
  const named = encodeQuery(1, 'Example.COM.', 'AAAA');
  assert.deepEqual([...named.subarray(12)], [7, ...Buffer.from('Example'), 3, ...Buffer.from('COM'), 0, 0, 28, 0, 1]);
  assert.throws(() => encodeQuery(1, `${'a'.repeat(64)}.com`, 'A'), /too long/);
});

test('dns: judging a response: id, QR, question echo and RCODE', () => {
  const query = encodeQuery(7, 'example.com', 'MX');
  assert.deepEqual(judgeResponse(query, reply(query)), { kind: 'ok' });
  const shouted = reply(query);
  shouted.write('EXAMPLE', 13, 'ascii');
  assert.deepEqual(judgeResponse(query, shouted), { kind: 'ok' }, 'names compare case-insensitively');
  assert.deepEqual(judgeResponse(query, reply(query, { id: 8 })), { kind: 'unrelated' });
  assert.deepEqual(judgeResponse(query, query), { kind: 'unrelated' }, 'a query is not a response');
  assert.deepEqual(judgeResponse(query, reply(query, { rcode: 2 })), { kind: 'error', rcode: 2 });
  assert.equal(judgeResponse(query, reply(query).subarray(0, 8)).kind, 'malformed');
  assert.equal(judgeResponse(query, reply(encodeQuery(7, 'example.org', 'MX'))).kind, 'malformed');
});

test('dns: a NOERROR answer with the same id is L7OK; the query carries the configured name and type', async (t) => {
  const server = await responder(t, (query) => [reply(query)]);
  const outcome = await run({ type: 'SOA', name: 'example.com' }, server.port);
  assert.deepEqual([outcome.ok, outcome.status, outcome.code], [true, CheckStatus.l7ok, 0]);
  const question = server.queries[0]?.subarray(12);
  assert.deepEqual(question, encodeQuery(0, 'example.com', 'SOA').subarray(12));
});

test('dns: an error RCODE is L7STS naming it', async (t) => {
  const server = await responder(t, (query) => [reply(query, { rcode: 3 })]);
  const outcome = await run({}, server.port);
  assert.deepEqual([outcome.status, outcome.info, outcome.code], [CheckStatus.l7status, 'DNS response with RCODE NXDOMAIN', 3]);
});

test('dns: a datagram with another id is ignored, the real answer still counts', async (t) => {
  const server = await responder(t, (query) => [reply(query, { id: query.readUInt16BE(0) ^ 0xffff }), reply(query)]);
  assert.equal((await run({}, server.port)).status, CheckStatus.l7ok);
});

test('dns: a silent server is L7TOUT within totalMs', async (t) => {
  const server = await responder(t, () => []);
  const outcome = await run({}, server.port, 250);
  assert.deepEqual([outcome.status, outcome.info], [CheckStatus.l7timeout, 'DNS query timeout']);
  assert.ok(outcome.durationMs >= 240 && outcome.durationMs < 550);
});

test('dns: a closed UDP port (ICMP port unreachable) is L4CON "Connection refused"', async () => {
  const released = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => released.bind(0, '127.0.0.1', resolve));
  const closedPort = released.address().port;
  await new Promise<void>((resolve) => released.close(resolve));
  const outcome = await run({}, closedPort);
  assert.deepEqual([outcome.status, outcome.info], [CheckStatus.l4connect, 'Connection refused']);
  assert.ok(outcome.durationMs < 500);
});

test('dns: an abort stops a waiting query promptly', async (t) => {
  const server = await responder(t, () => []);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const outcome = await createChecker({ kind: 'dns' }).run(local(server.port), timeouts(5000, 5000), controller.signal);
  assert.deepEqual([outcome.ok, outcome.info], [false, 'Check aborted']);
  assert.ok(outcome.durationMs < 500);
});
