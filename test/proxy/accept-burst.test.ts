// Listening sockets per address (src/proxy/io/accept-sockets.ts): libuv accepts one connection
// per socket per turn of the loop, so vigil binds several with SO_REUSEPORT. These check that a
// burst of connections made before any is served gets every answer, that `tune.maxaccept` sets
// the count and `noreuseport` turns the option off, and that a port held by another program
// still makes vigil's bind fail.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { run } from '../lib/command.ts';
import { repoPath } from '../lib/repo-paths.ts';
import { freePort, nameHandler, startHttpBackend, startVigil } from './harness.ts';

const config = (port: number, backend: number, global = ''): string => `
global
${global}
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
listen app
    bind 127.0.0.1:${port}
    server one 127.0.0.1:${backend}
`;

/** listening sockets on 127.0.0.1:port, as the kernel lists them */
async function listeningSockets(port: number): Promise<number> {
  const listed = await run(['ss', '-Hltn', `sport = :${port}`]);
  assert.equal(listed.code, 0, listed.stderr);
  return listed.stdout.split('\n').filter((line) => line.includes(`127.0.0.1:${port}`)).length;
}

test('300 connections opened at once all get their answer, over 32 listening sockets by default', { timeout: 60_000 }, async (t) => {
  const backend = await startHttpBackend(t, nameHandler('one'));
  const port = await freePort();
  await startVigil(t, config(port, backend.port));
  assert.equal(await listeningSockets(port), 32);

  // every connection is made before any request is sent: they wait in the accept queues together
  const sockets: Socket[] = await Promise.all(
    Array.from({ length: 300 }, () => new Promise<Socket>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket));
      socket.once('error', reject);
    })),
  );
  const answers = await Promise.all(sockets.map((socket, i) => new Promise<string>((resolve, reject) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    socket.write(`GET /${i} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  })));
  answers.forEach((text, i) => {
    assert.match(text, /^HTTP\/1\.1 200 /, `connection ${i}`);
    assert.ok(text.endsWith(`one GET /${i}\n`), `connection ${i} got its own answer`);
  });
});

test('tune.maxaccept 1 listens on a single socket; tune.maxaccept 4 on four', { timeout: 60_000 }, async (t) => {
  const backend = await startHttpBackend(t, nameHandler('one'));
  for (const count of [1, 4]) {
    const port = await freePort();
    const vigil = await startVigil(t, config(port, backend.port, `    tune.maxaccept ${count}`));
    assert.equal(await listeningSockets(port), count);
    await vigil.stop();
  }
});

/** whether this process can bind 127.0.0.1:port with SO_REUSEPORT next to vigil's sockets */
async function canShare(port: number): Promise<boolean> {
  const other = createServer();
  const bound = await new Promise<boolean>((resolve) => {
    other.once('error', () => resolve(false));
    other.listen({ host: '127.0.0.1', port, reusePort: true }, () => resolve(true));
  });
  if (bound) await new Promise<void>((resolve) => other.close(() => resolve()));
  return bound;
}

test('noreuseport: one socket without SO_REUSEPORT, which nobody can bind next to', { timeout: 60_000 }, async (t) => {
  const backend = await startHttpBackend(t, nameHandler('one'));
  const shared = await freePort();
  const sharing = await startVigil(t, config(shared, backend.port));
  assert.equal(await canShare(shared), true, 'SO_REUSEPORT by default, as HAProxy: the same user can bind alongside');
  await sharing.stop();
  const port = await freePort();
  await startVigil(t, config(port, backend.port, '    noreuseport'));
  assert.equal(await listeningSockets(port), 1);
  assert.equal(await canShare(port), false);
});

test('a port another program holds (without SO_REUSEPORT) makes vigil fail, naming the address', { timeout: 60_000 }, async (t) => {
  const backend = await startHttpBackend(t, nameHandler('one'));
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.after(() => holder.close());
  const port = (holder.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-accept-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config(port, backend.port));
  const child = spawn(repoPath('bin/vigil'), ['run', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(killer);
  assert.notEqual(code, 0, `vigil exited ${String(code)}:\n${output}`);
  assert.match(output, new RegExp(`EADDRINUSE[^\\n]*127\\.0\\.0\\.1:${port}`), output);
});
