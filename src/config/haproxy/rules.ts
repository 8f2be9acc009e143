// Rule keywords: http-request, http-response, http-after-response, tcp-request, tcp-response,
// http-check and tcp-check. Each has a sub-table of its actions; a rule is kept as its action, the
// action's words and its condition, for the rule engine to come. Actions written with an argument
// in parentheses (`set-var(txn.x)`, `sc-inc-gpc0(1)`) are found by the name before the parenthesis.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import { type Keyword, type KeywordLine, KeywordTable } from '../keywords.ts';
import type { Token } from '../token.ts';
import { parseTime } from '../values.ts';
import { allowedHere, anywhere, backendOrDefaults, frontendOrDefaults, type Where } from './capabilities.ts';
import { splitCondition } from './condition.ts';
import { locate, type ProxyContext, take } from './context.ts';
import type { CheckRule, ProxySettings, Rule, RuleKeyword } from './model.ts';

type RuleList = 'httpRequest' | 'httpResponse' | 'httpAfterResponse' | 'tcpRequest' | 'tcpResponse';

/** what each action does, shared by every rule keyword that has it */
const actionSummaries: Readonly<Record<string, string>> = {
  accept: 'Stops evaluating rules and accepts',
  'add-acl': 'Adds an entry to an ACL file',
  'add-header': 'Adds a header',
  allow: 'Stops evaluating rules and lets the message through',
  'attach-srv': 'Attaches the connection to a server (reverse HTTP)',
  auth: 'Asks for HTTP authentication',
  'cache-store': 'Stores the response in a cache',
  'cache-use': 'Answers from a cache',
  capture: 'Captures a sample for logs',
  close: 'Closes the server connection',
  'del-acl': 'Removes an entry from an ACL file',
  'del-header': 'Removes a header',
  'del-map': 'Removes an entry from a map',
  deny: 'Refuses with an error status',
  'disable-l7-retry': 'Disables layer-7 retries',
  'do-log': 'Emits a log line now',
  'do-resolve': 'Resolves a name through a resolvers section',
  'early-hint': 'Sends a 103 Early Hints header',
  'expect-netscaler-cip': 'Expects a NetScaler client-IP header',
  'expect-proxy': 'Expects a PROXY protocol header',
  'normalize-uri': 'Normalizes the URI',
  pause: 'Pauses processing',
  redirect: 'Answers with a redirect',
  reject: 'Closes the connection at once',
  'replace-header': 'Rewrites a header with a regex',
  'replace-path': 'Rewrites the path with a regex',
  'replace-pathq': 'Rewrites path and query with a regex',
  'replace-uri': 'Rewrites the URI with a regex',
  'replace-value': 'Rewrites comma-separated header values with a regex',
  return: 'Answers with a status and body',
  'sc-add-gpc': 'Adds to a general purpose counter',
  'sc-inc-gpc': 'Increments a general purpose counter',
  'sc-inc-gpc0': 'Increments general purpose counter 0',
  'sc-inc-gpc1': 'Increments general purpose counter 1',
  'sc-set-gpt': 'Sets a general purpose tag',
  'sc-set-gpt0': 'Sets general purpose tag 0',
  'send-spoe-group': 'Sends an SPOE message group',
  'set-bandwidth-limit': 'Limits the bandwidth of the stream',
  'set-bc-mark': 'Sets the netfilter mark of the server connection',
  'set-bc-tos': 'Sets the TOS of the server connection',
  'set-dst': 'Rewrites the destination address',
  'set-dst-port': 'Rewrites the destination port',
  'set-fc-mark': 'Sets the netfilter mark of the client connection',
  'set-fc-tos': 'Sets the TOS of the client connection',
  'set-header': 'Sets a header, replacing any previous one',
  'set-log-level': 'Changes the log level of the stream',
  'set-map': 'Sets an entry in a map',
  'set-mark': 'Sets the netfilter mark',
  'set-method': 'Rewrites the method',
  'set-nice': 'Changes the stream priority',
  'set-path': 'Rewrites the path',
  'set-pathq': 'Rewrites path and query',
  'set-priority-class': 'Sets the queue priority class',
  'set-priority-offset': 'Sets the queue priority offset',
  'set-query': 'Rewrites the query string',
  'set-retries': 'Changes the retry count',
  'set-src': 'Rewrites the source address',
  'set-src-port': 'Rewrites the source port',
  'set-status': 'Rewrites the response status',
  'set-timeout': 'Changes a timeout of the stream',
  'set-tos': 'Sets the TOS',
  'set-uri': 'Rewrites the URI',
  'set-var': 'Sets a variable from a sample',
  'set-var-fmt': 'Sets a variable from a log-format string',
  'silent-drop': 'Drops the connection without telling the client',
  'strict-mode': 'Turns strict rewriting on or off',
  'switch-mode': 'Switches the stream to HTTP',
  tarpit: 'Holds the request, then refuses it',
  'track-sc': 'Tracks a key in a stick table',
  'track-sc0': 'Tracks a key in stick counter 0',
  'track-sc1': 'Tracks a key in stick counter 1',
  'track-sc2': 'Tracks a key in stick counter 2',
  'unset-var': 'Removes a variable',
  'use-service': 'Hands the stream to a service (Lua, Prometheus exporter)',
  'wait-for-body': 'Waits for the message body',
  'wait-for-handshake': 'Waits for the TLS handshake to finish (0-RTT)',
};

/** actions vigil recognises but does not model yet */
const laterActions = new Set(['attach-srv', 'cache-store', 'cache-use', 'do-resolve', 'expect-netscaler-cip', 'send-spoe-group', 'set-bandwidth-limit', 'use-service']);

const counterActions = ['sc-add-gpc', 'sc-inc-gpc', 'sc-inc-gpc0', 'sc-inc-gpc1', 'sc-set-gpt', 'sc-set-gpt0', 'track-sc', 'track-sc0', 'track-sc1', 'track-sc2'];
const markActions = ['set-mark', 'set-tos', 'set-fc-mark', 'set-fc-tos'];
const varActions = ['set-var', 'set-var-fmt', 'unset-var'];

const httpRequestActions = [
  'add-acl', 'add-header', 'allow', 'auth', 'cache-use', 'capture', 'del-acl', 'del-header', 'del-map', 'deny', 'disable-l7-retry', 'do-log',
  'do-resolve', 'early-hint', 'normalize-uri', 'pause', 'redirect', 'reject', 'replace-header', 'replace-path', 'replace-pathq', 'replace-uri',
  'replace-value', 'return', 'send-spoe-group', 'set-bandwidth-limit', 'set-bc-mark', 'set-bc-tos', 'set-dst', 'set-dst-port', 'set-header',
  'set-log-level', 'set-map', 'set-method', 'set-nice', 'set-path', 'set-pathq', 'set-priority-class', 'set-priority-offset', 'set-query',
  'set-retries', 'set-src', 'set-src-port', 'set-timeout', 'set-uri', 'silent-drop', 'strict-mode', 'tarpit', 'use-service', 'wait-for-body',
  'wait-for-handshake', ...counterActions, ...markActions, ...varActions,
];
const httpResponseActions = [
  'add-acl', 'add-header', 'allow', 'cache-store', 'capture', 'del-acl', 'del-header', 'del-map', 'deny', 'do-log', 'pause', 'redirect',
  'replace-header', 'replace-value', 'return', 'send-spoe-group', 'set-bandwidth-limit', 'set-header', 'set-log-level', 'set-map', 'set-nice',
  'set-status', 'set-timeout', 'silent-drop', 'strict-mode', 'wait-for-body', ...counterActions, ...markActions, ...varActions,
];
const httpAfterResponseActions = [
  'add-header', 'allow', 'capture', 'del-acl', 'del-header', 'del-map', 'do-log', 'replace-header', 'replace-value', 'set-header',
  'set-log-level', 'set-map', 'set-status', 'strict-mode', ...counterActions, ...varActions,
];
const tcpConnectionActions = ['accept', 'reject', 'expect-proxy', 'expect-netscaler-cip', 'capture', 'do-log', 'set-dst', 'set-dst-port', 'set-src', 'set-src-port', 'silent-drop', ...counterActions, ...markActions, ...varActions];
const tcpSessionActions = ['accept', 'reject', 'attach-srv', 'do-log', 'set-dst', 'set-dst-port', 'set-src', 'set-src-port', 'silent-drop', ...counterActions, ...markActions, ...varActions];
const tcpContentActions = [
  'accept', 'reject', 'capture', 'do-log', 'do-resolve', 'send-spoe-group', 'set-bandwidth-limit', 'set-bc-mark', 'set-bc-tos', 'set-dst',
  'set-dst-port', 'set-log-level', 'set-nice', 'set-priority-class', 'set-priority-offset', 'set-retries', 'set-src', 'set-src-port', 'silent-drop',
  'switch-mode', 'use-service', ...counterActions, ...markActions, ...varActions,
];
const tcpResponseActions = ['accept', 'reject', 'close', 'capture', 'do-log', 'send-spoe-group', 'set-bandwidth-limit', 'set-log-level', 'set-nice', 'silent-drop', ...counterActions, ...markActions, ...varActions];

const denyNote = 'deny_status only: the return-style options (content-type, string, hdr ...) are refused';

/**
 * The actions the data path runs (src/proxy/rules: request-rules.ts, response-rules.ts,
 * header-actions.ts), with what of them it does not honour; the others stay `parsed` (and the
 * proxy refuses to start with them). tcp-request, tcp-response and http-after-response rules do
 * not run yet.
 */
const honouredActions: Readonly<Partial<Record<RuleKeyword, Readonly<Record<string, true | string>>>>> = {
  'http-request': {
    'add-header': true,
    allow: true,
    'del-header': true,
    deny: denyNote,
    redirect: 'the set-cookie and clear-cookie options are refused',
    'replace-header': true,
    return: true,
    'set-header': true,
    'set-method': true,
    'set-path': true,
    'set-query': true,
    'set-uri': true,
  },
  'http-response': {
    'add-header': true,
    allow: true,
    'del-header': true,
    deny: denyNote,
    'replace-header': true,
    'set-header': true,
    'set-status': true,
  },
};

function ruleAction(name: string, keyword: RuleKeyword, list: RuleList, where: Where): Keyword<ProxyContext> {
  const honoured = honouredActions[keyword];
  const how = honoured !== undefined && Object.hasOwn(honoured, name) ? honoured[name] : undefined;
  return {
    name,
    status: laterActions.has(name) ? 'unsupported' : how !== undefined ? 'supported' : 'parsed',
    summary: actionSummaries[name] ?? name,
    ...(typeof how === 'string' ? { note: how } : {}),
    handle: (ctx, line, diag) => addRule(ctx, line, diag, { keyword, list, where }),
  };
}

interface RuleTarget {
  readonly keyword: RuleKeyword;
  readonly list: RuleList;
  readonly where: Where;
}

function addRule(ctx: ProxyContext, line: KeywordLine, diag: Diagnostics, target: RuleTarget): void {
  if (!allowedHere(ctx, line, diag, target.where)) return;
  const split = splitCondition(line.args, line, diag);
  if (split === undefined) return;
  const rule: Rule = {
    keyword: target.keyword,
    action: line.keyword.text,
    args: [...split.before],
    ...(split.condition === undefined ? {} : { condition: split.condition }),
    at: locate(line.keyword),
  };
  (ctx.section.own[target.list] satisfies ProxySettings[RuleList]).push(rule);
}

/**
 * Builds an action table. Its fallback takes `name(args)` spellings and Lua actions
 * (`lua.<name>`), which HAProxy registers at run time and vigil cannot run.
 */
function actionTable(section: string, actions: readonly string[], keyword: RuleKeyword, list: RuleList, where: Where): KeywordTable<ProxyContext> {
  const table: KeywordTable<ProxyContext> = new KeywordTable<ProxyContext>(
    {
      section,
      fallback: (ctx, line, diag) => {
        const word = line.keyword.text;
        if (word.startsWith('lua.')) {
          diag.warning(line.keyword, line.fullName, `Lua action "${word}" is not supported yet; this line is ignored`, { code: DiagnosticCode.unsupported });
          return true;
        }
        const paren = /^([a-z0-9-]+)\(.*\)$/.exec(word);
        const entry = paren === null ? undefined : table.lookup(paren[1] as string);
        if (entry === undefined) return false;
        if (entry.status === 'unsupported') {
          diag.warning(line.keyword, line.fullName, 'Not supported yet; this line is ignored', { code: DiagnosticCode.unsupported });
          return true;
        }
        entry.handle?.(ctx, line, diag);
        if (entry.status === 'parsed') {
          diag.note(line.keyword, line.fullName, 'Understood, but not active in this version of vigil yet', { code: DiagnosticCode.notActive });
        }
        return true;
      },
    },
    [...new Set(actions)].map((name) => ruleAction(name, keyword, list, where)),
  );
  return table;
}

export const httpRequestTable = actionTable('haproxy http-request', httpRequestActions, 'http-request', 'httpRequest', anywhere);
export const httpResponseTable = actionTable('haproxy http-response', httpResponseActions, 'http-response', 'httpResponse', anywhere);
export const httpAfterResponseTable = actionTable('haproxy http-after-response', httpAfterResponseActions, 'http-after-response', 'httpAfterResponse', anywhere);

function inspectDelay(where: Where): Keyword<ProxyContext> {
  return {
    name: 'inspect-delay',
    status: 'parsed',
    summary: 'How long content rules may wait for data',
    args: { min: 1, max: 1 },
    handle: (ctx, line, diag) => {
      if (!allowedHere(ctx, line, diag, where)) return;
      const token = line.args[0] as Token;
      const ms = take(parseTime(token.text, 'ms', 'inspect-delay'), token, line, diag);
      if (ms === undefined) return;
      const list = line.fullName.startsWith('tcp-request') ? 'tcpRequest' : 'tcpResponse';
      ctx.section.own[list].push({
        keyword: list === 'tcpRequest' ? 'tcp-request content' : 'tcp-response content',
        action: 'inspect-delay',
        args: [token],
        at: locate(line.keyword),
      });
    },
  };
}

export const tcpRequestTable = new KeywordTable<ProxyContext>({ section: 'haproxy tcp-request' }, [
  {
    name: 'connection',
    status: 'parsed',
    summary: 'Rules run when a connection is accepted',
    sub: actionTable('haproxy tcp-request connection', tcpConnectionActions, 'tcp-request connection', 'tcpRequest', frontendOrDefaults),
  },
  {
    name: 'session',
    status: 'parsed',
    summary: 'Rules run once the session is set up (after TLS and PROXY)',
    sub: actionTable('haproxy tcp-request session', tcpSessionActions, 'tcp-request session', 'tcpRequest', frontendOrDefaults),
  },
  {
    name: 'content',
    status: 'parsed',
    summary: 'Rules run on the request content',
    sub: actionTable('haproxy tcp-request content', tcpContentActions, 'tcp-request content', 'tcpRequest', anywhere),
  },
  inspectDelay(anywhere),
]);

export const tcpResponseTable = new KeywordTable<ProxyContext>({ section: 'haproxy tcp-response' }, [
  {
    name: 'content',
    status: 'parsed',
    summary: 'Rules run on the response content',
    sub: actionTable('haproxy tcp-response content', tcpResponseActions, 'tcp-response content', 'tcpResponse', backendOrDefaults),
  },
  inspectDelay(backendOrDefaults),
]);

/**
 * The steps the health checks run (src/check/from-haproxy.ts), with what of them they do not
 * honour; the others stay `parsed` and are skipped by the check.
 */
const honouredSteps: Readonly<Record<'http-check' | 'tcp-check', Readonly<Record<string, true | string>>>> = {
  'http-check': {
    send: 'meth, uri, ver, hdr and body; uri-lf and body-lf are ignored',
    expect: 'status, rstatus, string and rstring; other matches (hdr, fhdr, binary ...) are ignored',
  },
  'tcp-check': {
    connect: 'port and ssl; the other options (addr, send-proxy, sni, alpn ...) are ignored',
    send: true,
    'send-binary': true,
    expect: 'string, rstring and binary, written right after "expect" (or "!"); other matches and options (min-recv, on-error ...) make the step ignored',
    comment: true,
  },
};

function checkStep(keyword: 'http-check' | 'tcp-check', name: string, summary: string, args: { min?: number; max?: number } = {}): Keyword<ProxyContext> {
  const how = Object.hasOwn(honouredSteps[keyword], name) ? honouredSteps[keyword][name] : undefined;
  return {
    name,
    status: how === undefined ? 'parsed' : 'supported',
    summary,
    ...(typeof how === 'string' ? { note: how } : {}),
    args,
    handle: (ctx, line, diag) => {
      if (!allowedHere(ctx, line, diag, backendOrDefaults)) return;
      const step: CheckRule = { keyword, action: name, args: [...line.args], at: locate(line.keyword) };
      ctx.section.own[keyword === 'http-check' ? 'httpCheck' : 'tcpCheck'].push(step);
    },
  };
}

export const httpCheckTable = new KeywordTable<ProxyContext>({ section: 'haproxy http-check' }, [
  checkStep('http-check', 'connect', 'Opens the check connection, with options', {}),
  checkStep('http-check', 'send', 'Sends the check request (meth, uri, ver, hdr, body)', {}),
  checkStep('http-check', 'expect', 'What the response must match (status, string, rstatus ...)', { min: 1 }),
  checkStep('http-check', 'disable-on-404', 'Puts a server answering 404 in maintenance drain', { max: 0 }),
  checkStep('http-check', 'send-state', 'Sends the server state in a header', { max: 0 }),
  checkStep('http-check', 'comment', 'Names the next step in check logs', { min: 1, max: 1 }),
  checkStep('http-check', 'set-var', 'Sets a variable during the check', { min: 1 }),
  checkStep('http-check', 'set-var-fmt', 'Sets a variable from a format during the check', { min: 1 }),
  checkStep('http-check', 'unset-var', 'Removes a variable during the check', { min: 1 }),
]);

export const tcpCheckTable = new KeywordTable<ProxyContext>({ section: 'haproxy tcp-check' }, [
  checkStep('tcp-check', 'connect', 'Opens the check connection, with options'),
  checkStep('tcp-check', 'send', 'Sends a string', { min: 1 }),
  checkStep('tcp-check', 'send-lf', 'Sends a log-format string', { min: 1 }),
  checkStep('tcp-check', 'send-binary', 'Sends hex-encoded bytes', { min: 1 }),
  checkStep('tcp-check', 'send-binary-lf', 'Sends hex-encoded bytes from a log-format string', { min: 1 }),
  checkStep('tcp-check', 'expect', 'What the server must answer (string, rstring, binary ...)', { min: 1 }),
  checkStep('tcp-check', 'comment', 'Names the next step in check logs', { min: 1, max: 1 }),
  checkStep('tcp-check', 'set-var', 'Sets a variable during the check', { min: 1 }),
  checkStep('tcp-check', 'set-var-fmt', 'Sets a variable from a format during the check', { min: 1 }),
  checkStep('tcp-check', 'unset-var', 'Removes a variable during the check', { min: 1 }),
  { name: 'action', status: 'unsupported', summary: 'Runs a Lua action during the check' },
]);
