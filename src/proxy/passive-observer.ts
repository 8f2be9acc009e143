// The data path's half of passive health checks (HAProxy `observe layer4|layer7`): sessions note
// what real traffic shows of a server (connects, answers, failures), and the worker sends the
// control thread a small batched report, only when there is something to say: an error, or a
// success that ends a run of errors already reported. A healthy server costs a table lookup per
// event and never a message.
import { Verdict, verdictOf, type AnalyzeStatus, type ObserveMode, type PassiveReport } from '../check/passive.ts';

/** How long errors are gathered before a report goes out */
const reportDelayMs = 20;

export class ServerObservation {
  readonly id: string;
  readonly mode: ObserveMode;
  readonly #reporter: PassiveReporter;
  errors = 0;
  trailing = 0;
  success = false;
  last: AnalyzeStatus = 2;
  /** the control thread may hold a run of errors from this worker that a success must clear */
  reportedRun = false;
  queued = false;

  constructor(id: string, mode: ObserveMode, reporter: PassiveReporter) {
    this.id = id;
    this.mode = mode;
    this.#reporter = reporter;
  }

  note(status: AnalyzeStatus): void {
    const verdict = verdictOf(status, this.mode);
    if (verdict === Verdict.ignore) return;
    if (verdict === Verdict.success) {
      if (this.trailing === 0 && !this.reportedRun) return;
      this.trailing = 0;
      this.success = true;
      this.#reporter.queue(this);
      return;
    }
    this.errors++;
    this.trailing++;
    this.last = status;
    this.#reporter.queue(this);
  }
}

export class PassiveReporter {
  readonly #send: (reports: PassiveReport[]) => void;
  #queued: ServerObservation[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(send: (reports: PassiveReport[]) => void) {
    this.#send = send;
  }

  observe(id: string, mode: ObserveMode): ServerObservation {
    return new ServerObservation(id, mode, this);
  }

  queue(observation: ServerObservation): void {
    if (!observation.queued) {
      observation.queued = true;
      this.#queued.push(observation);
    }
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.flush(), reportDelayMs);
      this.#timer.unref();
    }
  }

  flush(): void {
    this.#timer = undefined;
    const queued = this.#queued;
    if (queued.length === 0) return;
    this.#queued = [];
    const reports: PassiveReport[] = [];
    for (const o of queued) {
      reports.push({ server: o.id, errors: o.errors, trailing: o.trailing, success: o.success, last: o.last });
      o.reportedRun = o.trailing > 0 || (!o.success && o.reportedRun);
      o.errors = 0;
      o.trailing = 0;
      o.success = false;
      o.queued = false;
    }
    this.#send(reports);
  }
}
