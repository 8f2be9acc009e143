// Keywords every checker shares (keepalived's install_checker_common_keywords), the timing
// defaults a virtual or real server hands down to its checkers, and the block entry that makes a
// checker of one type. Each checker type lives in its own file and plugs in through checkerKeyword.
import { block, type Keyword, type KeywordTable } from '../../keywords.ts';
import { flagArg, integerArg, ipArg, noteOldName, report, secondsArg, type LoadState } from '../args.ts';
import type { Checker, CheckerConnection, CheckerDefaults, RealServer } from '../model.ts';
import { parsePort } from '../../values.ts';
import type { SourceLocation } from '../../token.ts';

/** The context a real_server block gives its checkers */
export interface CheckerOwner {
  readonly state: LoadState;
  readonly realServer: RealServer;
}

export interface CheckerContext<T> extends CheckerOwner {
  readonly checker: T;
}

/**
 * retry, delay_before_retry, warmup, delay_loop and alpha: written in a checker, or in a real or
 * virtual server as the default of the checkers below it.
 */
export function timingKeywords<C>(target: (ctx: C) => CheckerDefaults, options: { readonly oldRetryName: boolean }): Keyword<C>[] {
  return [
    {
      name: 'retry',
      ...(options.oldRetryName ? { aliases: ['nb_get_retry'], note: 'nb_get_retry is the 1.x name of retry' } : {}),
      status: 'parsed',
      summary: 'retries after a failed check before the server counts as down',
      args: { min: 1, max: 1 },
      handle: (ctx, line, diag) => {
        const retry = integerArg(line, diag, { min: 0 }, 'retry count');
        if (retry !== undefined) target(ctx).retry = retry;
        // keepalived 2.2.7 accepts nb_get_retry only in HTTP_GET and SSL_GET; vigil everywhere
        noteOldName(line, diag, 'nb_get_retry', 'nb_get_retry is the old name of retry: the number of retries after a failed check');
      },
    },
    {
      name: 'delay_before_retry',
      status: 'parsed',
      summary: 'seconds between a failed check and its retry',
      args: { min: 1, max: 1 },
      handle: (ctx, line, diag) => {
        const ms = secondsArg(line, diag, 'delay_before_retry');
        if (ms !== undefined) target(ctx).delayBeforeRetryMs = ms;
      },
    },
    {
      name: 'warmup',
      status: 'parsed',
      summary: 'longest random delay before the first check, seconds (default: delay_loop)',
      args: { min: 1, max: 1 },
      handle: (ctx, line, diag) => {
        const ms = secondsArg(line, diag, 'warmup');
        if (ms !== undefined) target(ctx).warmupMs = ms;
      },
    },
    {
      name: 'delay_loop',
      status: 'parsed',
      summary: 'seconds between checks (default 60)',
      args: { min: 1, max: 1 },
      handle: (ctx, line, diag) => {
        const ms = secondsArg(line, diag, 'delay_loop', { min: 0.001 });
        if (ms !== undefined) target(ctx).delayLoopMs = ms;
      },
    },
    {
      name: 'alpha',
      status: 'parsed',
      summary: 'servers start as down until a check succeeds',
      args: { max: 1 },
      handle: (ctx, line, diag) => {
        const value = flagArg(line, diag);
        if (value !== undefined) target(ctx).alpha = value;
      },
    },
  ];
}

export function connectTimeoutKeyword<C>(target: (ctx: C) => CheckerDefaults): Keyword<C> {
  return {
    name: 'connect_timeout',
    status: 'parsed',
    summary: 'seconds a check may take to connect (default 5)',
    args: { min: 1, max: 1 },
    handle: (ctx, line, diag) => {
      const ms = secondsArg(line, diag, 'connect_timeout', { min: 0.001 });
      if (ms !== undefined) target(ctx).connectTimeoutMs = ms;
    },
  };
}

/** connect_ip, connect_port, bindto, bind_port, bind_if, fwmark, connect_timeout, log_all_failures */
export function connectionKeywords<C extends { readonly checker: CheckerConnection; readonly state: LoadState }>(): Keyword<C>[] {
  return [
    {
      name: 'connect_ip',
      status: 'parsed',
      summary: 'address to check (default: the real server)',
      args: { min: 1, max: 1 },
      handle: ({ checker }, line, diag) => {
        const address = ipArg(line, diag, 'connect address');
        if (address !== undefined) checker.connectIp = address;
      },
    },
    {
      name: 'connect_port',
      status: 'parsed',
      summary: 'port to check (default: the real server port)',
      args: { min: 1, max: 1 },
      handle: ({ checker }, line, diag) => {
        const token = line.args[0];
        const port = token === undefined ? undefined : report(parsePort(token.text, 'connect port'), token, line, diag);
        if (port !== undefined) checker.connectPort = port;
      },
    },
    {
      name: 'bindto',
      status: 'parsed',
      summary: 'source address of the check',
      args: { min: 1, max: 1 },
      handle: ({ checker }, line, diag) => {
        const address = ipArg(line, diag, 'source address');
        if (address !== undefined) checker.bindTo = address;
      },
    },
    {
      name: 'bind_port',
      status: 'parsed',
      summary: 'source port of the check',
      args: { min: 1, max: 1 },
      handle: ({ checker }, line, diag) => {
        const token = line.args[0];
        const port = token === undefined ? undefined : report(parsePort(token.text, 'source port'), token, line, diag);
        if (port !== undefined) checker.bindPort = port;
      },
    },
    {
      name: 'bind_if',
      status: 'parsed',
      summary: 'interface of the check (needed for IPv6 link-local bindto)',
      args: { min: 1, max: 1 },
      handle: ({ state, checker }, line) => {
        const name = line.args[0];
        if (name === undefined) return;
        checker.bindInterface = name.text;
        state.requirements.need('interface', name.text, name, line.fullName);
      },
    },
    {
      name: 'fwmark',
      status: 'parsed',
      summary: 'firewall mark of the check packets',
      args: { min: 1, max: 1 },
      handle: ({ checker }, line, diag) => {
        const mark = integerArg(line, diag, { min: 0, max: 0xffffffff }, 'fwmark');
        if (mark !== undefined) checker.fwmark = mark;
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
    connectTimeoutKeyword<C>(({ checker }) => checker),
  ];
}

/** The common keywords of a connecting checker (all but MISC_CHECK and FILE_CHECK) */
export function commonCheckerKeywords<C extends { readonly checker: CheckerConnection; readonly state: LoadState }>(): Keyword<C>[] {
  return [...connectionKeywords<C>(), ...timingKeywords<C>(({ checker }) => checker, { oldRetryName: true })];
}

/**
 * What src/check/from-keepalived.ts honours of the shared keywords, for the checker types vigil
 * runs (TCP_CHECK, HTTP_GET, SSL_GET, DNS_CHECK, SMTP_CHECK, MISC_CHECK); bind_if, fwmark and
 * log_all_failures stay `parsed`, and so does everything in the checkers vigil does not run.
 */
export const honouredTiming: Readonly<Record<string, true | string>> = {
  retry: true,
  delay_before_retry: true,
  warmup: 'a real server\'s checkers share one warmup: the shortest of theirs',
  delay_loop: true,
  alpha: true,
};

export const honouredConnection: Readonly<Record<string, true | string>> = {
  connect_ip: true,
  connect_port: true,
  bindto: true,
  bind_port: true,
  connect_timeout: 'vigil bounds the whole check by it times the check\'s steps; keepalived bounds each step',
};

/** The real_server entry for one checker type: `TCP_CHECK { ... }` adds a checker made by make */
export function checkerKeyword<T extends Checker>(
  name: T['type'],
  summary: string,
  table: KeywordTable<CheckerContext<T>>,
  make: (at: SourceLocation) => T,
): Keyword<CheckerOwner> {
  return {
    name,
    status: 'parsed',
    summary,
    args: { max: 0 },
    block: block(table, (owner: CheckerOwner, line) => {
      const at = { file: line.keyword.file, line: line.keyword.line, column: line.keyword.column };
      const checker = make(at);
      owner.realServer.checkers.push(checker);
      return { state: owner.state, realServer: owner.realServer, checker };
    }),
  };
}
