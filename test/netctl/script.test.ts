// The real ScriptPort: exit codes, a timeout that reaches the script's children, another user.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinuxScriptPort } from '../../src/netctl/script-linux.ts';
import { NetctlErrorCode } from '../../src/netctl/errors.ts';
import { requireRoot } from '../lib/root.ts';

const port = new LinuxScriptPort();

test('a script reports its exit code', async () => {
  const passed = await port.run({ argv: ['sh', '-c', 'exit 0'], timeoutMs: 5_000 });
  assert.ok(passed.ok && passed.value.code === 0 && !passed.value.timedOut);
  const failed = await port.run({ argv: ['sh', '-c', 'exit 3'], timeoutMs: 5_000, env: { X: '1' } });
  assert.ok(failed.ok && failed.value.code === 3);
  const env = await port.run({ argv: ['sh', '-c', 'test "$VIGIL_STATE" = MASTER'], timeoutMs: 5_000, env: { VIGIL_STATE: 'MASTER' } });
  assert.ok(env.ok && env.value.code === 0);
});

test('a script that overruns is killed with everything it started', { timeout: 10_000 }, async () => {
  const started = performance.now();
  // The child sleep ignores nothing but would outlive a plain kill of sh; the group kill ends it.
  const result = await port.run({ argv: ['sh', '-c', 'sleep 30 & wait'], timeoutMs: 200, killGraceMs: 200 });
  assert.ok(result.ok && result.value.timedOut && result.value.code === null);
  assert.ok(performance.now() - started < 2_000);
});

test('a missing program or user is a failure, not an exception', async () => {
  const missing = await port.run({ argv: ['/nonexistent/notify'], timeoutMs: 1_000 });
  assert.ok(!missing.ok && missing.error.code === NetctlErrorCode.command && missing.error.errno === 'ENOENT');
  const nobody = await port.run({ argv: ['true'], timeoutMs: 1_000, user: 'vigil-no-such-user' });
  assert.ok(!nobody.ok && nobody.error.code === NetctlErrorCode.invalid);
});

test('a script runs as the given user', async (t) => {
  if (!requireRoot(t)) return;
  const result = await port.run({ argv: ['sh', '-c', 'test "$(id -u)" = 65534'], timeoutMs: 5_000, user: 'nobody' });
  assert.ok(result.ok && result.value.code === 0, JSON.stringify(result));
});
