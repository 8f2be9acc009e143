import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { AnalyzeStatus, type PassiveReport } from '../check/passive.ts';
import { PassiveReporter } from './passive-observer.ts';

test('healthy traffic sends nothing; errors go out batched, and the success that ends a reported run too', async () => {
  const sent: PassiveReport[][] = [];
  const reporter = new PassiveReporter((reports) => sent.push(reports));
  const s1 = reporter.observe('be/s1', 'layer7');
  for (let i = 0; i < 100; i++) s1.note(AnalyzeStatus.httpOk);
  await sleep(60);
  assert.equal(sent.length, 0, 'no message while nothing fails');

  s1.note(AnalyzeStatus.httpStatus);
  s1.note(AnalyzeStatus.readTimeout);
  s1.note(AnalyzeStatus.l4Ok); // ignored by layer7
  await sleep(60);
  assert.deepEqual(sent, [[{ server: 'be/s1', errors: 2, trailing: 2, success: false, last: AnalyzeStatus.readTimeout }]]);

  s1.note(AnalyzeStatus.httpOk);
  s1.note(AnalyzeStatus.httpOk);
  await sleep(60);
  assert.deepEqual(sent[1], [{ server: 'be/s1', errors: 0, trailing: 0, success: true, last: AnalyzeStatus.readTimeout }]);
  s1.note(AnalyzeStatus.httpOk);
  await sleep(60);
  assert.equal(sent.length, 2, 'once the run is cleared, successes are silent again');
});

test('layer4 counts connection results only', async () => {
  const sent: PassiveReport[][] = [];
  const reporter = new PassiveReporter((reports) => sent.push(reports));
  const s1 = reporter.observe('be/s1', 'layer4');
  s1.note(AnalyzeStatus.httpStatus);
  s1.note(AnalyzeStatus.l4Error);
  s1.note(AnalyzeStatus.l4Ok);
  s1.note(AnalyzeStatus.l4Error);
  reporter.flush();
  assert.deepEqual(sent, [[{ server: 'be/s1', errors: 2, trailing: 1, success: true, last: AnalyzeStatus.l4Error }]]);
});
