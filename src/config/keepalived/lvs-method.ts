// `lvs_method NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]`, shared by virtual
// servers, real servers and sorry_server_lvs_method. vigil keeps the method; tunnel options are
// accepted as written.
import type { Diagnostics } from '../diagnostics.ts';
import type { KeywordLine } from '../keywords.ts';
import { choiceArg } from './args.ts';
import { lvsMethods, type LvsMethod } from './model.ts';

export function lvsMethodArg(line: KeywordLine, diag: Diagnostics): LvsMethod | undefined {
  const method = choiceArg(line, diag, lvsMethods, 'forwarding method');
  if (method === undefined) return undefined;
  const extra = line.args[1];
  if (method !== 'TUN' && extra !== undefined) {
    diag.error(extra, line.fullName, `Forwarding method ${method} takes no options, got "${extra.text}"`);
    return undefined;
  }
  return method;
}
