// LVS-NAT end to end through `bin/vigil run`, as an operator runs it: a keepalived.conf with one
// `virtual_server` (lb_kind NAT, rr, TCP_CHECK on both real servers) and no VRRP, the VIP put on
// the director's outside interface by the lab. The topology is kernel-lab.ts's NAT one: client
// 203.0.113.10, director 203.0.113.5 (+ VIP .15) and 198.51.100.5 forwarding, real servers .100
// and .200 routing back through the director.
//
// Kernel path: curl alternates, the real servers see the client's own address (NAT without source
// NAT), `vigil lvs -Ln` shows Masq, a real server whose httpd stops leaves within its TCP_CHECK
// budget and comes back when it restarts, and stopping vigil leaves no vigil_* table behind.
// User-space path (`--l4 userspace`), same file: curl alternates, and the real servers see the
// director's address, since vigil relays each connection itself.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { commandExists } from '../lib/command.ts';
import { httpdArgv } from '../lib/httpd.ts';
import { withLab } from '../lib/lab-fixture.ts';
import type { Host, HostProcess } from '../lib/netns.ts';
import { repoPath } from '../lib/repo-paths.ts';
import { requireRoot } from '../lib/root.ts';
import { curlBodies, declareNat, natVip, tally, vigilTablesIn, web1Address, web2Address } from './kernel-lab.ts';

const url = `http://${natVip}/`;
const clientAddress = '203.0.113.10';
const directorBackAddress = '198.51.100.5';

// TCP_CHECK figures of the config below, in ms: what the removal and return are measured against
const delayLoopMs = 1_000;
const retries = 1;
const delayBeforeRetryMs = 1_000;
// what a measurement may exceed its budget by: the check's own connect, the nft apply
const marginMs = 1_500;
// the table is polled with `vigil lvs -Ln`, a process each (a few hundred ms on a busy machine)
const pollSlackMs = 2_000;

const realServer = (address: string): string => `    real_server ${address} 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
            retry ${retries}
            delay_before_retry ${delayBeforeRetryMs / 1000}
        }
    }`;

const keepalivedConf = `! vigil NAT end to end (test/l4/nat-vigil.test.ts): no VRRP, the VIP is on the director's eth0
virtual_server ${natVip} 80 {
    delay_loop ${delayLoopMs / 1000}
    lb_algo rr
    lb_kind NAT
    protocol TCP
${realServer(web1Address)}
${realServer(web2Address)}
}
`;

function startHttpd(web: Host): Promise<HostProcess> {
  const httpd = web.spawn(httpdArgv({ port: 80, body: web.addressOf('eth0') }), { name: 'httpd' });
  return httpd.waitForOutput('httpd listening', { timeoutMs: 10_000 }).then(() => httpd);
}

async function lvsTable(director: Host, socket: string): Promise<string> {
  const result = await director.exec([repoPath('bin/vigil'), 'lvs', '-Ln', '-s', socket], { timeoutMs: 10_000 });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

/** Polls `predicate` every 50 ms; resolves with the ms it took, fails past `limitMs` */
async function until(predicate: () => Promise<boolean>, limitMs: number, what: string): Promise<number> {
  const started = performance.now();
  while (!(await predicate())) {
    if (performance.now() - started > limitMs) assert.fail(`${what} did not happen within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now() - started;
}

/** the source address of every request a real server's httpd logged since `from` requests */
function requestSources(web: Host, from = 0): string[] {
  return web
    .logs('httpd')
    .split('\n')
    .filter((line) => line.startsWith('request '))
    .slice(from)
    .map((line) => / from (.*):\d+$/.exec(line)?.[1] ?? '?');
}

const requestCount = (web: Host): number => requestSources(web).length;

function assertAlternates(bodies: readonly string[]): void {
  assert.deepEqual(new Set(bodies), new Set([web1Address, web2Address]), bodies.join(' '));
  for (let i = 1; i < bodies.length; i++) assert.notEqual(bodies[i], bodies[i - 1], bodies.join(' '));
}

/** starts `vigil run` inside the director; resolves once both real servers are in its table */
async function startVigil(director: Host, dir: string, socket: string, extra: readonly string[], name: string): Promise<HostProcess> {
  const confPath = join(dir, 'keepalived.conf');
  const vigil = director.spawn([repoPath('bin/vigil'), 'run', ...extra, '--socket', socket, '-f', confPath], { name });
  await vigil.waitForOutput('stats socket', { timeoutMs: 20_000 });
  await until(async () => {
    const table = await lvsTable(director, socket);
    return table.includes(`${web1Address}:80`) && table.includes(`${web2Address}:80`);
  }, 10_000, 'both real servers in the table');
  return vigil;
}

async function stopVigil(t: TestContext, vigil: HostProcess): Promise<void> {
  const status = await vigil.stop({ graceMs: 5_000 });
  t.diagnostic(`vigil stopped: ${JSON.stringify(status)}`);
  assert.deepEqual(status, { code: 0, signal: null }, vigil.output);
}

test('vigil run: keepalived.conf lb_kind NAT on the kernel path and in user space', { timeout: 180_000 }, async (t) => {
  if (!requireRoot(t)) return;
  if (!commandExists('curl') || !commandExists('nft')) {
    t.skip('needs curl and nft (Debian packages curl, nftables)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'vigil-nat-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'keepalived.conf'), keepalivedConf);
  const socket = join(dir, 'd.sock');

  await withLab(t, 'nat-vigil', async (lab) => {
    const { client, director, web1, web2 } = declareNat(lab);
    await lab.up();
    let httpd1 = await startHttpd(web1);
    await startHttpd(web2);

    await t.test('kernel path', async (t) => {
      const vigil = await startVigil(director, dir, socket, [], 'vigil-kernel');
      assert.match(vigil.output, /IPVS: using the kernel data path/);

      await t.test('vigil lvs -Ln shows both real servers with Masq forwarding', async (t) => {
        const table = await lvsTable(director, socket);
        t.diagnostic(`\n${table}`);
        assert.match(table, /^TCP {2}203\.0\.113\.15:80 rr *$/m);
        assert.match(table, /^ {2}-> 198\.51\.100\.100:80 +Masq +1 +\d+ +\d+/m);
        assert.match(table, /^ {2}-> 198\.51\.100\.200:80 +Masq +1 +\d+ +\d+/m);
        assert.deepEqual(await vigilTablesIn(director), ['ip vigil_lvs']);
      });

      await t.test("curl alternates, and the real servers see the client's address", async () => {
        const before = [requestCount(web1), requestCount(web2)] as const;
        const bodies = await curlBodies(client, url, 6);
        assertAlternates(bodies);
        const sources = [...requestSources(web1, before[0]), ...requestSources(web2, before[1])];
        assert.equal(sources.length, 6);
        assert.deepEqual(new Set(sources), new Set([clientAddress]), sources.join(' '));
      });

      await t.test('a real server whose httpd stops leaves within its TCP_CHECK budget, and comes back', async (t) => {
        // refused at once, so: the next check (<= delay_loop), then retry x delay_before_retry
        const removalBudgetMs = delayLoopMs + retries * delayBeforeRetryMs;
        await httpd1.stop();
        const stoppedAt = performance.now();
        // vigil's own line (keepalived's wording) marks the moment; the table then shows it
        const logged = vigil.waitForOutput(`Removing service [${web1Address}]:tcp:80`, { timeoutMs: removalBudgetMs + marginMs }).then(() => performance.now() - stoppedAt);
        const inTable = await until(async () => !(await lvsTable(director, socket)).includes(`${web1Address}:80`), removalBudgetMs + marginMs + pollSlackMs, 'web1 leaving the table');
        const removedMs = await logged;
        t.diagnostic(`web1 removed ${removedMs.toFixed(0)} ms after its httpd stopped (gone from vigil lvs -Ln by ${inTable.toFixed(0)} ms; budget ${removalBudgetMs} ms + ${marginMs} ms margin)`);
        assert.ok(removedMs <= removalBudgetMs + marginMs);
        assert.deepEqual(tally(await curlBodies(client, url, 6)), { [web2Address]: 6 });

        httpd1 = await startHttpd(web1);
        const listeningAt = performance.now();
        const returnBudgetMs = delayLoopMs;
        const addedLogged = vigil.waitForOutput(`Adding service [${web1Address}]:tcp:80`, { timeoutMs: returnBudgetMs + marginMs }).then(() => performance.now() - listeningAt);
        const backInTable = await until(async () => (await lvsTable(director, socket)).includes(`${web1Address}:80`), returnBudgetMs + marginMs + pollSlackMs, 'web1 returning');
        const addedMs = await addedLogged;
        t.diagnostic(`web1 back ${addedMs.toFixed(0)} ms after its httpd listened again (in vigil lvs -Ln by ${backInTable.toFixed(0)} ms; budget ${returnBudgetMs} ms + ${marginMs} ms margin)`);
        assertAlternates(await curlBodies(client, url, 6));
      });

      await t.test('stopping vigil leaves no vigil_* table in the director', async (t) => {
        await stopVigil(t, vigil);
        assert.deepEqual(await vigilTablesIn(director), []);
        const tables = await director.exec(['nft', 'list', 'tables']);
        assert.equal(tables.code, 0, tables.stderr);
        assert.doesNotMatch(tables.stdout, /vigil_/);
        // with the rules gone the VIP answers nothing on port 80
        const refused = await client.exec(['curl', '-sS', '--max-time', '2', url], { timeoutMs: 5_000 });
        assert.notEqual(refused.code, 0);
      });
    });

    await t.test('user-space path (--l4 userspace): curl alternates, the real servers see the director', async (t) => {
      const vigil = await startVigil(director, dir, socket, ['--l4', 'userspace'], 'vigil-userspace');
      assert.match(vigil.output, /IPVS: using the userspace data path/);
      assert.deepEqual(await vigilTablesIn(director), []);
      const table = await lvsTable(director, socket);
      assert.match(table, /^ {2}-> 198\.51\.100\.100:80 +Masq +1 /m);
      const before = [requestCount(web1), requestCount(web2)] as const;
      assertAlternates(await curlBodies(client, url, 6));
      const sources = [...requestSources(web1, before[0]), ...requestSources(web2, before[1])];
      assert.equal(sources.length, 6);
      assert.deepEqual(new Set(sources), new Set([directorBackAddress]), sources.join(' '));
      await stopVigil(t, vigil);
      assert.deepEqual(await vigilTablesIn(director), []);
    });
  });
});
