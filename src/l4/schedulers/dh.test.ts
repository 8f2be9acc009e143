import assert from 'node:assert/strict';
import { it } from 'node:test';
import { dh } from './dh.ts';
import { hash32, foldAddress } from './address.ts';
import { flow, makeOptions, makeServers } from './testing.ts';

it('dh follows the destination address, not the client', () => {
  const scheduler = dh.build(makeServers([1, 1, 1]), makeOptions());
  const ids = new Set(Array.from({ length: 300 }, (_, i) => scheduler.schedule(flow({ sourceAddress: `10.2.${i >> 8}.${i & 255}`, destinationAddress: '198.51.100.15' }))?.id));
  assert.equal(ids.size, 1);
  // buckets are dealt round robin, so bucket b holds server b mod 3
  assert.deepEqual(ids, new Set([`s${hash32(foldAddress('198.51.100.15'), 8) % 3}`]));
});
