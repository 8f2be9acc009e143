// The parts of the lab API that the seed topologies above do not exercise: routes and sysctls
// (a router between the two test networks, as the NAT-mode cases need), and the bounds and
// bookkeeping of commands and processes run inside hosts.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { httpdArgv } from '../lib/httpd.ts';
import { labFixture, withLab } from '../lib/lab-fixture.ts';
import { requireRoot } from '../lib/root.ts';
import { waitForPort } from '../lib/wait.ts';

test('a host with ip_forward=1 routes between the two networks, keeping the client address', async (t) => {
  if (!requireRoot(t)) return;
  const lab = await labFixture(t, 'router');
  const lan = lab.switch('lan');
  const dmz = lab.switch('dmz');
  const client = lab.host('client').link(lan, { ifname: 'eth0', addresses: ['198.51.100.10/24'] }).route('default', { via: '198.51.100.5' });
  const router = lab
    .host('router')
    .link(lan, { ifname: 'eth0', addresses: ['198.51.100.5/24'] })
    .link(dmz, { ifname: 'eth1', addresses: ['203.0.113.5/24'] })
    .sysctl('net.ipv4.ip_forward', '1');
  const web = lab.host('web1').link(dmz, { ifname: 'eth0', addresses: ['203.0.113.100/24'] }).route('198.51.100.0/24', { via: '203.0.113.5' });
  await lab.up();

  const httpd = web.spawn(httpdArgv({ port: 8080, body: '203.0.113.100' }), { name: 'httpd' });
  await waitForPort(router, '203.0.113.100', 8080);
  const fetched = await client.exec(['curl', '-sS', '--max-time', '3', 'http://203.0.113.100:8080/'], { timeoutMs: 5_000 });
  assert.equal(fetched.stdout, '203.0.113.100\n', fetched.stderr);
  assert.match(web.logs('httpd'), /request GET \/ from 198\.51\.100\.10:/);
  assert.equal(httpd.running, true);

  const forwarding = await router.exec(['cat', '/proc/sys/net/ipv4/ip_forward']);
  assert.equal(forwarding.stdout, '1\n');
});

test('commands in hosts are time-bounded, and spawned processes are logged and stopped', async (t) => {
  if (!requireRoot(t)) return;
  let logDir = '';
  await withLab(t, 'api', async (lab) => {
    logDir = lab.logDir;
    const lan = lab.switch('lan');
    const host = lab.host('a').link(lan, { ifname: 'eth0', addresses: ['198.51.100.10/24'], mac: '02:00:00:00:00:0a' });
    host.loopbackVip('198.51.100.15');
    await lab.up();

    assert.equal(await host.macOf('eth0'), '02:00:00:00:00:0a');
    assert.ok((await host.addresses('lo')).includes('198.51.100.15/32'));
    const arpIgnore = await host.exec(['cat', '/proc/sys/net/ipv4/conf/all/arp_ignore', '/proc/sys/net/ipv4/conf/eth0/arp_announce']);
    assert.equal(arpIgnore.stdout, '1\n2\n');

    const started = Date.now();
    const slow = await host.exec(['sh', '-c', 'sleep 5; echo never'], { timeoutMs: 300 });
    assert.equal(slow.timedOut, true);
    assert.equal(slow.stdout, '');
    assert.ok(Date.now() - started < 2_000, 'the timeout killed the whole command');

    const worker = host.spawn(['sh', '-c', 'trap "echo stopping; exit 0" TERM; echo ready; while :; do sleep 0.1; done'], { name: 'worker' });
    await worker.waitForOutput('ready');
    assert.deepEqual(await worker.stop(), { code: 0, signal: null });
    // (The TERM went to the whole process group, so sh may also report its killed sleep.)
    assert.match(host.logs('worker'), /ready\n[^]*stopping\n/);
    assert.match(readFileSync(worker.logFile, 'utf8'), /stopping/);

    // A name can be reused once its process has exited; logs() then covers both runs.
    const again = host.spawn(['sh', '-c', 'echo second run'], { name: 'worker' });
    await again.exited;
    assert.match(host.logs('worker'), /stopping\n[^]*second run/);
    assert.throws(() => host.spawn(['true'], { name: 'bad name' }), /Cannot name a process/);
  });
  assert.equal(existsSync(logDir), false, 'a passing lab deletes its logs');
});
