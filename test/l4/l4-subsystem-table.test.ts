// `show lvs` (what `vigil lvs -Ln` prints) lists the real servers the data path has installed, as
// ipvsadm -Ln lists the kernel's table: a real server it no longer lists must get no new
// connection. The data path here is a fake whose apply waits until the test lets it finish, the
// real servers two loopback ports, one listening and one closed, checked with TCP_CHECK.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LvsVirtualServerStatus, StatusSource } from '../../src/admin/sources.ts';
import { loadConfigs } from '../../src/config/load.ts';
import { createL4Subsystem } from '../../src/daemon/l4-subsystem.ts';
import type { L4DataPath } from '../../src/l4/data-path.ts';
import { waitFor } from '../lib/wait.ts';
import { freePort } from '../proxy/harness.ts';

test('show lvs lists what the data path has installed, not a change still being applied', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-l4-table-'));
  const up = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => up.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    up.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const upAddress = up.address();
  const upPort = typeof upAddress === 'object' && upAddress !== null ? upAddress.port : 0;
  const downPort = await freePort();
  const realServer = (port: number): string => `    real_server 127.0.0.1 ${port} {
        weight 1
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }`;
  const file = join(dir, 'keepalived.conf');
  writeFileSync(
    file,
    `virtual_server 127.0.0.15 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
${realServer(upPort)}
${realServer(downPort)}
}
`,
  );
  const loaded = loadConfigs([file]);

  const installed: number[][] = [];
  let release: (() => void) | undefined;
  const dataPath: L4DataPath = {
    kind: 'fake',
    apply: async (_id, _vs, table) => {
      // the first table goes in at once; later ones wait for the test
      if (installed.length > 0) await new Promise<void>((resolve) => (release = resolve));
      installed.push(table.map((entry) => entry.port ?? 0));
    },
    counters: () => new Map(),
    stop: async () => {},
  };
  let source: StatusSource<'lvs'> | undefined;
  const subsystem = createL4Subsystem({
    createDataPath: async () => dataPath,
    register: (registered) => {
      source = registered;
      return () => (source = undefined);
    },
  });
  const running = await subsystem.start(loaded, () => {});
  t.after(async () => {
    release?.();
    await running.stop();
  });
  const listed = (): number[] => (source?.snapshot() as LvsVirtualServerStatus[])[0]?.realServers.map((rs) => rs.port) ?? [];

  assert.deepEqual(installed, [[upPort, downPort]], 'both start in the table, as with keepalived');
  assert.deepEqual(listed(), [upPort, downPort]);
  // the closed port fails its check; the data path is now applying the table without it
  await waitFor(() => release !== undefined, { timeoutMs: 10_000, intervalMs: 20, description: 'the change that removes the failing server' });
  assert.deepEqual(listed(), [upPort, downPort], 'still installed while the change is being applied');
  release?.();
  release = undefined;
  await waitFor(() => installed.length === 2, { intervalMs: 20, description: 'the change being applied' });
  assert.deepEqual(listed(), [upPort], 'listed as gone once the data path has removed it');
});
