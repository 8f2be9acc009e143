import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadText } from '../config/keepalived/testing.ts';
import { FakeClock } from '../core/clock.ts';
import { RecordingVrrpHost, type ScriptRun } from './host.ts';
import { VrrpRouter } from './router.ts';
import type { TrackingHost } from './tracking.ts';

const fixture = (path: string): string => readFileSync(new URL(`../../test/fixtures/${path}`, import.meta.url), 'utf8');

/** A host on a fake LAN: links, check-script exit codes and files are set by the test */
class FakeHost extends RecordingVrrpHost implements TrackingHost {
  readonly links = new Map<string, boolean>([['eth0', true], ['eth1', true]]);
  readonly exitCodes = new Map<string, number>();
  readonly files = new Map<string, string>();
  readonly #linkListeners = new Set<(name: string, up: boolean) => void>();
  deliver: ((raw: { source: string; destination: string; payload: Uint8Array }) => void) | undefined;
  readonly address: string;

  constructor(address: string) {
    super();
    this.address = address;
  }

  override send(advert: Parameters<RecordingVrrpHost['send']>[0]): void {
    super.send(advert);
    this.deliver?.({ source: this.address, destination: advert.destination, payload: advert.payload });
  }

  runCheck(run: ScriptRun): Promise<number> {
    return Promise.resolve(this.exitCodes.get(run.command) ?? 0);
  }

  linkUp(name: string): boolean | undefined {
    return this.links.get(name);
  }

  onLinkChange(listener: (name: string, up: boolean) => void): () => void {
    this.#linkListeners.add(listener);
    return () => this.#linkListeners.delete(listener);
  }

  setLink(name: string, up: boolean): void {
    this.links.set(name, up);
    for (const l of this.#linkListeners) l(name, up);
  }

  readFile(path: string): Promise<string | undefined> {
    return Promise.resolve(this.files.get(path));
  }
}

function lan(configs: ReadonlyArray<readonly [string, string]>) {
  const clock = new FakeClock();
  const nodes = configs.map(([text, address]) => {
    const loaded = loadText(text);
    assert.deepEqual(loaded.errors, []);
    const host = new FakeHost(address);
    const log: string[] = [];
    const router = new VrrpRouter(loaded.config, { host, clock, log: (l) => log.push(l), primaryAddressOf: () => address });
    return { host, router, log, online: true };
  });
  for (const node of nodes) {
    node.host.deliver = (p) => {
      if (!node.online) return;
      for (const other of nodes) {
        if (other !== node && other.online) other.router.receive('eth0', 4, { ...p, ttl: 255 });
      }
    };
  }
  const step = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 50) {
      clock.advance(50);
      await Promise.resolve();
    }
  };
  return { clock, nodes, step };
}

test('the seed\'s case-1 configs: web1 (priority 100) holds the VIP, web2 takes it when web1 stops', async () => {
  const { nodes, step } = lan([
    [fixture('mapped/case1/web1/keepalived.conf'), '198.51.100.100'],
    [fixture('mapped/case1/web2/keepalived.conf'), '198.51.100.200'],
  ]);
  const [web1, web2] = nodes;
  assert.ok(web1 !== undefined && web2 !== undefined);
  web1.router.start();
  web2.router.start();
  await step(4000);
  assert.equal(web1.router.status()[0]?.state, 'MASTER');
  assert.equal(web2.router.status()[0]?.state, 'BACKUP');
  assert.ok(web1.host.addresses.has('198.51.100.80/24 dev eth0'));
  web1.router.stop();
  await step(1000);
  assert.equal(web2.router.status()[0]?.state, 'MASTER');
  assert.ok(web2.host.addresses.has('198.51.100.80/24 dev eth0'));
});

const tracked = (priority: number, extra: string): string => `
vrrp_script chk_proxy {
    script "/usr/local/bin/check-proxy"
    interval 1
    fall 2
    rise 2
    weight -20
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority ${priority}
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 1111
    }
    virtual_ipaddress {
        198.51.100.80/24
    }
    track_script {
        chk_proxy
    }
${extra}
}`;

test('a failing vrrp_script with weight -20 lowers the master below its peer, which takes over', async () => {
  const { nodes, step } = lan([
    [tracked(100, ''), '198.51.100.100'],
    [tracked(95, ''), '198.51.100.200'],
  ]);
  const [a, b] = nodes;
  assert.ok(a !== undefined && b !== undefined);
  a.router.start();
  b.router.start();
  await step(4000);
  assert.equal(a.router.status()[0]?.state, 'MASTER');
  a.host.exitCodes.set('/usr/local/bin/check-proxy', 1);
  await step(8000);
  assert.equal(a.router.status()[0]?.effectivePriority, 80);
  assert.equal(b.router.status()[0]?.state, 'MASTER');
  assert.equal(a.router.status()[0]?.state, 'BACKUP');
  assert.ok(a.log.includes('VRRP_Script(chk_proxy) failed'));
  // recovers after `rise` successes and preempts back
  a.host.exitCodes.set('/usr/local/bin/check-proxy', 0);
  await step(8000);
  assert.equal(a.router.status()[0]?.state, 'MASTER');
});

test('track_interface: a tracked link going down puts the instance in FAULT and gives the VIP up', async () => {
  const { nodes, step } = lan([
    [tracked(100, '    track_interface {\n        eth1\n    }'), '198.51.100.100'],
    [tracked(95, ''), '198.51.100.200'],
  ]);
  const [a, b] = nodes;
  assert.ok(a !== undefined && b !== undefined);
  a.router.start();
  b.router.start();
  await step(4000);
  a.host.setLink('eth1', false);
  await step(100);
  assert.equal(a.router.status()[0]?.state, 'FAULT');
  assert.ok(a.log.some((l) => l.startsWith('(VI_1) Entering FAULT STATE')));
  assert.equal(a.host.addresses.size, 0);
  await step(4000);
  assert.equal(b.router.status()[0]?.state, 'MASTER');
  a.host.setLink('eth1', true);
  await step(5000);
  assert.equal(a.router.status()[0]?.state, 'MASTER');
});

test('a sync group moves its members together', async () => {
  const config = (priority: number): string => `
vrrp_sync_group VG_1 {
    group {
        VI_OUT
        VI_IN
    }
}
vrrp_instance VI_OUT {
    interface eth0
    virtual_router_id 51
    priority ${priority}
    virtual_ipaddress {
        198.51.100.80/24
    }
}
vrrp_instance VI_IN {
    interface eth0
    virtual_router_id 52
    priority ${priority}
    track_interface {
        eth1
    }
    virtual_ipaddress {
        203.0.113.80/24
    }
}`;
  const { nodes, step } = lan([
    [config(100), '198.51.100.5'],
    [config(95), '198.51.100.6'],
  ]);
  const [a, b] = nodes;
  assert.ok(a !== undefined && b !== undefined);
  a.router.start();
  b.router.start();
  await step(4000);
  assert.deepEqual(a.router.status().map((s) => s.state), ['MASTER', 'MASTER']);
  a.host.setLink('eth1', false);
  await step(100);
  assert.deepEqual(a.router.status().map((s) => s.state), ['FAULT', 'FAULT']);
  await step(4500);
  assert.deepEqual(b.router.status().map((s) => s.state), ['MASTER', 'MASTER']);
});

test('reload keeps unchanged instances running in their state and restarts changed ones', async () => {
  const { nodes, step, clock } = lan([
    [fixture('mapped/case1/web1/keepalived.conf'), '198.51.100.100'],
    [fixture('mapped/case1/web2/keepalived.conf'), '198.51.100.200'],
  ]);
  const [web1] = nodes;
  assert.ok(web1 !== undefined);
  for (const n of nodes) n.router.start();
  await step(4000);
  assert.equal(web1.router.status()[0]?.state, 'MASTER');
  const transitions = web1.log.filter((l) => l.includes('Entering')).length;

  const same = loadText(fixture('mapped/case1/web1/keepalived.conf')).config;
  const reloaded = new VrrpRouter(same, { host: web1.host, clock, log: (l) => web1.log.push(l), primaryAddressOf: () => '198.51.100.100' }, web1.router);
  reloaded.takeOver(web1.router);
  web1.router = reloaded;
  await step(3000);
  assert.equal(reloaded.status()[0]?.state, 'MASTER');
  assert.equal(web1.log.filter((l) => l.includes('Entering')).length, transitions, 'no state change on an unchanged reload');
  assert.ok(web1.log.some((l) => l.includes('unchanged by the reload, keeping state MASTER')));

  const changed = loadText(fixture('mapped/case1/web1/keepalived.conf').replace('priority 100', 'priority 90')).config;
  const third = new VrrpRouter(changed, { host: web1.host, clock, log: (l) => web1.log.push(l), primaryAddressOf: () => '198.51.100.100' }, reloaded);
  third.takeOver(reloaded);
  web1.router = third;
  await step(5000);
  // priority 90 now loses to web2 (95)
  assert.equal(third.status()[0]?.state, 'BACKUP');
});

test('track_backend: a proxy backend with no server available moves the VIP (weight 0: FAULT)', async () => {
  const config = (priority: number): string => `
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority ${priority}
    virtual_ipaddress {
        198.51.100.80/24
    }
    track_backend {
        websrv
    }
}`;
  const { nodes, step } = lan([
    [config(100), '198.51.100.100'],
    [config(95), '198.51.100.200'],
  ]);
  const [a, b] = nodes;
  assert.ok(a !== undefined && b !== undefined);
  a.router.start();
  b.router.start();
  await step(4000);
  assert.equal(a.router.status()[0]?.state, 'MASTER');
  a.router.setBackendHealth('websrv', false);
  await step(100);
  assert.equal(a.router.status()[0]?.state, 'FAULT');
  assert.ok(a.log.some((l) => l.includes('backend websrv has no server available')));
  await step(4000);
  assert.equal(b.router.status()[0]?.state, 'MASTER');
  a.router.setBackendHealth('websrv', true);
  await step(5000);
  assert.equal(a.router.status()[0]?.state, 'MASTER');
});
