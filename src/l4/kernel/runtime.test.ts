import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeConntrackPort } from '../../netctl/conntrack-fake.ts';
import { parseConntrack } from '../../netctl/conntrack.ts';
import { FakeNeighborTablePort } from '../../netctl/neighbor-table-fake.ts';
import { FakeNftablesPort } from '../../netctl/nftables-fake.ts';
import { formatIpvsadm } from './ipvsadm-format.ts';
import type { KernelVirtualServer } from './model.ts';
import { KernelL4 } from './runtime.ts';

const nat: KernelVirtualServer = {
  label: '[203.0.113.15]:tcp:80',
  match: { kind: 'address', address: '203.0.113.15', port: 80 },
  protocol: 'tcp',
  method: 'NAT',
  scheduler: 'lc',
  schedulerFlags: [],
  realServers: [
    { id: 'web1', address: '198.51.100.100', port: 80, weight: 1 },
    { id: 'web2', address: '198.51.100.200', port: 80, weight: 1 },
  ],
};

function setup() {
  const nftables = new FakeNftablesPort();
  const neighbors = new FakeNeighborTablePort();
  const conntrack = new FakeConntrackPort();
  const warnings: string[] = [];
  const l4 = new KernelL4({ nftables, neighbors, conntrack }, { onWarning: (message) => warnings.push(message) });
  return { nftables, neighbors, conntrack, warnings, l4 };
}

test('the first apply replaces a crashed run\'s tables in the same transaction', async () => {
  const { nftables, l4 } = setup();
  nftables.onList = () => [{ table: { family: 'ip', name: 'vigil_lvs' } }, { table: { family: 'inet', name: 'firewalld' } }, { table: { family: 'netdev', name: 'vigil_dr_eth1' } }];
  const result = await l4.apply([nat]);
  assert.ok(result.ok);
  assert.deepEqual(result.value.replacedLeftovers, ['ip vigil_lvs', 'netdev vigil_dr_eth1']);
  assert.equal(nftables.transactions.length, 1);
  assert.match(nftables.lastTransaction ?? '', /^add table ip vigil_lvs\ndelete table ip vigil_lvs\nadd table netdev vigil_dr_eth1\ndelete table netdev vigil_dr_eth1\nadd table ip vigil_lvs\n/);
  assert.doesNotMatch(nftables.lastTransaction ?? '', /firewalld/);
});

test('an apply with nothing new sends nothing; a warning is heard once', async () => {
  const { nftables, l4, warnings } = setup();
  assert.ok((await l4.apply([nat])).ok);
  const again = await l4.apply([nat]);
  assert.ok(again.ok);
  assert.equal(again.value.changed, false);
  assert.equal(nftables.transactions.length, 1);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /\[203\.0\.113\.15\]:tcp:80: scheduler lc is approximated/);
});

test('a failed transaction leaves the previous ruleset as the base of the next', async () => {
  const { nftables, l4 } = setup();
  assert.ok((await l4.apply([nat])).ok);
  nftables.failNext();
  const failed = await l4.apply([{ ...nat, realServers: nat.realServers.slice(0, 1) }]);
  assert.equal(failed.ok, false);
  const retried = await l4.apply([{ ...nat, realServers: nat.realServers.slice(0, 1) }]);
  assert.ok(retried.ok);
  assert.match(retried.value.script, /flush chain ip vigil_lvs v_tcp_203_0_113_15_80__198_51_100_200_80\n/);
});

test('DR asks the neighbour table for each real server and the director MAC', async () => {
  const { neighbors, l4, nftables } = setup();
  neighbors.neighbors.set('198.51.100.100', { address: '198.51.100.100', interface: 'eth0', mac: '02:00:00:00:01:00' });
  neighbors.macs.set('eth0', '02:00:00:00:00:05');
  const result = await l4.apply([{ ...nat, method: 'DR', scheduler: 'rr' }]);
  assert.ok(result.ok);
  assert.deepEqual(neighbors.resolved.sort(), ['198.51.100.100', '198.51.100.200']);
  assert.match(result.value.warnings.join('\n'), /198\.51\.100\.200 has no neighbour entry/);
  assert.match(nftables.lastTransaction ?? '', /ether daddr set 02:00:00:00:01:00 fwd to "eth0"/);
});

test('counters: packets from nft counters, ActiveConn/InActConn from conntrack', async () => {
  const { nftables, conntrack, l4 } = setup();
  assert.ok((await l4.apply([nat])).ok);
  nftables.onList = () => [
    { counter: { name: 'c_v_tcp_203_0_113_15_80__198_51_100_100_80', packets: 7, bytes: 420 } },
    { counter: { name: 'i_v_tcp_203_0_113_15_80__198_51_100_100_80', packets: 40, bytes: 3000 } },
  ];
  conntrack.entries = parseConntrack(
    [
      'ipv4     2 tcp      6 431999 ESTABLISHED src=203.0.113.10 dst=203.0.113.15 sport=40000 dport=80 src=198.51.100.100 dst=203.0.113.10 sport=80 dport=40000 [ASSURED] mark=0 zone=0 use=2',
      'ipv4     2 tcp      6 119 TIME_WAIT src=203.0.113.10 dst=203.0.113.15 sport=40001 dport=80 src=198.51.100.100 dst=203.0.113.10 sport=80 dport=40001 [ASSURED] mark=0 zone=0 use=2',
      'ipv4     2 tcp      6 119 TIME_WAIT src=203.0.113.10 dst=198.51.100.100 sport=40002 dport=80 src=198.51.100.100 dst=203.0.113.10 sport=80 dport=40002 [ASSURED] mark=0 zone=0 use=2',
      'ipv4     2 udp      17 20 src=203.0.113.10 dst=203.0.113.15 sport=5353 dport=53 src=198.51.100.100 dst=203.0.113.10 sport=53 dport=5353 mark=0 use=1',
    ].join('\n'),
  );
  const counters = await l4.counters();
  assert.ok(counters.ok);
  const web1 = counters.value[0]?.realServers[0];
  assert.deepEqual(
    { active: web1?.activeConnections, inactive: web1?.inactiveConnections, conns: web1?.connections, inPackets: web1?.inPackets },
    { active: 1, inactive: 1, conns: 7, inPackets: 40 },
  );
  assert.match(formatIpvsadm(counters.value), /TCP {2}203\.0\.113\.15:80 lc\n {2}-> 198\.51\.100\.100:80 +Masq +1 +1 +1\n/);
});

test('stop removes what this run installed and any vigil table found', async () => {
  const { nftables, l4 } = setup();
  assert.ok((await l4.apply([nat])).ok);
  nftables.onList = () => [{ table: { family: 'netdev', name: 'vigil_dr_eth9' } }];
  assert.ok((await l4.stop()).ok);
  assert.equal(nftables.lastTransaction, 'add table ip vigil_lvs\ndelete table ip vigil_lvs\nadd table netdev vigil_dr_eth9\ndelete table netdev vigil_dr_eth9\n');
});
