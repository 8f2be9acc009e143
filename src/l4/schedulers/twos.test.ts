import assert from 'node:assert/strict';
import { it } from 'node:test';
import { twos } from './twos.ts';
import { FakeCounts, makeOptions, makeServers, seededRandom, tally, variedFlow } from './testing.ts';

it('twos takes the less loaded of its two draws, so a loaded server gets only flows where both draws hit it', () => {
  const counts = new FakeCounts().set('s0', 10);
  const scheduler = twos.build(makeServers([1, 1]), makeOptions({ counts, random: seededRandom(3) }));
  const shares = tally(Array.from({ length: 20_000 }, (_, i) => scheduler.schedule(variedFlow(i))?.id));
  const loaded = (shares.get('s0') ?? 0) / 20_000;
  assert.ok(Math.abs(loaded - 0.25) < 0.02, `loaded server got ${(loaded * 100).toFixed(1)}%`);
});
