// The real AddressPort and NeighborAnnouncePort in a lab: a VIP moves from host a to host b,
// and host c, which talked to the VIP before, learns b's MAC from b's gratuitous ARP alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinuxAddressPort } from '../../src/netctl/address-linux.ts';
import { LinuxNeighborAnnouncePort } from '../../src/netctl/neighbor-announce-linux.ts';
import { NetctlErrorCode } from '../../src/netctl/errors.ts';
import { commandExists } from '../lib/command.ts';
import { withLab } from '../lib/lab-fixture.ts';
import { requireRoot } from '../lib/root.ts';
import { vipMoveLab, neighborMac } from '../lib/vip-move-lab.ts';
import { waitFor } from '../lib/wait.ts';

const VIP = '198.51.100.80';

test('a VIP added, listed, announced and removed on real interfaces', { timeout: 30_000 }, async (t) => {
  if (!requireRoot(t)) return;
  if (!commandExists('arping')) return t.skip('arping (iputils-arping) is not installed');
  await withLab(t, 'netctl-address', async (lab) => {
    const { a, b, c } = await vipMoveLab(lab);
    const onA = new LinuxAddressPort({ netns: a.netns });
    const onB = new LinuxAddressPort({ netns: b.netns });
    const announceFromB = new LinuxNeighborAnnouncePort({ netns: b.netns });
    const vip = { address: VIP, prefixLength: 24, interface: 'eth0', label: 'eth0:vip', broadcast: '+' };

    // a holds the VIP; c talks to it and so caches a's MAC.
    assert.deepEqual(await onA.add(vip), { ok: true, value: { changed: true } });
    assert.deepEqual(await onA.add(vip), { ok: true, value: { changed: false } }, 'adding twice is not an error');
    const listed = await onA.list('eth0');
    assert.ok(listed.ok);
    const entry = listed.value.find((address) => address.address === VIP);
    assert.deepEqual(entry, { interface: 'eth0', family: 4, address: VIP, prefixLength: 24, scope: 'global', label: 'eth0:vip', broadcast: '198.51.100.255', secondary: true });
    assert.equal((await c.exec(['ping', '-c', '1', '-W', '2', VIP])).code, 0);
    const macA = await a.macOf('eth0');
    const macB = await b.macOf('eth0');
    assert.equal(await neighborMac(c, VIP), macA);

    // The VIP moves to b, which announces it; c must not need to ask.
    assert.deepEqual(await onA.remove(vip), { ok: true, value: { changed: true } });
    assert.deepEqual(await onA.remove(vip), { ok: true, value: { changed: false } }, 'removing twice is not an error');
    assert.ok((await onB.add(vip)).ok);
    const started = performance.now();
    const announced = await announceFromB.announce({ interface: 'eth0', address: VIP, count: 3 });
    assert.deepEqual(announced, { ok: true, value: { sent: 3 } });
    await waitFor(async () => (await neighborMac(c, VIP)) === macB, { timeoutMs: 3_000, description: "c learns b's MAC for the VIP" });
    t.diagnostic(`gratuitous ARP burst and neighbour update took ${Math.round(performance.now() - started)} ms`);

    // Failures are results, not exceptions.
    const missing = await onB.add({ address: VIP, prefixLength: 24, interface: 'vgtnone0' });
    assert.ok(!missing.ok && missing.error.code === NetctlErrorCode.command && /vgtnone0/.test(missing.error.message));
    const invalid = await onB.add({ address: '198.51.100.999', interface: 'eth0' });
    assert.ok(!invalid.ok && invalid.error.code === NetctlErrorCode.invalid);
    const v6 = await announceFromB.announce({ interface: 'eth0', address: '2001:db8::80' });
    assert.ok(!v6.ok && v6.error.code === NetctlErrorCode.unsupported);
  });
});

test('changes to one interface run in call order', { timeout: 30_000 }, async (t) => {
  if (!requireRoot(t)) return;
  await withLab(t, 'netctl-address-order', async (lab) => {
    const lan = lab.switch('lan');
    const a = lab.host('a').link(lan, { ifname: 'eth0', addresses: ['198.51.100.5/24'] });
    await lab.up();
    const port = new LinuxAddressPort({ netns: a.netns });
    const vip = { address: VIP, prefixLength: 32, interface: 'eth0' };
    // Interleaved without waiting: serialised, the last call (add) wins every time.
    const results = await Promise.all([port.add(vip), port.remove(vip), port.add(vip), port.remove(vip), port.add(vip)]);
    assert.deepEqual(results.map((result) => result.ok && result.value.changed), [true, true, true, true, true]);
    assert.ok((await a.addresses('eth0')).includes(`${VIP}/32`));
    const v6 = { address: '2001:db8::80', prefixLength: 64, interface: 'eth0' };
    assert.ok((await port.add(v6)).ok);
    const listed = await port.list();
    assert.ok(listed.ok);
    // nodad: usable at once, not tentative.
    const text = (await a.exec(['ip', '-6', 'addr', 'show', 'dev', 'eth0'])).stdout;
    assert.match(text, /2001:db8::80\/64 scope global nodad/);
    assert.ok(listed.value.some((address) => address.family === 6 && address.address === '2001:db8::80'));
  });
});
