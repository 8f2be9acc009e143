// What the stats page and the runtime API act on: the running config, the check engine's server
// state, and a fresh snapshot on demand. One object per running proxy, built by wiring.ts.
import type { AdminState, ServerSnapshot } from '../check/server-state.ts';
import type { CheckOutcome } from '../check/outcome.ts';
import type { HaproxyConfig, ProxySection } from '../config/haproxy/model.ts';
import type { Numbering } from './builder.ts';
import type { StatsSnapshot } from './model.ts';
import type { StatusSources } from './sources.ts';

/** the part of the check engine admin actions use (src/check/engine.ts CheckEngine) */
export interface ServerControl {
  get(id: string): ServerSnapshot | undefined;
  setAdmin(id: string, admin: AdminState): ServerSnapshot;
  setWeight(id: string, weight: number): ServerSnapshot;
  markDown(id: string, outcome: CheckOutcome): void;
}

export interface AdminContext {
  readonly config: HaproxyConfig;
  readonly servers: ServerControl;
  readonly numbering: Numbering;
  readonly sources: StatusSources;
  snapshot(): StatsSnapshot;
}

/** a backend by name or by `#id` (HAProxy accepts both in forms and commands) */
export function findBackend(context: AdminContext, name: string): ProxySection | undefined {
  if (name.startsWith('#')) {
    const id = Number(name.slice(1));
    return context.config.proxies.find((p) => p.kind !== 'frontend' && context.numbering.proxies.get(p.name) === id);
  }
  return context.config.proxies.find((p) => p.kind !== 'frontend' && p.name === name);
}

/**
 * HAProxy's `set server <b>/<s> weight`: an absolute 0..256, or `N%` of the initial (configured)
 * weight, rounded down. Returns the new weight or HAProxy's error text.
 */
export function parseWeight(text: string, initial: number): number | string {
  const percent = text.endsWith('%');
  const digits = percent ? text.slice(0, -1) : text;
  if (!/^\d+$/.test(digits)) return 'Empty weight string empty or preceded by garbage';
  const value = Number(digits);
  if (percent) {
    const weight = Math.floor((initial * value) / 100);
    return weight > 256 ? 'Relative weight too high.' : weight;
  }
  return value > 256 ? 'Absolute weight can only be between 0 and 256 inclusive.' : value;
}
