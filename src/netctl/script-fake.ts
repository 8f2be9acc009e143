// A ScriptPort for tests: records every run and answers with a scripted outcome.
import type { NetctlError } from './errors.ts';
import { fail, ok, type HostResult } from './result.ts';
import type { ScriptOutcome, ScriptPort, ScriptSpec } from './script.ts';

export type FakeScriptAnswer = Partial<ScriptOutcome> | NetctlError | ((spec: ScriptSpec) => Partial<ScriptOutcome> | NetctlError);

export class FakeScriptPort implements ScriptPort {
  readonly calls: ScriptSpec[] = [];
  readonly #answers = new Map<string, FakeScriptAnswer>();
  #default: FakeScriptAnswer = { code: 0 };

  /** How runs whose program (argv[0]) is `program` end; others exit 0 unless `setDefault`. */
  answer(program: string, answer: FakeScriptAnswer): void {
    this.#answers.set(program, answer);
  }

  setDefault(answer: FakeScriptAnswer): void {
    this.#default = answer;
  }

  /** Runs of `program`, oldest first. */
  runsOf(program: string): ScriptSpec[] {
    return this.calls.filter((call) => call.argv[0] === program);
  }

  run(spec: ScriptSpec): Promise<HostResult<ScriptOutcome>> {
    this.calls.push(spec);
    const configured = this.#answers.get(spec.argv[0] ?? '') ?? this.#default;
    const answer = typeof configured === 'function' ? configured(spec) : configured;
    if (answer instanceof Error) return Promise.resolve(fail(answer));
    return Promise.resolve(ok({ code: 0, signal: null, timedOut: false, durationMs: 0, ...answer }));
  }
}
