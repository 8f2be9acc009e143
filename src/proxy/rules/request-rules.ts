// `http-request` rules (HAProxy 2.6): compiled once into steps run in order; the first final
// action (allow, deny, return, redirect) ends the list. Actions are table entries keyed by name.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Diagnostics } from '../../config/diagnostics.ts';
import { DiagnosticCode } from '../../config/diagnostics.ts';
import type { ForwardFor, Redirect, Rule } from '../../config/haproxy/model.ts';
import type { SourceLocation, Token } from '../../config/token.ts';
import { didYouMean } from '../../config/suggest.ts';
import type { ErrorPages } from '../http/error-pages.ts';
import { errorStatuses } from '../http/error-pages.ts';
import type { RequestView } from '../http/message-view.ts';
import type { AclTable } from '../acl/acl.ts';
import { compileCondition } from '../acl/condition.ts';
import { pathEnd, pathStart } from '../acl/fetches.ts';
import { compileValue, type ValueFormat } from './expression.ts';
import { compileForwardFor } from './forwardfor.ts';
import { reportArity, requestHeaderActions, type ActionDefinition, type ActionSite, type Step } from './header-actions.ts';
import { compileRedirect, parseRedirectWords, type RuleResponse } from './redirect.ts';
import { assemble, bodyFor, connectionFate, DenyPage, statusReason } from './reply.ts';

export type { RuleResponse } from './redirect.ts';

/** What the session does after the request rules: forward the (edited) request, or answer */
export type RequestOutcome = { readonly kind: 'continue' } | RuleResponse;

const proceed: RequestOutcome = Object.freeze({ kind: 'continue' });

export interface RequestRuleOptions {
  /** the proxy's error pages, so a deny answers with its `errorfile` when it has one */
  readonly errorPages?: ErrorPages;
  /** where `file`/`errorfile` paths of `return` resolve from (the config's directory) */
  readonly baseDirectory?: string;
}

interface CompileSite extends ActionSite {
  readonly options: RequestRuleOptions;
}

type RequestStep = Step<RequestView, RequestOutcome>;
type RequestAction = ActionDefinition<RequestView, RequestOutcome, CompileSite>;

/** What runs after the http-request rules: standalone `redirect` lines, then `option forwardfor` */
export interface RequestExtras {
  readonly redirects?: readonly Redirect[];
  readonly forwardFor?: { readonly option: ForwardFor; readonly at: SourceLocation };
}

/** A proxy's compiled request processing, in HAProxy's order */
export interface RequestRules {
  readonly steps: readonly RequestStep[];
}

// ---- actions ------------------------------------------------------------------------------

function targetEdit(name: string, edit: (view: RequestView, value: string) => void): RequestAction {
  return {
    name,
    compile: (args, site) => {
      if (args.length !== 1) return reportArity(site, 'one value', args);
      const format = compileValue((args[0] as Token).text, 'request', args[0] as Token, site.keyword, site.diagnostics);
      if (format === undefined) return undefined;
      return (view) => {
        edit(view, format.evaluate(view));
        return undefined;
      };
    },
  };
}

function parseStatus(word: Token | undefined, site: ActionSite): number | undefined {
  if (word === undefined || !/^\d{3}$/.test(word.text)) {
    site.diagnostics.error(word ?? site.at, site.keyword, `Cannot parse status code "${word?.text ?? ''}"`);
    return undefined;
  }
  return Number(word.text);
}

/** `deny [deny_status N]`; with an errorfile for N the proxy's file is sent and the connection closes */
function compileDeny(args: readonly Token[], site: CompileSite, defaultStatus: number): RequestStep | undefined {
  let status = defaultStatus;
  for (let i = 0; i < args.length; i++) {
    const word = args[i] as Token;
    if (word.text === 'deny_status') {
      const parsed = parseStatus(args[++i], site);
      if (parsed === undefined) return undefined;
      status = parsed;
    } else {
      site.diagnostics.error(word, site.keyword, `Cannot use "${word.text}" with "${site.action}": not supported yet`, { code: DiagnosticCode.unsupported });
      return undefined;
    }
  }
  // HAProxy 2.6 refuses a status it has no built-in page for
  if (!errorStatuses.includes(status)) {
    site.diagnostics.error(site.at, site.keyword, `Cannot deny with status "${status}": HAProxy has no error page for it`, {
      hint: `use one of ${errorStatuses.join(', ')}`,
    });
    return undefined;
  }
  const errorPages = site.options.errorPages;
  if (errorPages?.isOverridden(status) === true) {
    const bytes = errorPages.get(status, true);
    const answer: RuleResponse = { kind: 'response', status, bytes, close: true };
    return () => answer;
  }
  const page = new DenyPage(status);
  return (view) => {
    const fate = connectionFate(view);
    return { kind: 'response', status, bytes: page.bytes(view, fate), close: fate.close };
  };
}

const returnOptions = ['status', 'content-type', 'string', 'lf-string', 'file', 'errorfile', 'hdr', 'default-errorfiles'];

/** `return [status N] [content-type T] [string S | lf-string S | file F | errorfile F] [hdr name value]*` */
function compileReturn(args: readonly Token[], site: CompileSite): RequestStep | undefined {
  let status = 200;
  let contentType: string | undefined;
  let body: Buffer | ValueFormat<RequestView> | undefined;
  let raw: Buffer | undefined;
  const headers: [string, ValueFormat<RequestView>][] = [];
  const fileAt = (word: Token): string => (isAbsolute(word.text) ? word.text : resolve(site.options.baseDirectory ?? '.', word.text));
  for (let i = 0; i < args.length; i++) {
    const word = args[i] as Token;
    const next = args[i + 1];
    const needsValue = (): boolean => {
      if (next !== undefined) return true;
      site.diagnostics.error(word, site.keyword, `Missing value after "${word.text}"`, { code: DiagnosticCode.arity });
      return false;
    };
    switch (word.text) {
      case 'status': {
        const parsed = parseStatus(next, site);
        if (parsed === undefined) return undefined;
        if (parsed < 200 || parsed > 599) {
          site.diagnostics.error(next ?? word, site.keyword, `Cannot return status "${parsed}": it must be between 200 and 599`);
          return undefined;
        }
        status = parsed;
        i++;
        break;
      }
      case 'content-type':
        if (!needsValue()) return undefined;
        contentType = (next as Token).text;
        i++;
        break;
      case 'string':
        if (!needsValue()) return undefined;
        body = Buffer.from((next as Token).text, 'latin1');
        i++;
        break;
      case 'lf-string': {
        if (!needsValue()) return undefined;
        const format = compileValue((next as Token).text, 'request', next as Token, site.keyword, site.diagnostics);
        if (format === undefined) return undefined;
        body = format.constant === undefined ? format : Buffer.from(format.constant, 'latin1');
        i++;
        break;
      }
      case 'file':
      case 'errorfile': {
        if (!needsValue()) return undefined;
        try {
          const bytes = readFileSync(fileAt(next as Token));
          if (word.text === 'file') body = bytes;
          else raw = bytes;
        } catch (error) {
          site.diagnostics.error(next as Token, site.keyword, `Cannot read "${(next as Token).text}": ${(error as Error).message}`, {
            domain: 'machine',
            code: DiagnosticCode.machine,
          });
          return undefined;
        }
        i++;
        break;
      }
      case 'hdr': {
        const value = args[i + 2];
        if (next === undefined || value === undefined) {
          site.diagnostics.error(word, site.keyword, 'Missing header name or value after "hdr"', { code: DiagnosticCode.arity });
          return undefined;
        }
        const format = compileValue(value.text, 'request', value, site.keyword, site.diagnostics);
        if (format === undefined) return undefined;
        headers.push([next.text, format]);
        i += 2;
        break;
      }
      case 'default-errorfiles':
        break;
      default: {
        const hint = didYouMean(word.text, returnOptions);
        site.diagnostics.error(word, site.keyword, `Unknown "return" option "${word.text}"`, {
          code: DiagnosticCode.unknownKeyword,
          ...(hint === undefined ? {} : { hint }),
        });
        return undefined;
      }
    }
  }
  if (raw !== undefined) {
    // an errorfile holds a complete response; its framing is the user's, so the connection closes after it
    const answer: RuleResponse = { kind: 'response', status, bytes: raw, close: true };
    return () => answer;
  }
  if (body !== undefined && contentType === undefined && !(Buffer.isBuffer(body) && body.length === 0)) {
    site.diagnostics.error(site.at, site.keyword, 'Missing "content-type" for a non-empty payload', { code: DiagnosticCode.arity });
    return undefined;
  }
  const statusLine = `HTTP/1.1 ${status} ${statusReason(status)}\r\n`;
  const typeLine = contentType === undefined || body === undefined ? '' : `content-type: ${contentType}\r\n`;
  return (view) => {
    let head = statusLine;
    for (const [name, format] of headers) head += `${name}: ${format.evaluate(view)}\r\n`;
    const payload = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body.evaluate(view), 'latin1');
    const fate = connectionFate(view);
    head += `content-length: ${payload.length}\r\n${typeLine}${fate.header}\r\n`;
    return { kind: 'response', status, bytes: assemble(head, bodyFor(view, payload)), close: fate.close };
  };
}

const requestActions: RequestAction[] = [
  ...requestHeaderActions<RequestOutcome>(),
  targetEdit('set-path', (view, value) => {
    const start = pathStart(view.target);
    view.target = view.target.slice(0, start) + value + view.target.slice(pathEnd(view.target, start));
  }),
  targetEdit('set-uri', (view, value) => {
    view.target = value;
  }),
  targetEdit('set-query', (view, value) => {
    const question = view.target.indexOf('?');
    view.target = `${question === -1 ? view.target : view.target.slice(0, question)}?${value}`;
  }),
  targetEdit('set-method', (view, value) => {
    // RequestView declares `method` read-only for ACLs; set-method is the one writer
    (view as { method: string }).method = value;
  }),
  {
    name: 'allow',
    compile: (args, site) => (args.length === 0 ? () => proceed : reportArity(site, 'no argument', args)),
  },
  { name: 'deny', compile: (args, site) => compileDeny(args, site, 403) },
  { name: 'return', compile: compileReturn },
  {
    name: 'redirect',
    compile: (args, site) => {
      const spec = parseRedirectWords(args, site);
      return spec === undefined ? undefined : compileRedirect(spec, site);
    },
  },
];

const requestActionTable: ReadonlyMap<string, RequestAction> = new Map(requestActions.map((a) => [a.name, a]));

/** HAProxy 2.6 http-request actions vigil recognises but does not run yet */
const unsupportedRequestActions: ReadonlySet<string> = new Set([
  'add-acl', 'auth', 'cache-use', 'capture', 'del-acl', 'del-map', 'disable-l7-retry', 'do-resolve', 'early-hint',
  'normalize-uri', 'reject', 'replace-path', 'replace-pathq', 'replace-uri', 'replace-value', 'sc-inc-gpc', 'sc-inc-gpc0',
  'sc-inc-gpc1', 'sc-set-gpt0', 'send-spoe-group', 'set-bandwidth-limit', 'set-dst', 'set-dst-port', 'set-log-level',
  'set-map', 'set-mark', 'set-nice', 'set-pathq', 'set-priority-class', 'set-priority-offset', 'set-src', 'set-src-port',
  'set-timeout', 'set-tos', 'set-var', 'set-var-fmt', 'silent-drop', 'strict-mode', 'tarpit', 'track-sc0', 'track-sc1',
  'track-sc2', 'unset-var', 'use-service', 'wait-for-body', 'wait-for-handshake',
]);

function withCondition<V, O>(step: Step<V, O>, condition: ((view: V) => boolean) | undefined): Step<V, O> {
  return condition === undefined ? step : (view) => (condition(view) ? step(view) : undefined);
}

const noCondition = (): boolean => true;

/**
 * Compiles a proxy's request processing in HAProxy's order: the `http-request` rules, then the
 * standalone `redirect` rules (HAProxy runs those after every http-request rule whatever their
 * place in the file), then `option forwardfor`. Problems go to `diagnostics`; a rule that does not
 * compile is left out, and the caller refuses the configuration when diagnostics hold errors.
 */
export function compileRequestRules(
  rules: readonly Rule[],
  acls: AclTable,
  diagnostics: Diagnostics,
  extra: RequestExtras = {},
  options: RequestRuleOptions = {},
): RequestRules {
  const steps: RequestStep[] = [];
  for (const rule of rules) {
    const keyword = rule.keyword;
    const definition = requestActionTable.get(rule.action);
    if (definition === undefined) {
      if (unsupportedRequestActions.has(rule.action.replace(/\(.*$/, ''))) {
        diagnostics.error(rule.at, keyword, `Cannot run action "${rule.action}": not supported yet`, { code: DiagnosticCode.unsupported });
      } else {
        const hint = didYouMean(rule.action, requestActionTable.keys());
        diagnostics.error(rule.at, keyword, `Unknown action "${rule.action}"`, { code: DiagnosticCode.unknownKeyword, ...(hint === undefined ? {} : { hint }) });
      }
      continue;
    }
    const site: CompileSite = { keyword, action: rule.action, at: rule.at, diagnostics, options };
    const condition = rule.condition === undefined ? noCondition : compileCondition(rule.condition, acls, 'request', diagnostics, keyword);
    const step = definition.compile(rule.args, site);
    if (step === undefined || condition === undefined) continue;
    steps.push(withCondition(step, condition === noCondition ? undefined : condition));
  }
  for (const redirect of extra.redirects ?? []) {
    const site: CompileSite = { keyword: 'redirect', action: 'redirect', at: redirect.at, diagnostics, options };
    const condition = redirect.condition === undefined ? noCondition : compileCondition(redirect.condition, acls, 'request', diagnostics, 'redirect');
    const step = compileRedirect(redirect, site);
    if (step === undefined || condition === undefined) continue;
    steps.push(withCondition(step, condition === noCondition ? undefined : condition));
  }
  if (extra.forwardFor !== undefined) {
    const add = compileForwardFor(extra.forwardFor.option, extra.forwardFor.at, diagnostics);
    if (add !== undefined) {
      steps.push((view) => {
        add(view);
        return undefined;
      });
    }
  }
  return { steps };
}

/**
 * Runs the rules on one request, editing `view` in place. Returns `continue` (forward it) or the
 * complete response to send; `close` says whether to close the connection after it.
 */
export function applyRequestRules(rules: RequestRules, view: RequestView): RequestOutcome {
  const steps = rules.steps;
  for (let i = 0; i < steps.length; i++) {
    const outcome = (steps[i] as RequestStep)(view);
    if (outcome !== undefined) return outcome;
  }
  return proceed;
}

export { requestActionTable as requestActions };
