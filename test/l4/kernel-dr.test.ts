// LVS-DR through nftables, the data path of the seed's case 2 (without VRRP: the VIP is put on
// the director's eth0 by hand). Client .10, director .5, real servers .100/.200 holding the VIP
// on lo with arp_ignore/arp_announce. vigil's KernelL4 programs a netdev ingress table on the
// director; replies must go from the real servers straight to the client.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLab } from '../lib/lab-fixture.ts';
import type { Host } from '../lib/netns.ts';
import { requireRoot } from '../lib/root.ts';
import {
  connectionsOf,
  curlBodies,
  load,
  declareDr,
  drVip,
  getFromPort,
  keepAlive,
  kernelOn,
  mustApply,
  servers,
  service,
  startWebs,
  tally,
  vigilTablesIn,
  waitForConnections,
  web1Address,
  web2Address,
} from './kernel-lab.ts';

const url = `http://${drVip}/`;

/**
 * Counts, on the client's own ingress, the frames from the VIP by source MAC: the director's
 * versus each real server's. nft in the client's namespace, which only this test uses.
 */
async function watchReplies(client: Host, macs: Readonly<Record<string, string>>): Promise<() => Promise<Record<string, number>>> {
  const names = Object.keys(macs);
  const script = [
    'add table netdev replies',
    ...names.map((name) => `add counter netdev replies ${name}`),
    'add chain netdev replies in { type filter hook ingress device "eth0" priority 0; policy accept; }',
    ...names.map((name) => `add rule netdev replies in ether saddr ${macs[name]} ip saddr ${drVip} counter name "${name}"`),
  ].join('\n');
  const installed = await client.exec(['nft', '-f', '-'], { input: `${script}\n` });
  assert.equal(installed.code, 0, installed.stderr);
  return async () => {
    const listed = await client.exec(['nft', '-j', 'list', 'counters', 'table', 'netdev', 'replies']);
    assert.equal(listed.code, 0, listed.stderr);
    const objects = (JSON.parse(listed.stdout) as { nftables: Array<{ counter?: { name: string; packets: number } }> }).nftables;
    const counts: Record<string, number> = {};
    for (const object of objects) if (object.counter !== undefined) counts[object.counter.name] = object.counter.packets;
    return counts;
  };
}

test('kernel DR: rr, direct replies, flows keep their server, removal under load, stop', { timeout: 180_000 }, async (t) => {
  if (!requireRoot(t)) return;
  await withLab(t, 'kernel-dr', async (lab) => {
    const { client, director, web1, web2 } = declareDr(lab);
    await lab.up();
    await startWebs([web1, web2]);
    const warnings: string[] = [];
    const l4 = kernelOn(director, warnings);

    await t.test('rr: consecutive requests to the VIP alternate between the real servers', async () => {
      await mustApply(l4, [service(drVip, 'DR', 'rr', servers(1, 1))]);
      assert.deepEqual(warnings, []);
      assert.deepEqual(await vigilTablesIn(director), ['netdev vigil_dr_eth0']);
      const bodies = await curlBodies(client, url, 6);
      assert.notEqual(bodies[0], bodies[1]);
      for (let i = 2; i < bodies.length; i++) assert.equal(bodies[i], bodies[i - 2]);
      assert.deepEqual(tally(bodies), { [web1Address]: 3, [web2Address]: 3 });
      // the real servers saw the client's own address: DR does not translate
      assert.match(web1.logs('httpd'), /request GET \/ from 198\.51\.100\.10:/);
    });

    await t.test('replies go from the real servers straight to the client, never through the director', async () => {
      const [directorMac, web1Mac, web2Mac] = await Promise.all([director.macOf('eth0'), web1.macOf('eth0'), web2.macOf('eth0')]);
      const replies = await watchReplies(client, { director: directorMac, web1: web1Mac, web2: web2Mac });
      const bodies = await curlBodies(client, url, 10);
      assert.deepEqual(tally(bodies), { [web1Address]: 5, [web2Address]: 5 });
      const counts = await replies();
      t.diagnostic(`frames from the VIP by source MAC: ${JSON.stringify(counts)}`);
      assert.equal(counts['director'], 0);
      assert.ok((counts['web1'] ?? 0) >= 5 * 3 && (counts['web2'] ?? 0) >= 5 * 3, JSON.stringify(counts));
      // and the director forwarded only client → VIP packets: its counters have no "out" side
      const figures = await l4.counters();
      assert.ok(figures.ok);
      assert.ok(figures.value[0]?.realServers.every((rs) => rs.inPackets > 0 && rs.outPackets === 0));
    });

    await t.test('a keep-alive connection keeps its real server while rr moves new flows', async () => {
      await mustApply(l4, [service(drVip, 'DR', 'rr', servers(1, 1))]);
      const [held, fresh] = await Promise.all([keepAlive(client, url, 20, 50), curlBodies(client, url, 8)]);
      assert.deepEqual(held.failures, []);
      assert.equal(new Set(held.ports).size, 1, 'one connection');
      assert.equal(new Set(held.bodies).size, 1, `one server: ${JSON.stringify(tally(held.bodies))}`);
      assert.equal(held.bodies.length, 20);
      const spread = tally(fresh);
      assert.ok((spread[web1Address] ?? 0) >= 3 && (spread[web2Address] ?? 0) >= 3, JSON.stringify(spread));
    });

    await t.test('counters: the flows of each real server, active and closing', async () => {
      const counters = await l4.counters();
      assert.ok(counters.ok);
      for (const rs of counters.value[0]?.realServers ?? []) {
        assert.ok(rs.connections > 0);
        // every flow so far has ended: each saw FIN, so it counts as inactive until tcp_fin expires
        assert.equal(rs.activeConnections, 0, JSON.stringify(rs));
        assert.ok(rs.inactiveConnections > 0, JSON.stringify(rs));
      }
    });

    await t.test('removing a real server under load fails no flow that is not on it', async () => {
      // a long keep-alive flow, started while only web1 takes new flows so it is not on web2
      await mustApply(l4, [service(drVip, 'DR', 'rr', servers(1, 0))]);
      const started = await connectionsOf(l4);
      const held = keepAlive(client, url, 60, 50);
      await waitForConnections(l4, 'web1', (started['web1'] ?? 0) + 1);
      await mustApply(l4, [service(drVip, 'DR', 'rr', servers(1, 1))]);
      const pending = load(client, url, 2000, 20);
      const before = await connectionsOf(l4);
      await waitForConnections(l4, 'web2', (before['web2'] ?? 0) + 300);
      await mustApply(l4, [service(drVip, 'DR', 'rr', servers(1, 1).slice(0, 1))]);
      const [loadResult, heldResult] = await Promise.all([pending, held]);
      t.diagnostic(
        `DR removal under load: ${JSON.stringify(loadResult.bodies)} in ${loadResult.seconds} s; ` +
          `keep-alive flow: ${JSON.stringify(tally(heldResult.bodies))}, ${heldResult.failures.length} failures`,
      );
      // Only flows in flight on the removed server (at most the 20 open) may be reset.
      assert.ok(loadResult.failed <= 20, JSON.stringify(loadResult.bodies));
      assert.equal(loadResult.ok + loadResult.failed, 2000);
      assert.ok((loadResult.bodies[web2Address] ?? 0) < 2000 / 2 - 50, 'web2 was removed mid-run');
      assert.deepEqual(heldResult.failures, []);
      assert.deepEqual(tally(heldResult.bodies), { [web1Address]: 60 });
      assert.equal(new Set(heldResult.ports).size, 1);
      assert.deepEqual(tally(await curlBodies(client, url, 6)), { [web1Address]: 6 });
    });

    await t.test('a flow on a server set to weight 0 carries on; new flows avoid it', async () => {
      await mustApply(l4, [service(drVip, 'DR', 'rr', servers(0, 1))]);
      const held = keepAlive(client, url, 16, 100);
      await new Promise((resolve) => setTimeout(resolve, 400));
      await mustApply(l4, [service(drVip, 'DR', 'rr', servers(1, 0))]);
      assert.deepEqual(tally(await curlBodies(client, url, 4)), { [web1Address]: 4 });
      const result = await held;
      assert.deepEqual(result.failures, []);
      assert.deepEqual(tally(result.bodies), { [web2Address]: 16 });
    });

    await t.test('a new connection from the client port of a closed flow is picked afresh, not sent to its old server', async () => {
      // the first connection ends with a reset, which the director sees and the client's port
      // keeps no TIME_WAIT for: the same port opens the next connection
      const fromPort = (port: number): Promise<string> => getFromPort(client, url, port);
      await mustApply(l4, [service(drVip, 'DR', 'rr', servers(1, 0))]);
      const port = 40_000 + Math.floor(Math.random() * 10_000);
      assert.equal(await fromPort(port), web1Address);
      await mustApply(l4, [service(drVip, 'DR', 'rr', servers(0, 1))]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const before = await connectionsOf(l4);
      assert.equal(await fromPort(port), web2Address, 'web1 is at weight 0: the reused port must not stick to it');
      // counted as a new flow of web2's, as ipvsadm would show it
      const after = await connectionsOf(l4);
      assert.equal(after['web2'], (before['web2'] ?? 0) + 1);
      assert.equal(after['web1'], before['web1']);
    });

    await t.test('persistence_timeout: every new flow of a client goes to its server', async () => {
      const sticky = { ...service(drVip, 'DR', 'rr', servers(1, 1)), persistence: { timeoutS: 30, netmask: '255.255.255.255' } };
      await mustApply(l4, [sticky]);
      const bodies = await curlBodies(client, url, 6);
      assert.equal(new Set(bodies).size, 1, JSON.stringify(tally(bodies)));
    });

    await t.test('stop removes the netdev table; the VIP then answers from the director itself', async () => {
      assert.ok((await l4.stop()).ok);
      assert.deepEqual(await vigilTablesIn(director), []);
      const result = await client.exec(['curl', '-sS', '--max-time', '2', url], { timeoutMs: 5_000 });
      assert.notEqual(result.code, 0, 'nothing listens on the director: connection refused');
    });
  });
});
