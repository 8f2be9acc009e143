import assert from 'node:assert/strict';
import type net from 'node:net';
import { test, type TestContext } from 'node:test';
import { createChecker } from '../checker.ts';
import { CheckStatus } from '../outcome.ts';
import { defaultHeloName, type SmtpCheckSpec } from './smtp.ts';
import { local, neverAborted, refusedPort, tcpServer, timeouts } from './servers.fixture.ts';

/** A fake SMTP server speaking the given banner and HELO reply, recording the commands it got */
async function fakeSmtp(t: TestContext, banner: string, heloReply: string): Promise<{ port: number; commands: string[] }> {
  const commands: string[] = [];
  const port = await tcpServer(t, (socket: net.Socket) => {
    socket.write(banner);
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      for (let end = pending.indexOf('\r\n'); end >= 0; end = pending.indexOf('\r\n')) {
        const command = pending.slice(0, end);
        pending = pending.slice(end + 2);
        commands.push(command);
        if (command.startsWith('HELO ')) socket.write(heloReply);
        if (command === 'QUIT') socket.end('221 2.0.0 Bye\r\n');
      }
    });
  });
  return { port, commands };
}

const run = (spec: Omit<SmtpCheckSpec, 'kind'>, port: number, totalMs = 2000) =>
  createChecker({ kind: 'smtp', ...spec }).run(local(port), timeouts(totalMs, totalMs), neverAborted);

test('smtp: banner 220 (multi-line), HELO accepted with 250, then QUIT: L7OK', async (t) => {
  const server = await fakeSmtp(t, '220-mail.example.com ESMTP\r\n220 ready\r\n', '250 mail.example.com Hello\r\n');
  const outcome = await run({ heloName: 'lb1.example.com' }, server.port);
  assert.deepEqual([outcome.ok, outcome.status, outcome.code], [true, CheckStatus.l7ok, 250]);
  assert.deepEqual(server.commands, ['HELO lb1.example.com', 'QUIT']);
  await run({}, server.port);
  assert.equal(server.commands[2], `HELO ${defaultHeloName}`);
});

test('smtp: a banner other than 220 is L7STS with its code', async (t) => {
  const server = await fakeSmtp(t, '554 no service\r\n', '250 ok\r\n');
  const outcome = await run({}, server.port);
  assert.deepEqual([outcome.status, outcome.code, outcome.info], [CheckStatus.l7status, 554, 'Bad SMTP banner: 554 no service']);
});

test('smtp: a HELO refused is L7STS with its code', async (t) => {
  const server = await fakeSmtp(t, '220 ready\r\n', '501 5.5.4 bad name\r\n');
  const outcome = await run({}, server.port);
  assert.deepEqual([outcome.status, outcome.code, outcome.info], [CheckStatus.l7status, 501, 'Bad HELO response: 501 5.5.4 bad name']);
});

test('smtp: something that is not SMTP is L7RSP', async (t) => {
  const port = await tcpServer(t, (socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));
  assert.equal((await run({}, port)).status, CheckStatus.l7response);
});

test('smtp: a server that never greets is L7TOUT within totalMs', async (t) => {
  const port = await tcpServer(t, () => {});
  const outcome = await run({}, port, 250);
  assert.deepEqual([outcome.status, outcome.info], [CheckStatus.l7timeout, 'Timeout waiting for the SMTP banner']);
  assert.ok(outcome.durationMs >= 240 && outcome.durationMs < 550);
});

test('smtp: a refused connection is L4CON', async () => {
  const outcome = await run({}, await refusedPort());
  assert.deepEqual([outcome.status, outcome.info], [CheckStatus.l4connect, 'Connection refused']);
});

test('smtp: an abort stops a waiting check promptly', async (t) => {
  const port = await tcpServer(t, () => {});
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const outcome = await createChecker({ kind: 'smtp' }).run(local(port), timeouts(5000, 5000), controller.signal);
  assert.deepEqual([outcome.ok, outcome.info], [false, 'Check aborted']);
  assert.ok(outcome.durationMs < 500);
});
