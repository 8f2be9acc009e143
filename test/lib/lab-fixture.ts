// node:test glue for labs: the lab is taken down however the test ends (pass, failed assertion,
// thrown error, timeout), a failing test prints where the logs are and the tail of every
// process's output, and a passing test's logs are deleted unless VIGIL_KEEP_LAB_LOGS=1.

import type { TestContext } from 'node:test';
import { Lab, type LabOptions } from './netns.ts';

export interface LabFixtureOptions extends LabOptions {
  /** Print the lab's failure report when the test fails. Defaults to true. */
  readonly reportFailure?: boolean;
}

/**
 * Creates a lab, hands it to `body`, and always takes it down. Rejects with the body's error.
 *
 *   await withLab(t, 'case2', async (lab) => { ...declare...; await lab.up(); ...assert... });
 */
export async function withLab<T>(
  t: TestContext,
  name: string,
  body: (lab: Lab) => Promise<T>,
  options: LabFixtureOptions = {},
): Promise<T> {
  const lab = await Lab.create(name, options);
  // Also registered as a hook: if the test times out, node:test abandons `body` but still runs
  // its after hooks. down() is idempotent, so the normal path below does no harm.
  t.after(() => lab.down());
  let result: T;
  try {
    result = await body(lab);
  } catch (error) {
    if (options.reportFailure !== false) t.diagnostic(lab.failureReport());
    await lab.down().catch((downError: unknown) => t.diagnostic(`lab teardown also failed: ${String(downError)}`));
    throw error;
  }
  await lab.down();
  if (!keepLogs()) await lab.removeLogs();
  return result;
}

/**
 * Creates a lab whose teardown is registered with `t.after`, for tests that prefer a fixture
 * to a callback. The report and log cleanup depend on `t.passed` when the hook runs.
 */
export async function labFixture(t: TestContext, name: string = t.name, options: LabFixtureOptions = {}): Promise<Lab> {
  const lab = await Lab.create(name, options);
  t.after(async () => {
    const passed = t.passed;
    if (!passed && options.reportFailure !== false) t.diagnostic(lab.failureReport());
    await lab.down();
    if (passed && !keepLogs()) await lab.removeLogs();
  });
  return lab;
}

function keepLogs(): boolean {
  return process.env['VIGIL_KEEP_LAB_LOGS'] === '1';
}
