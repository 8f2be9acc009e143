// The lab harness against the seed's multi-host topologies, with the test networks standing in
// for the seed's: 198.51.100.0/24 for 192.168.4.0/24 and 203.0.113.0/24 for 192.168.2.0/24,
// host numbers unchanged. Every probe is bounded in count and time.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandExists } from '../lib/command.ts';
import { httpdArgv } from '../lib/httpd.ts';
import { withLab } from '../lib/lab-fixture.ts';
import { listNamespaces } from '../lib/netns-cleanup.ts';
import { isProcessAlive } from '../lib/netns-names.ts';
import type { Host, Lab } from '../lib/netns.ts';
import { requireRoot } from '../lib/root.ts';

const VIP = '198.51.100.15';

test('case 2: client, two directors and two DR real servers on one LAN reach each other', async (t) => {
  if (!requireRoot(t)) return;
  await withLab(t, 'case2', async (lab) => {
    const lan = lab.switch('lan');
    const hosts = new Map<string, Host>();
    for (const [name, address] of [
      ['client', '198.51.100.10'],
      ['lvs1', '198.51.100.5'],
      ['lvs2', '198.51.100.6'],
      ['web1', '198.51.100.100'],
      ['web2', '198.51.100.200'],
    ] as const) {
      hosts.set(name, lab.host(name).link(lan, { ifname: 'eth0', addresses: [`${address}/24`] }));
    }
    const client = mustGet(hosts, 'client');
    const webs = [mustGet(hosts, 'web1'), mustGet(hosts, 'web2')];
    for (const web of webs) web.loopbackVip(`${VIP}/32`);

    await lab.up();
    await startHttpds(webs);

    await t.test('every host pings every other', async () => {
      const all = [...hosts.values()];
      const failures = await pingMatrix(all.flatMap((from) => all.filter((to) => to !== from).map((to) => [from, to.addressOf('eth0')] as const)));
      assert.deepEqual(failures, []);
    });

    await t.test("the client fetches each real server's page, whose body is the server's address", async () => {
      for (const web of webs) {
        const address = web.addressOf('eth0');
        assert.equal(await curl(client, `http://${address}/`), `${address}\n`);
      }
    });

    await t.test('each real server accepts connections to the VIP on its lo', async () => {
      for (const web of webs) assert.equal(await curl(web, `http://${VIP}/`), `${web.addressOf('eth0')}\n`);
    });

    await t.test('no host answers ARP for the VIP (arp_ignore), while real addresses do answer', async (st) => {
      if (!commandExists('arping')) {
        if (process.env['CI'] === 'true') assert.fail('arping is missing: install iputils-arping');
        st.skip('arping is not installed (Debian package iputils-arping)');
        return;
      }
      // Control: the same probe gets web1's MAC for its real address, so silence for the VIP
      // means nobody answers, not that the probe is broken.
      const web1 = mustGet(hosts, 'web1');
      const [control, vip, web1Mac] = await Promise.all([arping(client, web1.addressOf('eth0')), arping(client, VIP), web1.macOf('eth0')]);
      assert.equal(control.code, 0, control.stdout);
      assert.match(control.stdout, new RegExp(`\\[${web1Mac}\\]`, 'i'));

      assert.notEqual(vip.code, 0, `someone answered ARP for the VIP:\n${vip.stdout}`);
      assert.match(vip.stdout, /Received 0 response/);
    });
  });
});

test('case 3: a proxy on two networks reaches the web servers that the client cannot', async (t) => {
  if (!requireRoot(t)) return;
  await withLab(t, 'case3', async (lab) => {
    const lan = lab.switch('lan');
    const dmz = lab.switch('dmz');
    const client = lab.host('client').link(lan, { ifname: 'eth0', addresses: ['198.51.100.10/24'] });
    const proxy = lab
      .host('proxy')
      .link(lan, { ifname: 'eth0', addresses: ['198.51.100.5/24'] })
      .link(dmz, { ifname: 'eth1', addresses: ['203.0.113.5/24'] });
    const webs = [
      lab.host('web1').link(dmz, { ifname: 'eth0', addresses: ['203.0.113.100/24'] }),
      lab.host('web2').link(dmz, { ifname: 'eth0', addresses: ['203.0.113.200/24'] }),
    ];

    await lab.up();
    await startHttpds(webs);

    await t.test('the client and the proxy reach each other on 198.51.100.0/24', async () => {
      assert.deepEqual(await pingMatrix([[client, '198.51.100.5'], [proxy, '198.51.100.10']]), []);
    });

    await t.test('the proxy fetches both web servers on 203.0.113.0/24', async () => {
      for (const web of webs) {
        const address = web.addressOf('eth0');
        assert.equal(await curl(proxy, `http://${address}/`), `${address}\n`);
      }
    });

    await t.test('the client has no route to 203.0.113.0/24', async () => {
      const ping = await client.exec(['ping', '-c', '1', '-W', '1', '203.0.113.100'], { timeoutMs: 5_000 });
      assert.notEqual(ping.code, 0);
      assert.match(ping.stderr + ping.stdout, /unreachable/i);
    });
  });
});

test('a lab whose test body throws leaves no namespace or process behind', async (t) => {
  if (!requireRoot(t)) return;
  let lab: Lab | undefined;
  let sleeperPid = 0;
  await assert.rejects(
    withLab(
      t,
      'throws',
      async (created) => {
        lab = created;
        const lan = created.switch('lan');
        const host = created.host('a').link(lan, { ifname: 'eth0', addresses: ['198.51.100.10/24'] });
        await created.up();
        sleeperPid = host.spawn(['sleep', '30'], { name: 'sleeper' }).pid;
        // A grandchild outside the tracked process group still dies with the namespace.
        await host.exec(['sh', '-c', 'setsid sleep 30 >/dev/null 2>&1 &']);
        throw new Error('deliberate failure');
      },
      { reportFailure: false },
    ),
    /deliberate failure/,
  );
  assert.ok(lab !== undefined);
  const prefix = lab.prefix;
  assert.deepEqual((await listNamespaces()).filter((name) => name.startsWith(prefix)), []);
  assert.equal(isProcessAlive(sleeperPid), false);
  assert.equal(lab.state, 'down');
  await lab.removeLogs();
});

function mustGet<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  assert.ok(value !== undefined, `missing ${String(key)}`);
  return value;
}

async function startHttpds(webs: readonly Host[]): Promise<void> {
  const servers = webs.map((web) => web.spawn(httpdArgv({ port: 80, body: web.addressOf('eth0') }), { name: 'httpd' }));
  await Promise.all(servers.map((server) => server.waitForOutput('httpd listening', { timeoutMs: 10_000 })));
}

/** One ping per (from, to) pair, all at once; resolves with the pairs that failed. */
async function pingMatrix(pairs: ReadonlyArray<readonly [Host, string]>): Promise<string[]> {
  const results = await Promise.all(
    pairs.map(async ([from, to]) => {
      const result = await from.exec(['ping', '-c', '1', '-W', '2', '-q', to], { timeoutMs: 5_000 });
      return result.code === 0 ? undefined : `${from.name} -> ${to}: ${(result.stderr || result.stdout).trim()}`;
    }),
  );
  return results.filter((failure) => failure !== undefined);
}

async function curl(from: Host, url: string): Promise<string> {
  const result = await from.exec(['curl', '-sS', '--max-time', '3', url], { timeoutMs: 5_000 });
  assert.equal(result.code, 0, `curl ${url} from ${from.name}: ${result.stderr}`);
  return result.stdout;
}

function arping(from: Host, address: string): ReturnType<Host['exec']> {
  // Two requests, at most two seconds: with -w, arping stops after 2 replies or the deadline.
  return from.exec(['arping', '-c', '2', '-w', '2', '-I', 'eth0', address], { timeoutMs: 5_000 });
}
