// The balancing algorithms by the name HAProxy's `balance` line uses, and the parser of that line.
//
// `hdr(Host)` and `random(3)` resolve by name (`hdr`, `random`) with the parenthesised text as
// the first argument; each algorithm says through `parenthesised` whether it requires, allows or
// refuses that form, so the parser itself knows no algorithm by name.
import type { BalanceAlgorithm } from './balancer.ts';
import { didYouMean } from '../config/suggest.ts';
import { first } from './first.ts';
import { hdr } from './hdr.ts';
import { leastConnections } from './leastconn.ts';
import { random } from './random.ts';
import { roundRobin } from './roundrobin.ts';
import { source } from './source.ts';
import { staticRoundRobin } from './static-rr.ts';
import { uri } from './uri.ts';
import { urlParam } from './url-param.ts';

export const balanceAlgorithms: ReadonlyMap<string, BalanceAlgorithm> = new Map(
  [roundRobin, staticRoundRobin, leastConnections, first, source, uri, urlParam, hdr, random].map(
    (algorithm) => [algorithm.name, algorithm] as const,
  ),
);

/** HAProxy algorithms vigil knows of but does not implement, with the reason given to the user */
const unsupportedAlgorithms: ReadonlyMap<string, string> = new Map([
  ['rdp-cookie', 'RDP cookies are not parsed'],
  ['hash', 'sample expressions are not evaluated'],
]);

/** HAProxy's default when a backend has no `balance` line */
export const DEFAULT_BALANCE_ALGORITHM = 'roundrobin';

export type BalanceLookup =
  | { readonly ok: true; readonly algorithm: BalanceAlgorithm; readonly args: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** `name(argument)` or a bare name; the argument may be empty, the parentheses must balance */
const PARENTHESISED = /^([^()]*)\((.*)\)$/;

/**
 * Parses the words after `balance`, e.g. ["hdr(Host)", "use_domain_only"] or ["uri", "len", "10"],
 * into the algorithm and its arguments (the parenthesised one first), checked by the algorithm's
 * `validate`. Errors name the problem and, for a misspelt name, the closest algorithm.
 */
export function findBalanceAlgorithm(words: readonly string[]): BalanceLookup {
  const [head, ...rest] = words;
  if (head === undefined || head.length === 0) return { ok: false, error: 'Cannot balance without an algorithm name' };
  const match = PARENTHESISED.exec(head);
  if (match === null && (head.includes('(') || head.includes(')'))) {
    return { ok: false, error: `Cannot parse balance algorithm "${head}": unbalanced parentheses` };
  }
  const name = match === null ? head : match[1]!;
  const inParentheses = match === null ? undefined : match[2]!;
  const algorithm = balanceAlgorithms.get(name);
  if (algorithm === undefined) return { ok: false, error: unknownAlgorithm(name) };
  if (inParentheses !== undefined && algorithm.parenthesised === undefined) {
    return { ok: false, error: `Cannot use "${head}": ${name} takes no argument in parentheses` };
  }
  if (inParentheses === undefined && algorithm.parenthesised === 'required') {
    return { ok: false, error: `Cannot use "${name}" without an argument in parentheses, as in ${name}(<value>)` };
  }
  const args = inParentheses === undefined ? rest : [inParentheses, ...rest];
  return checked(algorithm, args);
}

/**
 * For callers holding the config model's already split form (`Balance.algorithm`, `Balance.args`
 * with the parenthesised argument first): looks the name up and validates the arguments.
 */
export function resolveBalanceAlgorithm(name: string, args: readonly string[]): BalanceLookup {
  const algorithm = balanceAlgorithms.get(name);
  if (algorithm === undefined) return { ok: false, error: unknownAlgorithm(name) };
  return checked(algorithm, args);
}

function checked(algorithm: BalanceAlgorithm, args: readonly string[]): BalanceLookup {
  const error = algorithm.validate(args);
  return error === undefined ? { ok: true, algorithm, args } : { ok: false, error };
}

function unknownAlgorithm(name: string): string {
  const reason = unsupportedAlgorithms.get(name);
  if (reason !== undefined) return `Cannot use balance algorithm "${name}": not supported by vigil (${reason})`;
  const hint = didYouMean(name, balanceAlgorithms.keys());
  return `Unknown balance algorithm "${name}"${hint === undefined ? '' : `; ${hint}`}`;
}
