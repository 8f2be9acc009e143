// Several data-path workers (`--workers 2`): the kernel spreads connections over both, and a
// server state change from the checks (on the control thread) reaches every worker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort, get, nameHandler, startHttpBackend, startVigil } from './harness.ts';

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
