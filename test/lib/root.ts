// Network-namespace tests need root (CAP_SYS_ADMIN and CAP_NET_ADMIN). A developer without it
// sees them skipped with the reason; CI must never pass by silently skipping them, so there a
// missing root is a failure.

import type { TestContext } from 'node:test';

export const ROOT_SKIP_REASON = 'needs root for network namespaces';

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * Returns true when the test may go on. Otherwise marks `t` skipped (outside CI) and returns
 * false, or throws (when `CI=true`), so callers write `if (!requireRoot(t)) return;`.
 */
export function requireRoot(t: TestContext): boolean {
  if (isRoot()) return true;
  if (process.env['CI'] === 'true') {
    throw new Error(`Cannot run "${t.name}" on CI: it ${ROOT_SKIP_REASON}, and CI must not skip it`);
  }
  t.skip(ROOT_SKIP_REASON);
  return false;
}
