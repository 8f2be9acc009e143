// `if`/`unless` conditions: terms ANDed, `||` (or `or`) between groups, `!` negating a term,
// `{ fetch [flags] patterns }` as an anonymous ACL. Compiled once into one predicate over the
// context's view; evaluation walks prebuilt arrays and allocates nothing.
import type { Condition } from '../../config/haproxy/model.ts';
import type { Diagnostics } from '../../config/diagnostics.ts';
import { DiagnosticCode } from '../../config/diagnostics.ts';
import type { Token } from '../../config/token.ts';
import type { ConnectionView, RequestView, ResponseView } from '../http/message-view.ts';
import { allowedLayers, compileAclExpression, splitAclTokens, type AclContext, type AclTable, type ContextView, type LayeredTest } from './acl.ts';

export type Predicate<V> = (view: V) => boolean;

const always = (): boolean => true;
const never = (): boolean => false;

const layerWords: Readonly<Record<LayeredTest['layer'], string>> = {
  connection: 'connection',
  request: 'HTTP request',
  response: 'HTTP response',
};
const contextWords: Readonly<Record<AclContext, string>> = {
  tcp: 'a tcp-mode rule',
  request: 'a request rule',
  response: 'a response rule',
};

/**
 * Adapts a layered test to the context's view. A response rule reads connection fetches
 * through `view.request`. The casts are sound because `allowedLayers` was checked first:
 * a request view is a connection view, and a tcp context only ever gets connection tests.
 */
function adapt(test: LayeredTest, context: AclContext): Predicate<ContextView[AclContext]> {
  if (context === 'response' && test.layer === 'connection') {
    const inner = test.test;
    return ((view: ResponseView) => inner(view.request)) as Predicate<ContextView[AclContext]>;
  }
  return test.test as Predicate<ContextView[AclContext]>;
}

function anyOf<V>(tests: readonly Predicate<V>[]): Predicate<V> {
  if (tests.length === 1) return tests[0] as Predicate<V>;
  return (view) => {
    for (let i = 0; i < tests.length; i++) if ((tests[i] as Predicate<V>)(view)) return true;
    return false;
  };
}

function allOf<V>(tests: readonly Predicate<V>[]): Predicate<V> {
  if (tests.length === 1) return tests[0] as Predicate<V>;
  if (tests.length === 2) {
    const [a, b] = tests as [Predicate<V>, Predicate<V>];
    return (view) => a(view) && b(view);
  }
  return (view) => {
    for (let i = 0; i < tests.length; i++) if (!(tests[i] as Predicate<V>)(view)) return false;
    return true;
  };
}

function not<V>(test: Predicate<V>): Predicate<V> {
  return (view) => !test(view);
}

/**
 * Compiles a condition for `context`: `tcp` (a ConnectionView: only connection fetches),
 * `request` (a RequestView) or `response` (a ResponseView). No condition means "always".
 * Returns undefined after reporting every problem to `diagnostics` under `keyword`.
 */
export function compileCondition(condition: Condition | undefined, acls: AclTable, context: 'tcp', diagnostics: Diagnostics, keyword: string): Predicate<ConnectionView> | undefined;
export function compileCondition(condition: Condition | undefined, acls: AclTable, context: 'request', diagnostics: Diagnostics, keyword: string): Predicate<RequestView> | undefined;
export function compileCondition(condition: Condition | undefined, acls: AclTable, context: 'response', diagnostics: Diagnostics, keyword: string): Predicate<ResponseView> | undefined;
export function compileCondition(
  condition: Condition | undefined,
  acls: AclTable,
  context: AclContext,
  diagnostics: Diagnostics,
  keyword: string,
): Predicate<ContextView[AclContext]> | undefined {
  if (condition === undefined) return always;
  type View = ContextView[AclContext];
  const groups: Predicate<View>[][] = [];
  let terms: Predicate<View>[] = [];
  let failed = false;
  let negate = false;
  const tokens = condition.tokens;
  const allowed = allowedLayers[context];

  /** true when the lines can run here; a wrong HTTP layer warns and the term never matches */
  const usable = (lines: readonly LayeredTest[], what: string, at: Token): boolean | 'never' => {
    for (const line of lines) {
      if (allowed.includes(line.layer)) continue;
      if (context === 'tcp') {
        diagnostics.error(at, keyword, `Cannot use ${what} in ${contextWords[context]}: it reads the ${layerWords[line.layer]}`, {
          code: DiagnosticCode.structure,
        });
        return false;
      }
      diagnostics.warning(at, keyword, `${what.charAt(0).toUpperCase()}${what.slice(1)} will never match in ${contextWords[context]}: it reads the ${layerWords[line.layer]}`, {
        code: DiagnosticCode.notActive,
      });
      return 'never';
    }
    return true;
  };

  const addTerm = (test: Predicate<View>): void => {
    terms.push(negate ? not(test) : test);
    negate = false;
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    let text = token.text;
    if (!token.quoted && (text === '||' || text === 'or')) {
      if (terms.length === 0 || negate) {
        diagnostics.error(token, keyword, `Missing condition before "${text}"`, { code: DiagnosticCode.structure });
        failed = true;
      }
      groups.push(terms);
      terms = [];
      continue;
    }
    // HAProxy strips any number of leading '!' and allows a lone '!' before the next word
    while (text.startsWith('!')) {
      negate = !negate;
      text = text.slice(1);
    }
    if (text.length === 0) continue;
    if (text === '{') {
      const close = tokens.findIndex((t, j) => j > i && t.text === '}');
      if (close === -1) {
        diagnostics.error(token, keyword, 'Missing "}" after anonymous ACL', { code: DiagnosticCode.structure });
        return undefined;
      }
      const inside = tokens.slice(i + 1, close);
      const split = splitAclTokens(inside);
      i = close;
      if (split === undefined) {
        diagnostics.error(token, keyword, 'Empty anonymous ACL "{ }"', { code: DiagnosticCode.structure });
        failed = true;
        continue;
      }
      const fetchToken = inside[0] as Token;
      const test = compileAclExpression(split.words, { at: fetchToken, patterns: split.patternTokens }, keyword, diagnostics);
      const state = test === undefined ? false : usable([test], `fetch "${split.words.fetch}"`, fetchToken);
      if (test === undefined || state === false) {
        failed = true;
        continue;
      }
      addTerm(state === 'never' ? never : adapt(test, context));
      continue;
    }
    if (text === '}') {
      diagnostics.error(token, keyword, 'Unexpected "}" without "{"', { code: DiagnosticCode.structure });
      failed = true;
      continue;
    }
    const lines = acls.lookup(text, token, keyword);
    const state = lines === undefined ? false : usable(lines, `ACL "${text}"`, token);
    if (lines === undefined || state === false) {
      failed = true;
      continue;
    }
    addTerm(state === 'never' ? never : anyOf(lines.map((line) => adapt(line, context))));
  }
  if (terms.length === 0 && groups.length > 0 && !failed) {
    diagnostics.error(tokens[tokens.length - 1] ?? condition.tokens[0] ?? { file: '', line: 0, column: 0 }, keyword, 'Missing condition after "||"', {
      code: DiagnosticCode.structure,
    });
    return undefined;
  }
  if (failed) return undefined;
  groups.push(terms);
  if (groups.length === 1 && terms.length === 0) {
    // `if` with nothing after it (or only `!`): HAProxy refuses it
    diagnostics.error(condition.tokens[0] ?? condition.acls[0] ?? { file: '', line: 0, column: 0 }, keyword, `Missing condition after "${condition.polarity}"`, {
      code: DiagnosticCode.structure,
    });
    return undefined;
  }
  const predicate = anyOf(groups.map((group) => allOf(group)));
  return condition.polarity === 'unless' ? not(predicate) : predicate;
}
