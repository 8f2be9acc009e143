// `twos` (ip_vs_twos.c), power of two choices: two servers drawn at random in proportion to
// weight, and of the two the one with less overhead per weight (active*256 + inactive).
//
// One deliberate difference: the kernel draws each choice from [0, total weight] inclusive
// (`% (total + 1)`), which hands the first server one extra share of the draws; vigil draws from
// [0, total) so idle servers share in exact proportion to weight, as the kernel's comment intends.
import { available, connectionOverhead, type ConnectionCounts, type LvsRealServer, type LvsScheduler, type LvsSchedulerAlgorithm } from './scheduler.ts';

export class TwoChoicesScheduler implements LvsScheduler {
  readonly #servers: readonly LvsRealServer[];
  readonly #counts: ConnectionCounts;
  readonly #random: () => number;

  constructor(servers: readonly LvsRealServer[], counts: ConnectionCounts, random: () => number) {
    this.#servers = servers;
    this.#counts = counts;
    this.#random = random;
  }

  schedule(): LvsRealServer | undefined {
    const servers = this.#servers;
    const counts = this.#counts;
    let total = 0;
    for (const server of servers) if (available(server, counts)) total += server.weight;
    if (total === 0) return undefined;
    let draw1 = Math.floor(this.#random() * total);
    let draw2 = Math.floor(this.#random() * total);
    let choice1: LvsRealServer | undefined;
    let choice2: LvsRealServer | undefined;
    for (const server of servers) {
      if (!available(server, counts)) continue;
      draw1 -= server.weight;
      draw2 -= server.weight;
      if (choice1 === undefined && draw1 < 0) choice1 = server;
      if (choice2 === undefined && draw2 < 0) choice2 = server;
      if (choice1 !== undefined && choice2 !== undefined) break;
    }
    if (choice1 === undefined || choice2 === undefined) return choice1 ?? choice2;
    const overhead1 = connectionOverhead(choice1, counts);
    const overhead2 = connectionOverhead(choice2, counts);
    // overhead2/weight2 < overhead1/weight1, cross-multiplied as the kernel does
    return choice2.weight * overhead1 > choice1.weight * overhead2 ? choice2 : choice1;
  }
}

export const twos: LvsSchedulerAlgorithm = {
  name: 'twos',
  usesCounts: true,
  build(servers, options) {
    return new TwoChoicesScheduler(servers, options.counts, options.random ?? Math.random);
  },
};
