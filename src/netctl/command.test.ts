import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandFailure, runCommand } from './command.ts';
import { NetctlErrorCode } from './errors.ts';

test('a command runs asynchronously with input, and a timeout is a result', async () => {
  const echoed = await runCommand(['cat'], { timeoutMs: 5_000, input: 'hello' });
  assert.deepEqual([echoed.code, echoed.stdout, echoed.timedOut], [0, 'hello', false]);
  const slow = await runCommand(['sleep', '10'], { timeoutMs: 100 });
  assert.equal(slow.timedOut, true);
  assert.equal(commandFailure('wait', slow).code, NetctlErrorCode.timeout);
  await assert.rejects(runCommand(['/nonexistent/x'], { timeoutMs: 1_000 }), { code: NetctlErrorCode.command, errno: 'ENOENT' });
});
