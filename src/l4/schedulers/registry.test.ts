import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lvsSchedulers } from '../../config/keepalived/model.ts';
import { DEFAULT_LVS_SCHEDULER, findLvsScheduler, lvsSchedulerAlgorithms } from './registry.ts';

it('registers every scheduler keepalived accepts, under its own name', () => {
  assert.deepEqual([...lvsSchedulerAlgorithms.keys()].sort(), [...lvsSchedulers].sort());
  for (const [name, algorithm] of lvsSchedulerAlgorithms) assert.equal(algorithm.name, name);
});

it('defaults to wlc as keepalived does, and suggests a near name for a typo', () => {
  assert.equal(DEFAULT_LVS_SCHEDULER, 'wlc');
  const lookup = findLvsScheduler(undefined);
  assert.ok(lookup.ok && lookup.algorithm.name === 'wlc');
  const typo = findLvsScheduler('wrrr');
  assert.ok(!typo.ok);
  assert.match(typo.error, /Unknown LVS scheduler "wrrr"; did you mean 'wrr'\?/);
});
