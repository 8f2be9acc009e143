// Passive health checks end to end (HAProxy `observe`, `error-limit`, `on-error`,
// `on-marked-down shutdown-sessions`): errors that real traffic meets take a server out long
// before its next active check would, and the log says why as HAProxy does ("Health analyze").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curl, freePort, get, nameHandler, RawClient, sleep, startHttpBackend, startVigil } from './harness.ts';

const defaults = `
defaults
    mode http
    timeout connect 500ms
    timeout client 5s
    timeout server 5s
`;

test('observe layer7 error-limit 3 on-error mark-down: a server answering 500 is taken out before its next check', async (t) => {
  let failing = false;
  const flaky = await startHttpBackend(t, (_request, response) => {
    response.statusCode = failing ? 500 : 200;
    response.end(failing ? 'broken' : 'flaky ok');
  });
  const steady = await startHttpBackend(t, nameHandler('steady'));
  const port = await freePort();
  const vigil = await startVigil(t, `${defaults}
listen app
    bind 127.0.0.1:${port}
    balance roundrobin
    server flaky 127.0.0.1:${flaky.port} check inter 10s observe layer7 error-limit 3 on-error mark-down
    server steady 127.0.0.1:${steady.port} check inter 10s
`);
  const startedAt = Date.now();
  for (let i = 0; i < 4; i++) assert.equal((await get(port, `/warm-${i}`)).status, 200);
  failing = true;
  let fiveHundreds = 0;
  let thirdAt = 0;
  for (let i = 0; i < 6 && fiveHundreds < 3; i++) {
    const response = await get(port, `/r${i}`);
    if (response.status === 500) {
      fiveHundreds++;
      if (fiveHundreds === 3) thirdAt = Date.now();
    }
  }
  assert.equal(fiveHundreds, 3);
  const line = await vigil.waitForOutput(/Server app\/flaky is DOWN, reason: Health analyze, info: "Detected 3 consecutive errors, last one was: Wrong http response"[^\n]*/, 3_000);
  const downAfter = Date.now() - thirdAt;
  t.diagnostic(`flaky marked DOWN ${downAfter} ms after its third 500 (${Date.now() - startedAt} ms after start; next active check due at 10 s)`);
  assert.ok(downAfter < 1_000, `DOWN ${downAfter} ms after the third error`);
  assert.ok(Date.now() - startedAt < 9_000, 'before the next active check');
  assert.match(line[0], /1 active and 0 backup servers left/);
  for (let i = 0; i < 6; i++) {
    const response = await get(port, `/after-${i}`);
    assert.equal(response.status, 200);
    assert.match(response.body.toString(), /^steady/);
  }
});

test('successes between errors reset the count: alternating 500s never reach error-limit', async (t) => {
  let n = 0;
  const alternating = await startHttpBackend(t, (_request, response) => {
    response.statusCode = n++ % 2 === 0 ? 500 : 200;
    response.end();
  });
  const port = await freePort();
  const vigil = await startVigil(t, `${defaults}
listen app
    bind 127.0.0.1:${port}
    server s1 127.0.0.1:${alternating.port} check inter 10s observe layer7 error-limit 2 on-error mark-down
`);
  for (let i = 0; i < 10; i++) {
    await get(port, `/${i}`);
    await sleep(30); // let the reports go out between requests, so batches interleave too
  }
  await sleep(200);
  assert.doesNotMatch(vigil.output(), /is DOWN/);
});

test('observe layer4: connection errors take a refusing server out, and redispatch hides them from clients', async (t) => {
  // the active check goes to a port that answers, so only traffic can see the refusals
  const good = await startHttpBackend(t, nameHandler('good'));
  const refusing = await freePort();
  const port = await freePort();
  const vigil = await startVigil(t, `${defaults}
listen app
    bind 127.0.0.1:${port}
    balance roundrobin
    retries 1
    option redispatch
    server bad 127.0.0.1:${refusing} check port ${good.port} inter 10s observe layer4 error-limit 2 on-error mark-down
    server good 127.0.0.1:${good.port} check inter 10s
`);
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await get(port, `/${i}`)).status);
  assert.deepEqual(statuses, Array(6).fill(200));
  await vigil.waitForOutput(/Server app\/bad is DOWN, reason: Health analyze, info: "Detected 2 consecutive errors, last one was: L4 unsuccessful connection"/, 3_000);
});

test('on-marked-down shutdown-sessions cuts a response in progress when the server goes DOWN', async (t) => {
  let healthy = true;
  const slow = await startHttpBackend(t, (request, response) => {
    if (request.url === '/health') {
      response.statusCode = healthy ? 200 : 503;
      response.end();
      return;
    }
    response.setHeader('content-length', '100');
    response.write('the first ten');
    // the rest never comes: only the shutdown ends this response
  });
  const port = await freePort();
  const vigil = await startVigil(t, `${defaults}
listen app
    bind 127.0.0.1:${port}
    option httpchk GET /health
    server s1 127.0.0.1:${slow.port} check inter 300ms fall 1 rise 1 on-marked-down shutdown-sessions
`);
  const client = await RawClient.open(port);
  client.write('GET /stream HTTP/1.1\r\nhost: x\r\n\r\n');
  assert.ok(await client.wait((d) => d.includes('the first ten')));
  healthy = false;
  await vigil.waitForOutput(/Server app\/s1 is DOWN/, 3_000);
  assert.ok(await client.waitClosed(1_000), 'the session on the DOWN server is cut');
  assert.equal((await curl([`http://127.0.0.1:${port}/`])).status, 503);
});
