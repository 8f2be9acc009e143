// What a sample fetch yields, and the syntax of a fetch expression (`req.hdr(host,1),lower`)
// shared by ACLs and log-format values.
import type { ConnectionView, RequestView, ResponseView } from '../http/message-view.ts';
import type { SampleType, StringTest, IntTest } from './match.ts';

/** where a fetch reads from: tcp mode offers only `connection`, http-response all three */
export type FetchLayer = 'connection' | 'request' | 'response';

export interface LayerView {
  connection: ConnectionView;
  request: RequestView;
  response: ResponseView;
}

/**
 * A string-valued fetch (`str`, or `ip` whose text is an address). `some` runs `test` on each of
 * the sample's values until one matches (an ACL on `hdr(x)` sees every value of every `x`
 * header); `value` is the one value an expression prints (for `hdr(x)`, the last one).
 */
export interface StringSampler<V> {
  readonly type: 'str' | 'ip';
  readonly some: (view: V, test: StringTest) => boolean;
  readonly value: (view: V) => string | undefined;
}

/** An integer or boolean fetch (a boolean is 0 or 1); `some` as for strings */
export interface IntSampler<V> {
  readonly type: 'int' | 'bool';
  readonly some: (view: V, test: IntTest) => boolean;
  readonly value: (view: V) => number | undefined;
}

export type Sampler<V> = StringSampler<V> | IntSampler<V>;

export interface FetchDefinition<L extends FetchLayer> {
  readonly name: string;
  readonly layer: L;
  readonly type: SampleType;
  /** how many arguments between the parentheses */
  readonly minArgs: number;
  readonly maxArgs: number;
  /** builds the sampler for these arguments, or says why it cannot */
  readonly build: (args: readonly string[]) => Sampler<LayerView[L]> | string;
}

export type AnyFetchDefinition = FetchDefinition<'connection'> | FetchDefinition<'request'> | FetchDefinition<'response'>;

export interface FetchCall {
  readonly name: string;
  readonly args: string[];
}

export interface FetchExpression {
  readonly fetch: FetchCall;
  readonly converters: FetchCall[];
}

/**
 * Splits `name(arg,arg),conv(arg),conv` into the fetch and its converters. Arguments are taken as
 * written between commas (HAProxy also allows quoting them; vigil does not yet).
 */
export function parseFetchExpression(text: string): FetchExpression | string {
  const calls: FetchCall[] = [];
  let i = 0;
  while (i <= text.length) {
    let nameEnd = i;
    while (nameEnd < text.length && text[nameEnd] !== '(' && text[nameEnd] !== ',') nameEnd++;
    const name = text.slice(i, nameEnd).trim();
    if (name.length === 0) return `Cannot parse sample expression "${text}": empty name`;
    const args: string[] = [];
    i = nameEnd;
    if (text[i] === '(') {
      const close = text.indexOf(')', i);
      if (close === -1) return `Cannot parse sample expression "${text}": missing ')'`;
      const inside = text.slice(i + 1, close);
      if (inside.length > 0) args.push(...inside.split(','));
      i = close + 1;
    }
    calls.push({ name, args });
    if (i >= text.length) break;
    if (text[i] !== ',') return `Cannot parse sample expression "${text}": unexpected "${text.slice(i)}"`;
    i++;
  }
  const [fetch, ...converters] = calls;
  if (fetch === undefined) return `Cannot parse sample expression "${text}"`;
  return { fetch, converters };
}

/** Converters vigil applies to string samples; others are reported as not supported yet */
export const converters: ReadonlyMap<string, (value: string) => string> = new Map([
  ['lower', (value: string) => value.toLowerCase()],
  ['upper', (value: string) => value.toUpperCase()],
]);
