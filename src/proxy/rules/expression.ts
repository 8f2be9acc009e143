// Values of http-request/http-response rules are HAProxy log-format strings: text with `%[fetch]`
// sample expressions and a few `%` variables. This compiles the subset rule values need (the full
// log-line variables belong to the access-log formatter); the result is a function of the view,
// or a constant when the string has no expressions.
import type { Diagnostics } from '../../config/diagnostics.ts';
import { DiagnosticCode } from '../../config/diagnostics.ts';
import type { SourceLocation } from '../../config/token.ts';
import { didYouMean } from '../../config/suggest.ts';
import type { ConnectionView, RequestView, ResponseView } from '../http/message-view.ts';
import { allowedLayers, type AclContext, type ContextView } from '../acl/acl.ts';
import { fetches, unsupportedFetches } from '../acl/fetches.ts';
import { converters, parseFetchExpression, type Sampler } from '../acl/sample.ts';

export type ValueContext = Exclude<AclContext, 'tcp'>;

/** A compiled value: `constant` is set when the text has no expressions */
export interface ValueFormat<V> {
  readonly constant: string | undefined;
  readonly evaluate: (view: V) => string;
}

type Part<V> = string | ((view: V) => string);

/** `%` variables rule values may use, by the view they read */
const variables: Readonly<Record<string, (view: ConnectionView) => string>> = {
  ci: (view) => unmapIpv4(view.source),
  cp: (view) => String(view.sourcePort),
  fi: (view) => unmapIpv4(view.destination),
  fp: (view) => String(view.destinationPort),
  f: (view) => view.frontend,
};

/** `::ffff:10.0.0.1` as `10.0.0.1`: what a dual-stack socket reports for an IPv4 client, as HAProxy prints it */
export function unmapIpv4(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function connectionOf(context: ValueContext): (view: ContextView[ValueContext]) => ConnectionView {
  return context === 'response' ? (view) => (view as ResponseView).request : (view) => view as RequestView;
}

/**
 * Compiles `text` for `context` (a request or a response rule). Returns undefined after
 * reporting problems at `at` under `keyword`.
 */
export function compileValue(text: string, context: 'request', at: SourceLocation, keyword: string, diagnostics: Diagnostics): ValueFormat<RequestView> | undefined;
export function compileValue(text: string, context: 'response', at: SourceLocation, keyword: string, diagnostics: Diagnostics): ValueFormat<ResponseView> | undefined;
export function compileValue(text: string, context: ValueContext, at: SourceLocation, keyword: string, diagnostics: Diagnostics): ValueFormat<ContextView[ValueContext]> | undefined;
export function compileValue(
  text: string,
  context: ValueContext,
  at: SourceLocation,
  keyword: string,
  diagnostics: Diagnostics,
): ValueFormat<ContextView[ValueContext]> | undefined {
  type View = ContextView[ValueContext];
  const parts: Part<View>[] = [];
  let literal = '';
  let failed = false;
  const connection = connectionOf(context);
  const fail = (message: string, code: DiagnosticCode = DiagnosticCode.badValue, hint?: string): void => {
    diagnostics.error(at, keyword, message, { code, ...(hint === undefined ? {} : { hint }) });
    failed = true;
  };
  const warn = (message: string): void => diagnostics.warning(at, keyword, message, { code: DiagnosticCode.notActive });
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length && text[i + 1] === '%') {
      literal += '%';
      i += 2;
      continue;
    }
    if (c !== '%') {
      literal += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '%') {
      literal += '%';
      i += 2;
      continue;
    }
    if (next === '[') {
      const close = text.indexOf(']', i + 2);
      if (close === -1) {
        fail(`Missing "]" in "${text}"`);
        break;
      }
      const reader = compileSample(text.slice(i + 2, close), context, fail, warn);
      if (reader !== undefined) {
        if (literal.length > 0) parts.push(literal);
        literal = '';
        parts.push(reader);
      }
      i = close + 1;
      continue;
    }
    if (next === '{') {
      fail(`Cannot use log-format options "%{...}" in a rule value: not supported yet`, DiagnosticCode.unsupported);
      break;
    }
    let end = i + 1;
    while (end < text.length && /[A-Za-z]/.test(text[end] as string)) end++;
    const name = text.slice(i + 1, end);
    const variable = variables[name];
    if (variable === undefined) {
      if (name.length === 0) fail(`Cannot parse "%" at the end of "${text}"`);
      else fail(`Cannot use log-format variable "%${name}" in a rule value`, DiagnosticCode.unsupported, didYouMean(name, Object.keys(variables)));
    } else {
      if (literal.length > 0) parts.push(literal);
      literal = '';
      parts.push((view) => variable(connection(view)));
    }
    i = end;
  }
  if (failed) return undefined;
  if (literal.length > 0) parts.push(literal);
  return joinParts(parts);
}

function joinParts<V>(parts: readonly Part<V>[]): ValueFormat<V> {
  if (parts.length === 0) return { constant: '', evaluate: () => '' };
  if (parts.length === 1 && typeof parts[0] === 'string') {
    const constant = parts[0];
    return { constant, evaluate: () => constant };
  }
  if (parts.length === 1) return { constant: undefined, evaluate: parts[0] as (view: V) => string };
  return {
    constant: undefined,
    evaluate: (view) => {
      let out = '';
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i] as Part<V>;
        out += typeof part === 'string' ? part : part(view);
      }
      return out;
    },
  };
}

/** one `%[fetch,converter...]`; an absent sample prints as the empty string, as in HAProxy rules */
function compileSample(
  text: string,
  context: ValueContext,
  fail: (message: string, code?: DiagnosticCode, hint?: string) => void,
  warn: (message: string) => void,
): ((view: ContextView[ValueContext]) => string) | undefined {
  const expression = parseFetchExpression(text);
  if (typeof expression === 'string') {
    fail(expression);
    return undefined;
  }
  const name = expression.fetch.name;
  const definition = fetches.get(name);
  if (definition === undefined) {
    const reason = unsupportedFetches.get(name);
    if (reason !== undefined) fail(`Cannot use fetch "${name}": ${reason}`, DiagnosticCode.unsupported);
    else fail(`Unknown fetch "${name}"`, DiagnosticCode.unknownKeyword, didYouMean(name, fetches.keys()));
    return undefined;
  }
  if (!allowedLayers[context].includes(definition.layer)) {
    // HAProxy accepts it with a warning and the value is empty at run time
    warn(`Fetch "${name}" is always empty in a ${context} rule: it reads the ${definition.layer === 'request' ? 'HTTP request' : 'HTTP response'}`);
    return () => '';
  }
  const args = expression.fetch.args;
  if (args.length < definition.minArgs || args.length > definition.maxArgs) {
    fail(`Fetch "${name}" takes ${definition.minArgs === definition.maxArgs ? definition.minArgs : `${definition.minArgs} to ${definition.maxArgs}`} argument(s), not ${args.length}`, DiagnosticCode.arity);
    return undefined;
  }
  const transforms: ((value: string) => string)[] = [];
  for (const converter of expression.converters) {
    const transform = converters.get(converter.name);
    if (transform === undefined) {
      fail(`Cannot use converter "${converter.name}": not supported yet`, DiagnosticCode.unsupported);
      return undefined;
    }
    transforms.push(transform);
  }
  const sampler = definition.build(args) as Sampler<unknown> | string;
  if (typeof sampler === 'string') {
    fail(sampler);
    return undefined;
  }
  // A fetch reads its own layer's view; a response rule reaches connection fetches through
  // `view.request` (layers were checked above, so the casts hold).
  const read = sampler.value as (view: unknown) => string | number | undefined;
  const project =
    context === 'response' && definition.layer !== 'response'
      ? (view: ContextView[ValueContext]): unknown => (view as ResponseView).request
      : (view: ContextView[ValueContext]): unknown => view;
  const ip = sampler.type === 'ip';
  return (view) => {
    const value = read(project(view));
    if (value === undefined) return '';
    let out = typeof value === 'number' ? String(value) : ip ? unmapIpv4(value) : value;
    for (const transform of transforms) out = transform(out);
    return out;
  };
}
