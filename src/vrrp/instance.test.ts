import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../core/clock.ts';
import { AuthType } from './constants.ts';
import { RecordingVrrpHost } from './host.ts';
import { VrrpInstance, type InstanceConfig } from './instance.ts';

function config(name: string, priority: number, address: string, extra: Partial<InstanceConfig> = {}): InstanceConfig {
  return {
    name: 'VI_1',
    interface: 'eth0',
    family: 4,
    version: 2,
    vrid: 51,
    priority,
    advertIntervalMs: 1000,
    auth: { type: AuthType.simple, password: '1111' },
    vips: [{ address: '198.51.100.80', prefix: 24, family: 4, dev: 'eth0' }],
    excludedVips: [],
    preempt: true,
    preemptDelayMs: 0,
    primaryAddress: address,
    unicastPeers: [],
    garp: { repeat: 5, intervalMs: 0, secondBurstDelayMs: 5000, refreshMs: 0, refreshRepeat: 1 },
    notify: {},
    skipCheckAdvertAddresses: false,
    ...extra,
  };
  void name;
}

/** Two instances whose hosts deliver each other's adverts, as a LAN would (TTL 255 multicast) */
function pair(a: InstanceConfig, b: InstanceConfig, ttl = 255) {
  const clock = new FakeClock();
  const hostA = new RecordingVrrpHost();
  const hostB = new RecordingVrrpHost();
  const logA: string[] = [];
  const logB: string[] = [];
  const first = new VrrpInstance(a, hostA, clock, (l) => logA.push(l));
  const second = new VrrpInstance(b, hostB, clock, (l) => logB.push(l));
  const wire = (from: RecordingVrrpHost, to: VrrpInstance, source: string): void => {
    const send = from.send.bind(from);
    from.send = (advert) => {
      send(advert);
      to.receive({ source, destination: advert.destination, ttl, payload: advert.payload });
    };
  };
  wire(hostA, second, a.primaryAddress);
  wire(hostB, first, b.primaryAddress);
  return { clock, hostA, hostB, logA, logB, first, second };
}

test('seed case 1 end to end on a fake wire: VIP on the master, moved on stop, taken back on return', () => {
  const p = pair(config('web1', 100, '198.51.100.100'), config('web2', 95, '198.51.100.200'));
  p.first.start();
  p.second.start();
  assert.deepEqual(p.hostA.calls.slice(0, 1), ['remove 198.51.100.80']);
  p.clock.advance(4000);
  assert.equal(p.first.state, 'MASTER');
  assert.equal(p.second.state, 'BACKUP');
  assert.ok(p.hostA.addresses.has('198.51.100.80/24 dev eth0'));
  assert.ok(p.logA.includes('(VI_1) Entering MASTER STATE'));
  assert.ok(p.logB.includes('(VI_1) Entering BACKUP STATE (init)'));
  assert.ok(p.hostA.calls.includes('announce 198.51.100.80 x5 every 0ms'));
  p.clock.advance(5000);
  assert.equal(p.hostA.calls.filter((c) => c.startsWith('announce')).length, 2, 'a second burst after garp_master_delay');

  p.first.stop();
  assert.equal(p.hostA.addresses.size, 0);
  p.clock.advance(700);
  assert.equal(p.second.state, 'MASTER');
  assert.ok(p.hostB.addresses.has('198.51.100.80/24 dev eth0'));
  assert.ok(p.logB.includes('(VI_1) Backup received priority 0 advertisement'));
});

test('a wrong password is dropped and logged as keepalived does; each side then thinks it is alone', () => {
  const p = pair(config('a', 100, '198.51.100.100'), config('b', 95, '198.51.100.200', { auth: { type: AuthType.simple, password: '2222' } }));
  p.first.start();
  p.second.start();
  p.clock.advance(5000);
  assert.ok(p.logB.includes('(VI_1) received an invalid passwd!'));
  assert.equal(p.first.state, 'MASTER');
  assert.equal(p.second.state, 'MASTER');
  assert.ok(p.second.status().advertsDropped > 0);
});

test('a different advert_int is dropped (v2), a wrong TTL too', () => {
  const p = pair(config('a', 100, '198.51.100.100'), config('b', 95, '198.51.100.200', { advertIntervalMs: 2000 }));
  p.first.start();
  p.second.start();
  p.clock.advance(5000);
  assert.ok(p.logB.some((l) => l === "(VI_1) advertisement interval mismatch mine=2 sec rcv'd=1 sec"));
  const t = pair(config('a', 100, '198.51.100.100'), config('b', 95, '198.51.100.200'), 64);
  t.first.start();
  t.second.start();
  t.clock.advance(5000);
  assert.ok(t.logB.includes('(VI_1) invalid TTL/HL. Received 64 and expect 255'));
  assert.equal(t.second.state, 'MASTER');
});

test('notify scripts: the specific one, and `notify` with keepalived\'s arguments', () => {
  const notify = {
    master: { command: '/etc/keepalived/master.sh', args: [], timeoutMs: 5000 },
    backup: { command: '/etc/keepalived/backup.sh', args: ['x'], timeoutMs: 5000 },
    any: { command: '/etc/keepalived/notify.sh', args: [], timeoutMs: 5000 },
  };
  const p = pair(config('a', 100, '198.51.100.100', { notify }), config('b', 95, '198.51.100.200'));
  p.first.start();
  p.clock.advance(4000);
  assert.deepEqual(
    p.hostA.scripts.map((s) => [s.command, ...s.args].join(' ')),
    ['/etc/keepalived/backup.sh x', '/etc/keepalived/notify.sh INSTANCE VI_1 BACKUP 100', '/etc/keepalived/master.sh', '/etc/keepalived/notify.sh INSTANCE VI_1 MASTER 100'],
  );
});

test('unicast peers get the advert instead of the multicast group; v3 adverts check out at the peer', () => {
  const p = pair(
    config('a', 100, '198.51.100.100', { version: 3, auth: { type: AuthType.none, password: '' }, unicastPeers: ['198.51.100.200'] }),
    config('b', 95, '198.51.100.200', { version: 3, auth: { type: AuthType.none, password: '' }, unicastPeers: ['198.51.100.100'] }),
  );
  p.first.start();
  p.second.start();
  p.clock.advance(5000);
  assert.equal(p.first.state, 'MASTER');
  assert.equal(p.second.state, 'BACKUP');
  assert.ok(p.hostA.sent.every((s) => s.destination === '198.51.100.200'));
  assert.equal(p.second.status().advertsDropped, 0);
});
