// Passive health checks (HAProxy's `observe`, `error-limit`, `on-error`): the data path reports
// what real traffic showed of each observed server, and this turns runs of consecutive errors
// into what `on-error` asks of the check engine, as HAProxy's __health_adjust() does
// (src/check.c). It runs on the control thread, where the checks are.
import type { HaproxyConfig } from '../config/haproxy/model.ts';
import type { CheckOutcome } from './outcome.ts';

/** HAProxy's analyze statuses (HANA_STATUS_*), with the words its logs use for them */
export const AnalyzeStatus = {
  l4Ok: 1,
  l4Error: 2,
  httpOk: 3,
  httpStatus: 4,
  httpHeaders: 5,
  httpResponse: 6,
  readError: 7,
  readTimeout: 8,
  brokenPipe: 9,
} as const;
export type AnalyzeStatus = (typeof AnalyzeStatus)[keyof typeof AnalyzeStatus];

export const analyzeDescription: Readonly<Record<AnalyzeStatus, string>> = {
  1: 'L4 successful connection',
  2: 'L4 unsuccessful connection',
  3: 'Correct http response',
  4: 'Wrong http response',
  5: 'Invalid http response (headers)',
  6: 'Invalid http response',
  7: 'Read error (http)',
  8: 'Read timeout (http)',
  9: 'Close from server (http)',
};

export type ObserveMode = 'layer4' | 'layer7';

/** What a status means in each observe mode: an error, a success (clears the run), or nothing */
export const Verdict = { ignore: 0, error: 1, success: 2 } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

// HAProxy's analyze_statuses[].lr: [layer4, layer7]
const verdicts: Readonly<Record<AnalyzeStatus, readonly [Verdict, Verdict]>> = {
  1: [2, 0],
  2: [1, 1],
  3: [0, 2],
  4: [0, 1],
  5: [0, 1],
  6: [0, 1],
  7: [0, 1],
  8: [0, 1],
  9: [0, 1],
};

export function verdictOf(status: AnalyzeStatus, mode: ObserveMode): Verdict {
  return verdicts[status][mode === 'layer4' ? 0 : 1];
}

/**
 * HAProxy, for `observe layer7`: 100-499, 501 and 505 are correct answers; other 5xx are not
 * (src/http_ana.c)
 */
export function statusVerdict(status: number): AnalyzeStatus {
  return status >= 100 && (status < 500 || status === 501 || status === 505) ? AnalyzeStatus.httpOk : AnalyzeStatus.httpStatus;
}

/**
 * One observed server's traffic since the last report, from one worker. Reports are sent only
 * when something changed for the control thread: errors, or a success after reported errors.
 */
export interface PassiveReport {
  /** `backend/server` */
  readonly server: string;
  /** errors seen since the last report */
  readonly errors: number;
  /** errors since the last success (the run still going on), at most `errors` */
  readonly trailing: number;
  /** a success happened since the last report (it ends any earlier run) */
  readonly success: boolean;
  /** the last error's status */
  readonly last: AnalyzeStatus;
}

export type OnError = 'fastinter' | 'fail-check' | 'sudden-death' | 'mark-down';

export interface PassiveSettings {
  /** `error-limit`, HAProxy's default 10 */
  readonly errorLimit: number;
  /** `on-error`, HAProxy's default fail-check */
  readonly onError: OnError;
  /** the server's `fastinter`, when set: every on-error action brings the next check this close */
  readonly fastInterMs?: number;
}

/** HAProxy's defaults (configuration.txt, "error-limit", "on-error") */
export const passiveDefaults = { errorLimit: 10, onError: 'fail-check' } as const satisfies PassiveSettings;

/** The part of the check engine on-error acts through */
export interface PassiveTarget {
  markDown(id: string, outcome: CheckOutcome): void;
  recordFailure(id: string, outcome: CheckOutcome, preFatal?: boolean): void;
  checkSoon(id: string, delayMs: number, onlySooner?: boolean): void;
}

export class PassiveHealth {
  readonly #target: PassiveTarget;
  readonly #settings = new Map<string, PassiveSettings>();
  readonly #consecutive = new Map<string, number>();
  /** on-error actions taken per server (HAProxy's failed_hana counter) */
  readonly actions = new Map<string, number>();

  constructor(target: PassiveTarget) {
    this.#target = target;
  }

  observe(server: string, settings: PassiveSettings): void {
    this.#settings.set(server, settings);
  }

  /** folds one worker's report in; applies on-error each time the run reaches error-limit */
  apply(report: PassiveReport): void {
    const settings = this.#settings.get(report.server);
    if (settings === undefined) return;
    let run = report.success ? report.trailing : (this.#consecutive.get(report.server) ?? 0) + report.errors;
    const limit = Math.max(1, settings.errorLimit);
    while (run >= limit) {
      // HAProxy acts when the run reaches the limit, then starts counting again from zero
      run -= limit;
      this.#act(report.server, settings, limit, report.last);
    }
    this.#consecutive.set(report.server, run);
  }

  consecutiveErrors(server: string): number {
    return this.#consecutive.get(server) ?? 0;
  }

  #act(server: string, settings: PassiveSettings, count: number, last: AnalyzeStatus): void {
    this.actions.set(server, (this.actions.get(server) ?? 0) + 1);
    const outcome: CheckOutcome = {
      ok: false,
      status: last === AnalyzeStatus.l4Error ? 'L4CON' : 'L7STS',
      info: `Detected ${count} consecutive errors, last one was: ${analyzeDescription[last]}`,
      durationMs: 0,
    };
    switch (settings.onError) {
      case 'fastinter':
        // nothing more than what every mode does below
        break;
      case 'fail-check':
        this.#target.recordFailure(server, outcome);
        break;
      case 'sudden-death':
        this.#target.recordFailure(server, outcome, true);
        break;
      case 'mark-down':
        this.#target.markDown(server, outcome);
        break;
    }
    if (settings.fastInterMs !== undefined) this.#target.checkSoon(server, settings.fastInterMs, true);
  }
}

/** The observed servers of a haproxy.cfg (`observe` on a checked server), keyed `backend/server` */
export function haproxyPassiveSettings(config: HaproxyConfig): Map<string, PassiveSettings> {
  const out = new Map<string, PassiveSettings>();
  for (const proxy of config.proxies) {
    if (proxy.kind === 'frontend') continue;
    for (const server of proxy.servers) {
      const o = server.options;
      if (o.check !== true || (o.observe !== 'layer4' && o.observe !== 'layer7')) continue;
      out.set(`${proxy.name}/${server.name}`, {
        errorLimit: o.errorLimit ?? passiveDefaults.errorLimit,
        onError: o.onError ?? passiveDefaults.onError,
        ...(o.fastinterMs === undefined ? {} : { fastInterMs: o.fastinterMs }),
      });
    }
  }
  return out;
}
