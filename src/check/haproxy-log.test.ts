import assert from 'node:assert/strict';
import { test } from 'node:test';
import { haproxyStateLines } from './haproxy-log.ts';
import { CheckStatus } from './outcome.ts';
import type { ServerSnapshot } from './server-state.ts';

const server = (name: string, up: boolean, extra: Partial<ServerSnapshot> = {}): ServerSnapshot => ({
  id: `websrv/${name}`, group: 'websrv', name, backup: false, admin: 'ready', up, checked: true, transitional: false,
  serving: up, configuredWeight: 1, weight: 1, label: up ? 'UP' : 'DOWN', lastChangeAt: 0, downtimeMs: 0,
  downTransitions: 0, failedChecks: 0, ...extra,
});

test('a server going DOWN is logged as HAProxy words it', () => {
  const lines = haproxyStateLines(
    { type: 'state', cause: 'check', previous: server('web1', true), server: server('web1', false),
      outcome: { ok: false, status: CheckStatus.l4connect, info: 'Connection refused', durationMs: 0.4 } },
    [server('web1', false), server('web2', true)],
  );
  assert.deepEqual(lines, [
    'Server websrv/web1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
  ]);
});

test('the last server going down also says the backend has none left; coming back is logged too', () => {
  const down = haproxyStateLines(
    { type: 'state', cause: 'check', previous: server('web2', true), server: server('web2', false),
      outcome: { ok: false, status: CheckStatus.l7status, code: 503, info: 'Service Unavailable', durationMs: 2 } },
    [server('web1', false), server('web2', false)],
  );
  assert.match(down[0] ?? '', /reason: Layer7 wrong status, code: 503, info: "Service Unavailable", check duration: 2ms\. 0 active/);
  assert.equal(down[1], 'backend websrv has no server available!');
  const up = haproxyStateLines(
    { type: 'state', cause: 'check', previous: server('web1', false), server: server('web1', true),
      outcome: { ok: true, status: CheckStatus.l4ok, info: '', durationMs: 0 } },
    [server('web1', true), server('web2', false)],
  );
  assert.deepEqual(up, ['Server websrv/web1 is UP, reason: Layer4 check passed, check duration: 0ms. 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.']);
});

test('maintenance and drain are logged', () => {
  const maint = haproxyStateLines(
    { type: 'state', cause: 'admin', previous: server('web1', true), server: server('web1', true, { admin: 'maint', serving: false }) },
    [server('web1', true, { admin: 'maint', serving: false }), server('web2', true)],
  );
  assert.match(maint[0] ?? '', /^Server websrv\/web1 is going DOWN for maintenance\. 1 active/);
  const ready = haproxyStateLines(
    { type: 'state', cause: 'admin', previous: server('web1', true, { admin: 'maint' }), server: server('web1', true) },
    [],
  );
  assert.deepEqual(ready, ['Server websrv/web1 is UP/READY (leaving forced maintenance).']);
});
