// Conformance over every LVS scheduler name keepalived accepts: each has a kernel form, picks
// only servers it was given, and says when it approximates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lvsSchedulers } from '../../config/keepalived/model.ts';
import { kernelSchedulers } from './schedulers.ts';

const input = { weights: [3, 1], names: ['198.51.100.100:80', '198.51.100.200:80'], protocol: 'tcp' as const, flags: [], maxSlots: 1024 };

for (const name of lvsSchedulers) {
  test(`scheduler ${name} has a kernel form that only picks given servers`, () => {
    const scheduler = kernelSchedulers[name];
    const selection = scheduler.select(input);
    assert.ok(selection.slots.length > 0);
    assert.ok(selection.slots.every((server) => server === 0 || server === 1));
    if (selection.expression !== undefined) assert.match(selection.expression, / mod \d+/);
    if (selection.expression !== undefined) assert.ok(selection.expression.endsWith(`mod ${selection.slots.length}`) || selection.expression.includes(`mod ${selection.slots.length} seed`));
  });
}

test('exact schedulers say nothing; the connection-counting ones say what runs instead', () => {
  for (const name of ['rr', 'wrr', 'sh', 'dh', 'mh', 'fo'] as const) assert.equal(kernelSchedulers[name].approximation, undefined, name);
  for (const name of ['lc', 'wlc', 'sed', 'nq'] as const) assert.match(kernelSchedulers[name].approximation ?? '', /wrr/);
  assert.match(kernelSchedulers.ovf.approximation ?? '', /fo/);
});

test('rr ignores weights, wrr follows them, fo sends everything to the heaviest', () => {
  assert.deepEqual(kernelSchedulers.rr.select(input), { expression: 'numgen inc mod 2', slots: [0, 1] });
  assert.deepEqual(kernelSchedulers.wrr.select(input), { expression: 'numgen inc mod 4', slots: [0, 0, 0, 1] });
  assert.deepEqual(kernelSchedulers.fo.select({ ...input, weights: [1, 5] }).slots, [1]);
});

test('sh hashes the client address with a fixed seed, and its port with sh-port', () => {
  assert.match(kernelSchedulers.sh.select(input).expression ?? '', /^jhash ip saddr mod 256 seed 0x[0-9a-f]+$/);
  assert.match(kernelSchedulers.sh.select({ ...input, flags: ['sh-port'] }).expression ?? '', /^jhash ip saddr \. tcp sport mod 256/);
  assert.match(kernelSchedulers.dh.select(input).expression ?? '', /^jhash ip daddr/);
});
