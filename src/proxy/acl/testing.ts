// Builders for tests of ACLs and rules: model objects from config-file text through the real
// tokenizer, and views with sensible defaults. Not used outside tests.
import type { Acl, Condition, Rule, RuleKeyword } from '../../config/haproxy/model.ts';
import { Diagnostics } from '../../config/diagnostics.ts';
import type { Token } from '../../config/token.ts';
import { tokenizeLine } from '../../config/haproxy/tokenize.ts';
import type { ConnectionView, RequestView, ResponseView } from '../http/message-view.ts';
import { AclTable, splitAclTokens } from './acl.ts';

let lineNumber = 0;

/** the words of one config line, as the tokenizer reads it, on a new line number of test.cfg */
export function words(text: string): Token[] {
  lineNumber++;
  return [...tokenizeLine(text, lineNumber, { file: 'test.cfg', env: {} }).tokens];
}

/** `acl NAME fetch [flags] patterns` */
export function acl(text: string): Acl {
  const [keyword, name, ...rest] = words(text);
  if (keyword?.text !== 'acl' || name === undefined) throw new Error(`not an acl line: ${text}`);
  const split = splitAclTokens(rest);
  if (split === undefined) throw new Error(`no fetch in: ${text}`);
  return { name: name.text, fetch: split.words.fetch, flags: [...split.words.flags], patterns: [...split.words.patterns], files: [], at: name };
}

function conditionFrom(tokens: readonly Token[]): Condition | undefined {
  const [polarity, ...rest] = tokens;
  if (polarity === undefined) return undefined;
  if (polarity.text !== 'if' && polarity.text !== 'unless') throw new Error(`not a condition: ${polarity.text}`);
  const acls = rest.filter((t) => /^!*[A-Za-z_][\w.-]*$/.test(t.text) && t.text !== 'or');
  return { polarity: polarity.text, tokens: rest, acls };
}

/** `if ...` or `unless ...` */
export function condition(text: string): Condition {
  const parsed = conditionFrom(words(text));
  if (parsed === undefined) throw new Error('empty condition');
  return parsed;
}

/** `http-request ACTION args [if|unless ...]`, `http-response ...` */
export function rule(text: string): Rule {
  const tokens = words(text);
  const [keyword, action, ...rest] = tokens;
  if (keyword === undefined || action === undefined) throw new Error(`not a rule: ${text}`);
  const split = rest.findIndex((t) => !t.quoted && (t.text === 'if' || t.text === 'unless'));
  const args = split === -1 ? rest : rest.slice(0, split);
  const parsed = split === -1 ? undefined : conditionFrom(rest.slice(split));
  return { keyword: keyword.text as RuleKeyword, action: action.text, args, at: keyword, ...(parsed === undefined ? {} : { condition: parsed }) };
}

export function table(lines: readonly string[], diagnostics = new Diagnostics()): AclTable {
  return new AclTable(lines.map(acl), diagnostics);
}

export function connectionView(overrides: Partial<ConnectionView> = {}): ConnectionView {
  return { source: '192.0.2.10', sourcePort: 40000, destination: '127.0.0.1', destinationPort: 8080, frontend: 'web', ...overrides };
}

export function requestView(overrides: Partial<RequestView> = {}): RequestView {
  return {
    ...connectionView(),
    method: 'GET',
    target: '/',
    version: 11,
    headers: ['Host', 'example.com'],
    ...overrides,
  };
}

export function responseView(overrides: Partial<ResponseView> = {}): ResponseView {
  return { status: 200, reason: 'OK', version: 11, headers: ['Content-Type', 'text/html'], request: requestView(), ...overrides };
}
