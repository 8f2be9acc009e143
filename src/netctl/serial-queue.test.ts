import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SerialQueue } from './serial-queue.ts';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('tasks under one key run one at a time in order; other keys run alongside', async () => {
  const queue = new SerialQueue();
  const log: string[] = [];
  const task = (name: string, ms: number, fail = false) => async () => {
    log.push(`start ${name}`);
    await later(ms);
    log.push(`end ${name}`);
    if (fail) throw new Error(name);
    return name;
  };
  const results = await Promise.allSettled([
    queue.run('eth0', task('a', 20, true)),
    queue.run('eth0', task('b', 1)),
    queue.run('eth1', task('c', 1)),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'fulfilled', 'fulfilled']);
  assert.deepEqual(log, ['start a', 'start c', 'end c', 'end a', 'start b', 'end b']);
  await later(0);
  assert.deepEqual(queue.busyKeys, []);
});
