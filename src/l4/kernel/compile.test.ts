import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRuleset } from './compile.ts';
import type { KernelVirtualServer } from './model.ts';
import type { NftTable } from './ruleset.ts';
import { transactionScript } from './transaction.ts';

const nat: KernelVirtualServer = {
  label: '[203.0.113.15]:tcp:80',
  match: { kind: 'address', address: '203.0.113.15', port: 80 },
  protocol: 'tcp',
  method: 'NAT',
  scheduler: 'wrr',
  schedulerFlags: [],
  realServers: [
    { id: 'web1', address: '198.51.100.100', port: 80, weight: 3 },
    { id: 'web2', address: '198.51.100.200', port: 80, weight: 1 },
  ],
};

const dr: KernelVirtualServer = {
  ...nat,
  label: '[198.51.100.15]:tcp:80',
  match: { kind: 'address', address: '198.51.100.15', port: 80 },
  method: 'DR',
  scheduler: 'rr',
};

const drOptions = {
  neighbors: new Map([
    ['198.51.100.100', { interface: 'eth0', mac: '02:00:00:00:01:00' }],
    ['198.51.100.200', { interface: 'eth0', mac: '02:00:00:00:02:00' }],
  ]),
  interfaceMacs: new Map([['eth0', '02:00:00:00:00:05']]),
};

function rules(table: NftTable | undefined, chain: string): readonly string[] {
  const found = table?.chains.find((c) => c.name === chain);
  assert.ok(found !== undefined, `no chain ${chain}`);
  return found.rules;
}

test('NAT: the service jumps to a wrr map whose slots dnat to the real servers', () => {
  const { ruleset, warnings } = compileRuleset([nat]);
  assert.deepEqual(warnings, []);
  const [table] = ruleset.tables;
  assert.equal(`${table?.family} ${table?.name}`, 'ip vigil_lvs');
  assert.deepEqual(rules(table, 'prerouting'), ['ip daddr 203.0.113.15 tcp dport 80 jump v_tcp_203_0_113_15_80']);
  const web1 = 'v_tcp_203_0_113_15_80__198_51_100_100_80';
  const web2 = 'v_tcp_203_0_113_15_80__198_51_100_200_80';
  assert.deepEqual(rules(table, 'v_tcp_203_0_113_15_80'), [
    `numgen inc mod 4 vmap { 0 : goto ${web1}, 1 : goto ${web1}, 2 : goto ${web1}, 3 : goto ${web2} }`,
  ]);
  assert.deepEqual(rules(table, web1), [`counter name "c_${web1}"`, 'meta l4proto tcp dnat to 198.51.100.100:80']);
});

test('NAT: weight 0 leaves the server out of the pick but keeps its chain (its flows live on in conntrack)', () => {
  const quiet = { ...nat, realServers: nat.realServers.map((rs) => (rs.id === 'web2' ? { ...rs, weight: 0 } : rs)) };
  const [table] = compileRuleset([quiet]).ruleset.tables;
  assert.deepEqual(rules(table, 'v_tcp_203_0_113_15_80'), ['goto v_tcp_203_0_113_15_80__198_51_100_100_80']);
  assert.ok(table?.chains.some((chain) => chain.name.endsWith('198_51_100_200_80')));
});

test('NAT: source NAT and persistence with a granularity', () => {
  const vs: KernelVirtualServer = { ...nat, sourceNat: { kind: 'masquerade' }, persistence: { timeoutS: 50, netmask: '255.255.255.0' } };
  const [table] = compileRuleset([vs]).ruleset.tables;
  assert.ok(rules(table, 'postrouting').every((rule) => rule.endsWith(' masquerade')));
  assert.match(rules(table, 'v_tcp_203_0_113_15_80')[0] ?? '', /^ip saddr & 255\.255\.255\.0 @p_v_tcp_\S+ goto /);
  const set = table?.sets[0];
  assert.match(set?.definition ?? '', /timeout 50s/);
});

test('DR: per-flow sets, MAC rewrite and fwd; unresolved servers are left out with a warning', () => {
  const { ruleset, warnings } = compileRuleset([dr], drOptions);
  assert.deepEqual(warnings, []);
  const [table] = ruleset.tables;
  assert.equal(`${table?.family} ${table?.name}`, 'netdev vigil_dr_eth0');
  assert.match(table?.chains[0]?.base ?? '', /hook ingress device "eth0"/);
  const key = 'v_tcp_198_51_100_15_80__198_51_100_100_80';
  assert.ok(rules(table, 'v_tcp_198_51_100_15_80').includes(`ip saddr . tcp sport @f_${key} goto ${key}`));
  assert.match(rules(table, key).at(-1) ?? '', /ether saddr set 02:00:00:00:00:05 ether daddr set 02:00:00:00:01:00 fwd to "eth0"$/);
  const missing = compileRuleset([dr], { ...drOptions, neighbors: new Map([...drOptions.neighbors].slice(0, 1)) });
  assert.equal(missing.virtualServers[0]?.realServers.length, 1);
  assert.match(missing.warnings.join('\n'), /198\.51\.100\.200 has no neighbour entry/);
});

test('TUN, IPv6 and approximated schedulers are reported, naming the virtual server', () => {
  const { warnings, virtualServers } = compileRuleset([
    { ...nat, method: 'TUN' },
    { ...nat, label: '[2001:db8::15]:tcp:80', match: { kind: 'address', address: '2001:db8::15', port: 80 } },
    { ...nat, label: '[203.0.113.16]:tcp:80', match: { kind: 'address', address: '203.0.113.16', port: 80 }, scheduler: 'wlc' },
  ]);
  assert.equal(virtualServers.length, 1);
  assert.match(warnings[0] ?? '', /\[203\.0\.113\.15\]:tcp:80: lb_kind TUN is not supported/);
  assert.match(warnings[1] ?? '', /IPv6/);
  assert.match(warnings[2] ?? '', /\[203\.0\.113\.16\]:tcp:80: scheduler wlc is approximated .* wrr/);
});

test('a transaction keeps the sets of servers that stay, and deletes those of removed servers', () => {
  const before = compileRuleset([dr], drOptions).ruleset;
  const after = compileRuleset([{ ...dr, realServers: dr.realServers.slice(0, 1) }], drOptions).ruleset;
  const script = transactionScript(before, after);
  const lines = script.trimEnd().split('\n');
  assert.ok(lines.includes('delete set netdev vigil_dr_eth0 f_v_tcp_198_51_100_15_80__198_51_100_200_80'));
  assert.ok(!lines.some((line) => line.startsWith('add set') || line.startsWith('delete set netdev vigil_dr_eth0 f_v_tcp_198_51_100_15_80__198_51_100_100_80')));
  // every chain is emptied before anything it may refer to is deleted
  const lastFlush = lines.findLastIndex((line) => line.startsWith('flush chain'));
  const firstDelete = lines.findIndex((line) => line.startsWith('delete'));
  assert.ok(lastFlush < firstDelete);
});

test('a changed timeout recreates the set; leftovers are deleted before the new tables are made', () => {
  const before = compileRuleset([dr], drOptions).ruleset;
  const after = compileRuleset([dr], { ...drOptions, timeouts: { tcpS: 60, tcpFinS: 10, udpS: 30 } }).ruleset;
  const script = transactionScript(before, after);
  assert.match(script, /delete set netdev vigil_dr_eth0 f_\S+\n[^]*add set netdev vigil_dr_eth0 f_\S+ \{ typeof ip saddr \. tcp sport; flags dynamic,timeout; timeout 60s;/);
  const fresh = transactionScript({ tables: [] }, before, [{ family: 'ip', name: 'vigil_lvs' }]);
  assert.ok(fresh.startsWith('add table ip vigil_lvs\ndelete table ip vigil_lvs\nadd table netdev vigil_dr_eth0\n'));
});
