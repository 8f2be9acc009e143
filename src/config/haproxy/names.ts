// HAProxy's rule for identifiers (proxy, server, ACL, userlist names): letters, digits, and
// `-`, `_`, `.`, `:`. Anything else would break references and the stats page.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import type { Token } from '../token.ts';

const identifier = /^[A-Za-z0-9_.:-]+$/;

/** True when `token` is a valid name; otherwise reports it and returns false */
export function checkName(token: Token, what: string, keyword: string, diag: Diagnostics): boolean {
  if (identifier.test(token.text)) return true;
  const bad = [...token.text].find((c) => !identifier.test(c));
  diag.error(token, keyword, token.text === ''
    ? `Empty ${what} name`
    : `Invalid ${what} name "${token.text}": character "${bad ?? ''}" is not allowed`, {
    code: DiagnosticCode.badValue,
    hint: 'use only letters, digits, "-", "_", "." and ":"',
  });
  return false;
}
