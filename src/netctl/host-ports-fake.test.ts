// The fakes behave like the Linux ports in what a VRRP instance relies on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NetctlError, NetctlErrorCode } from './errors.ts';
import { createFakeHostPorts } from './host-ports-fake.ts';
import type { LinkChange } from './link.ts';
import { FakeVrrpLan } from './vrrp-socket-fake.ts';
import type { ReceivedVrrpPacket } from './vrrp-socket.ts';

test('fake hosts on one LAN hear each other’s multicast and unicast adverts, not their own', () => {
  const lan = new FakeVrrpLan();
  const a = createFakeHostPorts({ lan, hostAddresses: ['198.51.100.5'] });
  const b = createFakeHostPorts({ lan, hostAddresses: ['198.51.100.6'] });
  const socketA = a.vrrpSocket.open({ interface: 'eth0', family: 4 });
  const socketB = b.vrrpSocket.open({ interface: 'eth0', family: 4 });
  const heardA: ReceivedVrrpPacket[] = [];
  const heardB: ReceivedVrrpPacket[] = [];
  socketA.on('packet', (packet) => heardA.push(packet));
  socketB.on('packet', (packet) => heardB.push(packet));
  assert.ok(socketA.send(Uint8Array.of(0x21, 1), '224.0.0.18').ok);
  assert.ok(socketB.send(Uint8Array.of(0x21, 2), '198.51.100.5').ok);
  assert.deepEqual(heardB.map((p) => [p.from, p.to, p.ttl, [...p.data]]), [['198.51.100.5', '224.0.0.18', 255, [0x21, 1]]]);
  assert.deepEqual(heardA.map((p) => [p.from, p.to, [...p.data]]), [['198.51.100.6', '198.51.100.5', [0x21, 2]]]);
  assert.equal(a.vrrpSocket.opened[0]?.sent.length, 1);
  socketB.close();
  assert.ok(socketA.send(Uint8Array.of(0x21, 3), '224.0.0.18').ok);
  assert.equal(heardB.length, 1);
});

test('fake ports record calls, inject failures and link events', async () => {
  const host = createFakeHostPorts({ addresses: [{ address: '198.51.100.80', prefixLength: 24, interface: 'eth0' }] });
  assert.deepEqual(host.addresses.snapshot(), { eth0: ['198.51.100.80/24'] });
  assert.deepEqual(await host.addresses.remove({ address: '198.51.100.80', prefixLength: 24, interface: 'eth0' }), { ok: true, value: { changed: true } });
  host.addresses.failNext();
  const failed = await host.addresses.add({ address: '198.51.100.80', prefixLength: 24, interface: 'eth0' });
  assert.ok(!failed.ok && failed.error.code === NetctlErrorCode.command);

  const changes: LinkChange[] = [];
  const watch = host.links.watch((change) => changes.push(change));
  await Promise.resolve();
  assert.deepEqual(changes.map((c) => c.interface), ['lo', 'eth0']);
  host.links.setUp('eth0', false);
  assert.equal(changes.at(-1)?.current?.up, false);
  watch.close();
  assert.equal(host.links.watcherCount, 0);

  host.scripts.answer('/etc/vigil/check.sh', { code: 1 });
  const ran = await host.scripts.run({ argv: ['/etc/vigil/check.sh', 'x'], timeoutMs: 1000 });
  assert.ok(ran.ok && ran.value.code === 1);
  assert.equal(host.scripts.runsOf('/etc/vigil/check.sh').length, 1);

  host.vrrpSocket.failNextOpen(new NetctlError(NetctlErrorCode.nativeMissing, 'VRRP needs the native addon: run npm rebuild'));
  assert.throws(() => host.vrrpSocket.open({ interface: 'eth0', family: 4 }), { code: NetctlErrorCode.nativeMissing });
});
