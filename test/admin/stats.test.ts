// The seed's case 3 stats page, end to end on loopback: `bin/vigil run` with a `listen websrv`
// in front of two small web servers and the seed's `listen stats` lines (refresh 30s, uri
// /status, realm Haproxy Manager, auth admin:admin) plus `stats admin if TRUE` and two stats
// sockets. Driven by real clients: curl, the runtime API over its unix sockets, `vigil ctl`,
// `vigil lvs -Ln`, and headless Chromium.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sendCommand } from '../../src/admin/client.ts';
import { vigil, vigilBin } from '../cli/vigil.ts';
import { run } from '../lib/command.ts';
import { waitFor } from '../lib/wait.ts';

const chromiumPath = '/usr/bin/chromium';
/** where the test leaves the page's screenshot for people to look at */
export const screenshotPath = join(tmpdir(), 'vigil-stats-page.png');
/** the backends' `check inter 500 rise 2 fall 3` */
const inter = 500;
const fall = 3;

/** a port nothing listens on right now, from the kernel */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createTcpServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** a small web server answering its own name, like the seed's `echo 192.168.2.100 > index.html` */
async function startWeb(name: string, port = 0): Promise<{ server: Server; port: number }> {
  const server = createHttpServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(`${name}\n`) });
    response.end(`${name}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : port };
}

function stopWeb(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function curl(args: readonly string[]): Promise<{ code: number; body: string; headers: string }> {
  const result = await run(['curl', '-sS', '--max-time', '5', '-D', '-', '-o', '-', ...args], { timeoutMs: 10_000 });
  const text = result.stdout;
  const split = text.indexOf('\r\n\r\n');
  const headers = text.slice(0, split);
  return { code: Number(/^HTTP\/1\.1 (\d+)/.exec(headers)?.[1] ?? 0), headers, body: text.slice(split + 4) };
}

/** one CSV field of one server, from the stats page */
async function csvField(url: string, svname: string, field: string): Promise<string | undefined> {
  const { body } = await curl(['-u', 'admin:admin', `${url};csv`]);
  const [header, ...rows] = body.trim().split('\n');
  const index = (header ?? '').replace(/^# /, '').split(',').indexOf(field);
  return rows.map((r) => r.split(',')).find((r) => r[1] === svname)?.[index];
}

test('the stats page, admin form, runtime API and CLI of a running vigil', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-admin-'));
  const web1 = await startWeb('web1');
  let web2 = await startWeb('web2');
  const web2Port = web2.port;
  const proxyPort = await freePort();
  const statsPort = await freePort();
  const adminSocket = join(dir, 'admin.sock');
  const userSocket = join(dir, 'user.sock');
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(
    config,
    `global
    stats socket ${adminSocket} mode 600 level admin
    stats socket ${userSocket} mode 600 level user
    stats timeout 30s
defaults
    mode http
    option redispatch
    retries 3
    timeout connect 2s
    timeout client 30s
    timeout server 30s
listen websrv 127.0.0.1:${proxyPort}
    balance roundrobin
    server web1 127.0.0.1:${web1.port} check inter ${inter} rise 2 fall ${fall}
    server web2 127.0.0.1:${web2Port} check inter ${inter} rise 2 fall ${fall}
listen stats 127.0.0.1:${statsPort}
    stats refresh 30s
    stats uri /status
    stats realm Haproxy Manager
    stats auth admin:admin
    stats admin if TRUE
`,
  );
  const child: ChildProcess = spawn(vigilBin, ['run', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stats = `http://127.0.0.1:${statsPort}/status`;
  const site = `http://127.0.0.1:${proxyPort}/`;
  try {
    await waitFor(() => output.includes(`stats socket ${userSocket}`), { timeoutMs: 20_000, description: `vigil started; output:\n${output}` });
    await waitFor(async () => (await csvField(stats, 'web2', 'status')) === 'UP', { timeoutMs: 10_000, description: 'both servers UP' });

    await t.test('curl without credentials gets 401 with the realm; with them, the page', async () => {
      const anonymous = await curl([stats]);
      assert.equal(anonymous.code, 401);
      assert.match(anonymous.headers, /www-authenticate: Basic realm="Haproxy Manager"/i);
      assert.equal((await curl(['-u', 'admin:wrong', stats])).code, 401);
      const page = await curl(['-u', 'admin:admin', stats]);
      assert.equal(page.code, 200);
      assert.match(page.headers, /^refresh: 30\r?$/im);
      assert.match(page.body, /Statistics Report for pid \d+/);
      assert.match(page.body, /href="#websrv\/web1"/);
    });

    await t.test('the admin form puts web1 in MAINT and traffic only reaches web2', async () => {
      const posted = await curl(['-u', 'admin:admin', '--data', 's=web1&action=maint&b=websrv', stats]);
      assert.equal(posted.code, 303);
      assert.match(posted.headers, /^location: \/status;st=DONE\r?$/im);
      assert.equal(await csvField(stats, 'web1', 'status'), 'MAINT');
      for (let i = 0; i < 6; i++) assert.equal((await curl([site])).body, 'web2\n');
      assert.match((await curl(['-u', 'admin:admin', `${stats};st=DONE`])).body, /Action processed successfully\./);
    });

    await t.test('the runtime API: level user is refused state changes, level admin is obeyed', async () => {
      assert.equal(await sendCommand({ path: userSocket }, 'set server websrv/web1 state ready'), 'Permission denied\n\n');
      assert.equal(await csvField(stats, 'web1', 'status'), 'MAINT');
      assert.equal(await sendCommand({ path: adminSocket }, 'set server websrv/web1 state ready'), '\n');
      assert.equal(await sendCommand({ path: userSocket }, 'get weight websrv/web1'), '1 (initial 1)\n\n');
      await waitFor(async () => (await csvField(stats, 'web1', 'status'))?.startsWith('UP'), { timeoutMs: 5_000, description: 'web1 back' });
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) seen.add((await curl([site])).body.trim());
      assert.deepEqual(seen, new Set(['web1', 'web2']));
    });

    await t.test('vigil ctl show info, and vigil lvs -Ln prints the ipvsadm header', async () => {
      const info = await vigil(['ctl', 'show', 'info', '-s', adminSocket]);
      assert.equal(info.code, 0, info.stderr);
      assert.match(info.stdout, /^Name: vigil$/m);
      assert.match(info.stdout, /^Pid: \d+$/m);
      const fromConfig = await vigil(['ctl', '-f', config, 'get', 'weight', 'websrv/web2']);
      assert.equal(fromConfig.stdout, '1 (initial 1)\n');
      const refused = await vigil(['ctl', 'disable', 'server', 'websrv/web1', '-s', userSocket]);
      assert.equal(refused.code, 1);
      assert.equal(refused.stdout, 'Permission denied\n');
      const unreachable = await vigil(['ctl', 'show', 'info', '-s', join(dir, 'nothing.sock')]);
      assert.equal(unreachable.code, 1);
      const lvs = await vigil(['lvs', '-Ln', '-s', userSocket]);
      assert.equal(lvs.code, 0, lvs.stderr);
      assert.equal(lvs.stdout, 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n');
    });

    await t.test('headless Chromium shows the page with credentials and gets 401 without', async (st) => {
      if (!existsSync(chromiumPath)) {
        if (process.env['CI'] === 'true') assert.fail(`${chromiumPath} is missing: install the Debian package chromium`);
        st.skip(`${chromiumPath} is missing (Debian package chromium; scripts/test.sh installs it as root)`);
        return;
      }
      const { chromium } = await import('playwright-core');
      // each launch gets a fresh profile directory of its own, removed afterwards
      const launch = (profile: string, options: { httpCredentials?: { username: string; password: string } } = {}) =>
        chromium.launchPersistentContext(profile, {
          executablePath: chromiumPath,
          args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
          viewport: { width: 1400, height: 900 },
          ...options,
        });
      const profiles = [mkdtempSync(join(tmpdir(), 'vigil-chromium-')), mkdtempSync(join(tmpdir(), 'vigil-chromium-'))] as const;
      try {
        const anonymous = await launch(profiles[0]);
        try {
          // without credentials Chromium may give up the navigation (ERR_INVALID_AUTH_CREDENTIALS)
          // instead of rendering the 401 page: what matters is the answer it got
          const page = await anonymous.newPage();
          const statuses: number[] = [];
          page.on('response', (r) => statuses.push(r.status()));
          const denied = await page.goto(stats).catch((error: Error) => error);
          if (!(denied instanceof Error)) assert.equal(denied?.status(), 401);
          else assert.match(denied.message, /ERR_INVALID_AUTH_CREDENTIALS/);
          assert.ok(statuses.includes(401) && !statuses.includes(200), `statuses ${statuses.join(',')}`);
        } finally {
          await anonymous.close();
        }
        const context = await launch(profiles[1], { httpCredentials: { username: 'admin', password: 'admin' } });
        try {
          const page = await context.newPage();
          const response = await page.goto(stats);
          assert.equal(response?.status(), 200);
          assert.match(await page.title(), /^Statistics Report for pid \d+$/);
          assert.deepEqual(await page.locator('th.pxname a.px').allTextContents(), ['websrv', 'stats']);
          assert.equal(await page.locator('tr.active_up').filter({ hasText: 'web1' }).count(), 1);
          assert.equal(await page.locator('tr.active_up').filter({ hasText: 'web2' }).count(), 1);
          assert.equal(await page.locator('select[name=action]').count(), 1);
          type Styled = { getComputedStyle(element: unknown): { backgroundColor: string } };
          const colour = await page.locator('tr.active_up').first().evaluate((row) => (globalThis as unknown as Styled).getComputedStyle(row).backgroundColor);
          assert.equal(colour, 'rgb(192, 255, 192)', "HAProxy's active UP green");
          await page.screenshot({ path: screenshotPath, fullPage: true });
          st.diagnostic(`screenshot: ${screenshotPath}`);
        } finally {
          await context.close();
        }
      } finally {
        for (const profile of profiles) rmSync(profile, { recursive: true, force: true });
      }
    });

    await t.test('a killed web server shows DOWN in the CSV within fall x inter', async () => {
      await stopWeb(web2.server);
      const killedAt = Date.now();
      await waitFor(async () => (await csvField(stats, 'web2', 'status')) === 'DOWN', { timeoutMs: fall * inter + 3 * inter + 3000, intervalMs: 100, description: 'web2 DOWN in CSV' });
      const took = Date.now() - killedAt;
      t.diagnostic(`web2 DOWN in the CSV ${took} ms after it stopped (fall ${fall} x inter ${inter} ms)`);
      assert.ok(took <= fall * inter + 2 * inter + 1000, `took ${took} ms`);
      assert.equal(await csvField(stats, 'web2', 'check_status'), 'L4CON');
      web2 = await startWeb('web2', web2Port);
    });
  } finally {
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 8000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all([stopWeb(web1.server), stopWeb(web2.server)]);
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(!existsSync(adminSocket), 'vigil removes its stats sockets when it stops');
});
