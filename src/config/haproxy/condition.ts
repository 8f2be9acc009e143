// `if <cond>` / `unless <cond>` at the end of rules. The condition stays as tokens (vigil does not
// evaluate ACLs yet); the named ACLs it uses are picked out so a missing one is reported.
//   cond := term ( ('or' | '||') term )*, where a term is [!]acl-name or an anonymous { fetch ... }
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import type { KeywordLine } from '../keywords.ts';
import type { Token } from '../token.ts';
import type { Condition } from './model.ts';

export interface SplitCondition {
  /** the words before `if`/`unless` */
  readonly before: readonly Token[];
  readonly condition?: Condition;
}

/** ACLs HAProxy predefines in every proxy */
export const predefinedAcls: ReadonlySet<string> = new Set([
  'FALSE', 'HTTP', 'HTTP_1.0', 'HTTP_1.1', 'HTTP_2.0', 'HTTP_3.0', 'HTTP_CONTENT', 'HTTP_URL_ABS', 'HTTP_URL_SLASH', 'HTTP_URL_STAR',
  'LOCALHOST', 'METH_CONNECT', 'METH_DELETE', 'METH_GET', 'METH_HEAD', 'METH_OPTIONS', 'METH_POST', 'METH_PUT', 'METH_TRACE',
  'RDP_COOKIE', 'REQ_CONTENT', 'TRUE', 'WAIT_END',
]);

/**
 * Splits `words` at the first unquoted `if`/`unless`. Returns undefined (after reporting) when the
 * condition is malformed: nothing after `if`, or unbalanced braces.
 */
export function splitCondition(words: readonly Token[], line: KeywordLine, diag: Diagnostics): SplitCondition | undefined {
  const index = words.findIndex((t) => !t.quoted && (t.text === 'if' || t.text === 'unless'));
  if (index === -1) return { before: words };
  const keyword = words[index] as Token;
  const tokens = words.slice(index + 1);
  if (tokens.length === 0) {
    diag.error(keyword, line.fullName, `Missing condition after "${keyword.text}"`, { code: DiagnosticCode.arity });
    return undefined;
  }
  const acls: Token[] = [];
  let depth = 0;
  let open: Token | undefined;
  for (const token of tokens) {
    // `!{ ssl_fc }` negates an anonymous ACL, written without a space after `!`
    if (!token.quoted && (token.text === '{' || token.text === '!{')) {
      if (depth === 0) open = token;
      depth++;
      continue;
    }
    if (!token.quoted && token.text === '}') {
      if (depth === 0) {
        diag.error(token, line.fullName, 'Unexpected "}" without an opening "{"', { code: DiagnosticCode.structure });
        return undefined;
      }
      depth--;
      continue;
    }
    if (depth > 0 || token.text === 'or' || token.text === '||' || token.text === '!') continue;
    const name = token.text.replace(/^!+/, '');
    if (name === '') continue;
    acls.push({ ...token, text: name, column: token.column + (token.text.length - name.length) });
  }
  if (depth > 0 && open !== undefined) {
    diag.error(open, line.fullName, 'Unclosed "{" in condition', { code: DiagnosticCode.structure, hint: 'anonymous ACLs need spaces around "{" and "}"' });
    return undefined;
  }
  return { before: words.slice(0, index), condition: { polarity: keyword.text === 'if' ? 'if' : 'unless', tokens, acls } };
}
