// Several data-path workers (`--workers 2`): the kernel spreads connections over both, and a
// server state change from the checks (on the control thread) reaches every worker.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, get, nameHandler, parseResponses, startHttpBackend, startVigil } from './harness.ts';

/**
 * a client that keeps trying until the port opens, as a load already waiting for a restart; each
 * retries at its own pace (20 to 60 ms), so they arrive over the first tens of milliseconds
 */
async function connectWhenOpen(port: number, deadline: number): Promise<Socket> {
  const pauseMs = 20 + Math.random() * 40;
  for (;;) {
    const socket = await new Promise<Socket | undefined>((resolve) => {
      const attempt = connect({ port, host: '127.0.0.1' });
      attempt.once('connect', () => resolve(attempt));
      attempt.once('error', () => resolve(undefined));
    });
    if (socket !== undefined) return socket;
    if (Date.now() > deadline) throw new Error(`port ${port} did not open`);
    await sleep(pauseMs);
  }
}

/** one keep-alive GET on an open socket, resolved with its complete answer */
function keepAliveGet(socket: Socket, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      data = Buffer.concat([data, chunk]);
      const first = parseResponses(data).responses[0];
      if (first === undefined) return;
      socket.off('data', onData);
      resolve(first.status);
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nhost: test\r\n\r\n`);
  });
}

test('with --workers 2 both workers serve, and a server marked DOWN leaves every worker\'s rotation', { timeout: 60_000 }, async (t) => {
  const one = await startHttpBackend(t, nameHandler('one'));
  const two = await startHttpBackend(t, nameHandler('two'));
  const port = await freePort();
  const vigil = await startVigil(
    t,
    `
defaults
    mode http
    timeout connect 500ms
    timeout client 5s
    timeout server 5s
    retries 0
listen app
    bind 127.0.0.1:${port}
    balance roundrobin
    server one 127.0.0.1:${one.port} check inter 300ms fall 1 rise 1
    server two 127.0.0.1:${two.port} check inter 300ms fall 1 rise 1
`,
    { workers: 2 },
  );
  // each worker keeps its own pool of server connections, so sequential requests over fresh
  // client connections reach each backend over one connection per worker that served them
  for (let i = 0; i < 40; i++) assert.equal((await get(port, `/${i}`)).status, 200);
  // (the health checks open connections too; count only those that carried requests)
  const carrying = (backend: typeof one): number => new Set(backend.requests.map((r) => r.connection)).size;
  assert.equal(carrying(one), 2, 'both workers served (each opened its own connection to "one")');
  assert.equal(carrying(two), 2, 'both workers served (each opened its own connection to "two")');

  await one.close();
  await vigil.waitForOutput(/Server app\/one is DOWN/, 5_000);
  const bodies: string[] = [];
  for (let i = 0; i < 20; i++) {
    const response = await get(port, `/after-${i}`);
    assert.equal(response.status, 200, 'no worker still sends to the DOWN server (retries 0 would show it as 503)');
    bodies.push(response.body.toString().split(' ')[0] ?? '');
  }
  assert.deepEqual([...new Set(bodies)], ['two']);
});

test('keep-alive clients already waiting when vigil starts are spread over both workers', { timeout: 60_000 }, async (t) => {
  const backend = await startHttpBackend(t, nameHandler('one'));
  const port = await freePort();
  const early = Array.from({ length: 20 }, () => connectWhenOpen(port, Date.now() + 20_000));
  await startVigil(
    t,
    `
defaults
    mode http
    timeout connect 1s
    timeout client 10s
    timeout server 10s
listen app
    bind 127.0.0.1:${port}
    server one 127.0.0.1:${backend.port}
`,
    { workers: 2 },
  );
  const clients = await Promise.all(early);
  t.after(() => {
    for (const client of clients) client.destroy();
  });
  // all at once: each worker opens server connections for the clients it holds, and pools them
  const statuses = await Promise.all(clients.map((client, i) => keepAliveGet(client, `/early-${i}`)));
  assert.deepEqual(new Set(statuses), new Set([200]));
  const afterEarly = backend.connections;
  // new client connections go to both workers; one that held none of the early clients would
  // have no pooled server connection and open one (a worker that listened before the other
  // got them all: 20 of 20 clients, for as long as they stay connected)
  for (let i = 0; i < 40; i++) assert.equal((await get(port, `/late-${i}`)).status, 200);
  assert.equal(backend.connections - afterEarly, 0, 'both workers had early clients, so both had pooled server connections');
});

/** the process's Worker threads (Node names their OS threads "WorkerThread") */
function workerThreads(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).filter((task) => {
    try {
      return readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim() === 'WorkerThread';
    } catch {
      return false; // a thread that just ended
    }
  }).length;
}

test('one data path runs on the control thread unless health checks need that thread kept free', { timeout: 60_000 }, async (t) => {
  const backend = await startHttpBackend(t, nameHandler('one'));
  const config = (port: number, check: string): string => `
defaults
    mode http
    timeout connect 500ms
    timeout client 5s
    timeout server 5s
listen app
    bind 127.0.0.1:${port}
    server one 127.0.0.1:${backend.port}${check}
`;
  // no check: nothing on the control thread has timing to keep, so no second V8 isolate
  const plainPort = await freePort();
  const plain = await startVigil(t, config(plainPort, ''));
  for (let i = 0; i < 5; i++) assert.equal((await get(plainPort, `/plain-${i}`)).status, 200);
  assert.equal(workerThreads(plain.pid), 0, 'the data path shares the control thread');
  await plain.stop();

  // a check must not wait behind traffic: the data path gets a thread of its own
  const checkedPort = await freePort();
  const checked = await startVigil(t, config(checkedPort, ' check inter 200ms'));
  for (let i = 0; i < 5; i++) assert.equal((await get(checkedPort, `/checked-${i}`)).status, 200);
  assert.equal(workerThreads(checked.pid), 1, 'one data-path worker beside the control thread');
});
