// Header edits shared by http-request and http-response rules: set-header, add-header,
// del-header, replace-header. Headers live in the view's flat [name, value, ...] array and are
// edited in place; added lines go at the end, as HAProxy appends them.
import type { Diagnostics } from '../../config/diagnostics.ts';
import { DiagnosticCode } from '../../config/diagnostics.ts';
import type { SourceLocation, Token } from '../../config/token.ts';
import { nameIs } from '../http/head.ts';
import { compileValue, type ValueContext } from './expression.ts';
import type { ContextView } from '../acl/acl.ts';

/** What compiling one action needs to know and where it reports */
export interface ActionSite {
  readonly keyword: string;
  readonly action: string;
  readonly at: SourceLocation;
  readonly diagnostics: Diagnostics;
}

/** a compiled action's effect: undefined lets the next rule run, anything else stops the list */
export type Step<V, O> = (view: V) => O | undefined;

export interface ActionDefinition<V, O, S extends ActionSite = ActionSite> {
  readonly name: string;
  readonly compile: (args: readonly Token[], site: S) => Step<V, O> | undefined;
}

export function reportArity(site: ActionSite, expected: string, args: readonly Token[]): undefined {
  site.diagnostics.error(args[0] ?? site.at, site.keyword, `"${site.action}" expects ${expected}, got ${args.length} argument(s)`, {
    code: DiagnosticCode.arity,
  });
  return undefined;
}

/** removes every `lowerName` line, keeping the order of the others */
export function removeHeader(headers: string[], lowerName: string): void {
  let write = 0;
  for (let read = 0; read < headers.length; read += 2) {
    if (nameIs(headers[read] as string, lowerName)) continue;
    if (write !== read) {
      headers[write] = headers[read] as string;
      headers[write + 1] = headers[read + 1] as string;
    }
    write += 2;
  }
  headers.length = write;
}

type HeaderView = { headers: string[] };

function headerActions<C extends ValueContext, O>(context: C): ActionDefinition<ContextView[C] & HeaderView, O>[] {
  type V = ContextView[C] & HeaderView;
  const value = (text: string, site: ActionSite) => compileValue(text, context, site.at, site.keyword, site.diagnostics);
  return [
    {
      name: 'set-header',
      compile: (args, site) => {
        if (args.length !== 2) return reportArity(site, 'a header name and a value', args);
        const name = (args[0] as Token).text;
        const lower = name.toLowerCase();
        const format = value((args[1] as Token).text, site);
        if (format === undefined) return undefined;
        return (view: V) => {
          // the value is computed before the old lines go, so it may read them
          const text = format.evaluate(view);
          removeHeader(view.headers, lower);
          view.headers.push(name, text);
          return undefined;
        };
      },
    },
    {
      name: 'add-header',
      compile: (args, site) => {
        if (args.length !== 2) return reportArity(site, 'a header name and a value', args);
        const name = (args[0] as Token).text;
        const format = value((args[1] as Token).text, site);
        if (format === undefined) return undefined;
        return (view: V) => {
          view.headers.push(name, format.evaluate(view));
          return undefined;
        };
      },
    },
    {
      name: 'del-header',
      compile: (args, site) => {
        const name = args[0]?.text;
        let method = 'str';
        if (name === undefined || (args.length !== 1 && args.length !== 3)) return reportArity(site, 'a header name, optionally "-m <method>"', args);
        if (args.length === 3) {
          if ((args[1] as Token).text !== '-m') return reportArity(site, 'a header name, optionally "-m <method>"', args);
          method = (args[2] as Token).text;
        }
        const matches = nameMatcher(name, method, args[2] ?? site.at, site);
        if (matches === undefined) return undefined;
        return (view: V) => {
          const headers = view.headers;
          let write = 0;
          for (let read = 0; read < headers.length; read += 2) {
            if (matches(headers[read] as string)) continue;
            if (write !== read) {
              headers[write] = headers[read] as string;
              headers[write + 1] = headers[read + 1] as string;
            }
            write += 2;
          }
          headers.length = write;
          return undefined;
        };
      },
    },
    {
      name: 'replace-header',
      compile: (args, site) => {
        if (args.length !== 3) return reportArity(site, 'a header name, a regex and a replacement', args);
        const lower = (args[0] as Token).text.toLowerCase();
        const pattern = args[1] as Token;
        let regex: RegExp;
        try {
          regex = new RegExp(pattern.text);
        } catch (error) {
          site.diagnostics.error(pattern, site.keyword, `Cannot compile regular expression "${pattern.text}": ${(error as Error).message}`);
          return undefined;
        }
        const format = value((args[2] as Token).text, site);
        if (format === undefined) return undefined;
        return (view: V) => {
          const headers = view.headers;
          let replacement: string | undefined;
          for (let i = 0; i < headers.length; i += 2) {
            if (!nameIs(headers[i] as string, lower)) continue;
            const match = regex.exec(headers[i + 1] as string);
            if (match === null) continue;
            replacement ??= format.evaluate(view);
            headers[i + 1] = expandGroups(replacement, match);
          }
          return undefined;
        };
      },
    },
  ];
}

export function requestHeaderActions<O>(): ActionDefinition<ContextView['request'], O>[] {
  return headerActions<'request', O>('request');
}

export function responseHeaderActions<O>(): ActionDefinition<ContextView['response'], O>[] {
  return headerActions<'response', O>('response');
}

/**
 * HAProxy's exp_replace: the whole value becomes the replacement with `\1`..`\9` taken from the
 * match (text outside the match is not kept; anchored regexes make that invisible).
 */
export function expandGroups(replacement: string, match: RegExpExecArray): string {
  if (!replacement.includes('\\')) return replacement;
  return replacement.replace(/\\([0-9])/g, (_all, digit: string) => match[Number(digit)] ?? '');
}

/** `del-header name -m method`: header names compare case-insensitively, as HAProxy does */
function nameMatcher(name: string, method: string, at: SourceLocation, site: ActionSite): ((header: string) => boolean) | undefined {
  const lower = name.toLowerCase();
  switch (method) {
    case 'str':
      return (header) => nameIs(header, lower);
    case 'beg':
      return (header) => header.length >= lower.length && nameIs(header.slice(0, lower.length), lower);
    case 'end':
      return (header) => header.length >= lower.length && nameIs(header.slice(header.length - lower.length), lower);
    case 'sub':
      return (header) => header.toLowerCase().includes(lower);
    case 'reg': {
      try {
        const regex = new RegExp(name, 'i');
        return (header) => regex.test(header);
      } catch (error) {
        site.diagnostics.error(at, site.keyword, `Cannot compile regular expression "${name}": ${(error as Error).message}`);
        return undefined;
      }
    }
    default:
      site.diagnostics.error(at, site.keyword, `Cannot use match method "${method}" with "${site.action}"`, {
        hint: 'use str, beg, end, sub or reg',
      });
      return undefined;
  }
}
