import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FakeClock } from '../../core/clock.ts';
import { PersistenceTable } from './persistence.ts';

it('keeps a client on its server while connections are open and for the timeout after the last ends', () => {
  const clock = new FakeClock();
  const table = new PersistenceTable({ timeoutMs: 50_000, now: () => clock.now() });
  const template = table.bind('198.51.100.7', 's1');
  table.opened(template);
  clock.advance(600_000); // a long connection: the template outlives the timeout while it is open
  assert.equal(table.find('198.51.100.7')?.serverId, 's1');
  table.closed(template);
  clock.advance(49_999);
  assert.equal(table.find('198.51.100.7')?.serverId, 's1');
  clock.advance(1);
  assert.equal(table.find('198.51.100.7'), undefined);
  assert.equal(table.size, 0);
});

it('a new connection restarts the timeout', () => {
  const clock = new FakeClock();
  const table = new PersistenceTable({ timeoutMs: 10_000, now: () => clock.now() });
  const template = table.bind('198.51.100.7', 's0');
  clock.advance(9_000);
  table.opened(table.find('198.51.100.7')!);
  table.closed(template);
  clock.advance(9_000);
  assert.equal(table.find('198.51.100.7')?.serverId, 's0');
});

it('groups clients by the granularity netmask or prefix length', () => {
  const clock = new FakeClock();
  const table = new PersistenceTable({ timeoutMs: 1000, granularity: '255.255.255.0', now: () => clock.now() });
  table.bind('198.51.100.7', 's2');
  assert.equal(table.find('198.51.100.200')?.serverId, 's2');
  assert.equal(table.find('198.51.101.7'), undefined);
  const v6 = new PersistenceTable({ timeoutMs: 1000, granularity: '64', now: () => clock.now() });
  v6.bind('2001:db8:0:1::5', 's0');
  assert.equal(v6.find('2001:db8:0:1:ffff::9')?.serverId, 's0');
  assert.throws(() => new PersistenceTable({ timeoutMs: 1000, granularity: 'wide', now: () => 0 }), /Cannot use persistence granularity "wide"/);
});

it('sweeps expired templates and drops those of removed servers', () => {
  const clock = new FakeClock();
  const table = new PersistenceTable({ timeoutMs: 1000, now: () => clock.now() });
  table.bind('10.0.0.1', 's0');
  table.bind('10.0.0.2', 's1');
  table.opened(table.bind('10.0.0.3', 's1'));
  assert.equal(table.dropServers(new Set(['s0'])), 1);
  clock.advance(1000);
  assert.equal(table.sweep(), 1);
  assert.equal(table.size, 1, 'the template with an open connection stays');
});
