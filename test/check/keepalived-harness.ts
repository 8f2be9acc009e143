// What the keepalived check tests share: a keepalived.conf text turned into a running CheckEngine
// (real clock, real sockets on 127.0.0.1) with each virtual server's desired LVS table kept up to
// date from the engine's events, and a record of every event with its time.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { systemClock } from '../../src/core/clock.ts';
import { CheckEngine, type EngineEvent } from '../../src/check/engine.ts';
import { keepalivedChecks, type KeepalivedChecks } from '../../src/check/from-keepalived.ts';
import { loadText } from '../../src/config/keepalived/testing.ts';
import { virtualServerPolicy, VirtualServerState, type Transition } from '../../src/l4/virtual-server-state.ts';

export interface TimedEvent {
  readonly at: number;
  readonly event: EngineEvent;
}

export interface TimedTransition {
  readonly at: number;
  readonly vs: string;
  readonly transition: Transition;
}

export interface RunningChecks {
  readonly checks: KeepalivedChecks;
  readonly engine: CheckEngine;
  readonly events: TimedEvent[];
  readonly transitions: TimedTransition[];
  readonly states: ReadonlyMap<string, VirtualServerState>;
  /** resolves with the first event (from now on, or from `since`) that matches, within `timeoutMs` */
  waitForEvent(match: (event: EngineEvent) => boolean, timeoutMs: number, since?: number): Promise<TimedEvent>;
  /** the desired table of a virtual server as `address:port weight` strings */
  table(vs: string): string[];
}

/**
 * Starts the checks of `text`. The engine runs without jitter and with `random` (default 0: no
 * warmup delay), so the timing a test measures is keepalived's retry arithmetic alone.
 */
export function runKeepalivedChecks(t: TestContext, text: string, options: { readonly random?: () => number } = {}): RunningChecks {
  const loaded = loadText(text);
  assert.deepEqual(loaded.errors.map((e) => e.message), []);
  const checks = keepalivedChecks(loaded.config);
  assert.deepEqual(checks.unsupported, []);
  const engine = new CheckEngine({ clock: systemClock, jitter: 0, random: options.random ?? (() => 0) });
  for (const server of checks.servers) engine.add(server);
  const events: TimedEvent[] = [];
  const transitions: TimedTransition[] = [];
  const states = new Map<string, VirtualServerState>();
  const waiters = new Set<(timed: TimedEvent) => void>();
  for (const vsChecks of checks.virtualServers) {
    const state = new VirtualServerState(virtualServerPolicy(vsChecks).policy);
    states.set(vsChecks.id, state);
    transitions.push({ at: performance.now(), vs: vsChecks.id, transition: state.start(engine.inGroup(vsChecks.id)) });
  }
  engine.on((event) => {
    const timed = { at: performance.now(), event };
    events.push(timed);
    if (event.type === 'state') {
      const state = states.get(event.server.group);
      if (state !== undefined) transitions.push({ at: timed.at, vs: event.server.group, transition: state.update(engine.inGroup(event.server.group)) });
    }
    for (const waiter of waiters) waiter(timed);
  });
  engine.start();
  t.after(() => engine.stop());
  return {
    checks,
    engine,
    events,
    transitions,
    states,
    waitForEvent(match, timeoutMs, since) {
      const earlier = since === undefined ? undefined : events.find((e) => e.at >= since && match(e.event));
      if (earlier !== undefined) return Promise.resolve(earlier);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(onEvent);
          reject(new Error(`No matching engine event within ${timeoutMs} ms`));
        }, timeoutMs);
        const onEvent = (timed: TimedEvent): void => {
          if (!match(timed.event)) return;
          clearTimeout(timer);
          waiters.delete(onEvent);
          resolve(timed);
        };
        waiters.add(onEvent);
      });
    },
    table(vs) {
      return (states.get(vs)?.table ?? []).map((entry) => `${entry.address}:${entry.port ?? 0} ${entry.weight}`);
    },
  };
}

/** An engine `state` event taking server `id` up (true) or down (false) */
export function wentUpOrDown(id: string, up: boolean): (event: EngineEvent) => boolean {
  return (event) => event.type === 'state' && event.server.id === id && event.server.up === up && event.previous.up !== up;
}
