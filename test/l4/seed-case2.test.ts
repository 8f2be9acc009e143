// The seed's case 2, exactly: two vigil directors run the seed's two keepalived.conf files
// (addresses mapped), holding VIP .15 by VRRP and balancing port 80 over real servers .100 and
// .200 in DR mode (rr, TCP_CHECK). The real servers carry the VIP on lo with arp_ignore and
// arp_announce. Checks what the seed shows and what it promises: the client's curl alternates,
// replies come straight from the real servers, `vigil lvs -Ln` reads like `ipvsadm -Ln`, a real
// server whose httpd stops leaves within its TCP_CHECK budget and returns, and killing LVS1 moves
// the VIP and the table to LVS2 while the client keeps getting answers.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { httpdArgv } from '../lib/httpd.ts';
import { withLab } from '../lib/lab-fixture.ts';
import type { Host, HostProcess } from '../lib/netns.ts';
import { repoPath } from '../lib/repo-paths.ts';
import { requireRoot } from '../lib/root.ts';

const VIP = '198.51.100.15';
const config = (node: 'lvs1' | 'lvs2'): string => repoPath(`test/fixtures/mapped/case2/${node}/keepalived.conf`);

async function hasVip(host: Host): Promise<boolean> {
  const r = await host.exec(['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'], { timeoutMs: 3000 });
  return r.stdout.includes(` ${VIP}/`);
}

async function until(predicate: () => Promise<boolean>, limitMs: number, what: string): Promise<number> {
  const started = performance.now();
  while (!(await predicate())) {
    if (performance.now() - started > limitMs) assert.fail(`${what} did not happen within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return performance.now() - started;
}

async function curl(client: Host): Promise<string> {
  const r = await client.exec(['curl', '-sS', '--max-time', '2', `http://${VIP}/`], { timeoutMs: 5000 });
  return r.code === 0 ? r.stdout.trim() : `error ${r.code}`;
}

async function lvsTable(director: Host, socket: string): Promise<string> {
  const r = await director.exec([repoPath('bin/vigil'), 'lvs', '-Ln', '-s', socket], { timeoutMs: 10_000 });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** counts frames from the VIP at the client by source MAC: a director's or a real server's */
async function watchReplies(client: Host, macs: Readonly<Record<string, string>>): Promise<() => Promise<Record<string, number>>> {
  const names = Object.keys(macs);
  const script = [
    'add table netdev replies',
    ...names.map((name) => `add counter netdev replies ${name}`),
    'add chain netdev replies in { type filter hook ingress device "eth0" priority 0; policy accept; }',
    ...names.map((name) => `add rule netdev replies in ether saddr ${macs[name]} ip saddr ${VIP} counter name "${name}"`),
  ].join('\n');
  const installed = await client.exec(['nft', '-f', '-'], { input: `${script}\n` });
  assert.equal(installed.code, 0, installed.stderr);
  return async () => {
    const listed = await client.exec(['nft', '-j', 'list', 'counters', 'table', 'netdev', 'replies']);
    const objects = (JSON.parse(listed.stdout) as { nftables: Array<{ counter?: { name: string; packets: number } }> }).nftables;
    const counts: Record<string, number> = {};
    for (const object of objects) if (object.counter !== undefined) counts[object.counter.name] = object.counter.packets;
    return counts;
  };
}

test('seed case 2: two vigil directors (VRRP + LVS-DR) in front of two real servers', { timeout: 240_000 }, async (t) => {
  if (!requireRoot(t)) return;
  await withLab(t, 'case2-seed', async (lab) => {
    const lan = lab.switch('lan');
    const client = lab.host('client').link(lan, { ifname: 'eth0', addresses: ['198.51.100.10/24'] });
    const lvs1 = lab.host('lvs1').link(lan, { ifname: 'eth0', addresses: ['198.51.100.5/24'] });
    const lvs2 = lab.host('lvs2').link(lan, { ifname: 'eth0', addresses: ['198.51.100.6/24'] });
    const web1 = lab.host('web1').link(lan, { ifname: 'eth0', addresses: ['198.51.100.100/24'] }).loopbackVip(`${VIP}/32`);
    const web2 = lab.host('web2').link(lan, { ifname: 'eth0', addresses: ['198.51.100.200/24'] }).loopbackVip(`${VIP}/32`);
    await lab.up();
    const dir = mkdtempSync(join(tmpdir(), 'vigil-case2-'));
    const startWeb = async (web: Host): Promise<HostProcess> => {
      const httpd = web.spawn(httpdArgv({ port: 80, body: web.addressOf('eth0') }), { name: 'httpd' });
      await httpd.waitForOutput('httpd listening', { timeoutMs: 10_000 });
      return httpd;
    };
    let httpd1 = await startWeb(web1);
    await startWeb(web2);
    const socket1 = join(dir, 'lvs1.sock');
    const socket2 = join(dir, 'lvs2.sock');
    const director1 = lvs1.spawn([repoPath('bin/vigil'), 'run', '--socket', socket1, '-f', config('lvs1')], { name: 'vigil-lvs1' });
    lvs2.spawn([repoPath('bin/vigil'), 'run', '--socket', socket2, '-f', config('lvs2')], { name: 'vigil-lvs2' });
    await until(() => hasVip(lvs1), 15_000, 'LVS1 taking the VIP');
    assert.equal(await hasVip(lvs2), false);

    await t.test('vigil lvs -Ln shows the table as ipvsadm -Ln does', async () => {
      await until(async () => (await lvsTable(lvs1, socket1)).includes('198.51.100.200:80'), 10_000, 'the table filling');
      const table = await lvsTable(lvs1, socket1);
      t.diagnostic(`\n${table}`);
      assert.match(table, /^IP Virtual Server version 1\.2\.1 \(size=4096\)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port {11}Forward Weight ActiveConn InActConn\n/);
      assert.match(table, /^TCP {2}198\.51\.100\.15:80 rr *$/m);
      assert.match(table, /^ {2}-> 198\.51\.100\.100:80 +Route +1 +\d+ +\d+/m);
      assert.match(table, /^ {2}-> 198\.51\.100\.200:80 +Route +1 +\d+ +\d+/m);
    });

    await t.test("the client's curl alternates between the real servers", async () => {
      const bodies: string[] = [];
      for (let i = 0; i < 6; i++) bodies.push(await curl(client));
      assert.deepEqual(new Set(bodies), new Set(['198.51.100.100', '198.51.100.200']), bodies.join(' '));
      for (let i = 1; i < bodies.length; i++) assert.notEqual(bodies[i], bodies[i - 1], bodies.join(' '));
    });

    await t.test('replies go from the real servers straight to the client (DR), not through the director', async () => {
      const [lvs1Mac, web1Mac, web2Mac] = await Promise.all([lvs1.macOf('eth0'), web1.macOf('eth0'), web2.macOf('eth0')]);
      const replies = await watchReplies(client, { director: lvs1Mac, web1: web1Mac, web2: web2Mac });
      for (let i = 0; i < 10; i++) await curl(client);
      const counts = await replies();
      t.diagnostic(`frames from the VIP by source MAC: ${JSON.stringify(counts)}`);
      assert.equal(counts['director'], 0);
      assert.ok((counts['web1'] ?? 0) > 0 && (counts['web2'] ?? 0) > 0);
    });

    await t.test("a real server whose httpd stops leaves within its TCP_CHECK budget, and comes back", async () => {
      // delay_loop 6, connect refused at once, retry 3 x delay_before_retry 3: at most 6 + 9 s
      const budgetMs = 6000 + 3 * 3000;
      await httpd1.stop();
      const removed = await until(async () => !(await lvsTable(lvs1, socket1)).includes('198.51.100.100:80'), budgetMs + 4000, 'web1 leaving the table');
      t.diagnostic(`web1 removed ${removed.toFixed(0)} ms after its httpd stopped (budget ${budgetMs} ms + one check)`);
      for (let i = 0; i < 4; i++) assert.equal(await curl(client), '198.51.100.200');
      httpd1 = await startWeb(web1);
      const back = await until(async () => (await lvsTable(lvs1, socket1)).includes('198.51.100.100:80'), 6000 + 4000, 'web1 returning');
      t.diagnostic(`web1 back ${back.toFixed(0)} ms after its httpd restarted (delay_loop 6 s)`);
      const bodies = new Set<string>();
      for (let i = 0; i < 4; i++) bodies.add(await curl(client));
      assert.deepEqual(bodies, new Set(['198.51.100.100', '198.51.100.200']));
    });

    await t.test('killing LVS1 moves the VIP and the table to LVS2; the client keeps getting answers', async () => {
      const killedAt = performance.now();
      director1.signal('SIGKILL');
      await director1.exited;
      // the crashed director's VIP and nftables stay behind on it, as with keepalived; take its
      // link down as a dead host's would be, so only LVS2 answers ARP for the VIP
      await lvs1.exec(['ip', 'link', 'set', 'eth0', 'down']);
      await until(() => hasVip(lvs2), 10_000, 'LVS2 taking the VIP');
      const failover = performance.now() - killedAt;
      t.diagnostic(`VIP on LVS2 ${failover.toFixed(0)} ms after LVS1 was killed`);
      // the client's ARP entry moves with LVS2's gratuitous ARP; answers resume
      let answered = 0;
      const answers: string[] = [];
      for (let i = 0; i < 20 && answered < 6; i++) {
        const body = await curl(client);
        answers.push(body);
        if (!body.startsWith('error')) answered++;
      }
      assert.equal(answered, 6, answers.join(' '));
      assert.deepEqual(new Set(answers.filter((a) => !a.startsWith('error')).slice(-4)), new Set(['198.51.100.100', '198.51.100.200']));
      const table = await lvsTable(lvs2, socket2);
      assert.match(table, /198\.51\.100\.100:80 +Route/);
      assert.match(table, /198\.51\.100\.200:80 +Route/);
    });
  });
});
