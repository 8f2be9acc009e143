import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BalanceServer } from './balancer.ts';
import { roundRobin } from './roundrobin.ts';
import { buildSelection, type ServerEntry } from './select.ts';
import { makeOptions, makeRequest, makeServers } from './testing.ts';

const request = makeRequest();
// s0 s1 active, s2 s3 s4 backups
const servers = makeServers([1, 1, 1, 1, 1]);

function entries(serving: readonly number[], weights: Readonly<Record<number, number>> = {}): ServerEntry[] {
  return servers.map((server: BalanceServer) => ({
    server: { ...server, weight: weights[server.index] ?? server.weight },
    serving: serving.includes(server.index),
    backup: server.index >= 2,
  }));
}

function picks(serving: readonly number[], allBackups: boolean, weights?: Readonly<Record<number, number>>) {
  const selection = buildSelection(entries(serving, weights), roundRobin, makeOptions(), { allBackups });
  const names = new Set(Array.from({ length: 12 }, () => selection.balancer.pick(request)?.name));
  return { usingBackups: selection.usingBackups, names: [...names].sort() };
}

describe('backend server selection', () => {
  it('balances over the serving active servers and leaves backups idle', () => {
    assert.deepEqual(picks([0, 1, 2, 3, 4], false), { usingBackups: false, names: ['s0', 's1'] });
    assert.deepEqual(picks([1, 2, 3], false), { usingBackups: false, names: ['s1'] });
  });

  it('uses only the first serving backup when no active server serves', () => {
    assert.deepEqual(picks([2, 3, 4], false), { usingBackups: true, names: ['s2'] });
    assert.deepEqual(picks([3, 4], false), { usingBackups: true, names: ['s3'] });
  });

  it('balances over every serving backup with option allbackups', () => {
    assert.deepEqual(picks([2, 3, 4], true), { usingBackups: true, names: ['s2', 's3', 's4'] });
    assert.deepEqual(picks([2, 4], true), { usingBackups: true, names: ['s2', 's4'] });
  });

  it('counts active servers drained to weight 0 as not serving', () => {
    assert.deepEqual(picks([0, 1, 3], false, { 0: 0, 1: 0 }), { usingBackups: true, names: ['s3'] });
  });

  it('returns no server when nothing serves', () => {
    const selection = buildSelection(entries([]), roundRobin, makeOptions(), { allBackups: true });
    assert.equal(selection.balancer.pick(request), undefined);
    assert.equal(selection.usingBackups, false);
    assert.deepEqual(selection.servers, []);
  });

  it('picks the first backup by configured position, whatever the entry order', () => {
    const reversed = entries([3, 4]).reverse();
    const selection = buildSelection(reversed, roundRobin, makeOptions(), { allBackups: false });
    assert.deepEqual(selection.servers.map((s) => s.name), ['s3']);
  });
});
