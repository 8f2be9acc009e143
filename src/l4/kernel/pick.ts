// The rule that hands a new flow to a real server: the scheduler's slot expression in a verdict
// map whose slots `goto` each server's chain. Shared by NAT and DR.
import type { KernelRealServer, KernelVirtualServer } from './model.ts';
import { kernelSchedulers } from './schedulers.ts';
import { realServerName } from './service-match.ts';

export interface PickOptions {
  readonly maxSlots: number;
}

/**
 * The pick rule over the servers with weight > 0, or undefined when there is none (new flows
 * then match no rule and reach the director itself, as with an empty IPVS service).
 */
export function pickRule(vs: KernelVirtualServer, chainOf: (rs: KernelRealServer) => string, options: PickOptions): string | undefined {
  const eligible = vs.realServers.filter((rs) => rs.weight > 0);
  if (eligible.length === 0) return undefined;
  const selection = kernelSchedulers[vs.scheduler].select({
    weights: eligible.map((rs) => rs.weight),
    names: eligible.map(realServerName),
    protocol: vs.protocol,
    flags: vs.schedulerFlags,
    maxSlots: options.maxSlots,
  });
  const target = (slot: number): string => {
    const rs = eligible[slot];
    if (rs === undefined) throw new Error(`Cannot build the pick rule of ${vs.label}: slot refers to server ${slot} of ${eligible.length}`);
    return chainOf(rs);
  };
  const [only] = selection.slots;
  if (selection.expression === undefined || new Set(selection.slots).size === 1) {
    return only === undefined ? undefined : `goto ${target(only)}`;
  }
  const entries = selection.slots.map((server, slot) => `${slot} : goto ${target(server)}`);
  return `${selection.expression} vmap { ${entries.join(', ')} }`;
}
