// The LVS schedulers by the name keepalived's `lvs_sched` (1.x: `lb_algo`) and ipvsadm's `-s`
// use. The keepalived parser already restricts the name to this list; the lookup still reports an
// unknown name (with a suggestion) for callers holding plain text.
import { didYouMean } from '../../config/suggest.ts';
import { dh } from './dh.ts';
import { fo } from './fo.ts';
import { lblc } from './lblc.ts';
import { lblcr } from './lblcr.ts';
import { lc } from './lc.ts';
import { mh } from './mh.ts';
import { nq } from './nq.ts';
import { ovf } from './ovf.ts';
import { rr } from './rr.ts';
import type { LvsSchedulerAlgorithm, LvsSchedulerName } from './scheduler.ts';
import { sed } from './sed.ts';
import { sh } from './sh.ts';
import { twos } from './twos.ts';
import { wlc } from './wlc.ts';
import { wrr } from './wrr.ts';

export const lvsSchedulerAlgorithms: ReadonlyMap<string, LvsSchedulerAlgorithm> = new Map(
  [rr, wrr, lc, wlc, sed, nq, sh, dh, mh, lblc, lblcr, fo, ovf, twos].map((algorithm) => [algorithm.name, algorithm] as const),
);

/** keepalived's IPVS_DEF_SCHED: a virtual_server without lvs_sched gets wlc */
export const DEFAULT_LVS_SCHEDULER: LvsSchedulerName = 'wlc';

export type LvsSchedulerLookup =
  | { readonly ok: true; readonly algorithm: LvsSchedulerAlgorithm }
  | { readonly ok: false; readonly error: string };

/** The algorithm for an `lvs_sched` value; absent means keepalived's default */
export function findLvsScheduler(name: string | undefined): LvsSchedulerLookup {
  const algorithm = lvsSchedulerAlgorithms.get(name ?? DEFAULT_LVS_SCHEDULER);
  if (algorithm !== undefined) return { ok: true, algorithm };
  const hint = didYouMean(name ?? '', lvsSchedulerAlgorithms.keys());
  return { ok: false, error: `Unknown LVS scheduler "${name}"${hint === undefined ? '' : `; ${hint}`}` };
}
