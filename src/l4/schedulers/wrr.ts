// `wrr` (ip_vs_wrr.c): the kernel's weighted round robin. It sweeps the server list repeatedly
// with a falling threshold `cw`, from the highest weight down in steps of the weights' greatest
// common divisor, taking every server whose weight reaches the threshold. Weights 3:1 give
// a a a b; servers of a weight come in bursts (unlike HAProxy's smooth roundrobin), which is what
// LVS users see with ipvsadm.
import { available, type ConnectionCounts, type LvsRealServer, type LvsScheduler, type LvsSchedulerAlgorithm } from './scheduler.ts';

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export class WeightedRoundRobinScheduler implements LvsScheduler {
  readonly #servers: readonly LvsRealServer[];
  readonly #counts: ConnectionCounts;
  /** the kernel's mark->cl: index of the server chosen last, -1 = list head */
  #current = -1;
  /** mark->cw: the weight a server needs in the current sweep */
  #currentWeight: number;
  /** mark->mw: the highest weight less (di - 1), so the last sweep runs at cw = 1 */
  readonly #maxWeight: number;
  /** mark->di: the step, the gcd of the positive weights */
  readonly #step: number;

  constructor(servers: readonly LvsRealServer[], counts: ConnectionCounts, previous?: WeightedRoundRobinScheduler) {
    this.#servers = servers;
    this.#counts = counts;
    let step = 0;
    let highest = 0;
    for (const server of servers) {
      if (server.weight <= 0) continue;
      step = step === 0 ? server.weight : gcd(server.weight, step);
      if (server.weight > highest) highest = server.weight;
    }
    this.#step = step === 0 ? 1 : step;
    this.#maxWeight = highest === 0 ? 0 : highest - (this.#step - 1);
    // ip_vs_wrr_dest_changed: restart from the head but keep the sweep's threshold when it fits
    const cw = previous?.currentWeight ?? 0;
    if (cw > this.#maxWeight || cw === 0) this.#currentWeight = this.#maxWeight;
    else if (this.#step > 1) this.#currentWeight = Math.floor(cw / this.#step) * this.#step + 1;
    else this.#currentWeight = cw;
  }

  get currentWeight(): number {
    return this.#currentWeight;
  }

  schedule(): LvsRealServer | undefined {
    if (this.#maxWeight === 0) return undefined;
    const servers = this.#servers;
    const counts = this.#counts;
    const last = this.#current;
    let index = last;
    let stop = -2;
    let lastPass = false;
    let restarted = false;
    // Bounded: at most two full rounds of thresholds; the kernel's own exits (err_over) fire first.
    for (;;) {
      for (let i = index + 1; i < servers.length; i++) {
        const server = servers[i]!;
        if (server.weight >= this.#currentWeight && available(server, counts)) {
          this.#current = i;
          return server;
        }
        if (i === stop) {
          this.#current = i;
          return undefined;
        }
      }
      index = -1;
      this.#currentWeight -= this.#step;
      if (this.#currentWeight <= 0) {
        this.#currentWeight = this.#maxWeight;
        // a pass at cw = 1 over every server found nothing: all are overloaded
        if (lastPass || last === -1) {
          this.#current = -1;
          return undefined;
        }
        restarted = true;
      }
      lastPass = this.#currentWeight <= this.#step;
      // the first sweep at the lowest threshold only covered servers after `last`: cover the rest
      if (lastPass && restarted && last !== -1) stop = last;
    }
  }
}

export const wrr: LvsSchedulerAlgorithm = {
  name: 'wrr',
  usesCounts: false,
  build(servers, options, previous) {
    return new WeightedRoundRobinScheduler(servers, options.counts, previous instanceof WeightedRoundRobinScheduler ? previous : undefined);
  },
};
