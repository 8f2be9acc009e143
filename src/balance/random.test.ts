import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { random } from './random.ts';
import { FakeLoad, makeOptions, makeRequest, makeServers, seededRandom, tally } from './testing.ts';

const request = makeRequest();
const PICKS = 30_000;

/** Share of picks that land on server 0 while it holds 50 connections and the others none */
function busyShare(args: readonly string[]): number {
  const load = new FakeLoad();
  load.set(0, 50);
  const b = random.build(makeServers([1, 1, 1]), makeOptions({ args, load, random: seededRandom(3) }));
  const counts = tally(Array.from({ length: PICKS }, () => b.pick(request)?.name));
  return (counts.get('s0') ?? 0) / PICKS;
}

describe('balance random', () => {
  it('avoids a busy server more the more draws it makes', () => {
    const one = busyShare(['1']); // a plain weighted draw: about 1/3
    const two = busyShare([]); // busy only when both draws hit it: about 1/9
    const three = busyShare(['3']); // about 1/27
    assert.ok(Math.abs(one - 1 / 3) < 0.02, `random(1) gave the busy server ${one}`);
    assert.ok(Math.abs(two - 1 / 9) < 0.02, `random gave the busy server ${two}`);
    assert.ok(Math.abs(three - 1 / 27) < 0.02, `random(3) gave the busy server ${three}`);
  });

  it('compares load per unit of weight', () => {
    const load = new FakeLoad();
    load.set(0, 6); // 6 connections on weight 3: 2 each
    load.set(1, 3); // 3 connections on weight 1: 3 each
    const b = random.build(makeServers([3, 1]), makeOptions({ args: ['10'], load, random: seededRandom(5) }));
    const counts = tally(Array.from({ length: 1000 }, () => b.pick(request)?.name));
    assert.equal(counts.get('s0'), 1000);
  });

  it('still finds the one allowed server when almost all the weight is excluded', () => {
    const b = random.build(makeServers([1000, 1000, 1]), makeOptions({ random: seededRandom(9) }));
    for (let i = 0; i < 100; i++) assert.equal(b.pick(request, new Set([0, 1]))?.name, 's2');
  });

  it('takes its draw count in parentheses', () => {
    assert.equal(random.validate([]), undefined);
    assert.equal(random.validate(['5']), undefined);
    assert.match(random.validate(['0']) ?? '', /positive integer/);
    assert.match(random.validate(['two']) ?? '', /Cannot use "two" as the random draw count/);
    assert.match(random.validate(['2', 'x']) ?? '', /takes only a draw count/);
  });
});
