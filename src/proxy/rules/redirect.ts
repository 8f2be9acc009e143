// `redirect location|prefix|scheme <to> [code N] [drop-query] [append-slash]`, as an http-request
// action and as the standalone `redirect` keyword. The answer's bytes are HAProxy 2.6's.
import type { Token } from '../../config/token.ts';
import { DiagnosticCode } from '../../config/diagnostics.ts';
import { headerValue } from '../http/head.ts';
import type { RequestView } from '../http/message-view.ts';
import { pathStart } from '../acl/fetches.ts';
import { compileValue } from './expression.ts';
import type { ActionSite } from './header-actions.ts';
import { connectionFate, redirectBytes, redirectCodes } from './reply.ts';

export type RedirectType = 'location' | 'prefix' | 'scheme';

export interface RedirectSpec {
  readonly type: RedirectType;
  readonly target: string;
  readonly code?: number;
  readonly options: readonly string[];
}

export interface RuleResponse {
  readonly kind: 'response';
  readonly status: number;
  readonly bytes: Buffer;
  readonly close: boolean;
}

/** Reads `location /x code 301 drop-query` from an action's words */
export function parseRedirectWords(args: readonly Token[], site: ActionSite): RedirectSpec | undefined {
  const [kind, target, ...rest] = args;
  if (kind === undefined || target === undefined || (kind.text !== 'location' && kind.text !== 'prefix' && kind.text !== 'scheme')) {
    site.diagnostics.error(kind ?? site.at, site.keyword, `"redirect" expects "location", "prefix" or "scheme" and a value`, { code: DiagnosticCode.arity });
    return undefined;
  }
  const options: string[] = [];
  let code: number | undefined;
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] as Token;
    if (word.text === 'code') {
      const value = rest[++i];
      if (value === undefined || !/^\d{3}$/.test(value.text)) {
        site.diagnostics.error(value ?? word, site.keyword, `Cannot parse redirect code "${value?.text ?? ''}"`);
        return undefined;
      }
      code = Number(value.text);
    } else {
      options.push(word.text);
      // `set-cookie NAME[=value]` and `clear-cookie NAME` take one more word
      if ((word.text === 'set-cookie' || word.text === 'clear-cookie') && i + 1 < rest.length) options.push((rest[++i] as Token).text);
    }
  }
  return { type: kind.text, target: target.text, options, ...(code === undefined ? {} : { code }) };
}

/** Compiles a redirect into a step answering the request; undefined after reporting problems */
export function compileRedirect(spec: RedirectSpec, site: ActionSite): ((view: RequestView) => RuleResponse) | undefined {
  const code = spec.code ?? 302;
  if (!redirectCodes.has(code)) {
    site.diagnostics.error(site.at, site.keyword, `Cannot use redirect code "${code}"`, { hint: 'use 301, 302, 303, 307 or 308' });
    return undefined;
  }
  let dropQuery = false;
  let appendSlash = false;
  for (const option of spec.options) {
    if (option === 'drop-query') dropQuery = true;
    else if (option === 'append-slash') appendSlash = true;
    else {
      site.diagnostics.error(site.at, site.keyword, `Cannot use redirect option "${option}": not supported yet`, { code: DiagnosticCode.unsupported });
      return undefined;
    }
  }
  const target = compileValue(spec.target, 'request', site.at, site.keyword, site.diagnostics);
  if (target === undefined) return undefined;

  /** the request's path (and query unless dropped), with a slash appended when asked */
  const pathPart = (view: RequestView): string => {
    const start = pathStart(view.target);
    let path = view.target.slice(start);
    if (dropQuery) {
      const question = path.indexOf('?');
      if (question !== -1) path = path.slice(0, question);
    }
    // HAProxy appends after the query when it is kept; configs pair append-slash with drop-query
    if (appendSlash && !path.endsWith('/')) path += '/';
    return path;
  };

  let location: (view: RequestView) => string;
  if (spec.type === 'location') {
    location = target.evaluate;
  } else if (spec.type === 'prefix') {
    // HAProxy writes no prefix for "/" so that the path does not start with "//"
    location = (view) => {
      const prefix = target.evaluate(view);
      return prefix === '/' ? pathPart(view) : prefix + pathPart(view);
    };
  } else {
    location = (view) => `${target.evaluate(view)}://${headerValue(view.headers, 'host') ?? ''}${pathPart(view)}`;
  }
  return (view) => {
    const fate = connectionFate(view);
    return { kind: 'response', status: code, bytes: redirectBytes(code, location(view), fate), close: fate.close };
  };
}
