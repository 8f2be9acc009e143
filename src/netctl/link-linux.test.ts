import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLinks } from './link-linux.ts';

test('up means admin up with carrier, as keepalived reads IFF_UP and IFF_RUNNING', () => {
  const json = JSON.stringify([
    { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], mtu: 65536, operstate: 'UNKNOWN', address: '00:00:00:00:00:00' },
    { ifindex: 2, ifname: 'eth0', flags: ['BROADCAST', 'MULTICAST', 'UP'], mtu: 1500, operstate: 'LOWERLAYERDOWN', address: 'AA:BB:CC:00:00:01' },
    { ifindex: 3, ifname: 'eth1', flags: ['BROADCAST', 'MULTICAST'], mtu: 1500, operstate: 'DOWN' },
  ]);
  assert.deepEqual(parseLinks(json), [
    { name: 'lo', index: 1, adminUp: true, up: true, operState: 'UNKNOWN', mac: '00:00:00:00:00:00', mtu: 65536 },
    { name: 'eth0', index: 2, adminUp: true, up: false, operState: 'LOWERLAYERDOWN', mac: 'aa:bb:cc:00:00:01', mtu: 1500 },
    { name: 'eth1', index: 3, adminUp: false, up: false, operState: 'DOWN', mtu: 1500 },
  ]);
});
