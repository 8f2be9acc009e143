import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leastConnections } from './leastconn.ts';
import { FakeLoad, makeOptions, makeRequest, makeServers } from './testing.ts';

const request = makeRequest();

describe('balance leastconn', () => {
  it('picks the server with the fewest active connections', () => {
    const load = new FakeLoad();
    load.set(0, 5);
    load.set(1, 2);
    load.set(2, 7);
    const b = leastConnections.build(makeServers([1, 1, 1]), makeOptions({ load }));
    assert.deepEqual([1, 2, 3].map(() => b.pick(request)?.name), ['s1', 's1', 's1']);
    load.set(1, 9);
    assert.equal(b.pick(request)?.name, 's0');
  });

  it('weighs connections against weight: 5 on weight 3 is lighter than 2 on weight 1', () => {
    const load = new FakeLoad();
    load.set(0, 5); // (5+1)/3 = 2
    load.set(1, 2); // (2+1)/1 = 3
    const b = leastConnections.build(makeServers([3, 1]), makeOptions({ load }));
    assert.equal(b.pick(request)?.name, 's0');
  });

  it('prefers an idle server to any busy one, whatever the weights', () => {
    const load = new FakeLoad();
    load.set(0, 1);
    const b = leastConnections.build(makeServers([100, 1]), makeOptions({ load }));
    assert.equal(b.pick(request)?.name, 's1');
  });

  it('takes turns between servers with equal load, so a burst is spread before counts move', () => {
    const load = new FakeLoad();
    for (const index of [0, 1, 2]) load.set(index, 4);
    const b = leastConnections.build(makeServers([1, 1, 1]), makeOptions({ load }));
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => b.pick(request)?.name), ['s0', 's1', 's2', 's0', 's1', 's2']);
  });

  it('skips excluded servers even when they are the least loaded', () => {
    const load = new FakeLoad();
    load.set(0, 9);
    const b = leastConnections.build(makeServers([1, 1]), makeOptions({ load }));
    assert.equal(b.pick(request, new Set([1]))?.name, 's0');
  });
});
