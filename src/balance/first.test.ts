import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { first } from './first.ts';
import { FakeLoad, makeOptions, makeRequest, makeServers } from './testing.ts';

const request = makeRequest();

describe('balance first', () => {
  it('fills the first server up to its maxconn, then overflows to the next, then comes back', () => {
    const load = new FakeLoad();
    const b = first.build(makeServers([1, 1, 1], 2), makeOptions({ load }));
    const picks: (string | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      const server = b.pick(request);
      picks.push(server?.name);
      if (server !== undefined) load.add(server.index, 1);
    }
    assert.deepEqual(picks, ['s0', 's0', 's1', 's1', 's2']);
    load.add(0, -1); // a connection on s0 ends
    assert.equal(b.pick(request)?.name, 's0');
  });

  it('returns no server when every server is at its maxconn, so the request can queue', () => {
    const load = new FakeLoad();
    load.set(0, 3);
    load.set(1, 3);
    const b = first.build(makeServers([1, 1], 3), makeOptions({ load }));
    assert.equal(b.pick(request), undefined);
  });

  it('orders servers by configured position, not snapshot order', () => {
    const [s0, s1, s2] = makeServers([1, 1, 1]);
    const b = first.build([s2!, s0!, s1!], makeOptions());
    assert.equal(b.pick(request)?.name, 's0');
    assert.equal(b.pick(request, new Set([0]))?.name, 's1');
  });

  it('treats maxconn 0 as no limit', () => {
    const load = new FakeLoad();
    load.set(0, 100_000);
    const b = first.build(makeServers([1, 1]), makeOptions({ load }));
    assert.equal(b.pick(request)?.name, 's0');
  });
});
