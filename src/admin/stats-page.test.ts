import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatsPage, parsePageTarget } from './stats-page.ts';
import { adminFixture, basic, fakeLvs, fakeVrrp, fixturePid, parseResponse, seedLikeConfig, statsRequest } from './testing.ts';

const listening = [{ frontend: 'stats', host: '127.0.0.1', port: 1080 }];

function page(config = seedLikeConfig) {
  const f = adminFixture(config);
  return { f, page: new StatsPage(f.context, { listening }) };
}

test('without credentials: 401 with the realm, HAProxy\'s page', async () => {
  const { page: p } = page();
  const r = parseResponse(await p.render(statsRequest()));
  assert.equal(r.status, 401);
  assert.equal(r.headers.get('www-authenticate'), 'Basic realm="Haproxy Manager"');
  assert.equal(r.body, '<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and password to access this content.\n</body></html>\n');
});

test('a wrong password, an unknown user and a malformed header get 401', async () => {
  const { page: p } = page();
  for (const headers of [basic('admin', 'wrong'), basic('nobody', 'admin'), ['Authorization', 'Basic !!!'], ['Authorization', 'Bearer x']]) {
    assert.equal(parseResponse(await p.render(statsRequest({ headers }))).status, 401, headers.join(' '));
  }
});

test('each configured user gets the page', async () => {
  const { page: p } = page();
  for (const [user, password] of [['admin', 'admin'], ['ops', 's3cret']] as const) {
    const r = parseResponse(await p.render(statsRequest({ headers: basic(user, password) })));
    assert.equal(r.status, 200, user);
    assert.equal(r.headers.get('content-length'), String(Buffer.byteLength(r.body)));
  }
});

test('no stats auth: the page is open', async () => {
  const { page: p } = page(seedLikeConfig.replace(/ +stats auth .*\n/g, ''));
  assert.equal(parseResponse(await p.render(statsRequest())).status, 200);
});

test("the HTML page: HAProxy's title, one table per proxy, server rows coloured, refresh header", async () => {
  const { f, page: p } = page();
  await f.advance(12_000);
  f.engine.setAdmin('websrv/web2', 'maint');
  const r = parseResponse(await p.render(statsRequest({ headers: basic('admin', 'admin') })));
  assert.equal(r.headers.get('refresh'), '30');
  assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(r.body, new RegExp(`<title>Statistics Report for pid ${fixturePid}</title>`));
  assert.match(r.body, /<h2>Statistics Report for pid \d+<\/h2>/);
  assert.match(r.body, /General process information/);
  assert.match(r.body, /<a class=px href="#websrv">websrv<\/a>/);
  assert.match(r.body, /<a class=px href="#stats">stats<\/a>/);
  for (const group of ['Queue', 'Session rate', 'Sessions', 'Bytes', 'Denied', 'Errors', 'Warnings', 'Server']) assert.ok(r.body.includes(`>${group}</th>`), group);
  assert.match(r.body, /<tr class="active_up">.*web1/);
  assert.match(r.body, /<tr class="maintain">.*web2/);
  assert.match(r.body, /<tr class="backup_no_check">.*spare/);
  assert.match(r.body, /\.active_up \{ background: #c0ffc0; \}/);
  assert.match(r.body, /vigil version 0\.1\.0/);
  assert.equal(parseResponse(await p.render(statsRequest({ target: '/status;norefresh', headers: basic('admin', 'admin') }))).headers.get('refresh'), undefined);
});

test('stats hide-version and ;up', async () => {
  const { f, page: p } = page(seedLikeConfig.replace('stats refresh 30s', 'stats refresh 30s\n    stats hide-version'));
  f.engine.markDown('websrv/spare', { ok: false, status: 'L4CON', info: 'x', durationMs: 0 });
  const r = parseResponse(await p.render(statsRequest({ target: '/status;up', headers: basic('admin', 'admin') })));
  assert.doesNotMatch(r.body, /version 0\.1\.0/);
  assert.doesNotMatch(r.body, /href="#websrv\/spare"/);
  assert.match(r.body, /href="#websrv\/web1"/);
});

test('VRRP and LVS sections appear when a source is registered', async () => {
  const { f, page: p } = page();
  const request = statsRequest({ headers: basic('admin', 'admin') });
  assert.doesNotMatch(parseResponse(await p.render(request)).body, /VRRP instances/);
  const unregister = f.sources.register({ name: 'vrrp', snapshot: () => fakeVrrp });
  f.sources.register({ name: 'lvs', snapshot: () => fakeLvs });
  const body = parseResponse(await p.render(request)).body;
  assert.match(body, /VRRP instances/);
  assert.match(body, /<tr class="active_up"><td class=al>VI_1<\/td><td class=ac>MASTER<\/td>/);
  assert.match(body, /198\.51\.100\.15\/24/);
  assert.match(body, /TCP {2}198\.51\.100\.15:80 rr/);
  assert.match(body, /198\.51\.100\.100:80<\/td><td class=ac>Route<\/td>/);
  unregister();
  assert.doesNotMatch(parseResponse(await p.render(request)).body, /VRRP instances/);
});

test(';csv, ;json and /metrics pick the format', async () => {
  const { page: p } = page();
  const get = async (target: string) => parseResponse(await p.render(statsRequest({ target, headers: basic('admin', 'admin') })));
  assert.match((await get('/status;csv')).body, /^# pxname,svname,/);
  assert.equal((await get('/status;csv')).headers.get('refresh'), undefined);
  const json = JSON.parse((await get('/status;json')).body) as { field: { name: string }; value: { value: unknown } }[][];
  assert.equal(json[0]?.[0]?.field.name, 'pxname');
  assert.equal(json[0]?.[0]?.value.value, 'websrv');
  const metrics = await get('/status/metrics');
  assert.equal(metrics.headers.get('content-type'), 'text/plain; version=0.0.4');
  assert.match(metrics.body, /^haproxy_frontend_current_sessions\{proxy="websrv"\} 0$/m);
  assert.equal((await p.render(statsRequest({ target: '/status/metrics' })).then(parseResponse)).status, 401, 'metrics need the same auth');
});

test('parsePageTarget reads options after the URI, and `stats uri /` serves /metrics', () => {
  assert.deepEqual(parsePageTarget('/status;csv;norefresh', '/status'), { format: 'csv', refresh: false, hideDown: false });
  assert.deepEqual(parsePageTarget('/status;st=DONE', '/status'), { format: 'html', refresh: true, hideDown: false, actionStatus: 'DONE' });
  assert.deepEqual(parsePageTarget('/status?scope=web', '/status'), { format: 'html', refresh: true, hideDown: false, scope: 'web' });
  assert.equal(parsePageTarget('/metrics', '/').format, 'prometheus');
  assert.equal(parsePageTarget('/haproxy?stats;json', '/haproxy?stats').format, 'json');
});

test('the admin form puts servers in MAINT and back, answering 303 to ;st=DONE', async () => {
  const { f, page: p } = page();
  const post = async (body: string) =>
    parseResponse(await p.render(statsRequest({ method: 'POST', headers: basic('admin', 'admin'), body: Buffer.from(body) })));
  const r = await post('s=web1&s=web2&action=maint&b=websrv');
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/status;st=DONE');
  assert.equal(f.engine.get('websrv/web1')?.admin, 'maint');
  assert.equal(f.engine.get('websrv/web2')?.admin, 'maint');
  assert.equal((await post('s=web1&action=ready&b=%231')).headers.get('location'), '/status;st=DONE');
  assert.equal(f.engine.get('websrv/web1')?.admin, 'ready');
  assert.equal((await post('s=web2&action=drain&b=websrv')).headers.get('location'), '/status;st=DONE');
  assert.equal(f.engine.get('websrv/web2')?.label, 'DRAIN');
  assert.equal((await post('s=web1&action=weight&weight=50%25&b=websrv')).headers.get('location'), '/status;st=DONE');
  assert.equal(f.engine.get('websrv/web1')?.weight, 0);
  assert.equal((await post('s=web1&s=nope&action=maint&b=websrv')).headers.get('location'), '/status;st=PART');
  assert.equal((await post('s=web1&action=explode&b=websrv')).headers.get('location'), '/status;st=ERRP');
  assert.equal((await post('s=web1&action=maint&b=nope')).headers.get('location'), '/status;st=ERRP');
  assert.equal((await post('action=maint&b=websrv')).headers.get('location'), '/status;st=NONE');
  const shown = parseResponse(await p.render(statsRequest({ target: '/status;st=DONE', headers: basic('admin', 'admin') })));
  assert.match(shown.body, /Action processed successfully\./);
  assert.match(shown.body, /<select name=action>.*Set state to READY.*Set state to DRAIN.*Set state to MAINT/);
  assert.match(shown.body, /<input type="hidden" name="b" value="websrv">/);
  assert.match(shown.body, /<input class='websrv-checkbox' type="checkbox" name="s" value="web1">/);
});

test('stats admin with a false condition: no form, and a post is denied', async () => {
  const { f, page: p } = page(seedLikeConfig.replace('stats admin if TRUE', 'stats admin if { src 10.0.0.0/8 }'));
  const body = parseResponse(await p.render(statsRequest({ headers: basic('admin', 'admin') }))).body;
  assert.doesNotMatch(body, /<select name=action>/);
  const r = parseResponse(await p.render(statsRequest({ method: 'POST', headers: basic('admin', 'admin'), body: Buffer.from('s=web1&action=maint&b=websrv') })));
  assert.equal(r.headers.get('location'), '/status;st=DENY');
  assert.equal(f.engine.get('websrv/web1')?.admin, 'ready');
  const allowed = parseResponse(await p.render(statsRequest({ source: '10.1.2.3', headers: basic('admin', 'admin') }))).body;
  assert.match(allowed, /<select name=action>/);
});

test('a post without credentials is refused before any action', async () => {
  const { f, page: p } = page();
  const r = parseResponse(await p.render(statsRequest({ method: 'POST', body: Buffer.from('s=web1&action=maint&b=websrv') })));
  assert.equal(r.status, 401);
  assert.equal(f.engine.get('websrv/web1')?.admin, 'ready');
});
