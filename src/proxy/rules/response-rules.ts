// `http-response` rules (HAProxy 2.6): header edits on the server's response, `set-status`,
// `deny` (502 unless `deny_status` says otherwise) and `allow`, run in order until a final one.
import type { Diagnostics } from '../../config/diagnostics.ts';
import { DiagnosticCode } from '../../config/diagnostics.ts';
import type { Rule } from '../../config/haproxy/model.ts';
import type { Token } from '../../config/token.ts';
import { didYouMean } from '../../config/suggest.ts';
import type { ErrorPages } from '../http/error-pages.ts';
import { errorStatuses } from '../http/error-pages.ts';
import type { ResponseView } from '../http/message-view.ts';
import type { AclTable } from '../acl/acl.ts';
import { compileCondition } from '../acl/condition.ts';
import { reportArity, responseHeaderActions, type ActionDefinition, type ActionSite, type Step } from './header-actions.ts';
import type { RuleResponse } from './redirect.ts';
import { connectionFate, DenyPage, statusReason } from './reply.ts';

/** After the response rules: forward the (edited) response, or send this one in its place */
export type ResponseOutcome = { readonly kind: 'continue' } | RuleResponse;

const proceed: ResponseOutcome = Object.freeze({ kind: 'continue' });

export interface ResponseRuleOptions {
  readonly errorPages?: ErrorPages;
}

interface CompileSite extends ActionSite {
  readonly options: ResponseRuleOptions;
}

type ResponseStep = Step<ResponseView, ResponseOutcome>;
type ResponseAction = ActionDefinition<ResponseView, ResponseOutcome, CompileSite>;

export interface ResponseRules {
  readonly steps: readonly ResponseStep[];
}

function compileSetStatus(args: readonly Token[], site: CompileSite): ResponseStep | undefined {
  const code = args[0];
  if (code === undefined || !/^\d{3}$/.test(code.text) || Number(code.text) < 100) {
    site.diagnostics.error(code ?? site.at, site.keyword, `Cannot parse status code "${code?.text ?? ''}"`);
    return undefined;
  }
  const status = Number(code.text);
  let reason = statusReason(status);
  if (args.length === 3 && (args[1] as Token).text === 'reason') reason = (args[2] as Token).text;
  else if (args.length !== 1) return reportArity(site, 'a status code, optionally "reason <text>"', args);
  return (view) => {
    view.status = status;
    view.reason = reason;
    return undefined;
  };
}

function compileResponseDeny(args: readonly Token[], site: CompileSite): ResponseStep | undefined {
  let status = 502;
  if (args.length === 2 && (args[0] as Token).text === 'deny_status') {
    const word = args[1] as Token;
    if (!/^\d{3}$/.test(word.text)) {
      site.diagnostics.error(word, site.keyword, `Cannot parse status code "${word.text}"`);
      return undefined;
    }
    status = Number(word.text);
  } else if (args.length !== 0) {
    return reportArity(site, 'nothing, or "deny_status <code>"', args);
  }
  if (!errorStatuses.includes(status)) {
    site.diagnostics.error(site.at, site.keyword, `Cannot deny with status "${status}": HAProxy has no error page for it`, {
      hint: `use one of ${errorStatuses.join(', ')}`,
    });
    return undefined;
  }
  const errorPages = site.options.errorPages;
  if (errorPages?.isOverridden(status) === true) {
    const answer: RuleResponse = { kind: 'response', status, bytes: errorPages.get(status, true), close: true };
    return () => answer;
  }
  const page = new DenyPage(status);
  return (view) => {
    const fate = connectionFate(view.request);
    return { kind: 'response', status, bytes: page.bytes(view.request, fate), close: fate.close };
  };
}

const responseActions: ResponseAction[] = [
  ...responseHeaderActions<ResponseOutcome>(),
  { name: 'set-status', compile: compileSetStatus },
  { name: 'deny', compile: compileResponseDeny },
  { name: 'allow', compile: (args, site) => (args.length === 0 ? () => proceed : reportArity(site, 'no argument', args)) },
];

const responseActionTable: ReadonlyMap<string, ResponseAction> = new Map(responseActions.map((a) => [a.name, a]));

const unsupportedResponseActions: ReadonlySet<string> = new Set([
  'add-acl', 'cache-store', 'capture', 'del-acl', 'del-map', 'redirect', 'replace-value', 'return', 'sc-inc-gpc0',
  'sc-inc-gpc1', 'sc-set-gpt0', 'send-spoe-group', 'set-log-level', 'set-map', 'set-mark', 'set-nice', 'set-tos',
  'set-var', 'set-var-fmt', 'silent-drop', 'strict-mode', 'track-sc0', 'track-sc1', 'track-sc2', 'unset-var', 'wait-for-body',
]);

/** Compiles `http-response` rules; problems go to `diagnostics` and that rule is left out */
export function compileResponseRules(rules: readonly Rule[], acls: AclTable, diagnostics: Diagnostics, options: ResponseRuleOptions = {}): ResponseRules {
  const steps: ResponseStep[] = [];
  for (const rule of rules) {
    const keyword = rule.keyword;
    const definition = responseActionTable.get(rule.action);
    if (definition === undefined) {
      if (unsupportedResponseActions.has(rule.action.replace(/\(.*$/, ''))) {
        diagnostics.error(rule.at, keyword, `Cannot run action "${rule.action}": not supported yet`, { code: DiagnosticCode.unsupported });
      } else {
        const hint = didYouMean(rule.action, responseActionTable.keys());
        diagnostics.error(rule.at, keyword, `Unknown action "${rule.action}"`, { code: DiagnosticCode.unknownKeyword, ...(hint === undefined ? {} : { hint }) });
      }
      continue;
    }
    const condition = rule.condition === undefined ? undefined : compileCondition(rule.condition, acls, 'response', diagnostics, keyword);
    const step = definition.compile(rule.args, { keyword, action: rule.action, at: rule.at, diagnostics, options });
    if (step === undefined || (rule.condition !== undefined && condition === undefined)) continue;
    steps.push(condition === undefined ? step : (view) => (condition(view) ? step(view) : undefined));
  }
  return { steps };
}

/** Runs the rules on one response, editing `view` in place */
export function applyResponseRules(rules: ResponseRules, view: ResponseView): ResponseOutcome {
  const steps = rules.steps;
  for (let i = 0; i < steps.length; i++) {
    const outcome = (steps[i] as ResponseStep)(view);
    if (outcome !== undefined) return outcome;
  }
  return proceed;
}

export { responseActionTable as responseActions };
