// The addon's NeighborAnnouncePort, the one the VRRP thread uses, on real interfaces: it runs in
// a program inside lab host b (a packet socket belongs to the namespace it is opened in), and host
// c, which cached a's MAC for the VIP, learns b's from the announcements alone. Two bursts share
// one packet socket: closing a packet socket waits for the kernel's RCU grace period (over 10 ms
// each), which made a new MASTER's adverts late when every ARP opened and closed its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinuxAddressPort } from '../../src/netctl/address-linux.ts';
import { vrrpAddonAvailable } from '../../src/netctl/native-addon.ts';
import { withLab } from '../lib/lab-fixture.ts';
import { nodeBin, repoPath } from '../lib/repo-paths.ts';
import { requireRoot } from '../lib/root.ts';
import { vipMoveLab, neighborMac } from '../lib/vip-move-lab.ts';
import { waitFor } from '../lib/wait.ts';

const VIP = '198.51.100.80';

// Two bursts of three, then how many packet sockets the namespace has (/proc/net/packet lists
// them, one line each after the header) while the program still runs.
const program = `
import { readFileSync } from 'node:fs';
import { loadVrrpAddon } from ${JSON.stringify(repoPath('src/netctl/native-addon.ts'))};
import { NativeNeighborAnnouncePort } from ${JSON.stringify(repoPath('src/netctl/neighbor-announce-native.ts'))};
const port = new NativeNeighborAnnouncePort(loadVrrpAddon());
const first = await port.announce({ interface: 'eth0', address: ${JSON.stringify(VIP)}, count: 3 });
const second = await port.announce({ interface: 'eth0', address: ${JSON.stringify(VIP)}, count: 3, intervalMs: 10 });
const missing = await port.announce({ interface: 'vgtnone0', address: ${JSON.stringify(VIP)}, count: 1 });
const packetSockets = readFileSync('/proc/net/packet', 'utf8').trim().split('\\n').length - 1;
console.log(JSON.stringify({ first, second, missing: missing.ok ? 'sent' : missing.error.message, packetSockets }));
`;

test('the addon announces a moved VIP from one packet socket kept open', { timeout: 30_000 }, async (t) => {
  if (!requireRoot(t)) return;
  if (!vrrpAddonAvailable()) {
    if (process.env['CI'] === 'true') assert.fail('the VRRP addon is not built: run npm rebuild');
    t.skip('the VRRP addon is not built');
    return;
  }
  await withLab(t, 'netctl-announce-native', async (lab) => {
    const { a, b, c } = await vipMoveLab(lab);
    const onA = new LinuxAddressPort({ netns: a.netns });
    const onB = new LinuxAddressPort({ netns: b.netns });
    const vip = { address: VIP, prefixLength: 24, interface: 'eth0' };
    assert.ok((await onA.add(vip)).ok);
    assert.equal((await c.exec(['ping', '-c', '1', '-W', '2', VIP])).code, 0);
    const macB = await b.macOf('eth0');
    assert.equal(await neighborMac(c, VIP), await a.macOf('eth0'));

    assert.ok((await onA.remove(vip)).ok);
    assert.ok((await onB.add(vip)).ok);
    const run = await b.exec([nodeBin, '--disable-warning=ExperimentalWarning', '--input-type=module', '-e', program], { timeoutMs: 20_000 });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as { first: unknown; second: unknown; missing: string; packetSockets: number };
    assert.deepEqual(report.first, { ok: true, value: { sent: 3 } });
    assert.deepEqual(report.second, { ok: true, value: { sent: 3 } });
    assert.match(report.missing, /vgtnone0.*errno 19/, 'an unknown interface is an error result (ENODEV), not a crash');
    assert.equal(report.packetSockets, 1, 'every announcement went out through the same packet socket');
    await waitFor(async () => (await neighborMac(c, VIP)) === macB, { timeoutMs: 3_000, description: "c learns b's MAC for the VIP" });
  });
});
