// `acl <name> <fetch> [flags] [operator] [<pattern>...]`: named ACLs, kept as written for the
// rule engine to come, with their flags checked and their pattern files recorded.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import type { KeywordLine } from '../keywords.ts';
import type { Token } from '../token.ts';
import { parseChoice } from '../values.ts';
import { locate, need, type ProxyContext, resolvePath, take } from './context.ts';
import type { Acl } from './model.ts';
import { checkName } from './names.ts';

/** `-m` match methods */
export const aclMatchMethods = ['found', 'bool', 'int', 'ip', 'bin', 'len', 'str', 'sub', 'reg', 'beg', 'end', 'dir', 'dom'] as const;

/** flags without a value */
const plainFlags = new Set(['-i', '-n', '-u']);
/** flags taking one value */
const valueFlags = new Set(['-f', '-m', '-M']);

export function handleAcl(ctx: ProxyContext, line: KeywordLine, diag: Diagnostics): void {
  const [nameToken, fetchToken, ...rest] = line.args as [Token, Token, ...Token[]];
  if (!checkName(nameToken, 'ACL', line.fullName, diag)) return;
  const acl: Acl = { name: nameToken.text, fetch: fetchToken.text, flags: [], patterns: [], files: [], at: locate(line.keyword) };
  let i = 0;
  while (i < rest.length) {
    const token = rest[i] as Token;
    if (token.quoted || !token.text.startsWith('-')) break;
    if (token.text === '--') {
      i++;
      break;
    }
    if (plainFlags.has(token.text)) {
      acl.flags.push(token.text);
      i++;
      continue;
    }
    if (!valueFlags.has(token.text)) {
      diag.error(token, line.fullName, `Unknown ACL flag "${token.text}"`, {
        code: DiagnosticCode.badValue,
        hint: 'flags are -i, -n, -u, -f <file>, -m <method>, -M <map>; write "--" before a pattern that starts with "-"',
      });
      return;
    }
    const value = rest[i + 1];
    if (value === undefined) {
      diag.error(token, line.fullName, `ACL flag "${token.text}" needs a value`, { code: DiagnosticCode.arity });
      return;
    }
    if (token.text === '-m' && take(parseChoice(value.text, aclMatchMethods, 'match method'), value, line, diag) === undefined) return;
    if (token.text === '-f' || token.text === '-M') {
      const file = resolvePath(ctx.state, value.text);
      acl.files.push(file);
      need(ctx.state, 'file', file, locate(value), line.fullName);
    }
    acl.flags.push(token.text, value.text);
    i += 2;
  }
  acl.patterns = rest.slice(i).map((t) => t.text);
  ctx.section.acls.push(acl);
}
