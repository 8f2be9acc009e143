import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../core/clock.ts';
import { compareAddresses, VrrpStateMachine, type MachineConfig, type MachineEvent, type VrrpState } from './state-machine.ts';

/** Routers on one fake LAN: every advert one sends reaches the others at once */
class Lan {
  readonly clock = new FakeClock();
  readonly routers = new Map<string, { machine: VrrpStateMachine; log: MachineEvent[]; online: boolean; config: MachineConfig }>();

  add(name: string, priority: number, address: string, extra: Partial<MachineConfig> = {}): VrrpStateMachine {
    const config: MachineConfig = { name: 'VI_1', version: 2, priority, advertIntervalMs: 1000, preempt: true, preemptDelayMs: 0, primaryAddress: address, ...extra };
    const log: MachineEvent[] = [];
    const entry = { machine: undefined as unknown as VrrpStateMachine, log, online: true, config };
    entry.machine = new VrrpStateMachine(config, this.clock, (event) => {
      log.push(event);
      if (event.type !== 'send' || !entry.online) return;
      for (const [other, peer] of this.routers) {
        if (other === name || !peer.online) continue;
        peer.machine.receive({ priority: event.priority, intervalCs: Math.round(config.advertIntervalMs / 10), source: address });
      }
    });
    this.routers.set(name, entry);
    return entry.machine;
  }

  state(name: string): VrrpState {
    return this.routers.get(name)?.machine.state ?? 'INIT';
  }

  /** advances in 10 ms steps until `done`, returns the time it took */
  until(done: () => boolean, limitMs = 20_000): number {
    const start = this.clock.now();
    while (!done()) {
      assert.ok(this.clock.now() - start < limitMs, 'condition never reached');
      this.clock.advance(10);
    }
    return this.clock.now() - start;
  }

  /** SIGKILL: the router vanishes without a word */
  crash(name: string): void {
    const entry = this.routers.get(name);
    if (entry !== undefined) entry.online = false;
  }
}

function seedCase1(): Lan {
  const lan = new Lan();
  lan.add('web1', 100, '198.51.100.100');
  lan.add('web2', 95, '198.51.100.200');
  return lan;
}

test('seed case 1: both start as backup, the priority-100 node becomes master after its down interval', () => {
  const lan = seedCase1();
  for (const r of lan.routers.values()) r.machine.start();
  assert.equal(lan.state('web1'), 'BACKUP');
  const took = lan.until(() => lan.state('web1') === 'MASTER');
  // 3 x 1 s + (256 - 100) / 256 s
  assert.ok(Math.abs(took - 3609) <= 10, `${took}`);
  lan.clock.advance(10_000);
  assert.equal(lan.state('web1'), 'MASTER');
  assert.equal(lan.state('web2'), 'BACKUP');
});

test('a clean stop (priority 0) hands over after the backup\'s skew time only', () => {
  const lan = seedCase1();
  for (const r of lan.routers.values()) r.machine.start();
  lan.until(() => lan.state('web1') === 'MASTER');
  lan.clock.advance(2000);
  const web1 = lan.routers.get('web1');
  web1?.machine.stop();
  assert.equal(web1?.log.filter((e) => e.type === 'send').at(-1)?.type === 'send' && (web1.log.filter((e) => e.type === 'send').at(-1) as { priority: number }).priority, 0);
  if (web1 !== undefined) web1.online = false;
  const took = lan.until(() => lan.state('web2') === 'MASTER');
  // skew of priority 95: (256 - 95) / 256 s, about 629 ms (keepalived measured ~635 ms)
  assert.ok(took >= 620 && took <= 640, `${took}`);
});

test('a crash (no adverts) hands over after 3 x advert_int + skew', () => {
  const lan = seedCase1();
  for (const r of lan.routers.values()) r.machine.start();
  lan.until(() => lan.state('web1') === 'MASTER');
  lan.clock.advance(1500);
  lan.crash('web1');
  const took = lan.until(() => lan.state('web2') === 'MASTER');
  assert.ok(took >= 3629 - 1000 && took <= 3629 + 10, `${took}`);
});

test('a returning higher-priority node preempts back; with nopreempt it does not', () => {
  for (const preempt of [true, false]) {
    const lan = new Lan();
    const web1 = lan.add('web1', 100, '198.51.100.100', { preempt });
    lan.add('web2', 95, '198.51.100.200');
    lan.routers.get('web2')?.machine.start();
    lan.until(() => lan.state('web2') === 'MASTER');
    web1.start();
    lan.clock.advance(10_000);
    assert.equal(lan.state('web1'), preempt ? 'MASTER' : 'BACKUP');
    assert.equal(lan.state('web2'), preempt ? 'BACKUP' : 'MASTER');
  }
});

test('preempt_delay holds the takeover back', () => {
  const lan = new Lan();
  const web1 = lan.add('web1', 100, '198.51.100.100', { preemptDelayMs: 8000 });
  lan.add('web2', 95, '198.51.100.200');
  lan.routers.get('web2')?.machine.start();
  lan.until(() => lan.state('web2') === 'MASTER');
  web1.start();
  lan.clock.advance(7000);
  assert.equal(lan.state('web1'), 'BACKUP');
  const took = lan.until(() => lan.state('web1') === 'MASTER');
  assert.ok(took <= 1000 + 3700, `${took}`);
});

test('equal priorities: when a partition heals, the higher primary address stays master', () => {
  const lan = new Lan();
  const low = lan.add('a', 100, '198.51.100.5');
  const high = lan.add('b', 100, '198.51.100.6');
  // partitioned: each hears nothing and becomes master
  lan.crash('a');
  lan.crash('b');
  low.start();
  high.start();
  lan.clock.advance(5000);
  assert.equal(low.state, 'MASTER');
  assert.equal(high.state, 'MASTER');
  for (const r of lan.routers.values()) r.online = true;
  lan.clock.advance(3000);
  assert.equal(lan.state('b'), 'MASTER');
  assert.equal(lan.state('a'), 'BACKUP');
  assert.ok(compareAddresses('10.0.0.10', '10.0.0.9') > 0);
  assert.ok(compareAddresses('2001:db8::2', '2001:db8::1') > 0);
});

test('the address owner (priority 255) is master at once', () => {
  const lan = new Lan();
  const owner = lan.add('owner', 255, '198.51.100.80');
  owner.start();
  assert.equal(owner.state, 'MASTER');
  assert.equal(lan.routers.get('owner')?.log.some((e) => e.type === 'send' && e.priority === 255), true);
});

test('a master hearing a lower priority answers at once (keepalived forces the election)', () => {
  const lan = new Lan();
  const master = lan.add('m', 100, '198.51.100.5');
  master.start();
  lan.until(() => master.state === 'MASTER');
  const log = lan.routers.get('m')?.log ?? [];
  const before = log.filter((e) => e.type === 'send').length;
  master.receive({ priority: 50, intervalCs: 100, source: '198.51.100.9' });
  assert.equal(log.filter((e) => e.type === 'send').length, before + 1);
  assert.ok(log.some((e) => e.type === 'log' && e.text.includes('forcing new election')));
});

test('masters advertise every advert_int; FAULT stops them and recovery starts as backup', () => {
  const lan = new Lan();
  const m = lan.add('m', 100, '198.51.100.5');
  m.start();
  lan.until(() => m.state === 'MASTER');
  const log = lan.routers.get('m')?.log ?? [];
  const sent = (): number => log.filter((e) => e.type === 'send').length;
  const before = sent();
  lan.clock.advance(5000);
  assert.equal(sent() - before, 5);
  m.setFault(true, 'eth0 down');
  assert.equal(m.state, 'FAULT');
  const faulted = sent();
  lan.clock.advance(5000);
  assert.equal(sent(), faulted);
  m.setFault(false, 'eth0 up');
  assert.equal(m.state, 'BACKUP');
  lan.until(() => m.state === 'MASTER');
});

test('v3 uses centisecond intervals and scales the skew with the master\'s interval', () => {
  const lan = new Lan();
  const a = lan.add('a', 100, '198.51.100.5', { version: 3, advertIntervalMs: 100 });
  a.start();
  const took = lan.until(() => a.state === 'MASTER');
  // 3 x 100 ms + (256 - 100) x 100 / 256 ms = 360.9 ms
  assert.ok(took >= 360 && took <= 370, `${took}`);
});

test('tracking lowers the effective priority; a backup that now outranks the master takes over', () => {
  const lan = seedCase1();
  for (const r of lan.routers.values()) r.machine.start();
  lan.until(() => lan.state('web1') === 'MASTER');
  lan.routers.get('web1')?.machine.setPriority(90);
  const took = lan.until(() => lan.state('web2') === 'MASTER');
  assert.ok(took < 5000, `${took}`);
  assert.equal(lan.state('web1'), 'BACKUP');
});
