// MISC_CHECK { }: the server is up when a script exits 0 (with misc_dynamic, 2..255 set its weight).
import { KeywordTable, markSupported } from '../../keywords.ts';
import { flagArg, integerArg, scriptArg, userArgs } from '../args.ts';
import type { MiscCheck } from '../model.ts';
import { checkerKeyword, honouredTiming, timingKeywords, type CheckerContext } from './common.ts';

type Context = CheckerContext<MiscCheck>;

// a script connects to nothing itself, so MISC_CHECK has the timing keywords only
const table = new KeywordTable<Context>({ section: 'keepalived MISC_CHECK' }, [
  ...markSupported(timingKeywords<Context>(({ checker }) => checker, { oldRetryName: false }), honouredTiming),
  {
    name: 'misc_path',
    status: 'supported',
    summary: 'command to run, quoted when it has arguments',
    args: { min: 1, max: 3 },
    handle: ({ state, checker }, line, diag) => {
      const command = scriptArg(line, diag, state);
      if (command !== undefined) checker.script = command;
    },
  },
  {
    name: 'misc_timeout',
    status: 'supported',
    summary: 'seconds the script may run',
    args: { min: 1, max: 1 },
    handle: ({ checker }, line, diag) => {
      const seconds = integerArg(line, diag, { min: 1 }, 'misc_timeout');
      if (seconds !== undefined) checker.miscTimeoutMs = seconds * 1000;
    },
  },
  {
    name: 'misc_dynamic',
    status: 'supported',
    summary: 'exit codes 2..255 set the weight to code - 2',
    args: { max: 1 },
    handle: ({ checker }, line, diag) => {
      const value = flagArg(line, diag);
      if (value !== undefined) checker.dynamic = value;
    },
  },
  {
    name: 'user',
    status: 'supported',
    summary: 'user (and group) the script runs as',
    args: { min: 1, max: 2 },
    handle: ({ state, checker }, line) => {
      const user = userArgs(line.args);
      if (user === undefined) return;
      checker.user = user;
      state.requirements.need('user', user.user, line.args[0] ?? line.keyword, line.fullName);
    },
  },
  {
    name: 'log_all_failures',
    status: 'parsed',
    summary: 'log every failed check, not only state changes',
    args: { max: 1 },
    handle: ({ checker }, line, diag) => {
      const value = flagArg(line, diag);
      if (value !== undefined) checker.logAllFailures = value;
    },
  },
]);

export const miscCheckKeyword = checkerKeyword('MISC_CHECK', 'check by running a script', table, (at): MiscCheck => ({ type: 'MISC_CHECK', at }));
