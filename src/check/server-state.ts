// The state of one monitored server as the rest of vigil sees it: operational health from the
// checks, the operator's admin state, and the weight traffic should get.
import type { CheckOutcome } from './outcome.ts';

/** HAProxy's admin states: READY (normal), DRAIN (no new traffic, weight 0), MAINT (out entirely) */
export type AdminState = 'ready' | 'drain' | 'maint';

export interface LastCheck extends CheckOutcome {
  /** wall-clock ms */
  readonly at: number;
}

export interface ServerSnapshot {
  /** `backend/server` for the proxy, `vip:port/rip:port` for L4 */
  readonly id: string;
  /** backend or virtual server name: servers are counted per group in log lines */
  readonly group: string;
  readonly name: string;
  readonly backup: boolean;
  readonly admin: AdminState;
  /** what the checks say (always true for a server without checks) */
  readonly up: boolean;
  readonly checked: boolean;
  /** a check result is moving the server but has not flipped it yet */
  readonly transitional: boolean;
  /** takes new traffic: up, not in MAINT or DRAIN, weight > 0 */
  readonly serving: boolean;
  readonly configuredWeight: number;
  /** the weight to balance with now: 0 in DRAIN; MISC_CHECK misc_dynamic may change it */
  readonly weight: number;
  /** "UP", "DOWN", "UP 1/3", "DOWN 1/2", "MAINT", "DRAIN", "no check" */
  readonly label: string;
  /** wall-clock ms of the last UP/DOWN/admin change */
  readonly lastChangeAt: number;
  readonly lastCheck?: LastCheck;
  /** total ms spent DOWN so far, for the stats page's downtime column */
  readonly downtimeMs: number;
  /** times the server went from UP to DOWN (stats "chk/dwn") */
  readonly downTransitions: number;
  readonly failedChecks: number;
}

export function isServing(up: boolean, admin: AdminState, weight: number): boolean {
  return up && admin === 'ready' && weight > 0;
}
