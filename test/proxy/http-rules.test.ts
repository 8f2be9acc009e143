// haproxy.cfg's request and response editing, routing and logging, end to end: what the server
// receives and what the client gets back, through a real vigil.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curl, freePort, get, nameHandler, rawExchange, startHttpBackend, startVigil } from './harness.ts';

const defaults = `
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
`;

test('option forwardfor adds the client address; except leaves the listed network out', async (t) => {
  const backend = await startHttpBackend(t, nameHandler('s1'));
  const [plain, excepted, dual] = [await freePort(), await freePort(), await freePort()];
  await startVigil(
    t,
    `${defaults}
frontend plain
    bind 127.0.0.1:${plain}
    option forwardfor
    default_backend be
frontend excepted
    bind 127.0.0.1:${excepted}
    option forwardfor except 127.0.0.0/8
    default_backend be
frontend dual
    bind :::${dual} v4v6
    option forwardfor
    default_backend be
backend be
    server s1 127.0.0.1:${backend.port}
`,
    { listeners: 3 },
  );
  await get(plain, '/plain', { 'x-forwarded-for': '203.0.113.9' });
  await get(excepted, '/excepted');
  await get(dual, '/dual');
  const [a, b, c] = backend.requests;
  // HAProxy appends its own header line; an earlier one from the client stays
  assert.equal(a?.headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
  assert.equal(b?.headers['x-forwarded-for'], undefined);
  assert.equal(c?.headers['x-forwarded-for'], '127.0.0.1', 'an IPv4 client on a dual-stack bind shows as plain IPv4');
});

test('http-request set-header, add-header, del-header, deny, return, redirect and http-response set-header, del-header', async (t) => {
  const backend = await startHttpBackend(t, (request, response) => {
    response.setHeader('x-secret', 'internal');
    response.setHeader('x-kept', 'yes');
    response.end(`seen ${request.url ?? ''}`);
  });
  const port = await freePort();
  await startVigil(t, `${defaults}
frontend fe
    bind 127.0.0.1:${port}
    http-request deny if { path_beg /deny }
    http-request return status 200 content-type text/plain string "answered by vigil" if { path /return }
    http-request redirect location /new code 302 if { path /old }
    http-request set-header X-Set replaced
    http-request add-header X-Add added
    http-request del-header X-Remove
    http-response set-header X-Resp yes
    http-response del-header X-Secret
    default_backend be
backend be
    server s1 127.0.0.1:${backend.port}
`);
  const edited = await get(port, '/edit', { 'x-set': 'original', 'x-add': 'first', 'x-remove': 'gone' });
  assert.equal(edited.status, 200);
  assert.equal(edited.headers['x-resp'], 'yes');
  assert.equal(edited.headers['x-secret'], undefined);
  assert.equal(edited.headers['x-kept'], 'yes');
  const seen = backend.requests[0];
  assert.equal(seen?.headers['x-set'], 'replaced');
  assert.equal(seen?.headers['x-add'], 'first, added');
  assert.equal(seen?.headers['x-remove'], undefined);

  const denied = await get(port, '/deny/this');
  assert.equal(denied.status, 403);
  assert.match(denied.body.toString(), /403 Forbidden/);
  const returned = await get(port, '/return');
  assert.equal(returned.status, 200);
  assert.equal(returned.headers['content-type'], 'text/plain');
  assert.equal(returned.body.toString(), 'answered by vigil');
  const redirected = await get(port, '/old');
  assert.equal(redirected.status, 302);
  assert.equal(redirected.headers['location'], '/new');
  assert.deepEqual(backend.requests.map((r) => r.url), ['/edit'], 'denied, returned and redirected requests never reach the server');
});

test('use_backend with path_beg, hdr(host), negation, || and anonymous ACLs', async (t) => {
  const api = await startHttpBackend(t, nameHandler('api'));
  const site = await startHttpBackend(t, nameHandler('site'));
  const other = await startHttpBackend(t, nameHandler('other'));
  const fallback = await startHttpBackend(t, nameHandler('default'));
  const port = await freePort();
  await startVigil(t, `${defaults}
frontend fe
    bind 127.0.0.1:${port}
    acl is_api path_beg /api
    acl host_site hdr(host) -i site.example
    use_backend api if is_api
    use_backend site if host_site || { path_beg /site }
    use_backend other if !is_api { path_beg /x }
    default_backend fallback
backend api
    server s 127.0.0.1:${api.port}
backend site
    server s 127.0.0.1:${site.port}
backend other
    server s 127.0.0.1:${other.port}
backend fallback
    server s 127.0.0.1:${fallback.port}
`);
  const who = async (path: string, host = 'test'): Promise<string> => (await get(port, path, { host })).body.toString().split(' ')[0] ?? '';
  assert.equal(await who('/api/users'), 'api');
  assert.equal(await who('/', 'SITE.example'), 'site');
  assert.equal(await who('/site/page'), 'site');
  assert.equal(await who('/x/1'), 'other');
  assert.equal(await who('/elsewhere'), 'default');
});

test('option httplog to log stdout format raw writes HAProxy-shaped lines', async (t) => {
  const backend = await startHttpBackend(t, nameHandler('s1'));
  const port = await freePort();
  const dual = await freePort();
  const vigil = await startVigil(
    t,
    `
global
    log stdout format raw local0
${defaults}
    log global
    option httplog
frontend fe
    bind 127.0.0.1:${port}
    bind :::${dual} v4v6
    default_backend be
backend be
    server s1 127.0.0.1:${backend.port}
`,
    { listeners: 2 },
  );
  await curl([`http://127.0.0.1:${port}/logged?x=1`]);
  await curl([`http://127.0.0.1:${dual}/mapped`]);
  await rawExchange(port, 'BAD\r\n\r\n');
  // e.g. 127.0.0.1:40044 [25/Nov/2026:11:01:54.123] fe be/s1 0/0/0/1/1 200 141 - - ---- 1/1/0/0/0 0/0 "GET /logged?x=1 HTTP/1.1"
  const line = await vigil.waitForOutput(/^127\.0\.0\.1:\d+ \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] fe be\/s1 \d+\/\d+\/\d+\/\d+\/\d+ 200 \d+ - - ---- \d+\/\d+\/\d+\/\d+\/0 0\/0 "GET \/logged\?x=1 HTTP\/1\.1"$/m);
  assert.ok(line);
  await vigil.waitForOutput(/^127\.0\.0\.1:\d+ \[[^\]]+\] fe be\/s1 [\d/]+ 200 \d+ - - ---- [\d/]+ 0\/0 "GET \/mapped HTTP\/1\.1"$/m);
  await vigil.waitForOutput(/^127\.0\.0\.1:\d+ \[[^\]]+\] fe fe\/<NOSRV> -?\d+\/-1\/-1\/-1\/\d+ 400 \d+ - - PR-- [\d/]+ 0\/0 "<BADREQ>"$/m);
  assert.doesNotMatch(vigil.output(), /::ffff:/, 'IPv4 clients are logged as plain IPv4');
});
