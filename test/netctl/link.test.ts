// The real LinkPort in a lab: a watcher hears an interface go down and come back within the
// poll interval, and sees interfaces appear and disappear.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinuxLinkPort } from '../../src/netctl/link-linux.ts';
import type { LinkChange } from '../../src/netctl/link.ts';
import { withLab } from '../lib/lab-fixture.ts';
import { requireRoot } from '../lib/root.ts';
import { waitFor } from '../lib/wait.ts';

test('link state changes are reported as events', { timeout: 30_000 }, async (t) => {
  if (!requireRoot(t)) return;
  await withLab(t, 'netctl-link', async (lab) => {
    const lan = lab.switch('lan');
    const a = lab.host('a').link(lan, { ifname: 'eth0', addresses: ['198.51.100.5/24'] });
    await lab.up();
    const port = new LinuxLinkPort({ netns: a.netns, pollIntervalMs: 100 });

    const eth0 = await port.get('eth0');
    assert.ok(eth0.ok && eth0.value !== undefined);
    assert.equal(eth0.value.up, true);
    assert.equal(eth0.value.mac, await a.macOf('eth0'));
    assert.deepEqual(await port.get('nope0'), { ok: true, value: undefined });

    const changes: LinkChange[] = [];
    const watch = port.watch((change) => changes.push(change));
    t.after(() => watch.close());
    await waitFor(() => changes.some((change) => change.interface === 'eth0' && change.previous === undefined), { timeoutMs: 2_000, description: 'initial report' });

    // Admin down and up, then an interface that comes and goes (a veth pair: this kernel has
    // no dummy driver).
    await a.exec(['ip', 'link', 'set', 'eth0', 'down']);
    const down = await waitFor(() => changes.find((change) => change.interface === 'eth0' && change.current?.up === false), { timeoutMs: 2_000, description: 'eth0 down reported' });
    assert.equal(down.previous?.up, true);
    assert.equal(down.current?.adminUp, false);
    await a.exec(['ip', 'link', 'set', 'eth0', 'up']);
    await waitFor(() => changes.find((change) => change.interface === 'eth0' && change.previous?.up === false && change.current?.up === true), { timeoutMs: 3_000, description: 'eth0 up again' });

    await a.exec(['ip', 'link', 'add', 'dummy7', 'type', 'veth', 'peer', 'name', 'dummy8']);
    await waitFor(() => changes.find((change) => change.interface === 'dummy7' && change.previous === undefined), { timeoutMs: 2_000, description: 'dummy7 appears' });
    await a.exec(['ip', 'link', 'del', 'dummy7']);
    await waitFor(() => changes.find((change) => change.interface === 'dummy7' && change.current === undefined), { timeoutMs: 2_000, description: 'dummy7 disappears' });
  });
});
