// The seed's case 3 as written: a proxy with two networks runs the seed's haproxy.cfg unchanged
// (addresses mapped to the test ranges) in front of two web servers; the client curls the proxy.
// Checks what the seed shows: curl alternates, a stopped web server leaves the rotation within
// its `fall x inter`, both down gives HAProxy's 503 page, and `ab -c 100 -n 100` fails nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandExists } from '../lib/command.ts';
import { httpdArgv } from '../lib/httpd.ts';
import { withLab } from '../lib/lab-fixture.ts';
import type { Host, HostProcess } from '../lib/netns.ts';
import { repoPath } from '../lib/repo-paths.ts';
import { requireRoot } from '../lib/root.ts';
import { waitFor } from '../lib/wait.ts';

const proxyAddress = '198.51.100.5';
const seedConfig = repoPath('test/fixtures/mapped/case3/haproxy.cfg');
/** the seed's `check inter 2000 rise 2 fall 5` */
const inter = 2000;
const fall = 5;
const rise = 2;

async function curl(client: Host, url = `http://${proxyAddress}/`): Promise<{ code: number; body: string }> {
  const result = await client.exec(['curl', '-sS', '--max-time', '10', '-o', '-', '-w', '\n%{http_code}', url], { timeoutMs: 15_000 });
  const text = result.stdout;
  const cut = text.lastIndexOf('\n');
  return { code: Number(text.slice(cut + 1)), body: text.slice(0, cut) };
}

test('seed case 3: HAProxy config under vigil balances, fails over, and answers 503 when all are down', { timeout: 180_000 }, async (t) => {
  if (!requireRoot(t)) return;
  await withLab(t, 'case3', async (lab) => {
    const outside = lab.switch('lan4');
    const inside = lab.switch('lan2');
    const client = lab.host('client').link(outside, { ifname: 'eth0', addresses: ['198.51.100.10/24'] });
    const proxy = lab
      .host('proxy')
      .link(outside, { ifname: 'eth0', addresses: [`${proxyAddress}/24`] })
      .link(inside, { ifname: 'eth1', addresses: ['203.0.113.5/24'] });
    const web1 = lab.host('web1').link(inside, { ifname: 'eth1', addresses: ['203.0.113.100/24'] });
    const web2 = lab.host('web2').link(inside, { ifname: 'eth1', addresses: ['203.0.113.200/24'] });
    await lab.up();

    const startWeb = async (web: Host): Promise<HostProcess> => {
      const httpd = web.spawn(httpdArgv({ port: 80, body: web.addressOf('eth1') }), { name: 'httpd' });
      await httpd.waitForOutput('httpd listening', { timeoutMs: 10_000 });
      return httpd;
    };
    let httpd1 = await startWeb(web1);
    let httpd2 = await startWeb(web2);

    const vigil = proxy.spawn([repoPath('bin/vigil'), 'run', '-f', seedConfig], { name: 'vigil' });
    await vigil.waitForOutput('proxy websrv listening', { timeoutMs: 20_000 });

    await t.test('curl alternates between the two web servers', async () => {
      const bodies: string[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await curl(client);
        assert.equal(r.code, 200);
        bodies.push(r.body.trim());
      }
      assert.deepEqual(new Set(bodies), new Set(['203.0.113.100', '203.0.113.200']));
      for (let i = 1; i < bodies.length; i++) assert.notEqual(bodies[i], bodies[i - 1], `not alternating: ${bodies.join(' ')}`);
    });

    await t.test('the client cannot reach the web servers except through the proxy', async () => {
      const direct = await client.exec(['curl', '-sS', '--max-time', '2', 'http://203.0.113.100/'], { timeoutMs: 5_000 });
      assert.notEqual(direct.code, 0);
    });

    let downAfterMs = 0;
    await t.test('a stopped web server leaves the rotation within fall x inter, and no request fails meanwhile', async () => {
      await httpd1.stop();
      const stoppedAt = Date.now();
      // requests keep succeeding: connection refused by web1 is retried and redispatched to web2
      const answers: number[] = [];
      while (!vigil.output.includes('Server websrv/web1 is DOWN')) {
        const r = await curl(client);
        answers.push(r.code);
        assert.ok(Date.now() - stoppedAt < fall * inter + 2 * inter + 5000, 'web1 never left the rotation');
      }
      downAfterMs = Date.now() - stoppedAt;
      assert.ok(answers.every((code) => code === 200), `some requests failed: ${answers.join(',')}`);
      assert.ok(downAfterMs <= fall * inter + inter + 1000, `web1 left after ${downAfterMs} ms, budget ${fall * inter + inter} ms`);
      t.diagnostic(`web1 marked DOWN ${downAfterMs} ms after its httpd stopped (fall ${fall} x inter ${inter} ms)`);
      assert.match(vigil.output, /Server websrv\/web1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: \d+ms\. 1 active and 0 backup servers left\./);
      for (let i = 0; i < 4; i++) {
        const r = await curl(client);
        assert.equal(r.body.trim(), '203.0.113.200');
      }
    });

    await t.test("with both web servers down the client gets HAProxy's 503 page", async () => {
      await httpd2.stop();
      await waitFor(() => vigil.output.includes('Server websrv/web2 is DOWN'), { timeoutMs: fall * inter + 3 * inter + 5000, intervalMs: 200, description: 'web2 DOWN' });
      assert.match(vigil.output, /backend websrv has no server available!/);
      const r = await curl(client);
      assert.equal(r.code, 503);
      assert.equal(r.body, '<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n');
    });

    await t.test('a restarted web server comes back within rise x inter', async () => {
      const restartedAt = Date.now();
      httpd1 = await startWeb(web1);
      await waitFor(() => vigil.output.includes('Server websrv/web1 is UP'), { timeoutMs: rise * inter + 2 * inter + 5000, intervalMs: 100, description: 'web1 UP' });
      const upAfterMs = Date.now() - restartedAt;
      t.diagnostic(`web1 back UP ${upAfterMs} ms after its httpd restarted (rise ${rise} x inter ${inter} ms)`);
      assert.ok(upAfterMs <= rise * inter + inter + 1000, `web1 came back after ${upAfterMs} ms`);
      httpd2 = await startWeb(web2);
      await waitFor(() => vigil.output.includes('Server websrv/web2 is UP'), { timeoutMs: rise * inter + 2 * inter + 5000, intervalMs: 100, description: 'web2 UP' });
      const r = await curl(client);
      assert.equal(r.code, 200);
    });

    await t.test('ab -c 100 -n 100 completes with no failed request', async (st) => {
      if (!commandExists('ab')) {
        if (process.env['CI'] === 'true') assert.fail('ab is missing: install apache2-utils');
        st.skip('ab is not installed (Debian package apache2-utils)');
        return;
      }
      const result = await client.exec(['ab', '-c', '100', '-n', '100', '-s', '10', `http://${proxyAddress}/`], { timeoutMs: 30_000 });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Complete requests:\s+100/);
      assert.match(result.stdout, /Failed requests:\s+0/);
      assert.doesNotMatch(result.stdout, /Non-2xx responses/);
    });

    await vigil.stop({ graceMs: 5000 });
    await Promise.all([httpd1.stop(), httpd2.stop()]);
  });
});
