// One suite over every check type: the promises of the Checker interface that the engine relies on,
// whatever the kind. A new kind adds its sample spec here and is held to the same contract.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createChecker, registeredCheckerKinds, type CheckSpec } from '../checker.ts';
import { isPassing } from './probe.ts';
import './index.ts';
import { local, neverAborted, refusedPort, timeouts } from './servers.fixture.ts';

/** A spec per kind that cannot pass against a refused port (misc: a script that fails) */
const samples: Readonly<Record<string, CheckSpec>> = {
  'tcp-connect': { kind: 'tcp-connect' },
  http: { kind: 'http', requests: [{ path: '/' }] } as CheckSpec,
  'tcp-check': { kind: 'tcp-check', rules: [{ action: 'send', data: 'x' }] } as CheckSpec,
  misc: { kind: 'misc', command: '/bin/false' } as CheckSpec,
  dns: { kind: 'dns' },
  smtp: { kind: 'smtp' },
};

test('every check type is registered by importing checkers/index.ts', () => {
  assert.deepEqual(registeredCheckerKinds().sort(), Object.keys(samples).sort());
});

for (const [kind, spec] of Object.entries(samples)) {
  test(`${kind}: a failing target resolves (never rejects) to a failing outcome with a status, info and duration`, async () => {
    const checker = createChecker(spec);
    assert.equal(checker.kind, kind);
    assert.ok(checker.description.length > 0);
    const outcome = await checker.run(local(await refusedPort()), timeouts(500, 1000), neverAborted);
    assert.equal(outcome.ok, false);
    assert.equal(isPassing(outcome.status), false);
    assert.ok(outcome.info.length > 0, 'a failure says why');
    assert.ok(Number.isInteger(outcome.durationMs) && outcome.durationMs >= 0 && outcome.durationMs < 1000);
  });

  test(`${kind}: an already aborted signal ends the check at once`, async () => {
    const outcome = await createChecker(spec).run(local(await refusedPort()), timeouts(500, 1000), AbortSignal.abort());
    assert.deepEqual([outcome.ok, outcome.info], [false, 'Check aborted']);
    assert.ok(outcome.durationMs < 50);
  });
}
