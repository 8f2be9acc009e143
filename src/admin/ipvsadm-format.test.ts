import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderIpvsadm } from './ipvsadm-format.ts';
import { fakeLvs } from './testing.ts';

test("ipvsadm -Ln's layout, spacing included, real servers sorted", () => {
  assert.equal(
    renderIpvsadm(fakeLvs),
    [
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
      'TCP  198.51.100.15:80 rr',
      '  -> 198.51.100.100:80            Route   1      0          0         ',
      '  -> 198.51.100.200:80            Route   1      0          0         ',
      '',
    ].join('\n'),
  );
});

test('no virtual server: only the header lines', () => {
  assert.equal(renderIpvsadm([]).split('\n').length, 4);
});

test('persistence, flags, firewall marks and IPv6 as ipvsadm prints them', () => {
  const out = renderIpvsadm([
    { protocol: 'UDP', address: '2001:db8::1', port: 53, scheduler: 'wrr', persistenceTimeoutSec: 50, flags: ['ops'], realServers: [{ address: '2001:db8::10', port: 53, weight: 3, forward: 'Masq', activeConnections: 12, inactiveConnections: 4 }] },
    { protocol: 'TCP', fwmark: 7, scheduler: 'sh', flags: [], realServers: [] },
  ]);
  assert.match(out, /^FWM  7 sh$/m);
  assert.match(out, /^UDP  \[2001:db8::1\]:53 wrr persistent 50 ops$/m);
  assert.ok(out.includes(`  -> ${'[2001:db8::10]:53'.padEnd(28)} Masq    3      12         4         \n`));
});
