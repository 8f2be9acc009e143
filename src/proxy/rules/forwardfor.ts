// `option forwardfor [except <network>] [header <name>] [if-none]`: the client's address added as
// a new header line at the end, after the http-request rules, as HAProxy 2.6 does.
import type { Diagnostics } from '../../config/diagnostics.ts';
import type { ForwardFor } from '../../config/haproxy/model.ts';
import type { SourceLocation } from '../../config/token.ts';
import { headerValue } from '../http/head.ts';
import type { RequestView } from '../http/message-view.ts';
import { networkTest, parseNetwork } from '../acl/ip.ts';
import { unmapIpv4 } from './expression.ts';

/** Returns the edit to run on each request, or undefined after reporting a bad `except` network */
export function compileForwardFor(option: ForwardFor, at: SourceLocation, diagnostics: Diagnostics): ((view: RequestView) => void) | undefined {
  // HAProxy sends header names lower-case; this is the name it writes by default
  const name = option.header ?? 'x-forwarded-for';
  const lower = name.toLowerCase();
  let excepted: ((text: string, start: number, end: number) => boolean) | undefined;
  if (option.except !== undefined) {
    const network = parseNetwork(option.except);
    if (typeof network === 'string') {
      diagnostics.error(at, 'option forwardfor', network);
      return undefined;
    }
    excepted = networkTest([network]);
  }
  const ifNone = option.ifNone;
  return (view) => {
    if (excepted !== undefined && excepted(view.source, 0, view.source.length)) return;
    if (ifNone && headerValue(view.headers, lower) !== undefined) return;
    view.headers.push(name, unmapIpv4(view.source));
  };
}
