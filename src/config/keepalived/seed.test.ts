// The project's seed configs (keepalived 1.x era) must load without errors, into the right model.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadText } from './testing.ts';

const lvsSeed = `global_defs {
...
router_id lvs1
vrrp_iptables
...
}
vrrp_instance VI_1 {
state MASTER
interface eth0
virtual_router_id 51
priority 100
advert_int 1
authentication {
auth_type PASS
auth_pass 1111
}
virtual_ipaddress {
192.168.4.15/24
}
}
virtual_server 192.168.4.15 80 {
delay_loop 6
lb_algo rr
lb_kind DR
#persistence_timeout 50
protocol TCP
real_server 192.168.4.100 80 {
weight 1
TCP_CHECK {
connect_timeout 3
nb_get_retry 3
delay_before_retry 3
}
}
real_server 192.168.4.200 80 {
weight 1
TCP_CHECK {
connect_timeout 3
nb_get_retry 3
delay_before_retry 3
}
}
}
`;

function webSeed(routerId: string, state: string, priority: number): string {
  return `global_defs {
...
router_id ${routerId}
vrrp_iptables
vrrp_garp_interval 0
...
}
vrrp_instance VI_1 {
state ${state}
interface eth0
virtual_router_id 51
priority ${priority}
advert_int 1
authentication {
auth_type PASS
auth_pass 1111
}
virtual_ipaddress {
192.168.4.80/24
}
}
`;
}

test('the LVS seed loads without errors into the expected model', () => {
  const { config, errors } = loadText(lvsSeed);
  assert.deepEqual(errors, []);
  assert.equal(config.globalDefs.routerId, 'lvs1');
  const [instance] = config.vrrpInstances;
  assert.ok(instance);
  assert.equal(instance.state, 'MASTER');
  assert.equal(instance.interface, 'eth0');
  assert.equal(instance.virtualRouterId, 51);
  assert.equal(instance.priority, 100);
  assert.equal(instance.advertIntMs, 1000);
  assert.deepEqual(instance.authentication, { type: 'PASS', pass: '1111' });
  assert.equal(instance.virtualIpAddresses.length, 1);
  assert.equal(instance.virtualIpAddresses[0]?.address.address, '192.168.4.15');
  assert.equal(instance.virtualIpAddresses[0]?.address.prefix, 24);

  const [server] = config.virtualServers;
  assert.ok(server);
  assert.deepEqual(server.target, { kind: 'address', address: { address: '192.168.4.15', family: 4 }, port: 80 });
  assert.equal(server.scheduler, 'rr');
  assert.equal(server.method, 'DR');
  assert.equal(server.protocol, 'TCP');
  assert.equal(server.delayLoopMs, 6000);
  assert.equal(server.persistenceTimeoutS, undefined, 'the commented-out persistence_timeout stays out');
  assert.deepEqual(
    server.realServers.map((real) => [real.address.address, real.port, real.weight]),
    [
      ['192.168.4.100', 80, 1],
      ['192.168.4.200', 80, 1],
    ],
  );
  for (const real of server.realServers) {
    assert.equal(real.checkers.length, 1);
    const [checker] = real.checkers;
    assert.equal(checker?.type, 'TCP_CHECK');
    if (checker?.type !== 'TCP_CHECK') continue;
    assert.equal(checker.connectTimeoutMs, 3000);
    assert.equal(checker.retry, 3);
    assert.equal(checker.delayBeforeRetryMs, 3000);
  }
});

test('the seed gets a note for nb_get_retry and vrrp_iptables, and warnings for the elision marks', () => {
  const { notes, warnings } = loadText(lvsSeed);
  assert.deepEqual(
    notes.map((d) => `${d.at.line} ${d.keyword}`),
    ['4 vrrp_iptables', '31 nb_get_retry', '39 nb_get_retry'],
  );
  assert.match(notes[1]?.message ?? '', /old name of retry/);
  assert.match(notes[0]?.message ?? '', /no firewall rules/);
  assert.deepEqual(
    warnings.map((d) => `${d.at.line}:${d.at.column} ${d.message}`),
    ['2:1 Elision mark, not a keyword; ignored', '5:1 Elision mark, not a keyword; ignored'],
  );
});

test('the two web seeds load without errors; vrrp_garp_interval 0 gets a note', () => {
  for (const [routerId, state, priority] of [
    ['web1', 'MASTER', 100],
    ['web2', 'BACKUP', 95],
  ] as const) {
    const { config, errors, notes } = loadText(webSeed(routerId, state, priority));
    assert.deepEqual(errors, []);
    assert.equal(config.globalDefs.routerId, routerId);
    assert.equal(config.globalDefs.vrrpGarpIntervalMs, 0);
    assert.equal(config.vrrpInstances[0]?.state, state);
    assert.equal(config.vrrpInstances[0]?.priority, priority);
    assert.equal(config.vrrpInstances[0]?.virtualIpAddresses[0]?.address.address, '192.168.4.80');
    assert.deepEqual(
      notes.map((d) => d.keyword),
      ['vrrp_iptables', 'vrrp_garp_interval'],
    );
    assert.match(notes[1]?.message ?? '', /no delay between gratuitous ARPs/);
  }
});

test('the seed records the interface it needs', () => {
  const { requirements } = loadText(lvsSeed);
  assert.deepEqual(
    requirements.items.map((r) => `${r.kind} ${r.value} ${r.at.line}`),
    ['interface eth0 9'],
  );
});
