import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptSocketsFor, defaultAcceptSockets, maxAcceptSockets } from './accept-sockets.ts';

test('tune.maxaccept sets the listening sockets per address, within 1 and the cap', () => {
  assert.equal(acceptSocketsFor(undefined), defaultAcceptSockets);
  assert.equal(acceptSocketsFor(['8']), 8);
  assert.equal(acceptSocketsFor(['1']), 1);
  assert.equal(acceptSocketsFor(['0']), 1, 'none at all would never accept');
  assert.equal(acceptSocketsFor(['-1']), maxAcceptSockets, 'HAProxy: -1 is unlimited');
  assert.equal(acceptSocketsFor(['100000']), maxAcceptSockets);
});
