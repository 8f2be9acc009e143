// `balance <algorithm> [args]` and `hash-type`. The algorithms are a registry keyed by the name
// HAProxy uses, so the balancer module can plug in beside each entry later.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import type { KeywordLine } from '../keywords.ts';
import type { Token } from '../token.ts';
import { parseChoice, parseInteger } from '../values.ts';
import { allowedHere, backendOrDefaults } from './capabilities.ts';
import { locate, type ProxyContext, take } from './context.ts';

export interface BalanceAlgorithm {
  readonly name: string;
  readonly summary: string;
  /** `hdr(name)`, `random(draws)`, `rdp-cookie(name)`: whether the parenthesised argument is needed */
  readonly paren: 'required' | 'optional' | 'none';
  /** checks the words after the algorithm; returns the first bad one */
  readonly checkArgs?: (args: readonly Token[]) => { token: Token; message: string } | undefined;
}

const noArgs = (args: readonly Token[]) => (args[0] === undefined ? undefined : { token: args[0], message: `Unexpected "${args[0].text}": this algorithm takes no arguments` });

/** `uri [len N] [depth N] [whole] [path-only]` */
function uriArgs(args: readonly Token[]): { token: Token; message: string } | undefined {
  for (let i = 0; i < args.length; i++) {
    const token = args[i] as Token;
    if (token.text === 'whole' || token.text === 'path-only') continue;
    if (token.text === 'len' || token.text === 'depth') {
      const value = args[i + 1];
      if (value === undefined) return { token, message: `"${token.text}" needs a number` };
      const n = parseInteger(value.text, { min: 1 }, token.text);
      if (!n.ok) return { token: value, message: n.message };
      i++;
      continue;
    }
    return { token, message: `Unexpected "${token.text}": uri takes len, depth, whole and path-only` };
  }
  return undefined;
}

/** `url_param <param> [check_post [<max_wait>]]` */
function urlParamArgs(args: readonly Token[]): { token: Token; message: string } | undefined {
  const [, option, maxWait, extra] = args;
  if (option !== undefined && option.text !== 'check_post') return { token: option, message: `Unexpected "${option.text}": url_param takes check_post` };
  if (maxWait !== undefined) {
    const n = parseInteger(maxWait.text, { min: 0 }, 'check_post length');
    if (!n.ok) return { token: maxWait, message: n.message };
  }
  return extra === undefined ? undefined : { token: extra, message: `Unexpected "${extra.text}"` };
}

export const balanceAlgorithms: readonly BalanceAlgorithm[] = [
  { name: 'roundrobin', summary: 'Each server in turn, by weight; weights can change at run time', paren: 'none', checkArgs: noArgs },
  { name: 'static-rr', summary: 'Each server in turn, by weight; weights fixed', paren: 'none', checkArgs: noArgs },
  { name: 'leastconn', summary: 'The server with the fewest connections', paren: 'none', checkArgs: noArgs },
  { name: 'first', summary: 'The first server with a free connection slot', paren: 'none', checkArgs: noArgs },
  { name: 'source', summary: 'A hash of the client address', paren: 'none', checkArgs: noArgs },
  { name: 'uri', summary: 'A hash of the URI', paren: 'none', checkArgs: uriArgs },
  { name: 'url_param', summary: 'A hash of a URL query parameter', paren: 'none', checkArgs: urlParamArgs },
  { name: 'hdr', summary: 'A hash of a request header', paren: 'required' },
  { name: 'random', summary: 'Random choice among N draws (power of two choices)', paren: 'optional', checkArgs: noArgs },
  { name: 'rdp-cookie', summary: 'A hash of an RDP cookie', paren: 'optional', checkArgs: noArgs },
  { name: 'hash', summary: 'A hash of a sample expression', paren: 'none' },
  { name: 'log-hash', summary: 'A hash of log message parts (log backends)', paren: 'none' },
  { name: 'sticky', summary: 'The first server, kept until it fails (log backends)', paren: 'none', checkArgs: noArgs },
];

const byName = new Map(balanceAlgorithms.map((a) => [a.name, a]));

export function handleBalance(ctx: ProxyContext, line: KeywordLine, diag: Diagnostics): void {
  if (!allowedHere(ctx, line, diag, backendOrDefaults)) return;
  const [algorithmToken, ...args] = line.args as [Token, ...Token[]];
  const match = /^([^(]+)(?:\((.*)\))?$/.exec(algorithmToken.text);
  const name = match?.[1] ?? algorithmToken.text;
  const paren = match?.[2];
  const known = take(parseChoice(name, balanceAlgorithms.map((a) => a.name), 'balance algorithm'), algorithmToken, line, diag);
  if (known === undefined) return;
  const algorithm = byName.get(known) as BalanceAlgorithm;
  if (algorithm.paren === 'required' && (paren === undefined || paren === '')) {
    diag.error(algorithmToken, line.fullName, `"${name}" needs an argument in parentheses, for example ${name}(host)`, { code: DiagnosticCode.arity });
    return;
  }
  if (algorithm.paren === 'none' && paren !== undefined) {
    diag.error(algorithmToken, line.fullName, `"${name}" takes no argument in parentheses`, { code: DiagnosticCode.badValue });
    return;
  }
  if (name === 'random' && paren !== undefined && take(parseInteger(paren, { min: 1 }, 'random draws'), algorithmToken, line, diag) === undefined) return;
  if ((name === 'url_param' || name === 'hash') && args[0] === undefined) {
    diag.error(algorithmToken, line.fullName, `"${name}" needs ${name === 'hash' ? 'a sample expression' : 'a parameter name'}`, { code: DiagnosticCode.arity });
    return;
  }
  const problem = algorithm.checkArgs?.(args);
  if (problem !== undefined) {
    diag.error(problem.token, line.fullName, problem.message, { code: DiagnosticCode.badValue });
    return;
  }
  ctx.section.own.balance = { algorithm: name, args: [...(paren === undefined ? [] : [paren]), ...args.map((t) => t.text)], at: locate(line.keyword) };
}

export const hashMethods = ['map-based', 'consistent'] as const;
export const hashFunctions = ['sdbm', 'djb2', 'wt6', 'crc32', 'none'] as const;

/** `hash-type <map-based|consistent> [<function>] [avalanche]` */
export function handleHashType(ctx: ProxyContext, line: KeywordLine, diag: Diagnostics): void {
  if (!allowedHere(ctx, line, diag, backendOrDefaults)) return;
  const [methodToken, functionToken, modifierToken] = line.args as [Token, Token | undefined, Token | undefined];
  const method = take(parseChoice(methodToken.text, hashMethods, 'hash method'), methodToken, line, diag);
  if (method === undefined) return;
  const fn = functionToken === undefined ? undefined : take(parseChoice(functionToken.text, hashFunctions, 'hash function'), functionToken, line, diag);
  if (functionToken !== undefined && fn === undefined) return;
  const modifier = modifierToken === undefined ? undefined : take(parseChoice(modifierToken.text, ['avalanche'] as const, 'hash modifier'), modifierToken, line, diag);
  if (modifierToken !== undefined && modifier === undefined) return;
  ctx.section.own.hashType = {
    method,
    ...(fn === undefined ? {} : { function: fn }),
    ...(modifier === undefined ? {} : { modifier }),
    at: locate(line.keyword),
  };
}
