import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressArguments, parseAddresses } from './address-linux.ts';

test('ip arguments follow keepalived virtual_ipaddress options', () => {
  assert.deepEqual(addressArguments('add', { address: '198.51.100.80', prefixLength: 24, interface: 'eth0', broadcast: '+', scope: 'global', label: 'eth0:1' }), [
    '-4', 'addr', 'add', '198.51.100.80/24', 'dev', 'eth0', 'broadcast', '+', 'scope', 'global', 'label', 'eth0:1',
  ]);
  assert.deepEqual(addressArguments('add', { address: '198.51.100.80', interface: 'eth0' }), ['-4', 'addr', 'add', '198.51.100.80/32', 'dev', 'eth0']);
  assert.deepEqual(addressArguments('add', { address: '2001:db8::80', interface: 'eth0' }), ['-6', 'addr', 'add', '2001:db8::80/128', 'dev', 'eth0', 'nodad']);
  assert.deepEqual(addressArguments('del', { address: '198.51.100.80', prefixLength: 24, interface: 'eth0', label: 'eth0:1' }), ['-4', 'addr', 'del', '198.51.100.80/24', 'dev', 'eth0']);
});

test('ip -json addr output becomes configured addresses', () => {
  const json = JSON.stringify([
    { ifindex: 1, ifname: 'lo', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host', label: 'lo' }] },
    {
      ifindex: 2,
      ifname: 'eth0',
      addr_info: [
        { family: 'inet', local: '198.51.100.5', prefixlen: 24, broadcast: '198.51.100.255', scope: 'global', label: 'eth0' },
        { family: 'inet', local: '198.51.100.80', prefixlen: 24, scope: 'global', secondary: true, label: 'eth0:vip' },
        { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link' },
      ],
    },
  ]);
  assert.deepEqual(parseAddresses(json), [
    { interface: 'lo', family: 4, address: '127.0.0.1', prefixLength: 8, scope: 'host', label: 'lo', secondary: false },
    { interface: 'eth0', family: 4, address: '198.51.100.5', prefixLength: 24, scope: 'global', label: 'eth0', broadcast: '198.51.100.255', secondary: false },
    { interface: 'eth0', family: 4, address: '198.51.100.80', prefixLength: 24, scope: 'global', label: 'eth0:vip', secondary: true },
    { interface: 'eth0', family: 6, address: 'fe80::1', prefixLength: 64, scope: 'link', secondary: false },
  ]);
});
