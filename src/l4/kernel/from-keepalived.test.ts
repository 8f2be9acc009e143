// The seed's case 2 virtual_server, parsed as a user writes it, handed to the kernel path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadText } from '../../config/keepalived/testing.ts';
import { kernelVirtualServer } from './from-keepalived.ts';

const seedCase2 = `
virtual_server 198.51.100.15 80 {
  delay_loop 6
  lb_algo rr
  lb_kind DR
  persistence_timeout 50
  persistence_granularity 255.255.255.0
  protocol TCP
  real_server 198.51.100.100 80 {
    weight 1
    TCP_CHECK { connect_timeout 3 }
  }
  real_server 198.51.100.200 80 {
    weight 1
    TCP_CHECK { connect_timeout 3 }
  }
}
`;

test('seed case 2: a DR rr virtual server with persistence becomes a kernel virtual server', () => {
  const { config, errors } = loadText(seedCase2);
  assert.deepEqual(errors, []);
  const vs = config.virtualServers[0];
  assert.ok(vs !== undefined);
  const table = [
    { id: 'a', address: '198.51.100.100', port: 80, weight: 1, sorry: false },
    { id: 'b', address: '198.51.100.200', port: 80, weight: 0, sorry: false },
  ];
  const { value, warnings } = kernelVirtualServer(vs, table);
  assert.deepEqual(warnings, []);
  assert.deepEqual(value, {
    label: '[198.51.100.15]:tcp:80',
    match: { kind: 'address', address: '198.51.100.15', port: 80 },
    protocol: 'tcp',
    method: 'DR',
    scheduler: 'rr',
    schedulerFlags: [],
    persistence: { timeoutS: 50, netmask: '255.255.255.0' },
    realServers: [
      { id: 'a', address: '198.51.100.100', port: 80, weight: 1 },
      { id: 'b', address: '198.51.100.200', port: 80, weight: 0 },
    ],
  });
});

test('keepalived defaults: NAT, wlc', () => {
  const { config } = loadText('virtual_server 203.0.113.15 80 {\n real_server 198.51.100.100 80 {\n }\n}\n');
  const vs = config.virtualServers[0];
  assert.ok(vs !== undefined);
  const { value } = kernelVirtualServer(vs, []);
  assert.equal(value?.method, 'NAT');
  assert.equal(value?.scheduler, 'wlc');
});
