// LVS schedulers as nftables can run them: each turns the weights of the servers that may take
// new flows into a slot table and the expression that picks a slot (`numgen inc mod 4`,
// `jhash ip saddr mod 256 seed 0x...`). The kernel has no per-server connection counts to
// consult, so the schedulers that need them (lc, wlc, sed, nq, twos, ovf, lblc, lblcr) run as
// their nearest stateless relative and say so in `approximation`. A registry keyed by the
// keepalived `lb_algo` name, no switch over names.
import type { LvsScheduler, SchedulerFlag } from '../../config/keepalived/model.ts';
import type { KernelProtocol } from './model.ts';
import { maglevTable } from './maglev.ts';
import { consecutiveTable, reduceWeights, wrrSequence } from './weights.ts';

export interface SelectionInput {
  /** weights (>= 1) of the servers that may take new flows, in config order */
  readonly weights: readonly number[];
  /** "address:port" of each, for hashing schedulers that need a stable server identity */
  readonly names: readonly string[];
  readonly protocol: KernelProtocol;
  readonly flags: readonly SchedulerFlag[];
  /** the largest slot table to build (weights are scaled down to fit) */
  readonly maxSlots: number;
}

export interface Selection {
  /** nft expression giving a slot number; absent when one server takes every new flow */
  readonly expression?: string;
  /** slot number → index into the input's servers */
  readonly slots: readonly number[];
}

export interface KernelScheduler {
  /** what the kernel does instead of the named scheduler, when it cannot do it exactly */
  readonly approximation?: string;
  select(input: SelectionInput): Selection;
}

// jhash takes a random seed per rule unless given one, and every apply recreates the rules:
// a fixed seed keeps each client on its server across applies.
const hashSeed = '0x76696731';
const hashTableSize = 256;

const roundRobin: KernelScheduler = {
  select: ({ weights }) => ({ expression: `numgen inc mod ${weights.length}`, slots: weights.map((_, index) => index) }),
};

const weightedRoundRobin: KernelScheduler = {
  select: ({ weights, maxSlots }) => {
    const slots = wrrSequence(weights, maxSlots);
    return { expression: `numgen inc mod ${slots.length}`, slots };
  },
};

function weightedRandom(approximation?: string): KernelScheduler {
  return {
    ...(approximation === undefined ? {} : { approximation }),
    select: ({ weights, maxSlots }) => {
      const slots = wrrSequence(weights, maxSlots);
      return { expression: `numgen random mod ${slots.length}`, slots };
    },
  };
}

function sourceKey(input: SelectionInput, portFlag: SchedulerFlag): string {
  return input.flags.includes(portFlag) ? `ip saddr . ${input.protocol} sport` : 'ip saddr';
}

const sourceHashing: KernelScheduler = {
  select: (input) => ({
    expression: `jhash ${sourceKey(input, 'sh-port')} mod ${hashTableSize} seed ${hashSeed}`,
    slots: consecutiveTable(input.weights, hashTableSize),
  }),
};

function destinationHashing(approximation?: string): KernelScheduler {
  return {
    ...(approximation === undefined ? {} : { approximation }),
    select: (input) => ({
      expression: `jhash ip daddr mod ${hashTableSize} seed ${hashSeed}`,
      slots: consecutiveTable(input.weights, hashTableSize),
    }),
  };
}

const maglevHashing: KernelScheduler = {
  select: (input) => {
    const slots = maglevTable(input.names, reduceWeights(input.weights, input.maxSlots));
    return { expression: `jhash ${sourceKey(input, 'mh-port')} mod ${slots.length} seed ${hashSeed}`, slots };
  },
};

/** The first server of the highest weight takes every new flow (ip_vs_fo.c) */
function highestWeight(approximation?: string): KernelScheduler {
  return {
    ...(approximation === undefined ? {} : { approximation }),
    select: ({ weights }) => {
      let best = 0;
      weights.forEach((weight, index) => {
        if (weight > (weights[best] ?? 0)) best = index;
      });
      return { slots: weights.length === 0 ? [] : [best] };
    },
  };
}

const connectionCounting = (name: string): KernelScheduler => ({
  approximation: `${name} needs live connection counts, which a stateless kernel rule cannot read: running as wrr with the same weights`,
  select: weightedRoundRobin.select,
});

export const kernelSchedulers: Readonly<Record<LvsScheduler, KernelScheduler>> = {
  rr: roundRobin,
  wrr: weightedRoundRobin,
  sh: sourceHashing,
  dh: destinationHashing(),
  mh: maglevHashing,
  fo: highestWeight(),
  ovf: highestWeight('ovf moves to the next server once the first has weight-many active connections; the kernel cannot count them, so it runs as fo (highest weight first)'),
  lc: connectionCounting('lc'),
  wlc: connectionCounting('wlc'),
  sed: connectionCounting('sed'),
  nq: connectionCounting('nq'),
  twos: weightedRandom('twos picks the less loaded of two weighted random servers; without connection counts it runs as weighted random'),
  lblc: destinationHashing('lblc keeps a destination on one server until it is overloaded (connection counts); it runs as dh, weighted, without the overload check'),
  lblcr: destinationHashing('lblcr keeps a destination on a set of servers grown by connection counts; it runs as dh, weighted, without the set'),
};
