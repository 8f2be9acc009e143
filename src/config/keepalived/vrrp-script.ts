// vrrp_script NAME { }: a command run periodically whose exit status instances can track.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import { KeywordTable, type KeywordLine } from '../keywords.ts';
import { flagArg, integerArg, scriptArg, secondsArg, userArgs, weightArgs, type LoadState } from './args.ts';
import type { VrrpScript } from './model.ts';

export interface VrrpScriptContext {
  readonly state: LoadState;
  readonly script: VrrpScript;
}

export const vrrpScriptTable = new KeywordTable<VrrpScriptContext>({ section: 'keepalived vrrp_script' }, [
  {
    name: 'script',
    status: 'supported',
    note: 'a group after the user is ignored',
    summary: 'command to run, quoted when it has arguments',
    args: { min: 1, max: 3 },
    handle: ({ state, script }, line, diag) => {
      const command = scriptArg(line, diag, state);
      if (command !== undefined) script.script = command;
    },
  },
  {
    name: 'interval',
    status: 'supported',
    summary: 'seconds between runs (default 1)',
    args: { min: 1, max: 1 },
    handle: ({ script }, line, diag) => {
      const ms = secondsArg(line, diag, 'interval', { min: 0.001 });
      if (ms !== undefined) script.intervalMs = ms;
    },
  },
  {
    name: 'timeout',
    status: 'supported',
    summary: 'seconds after which a run counts as failed (default: interval)',
    args: { min: 1, max: 1 },
    handle: ({ script }, line, diag) => {
      const ms = secondsArg(line, diag, 'timeout', { min: 0.001 });
      if (ms !== undefined) script.timeoutMs = ms;
    },
  },
  {
    name: 'weight',
    status: 'supported',
    summary: 'priority change when the script fails (negative) or succeeds (positive); reverse flips it',
    args: { min: 1, max: 2 },
    handle: ({ script }, line, diag) => {
      const weight = weightArgs(line.args, line, diag, { min: -253, max: 253 });
      if (weight?.weight === undefined) return;
      script.weight = weight.weight;
      script.weightReverse = weight.reverse;
    },
  },
  {
    name: 'rise',
    status: 'supported',
    summary: 'successes needed before the script counts as up',
    args: { min: 1, max: 1 },
    handle: ({ script }, line, diag) => {
      const count = integerArg(line, diag, { min: 1 }, 'rise');
      if (count !== undefined) script.rise = count;
    },
  },
  {
    name: 'fall',
    status: 'supported',
    summary: 'failures needed before the script counts as down',
    args: { min: 1, max: 1 },
    handle: ({ script }, line, diag) => {
      const count = integerArg(line, diag, { min: 1 }, 'fall');
      if (count !== undefined) script.fall = count;
    },
  },
  {
    name: 'user',
    status: 'supported',
    note: 'runs as that user (else script_user); the group is ignored',
    summary: 'user (and group) the script runs as',
    args: { min: 1, max: 2 },
    handle: ({ state, script }, line) => {
      const user = userArgs(line.args);
      if (user === undefined) return;
      script.user = user;
      state.requirements.need('user', user.user, line.args[0] ?? line.keyword, line.fullName);
    },
  },
  {
    name: 'init_fail',
    status: 'supported',
    summary: 'start in the failed state',
    args: { max: 1 },
    handle: ({ script }, line, diag) => {
      const value = flagArg(line, diag);
      if (value !== undefined) script.initFail = value;
    },
  },
]);

export function enterVrrpScript(state: LoadState, line: KeywordLine, diag: Diagnostics): VrrpScriptContext | undefined {
  const name = line.args[0];
  if (name === undefined) return undefined;
  if (state.config.vrrpScripts.some((existing) => existing.name === name.text)) {
    diag.error(name, line.fullName, `vrrp_script "${name.text}" is defined twice`, { code: DiagnosticCode.reference });
    return undefined;
  }
  const script: VrrpScript = { name: name.text, at: { file: name.file, line: name.line, column: name.column } };
  state.config.vrrpScripts.push(script);
  return { state, script };
}

export function leaveVrrpScript(_state: LoadState, { script }: VrrpScriptContext, line: KeywordLine, diag: Diagnostics): void {
  if (script.script === undefined) {
    // keepalived drops such a script and what tracks it, so this is not fatal there either
    diag.warning(line.keyword, line.fullName, `vrrp_script "${script.name}" has no "script" line; it will never succeed`, {
      code: DiagnosticCode.structure,
    });
  }
}
