import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SliceNudge, sliceNudge } from './slice-nudge.ts';

function fake(): { nudge: SliceNudge; turns: (() => void)[]; clock: { ms: number }; accounted: () => number } {
  const turns: (() => void)[] = [];
  const clock = { ms: 0 };
  let accounted = 0;
  const nudge = new SliceNudge({ account: () => accounted++, now: () => clock.ms, afterTurn: (callback) => turns.push(callback) }, 0.25);
  return { nudge, turns, clock, accounted: () => accounted };
}

test('off, reads schedule nothing', () => {
  const { nudge, turns } = fake();
  for (let read = 0; read < 10; read++) nudge.noteRead();
  assert.equal(turns.length, 0);
});

test('on, a turn of many reads asks the kernel once, after the turn', () => {
  const { nudge, turns, clock, accounted } = fake();
  nudge.enable(true);
  clock.ms = 10;
  for (let read = 0; read < 100; read++) nudge.noteRead();
  assert.equal(turns.length, 1);
  assert.equal(accounted(), 0, 'not in the middle of the turn');
  (turns.shift() as () => void)();
  assert.equal(accounted(), 1);
  // the next turn arms it again
  nudge.noteRead();
  assert.equal(turns.length, 1);
});

test('short turns in a row ask at most once per interval', () => {
  const { nudge, turns, clock, accounted } = fake();
  nudge.enable(true);
  for (let turn = 0; turn < 100; turn++) {
    clock.ms = turn * 0.01;
    nudge.noteRead();
    (turns.shift() as () => void)();
  }
  // 1 ms of turns, 0.25 ms apart at most: the first, then at 0.25, 0.5 and 0.75 ms
  assert.equal(accounted(), 4);
});

test('the thread-wide nudge runs after the turn and accounts through process.cpuUsage', async () => {
  sliceNudge.enable(true);
  try {
    const before = sliceNudge.accounted;
    sliceNudge.noteRead();
    sliceNudge.noteRead();
    assert.equal(sliceNudge.accounted, before);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(sliceNudge.accounted, before + 1);
  } finally {
    sliceNudge.enable(false);
  }
});
