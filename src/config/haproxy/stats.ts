// The proxy `stats` keywords: the statistics page. Every one of them also turns the page on, as
// in HAProxy ("stats uri" alone is enough).
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import { type Keyword, type KeywordLine, KeywordTable, markSupported } from '../keywords.ts';
import type { Token } from '../token.ts';
import { parseTime } from '../values.ts';
import { allowedHere, anywhere, type Where } from './capabilities.ts';
import { splitCondition } from './condition.ts';
import { joinWords, locate, type ProxyContext, take } from './context.ts';
import type { StatsSettings } from './model.ts';

type Handler = (stats: StatsSettings, line: KeywordLine, diag: Diagnostics, ctx: ProxyContext) => void;

function stats(name: string, summary: string, args: { min?: number; max?: number }, handle: Handler, where: Where = anywhere): Keyword<ProxyContext> {
  return {
    name,
    status: 'parsed',
    summary,
    args,
    handle: (ctx, line, diag) => {
      if (!allowedHere(ctx, line, diag, where)) return;
      const settings = ctx.section.own.stats;
      settings.enabled = true;
      settings.at ??= locate(line.keyword);
      handle(settings, line, diag, ctx);
    },
  };
}

const first = (line: KeywordLine): Token => line.args[0] as Token;

/**
 * `stats realm Haproxy Manager`: HAProxy 2.6 takes only the first word ("Haproxy"); the author
 * meant the whole rest of the line, so vigil uses it and warns that HAProxy would not.
 */
function handleRealm(stats: StatsSettings, line: KeywordLine, diag: Diagnostics): void {
  stats.realm = joinWords(line.args);
  const second = line.args[1];
  if (second === undefined) return;
  diag.warning(second, line.fullName, `Unquoted realm: vigil uses "${stats.realm}", but HAProxy would use only "${first(line).text}"`, {
    code: DiagnosticCode.badValue,
    hint: `quote it: stats realm "${stats.realm}"`,
  });
}

function handleAuth(stats: StatsSettings, line: KeywordLine, diag: Diagnostics): void {
  const token = first(line);
  const colon = token.text.indexOf(':');
  if (colon === -1) {
    diag.error(token, line.fullName, `Cannot parse "${token.text}": expected user:password`, { code: DiagnosticCode.badValue });
    return;
  }
  stats.auth.push({ user: token.text.slice(0, colon), password: token.text.slice(colon + 1), at: locate(token) });
}

function handleAdmin(stats: StatsSettings, line: KeywordLine, diag: Diagnostics): void {
  const split = splitCondition(line.args, line, diag);
  if (split === undefined) return;
  if (split.condition === undefined || split.before.length > 0) {
    diag.error(first(line), line.fullName, '"stats admin" needs "if" or "unless" and a condition', { code: DiagnosticCode.arity, hint: 'for example: stats admin if LOCALHOST' });
    return;
  }
  stats.admin.push(split.condition);
}

const servedBy = 'served by frontend and listen sections in mode http; a backend\'s stats lines are not served';

/** What the stats page (src/admin/stats-page.ts, html.ts, format.ts) acts on; show-modules stays `parsed` */
const honouredStats: Readonly<Record<string, true | string>> = {
  enable: servedBy,
  uri: servedBy,
  realm: true,
  auth: true,
  refresh: true,
  admin: true,
  'hide-version': true,
  'show-legends': true,
  'show-node': true,
  'show-desc': true,
  scope: true,
};

export const statsTable = new KeywordTable<ProxyContext>({ section: 'haproxy proxy stats' }, markSupported([
  stats('enable', 'Turns the statistics page on with default settings', { max: 0 }, () => undefined),
  stats('uri', 'URI prefix of the statistics page', { min: 1, max: 1 }, (s, line) => void (s.uri = first(line).text)),
  stats('realm', 'HTTP authentication realm of the statistics page', { min: 1 }, handleRealm),
  stats('auth', 'A user:password allowed to see the statistics page', { min: 1, max: 1 }, handleAuth),
  stats(
    'refresh',
    'Refresh interval of the page (default unit seconds)',
    { min: 1, max: 1 },
    (s, line, diag) => {
      const ms = take(parseTime(first(line).text, 's', 'stats refresh'), first(line), line, diag);
      if (ms !== undefined) s.refreshMs = ms;
    },
  ),
  stats('admin', 'Condition under which the page allows admin actions', { min: 2 }, handleAdmin, { defaults: false }),
  stats('hide-version', 'Hides the version on the page', { max: 0 }, (s) => void (s.hideVersion = true)),
  stats('show-legends', 'Shows legends on the page', { max: 0 }, (s) => void (s.showLegends = true)),
  stats('show-node', 'Shows the node name on the page', { max: 1 }, (s, line) => void (s.showNode = line.args[0]?.text ?? true)),
  stats('show-desc', 'Shows a description on the page', {}, (s, line) => void (s.showDesc = line.args.length === 0 ? true : joinWords(line.args))),
  stats('show-modules', 'Shows statistics of modules (ssl, h2, ...)', { max: 0 }, (s) => void (s.showModules = true)),
  stats('scope', 'Limits the page to some proxies', { min: 1, max: 1 }, (s, line) => void s.scope.push(first(line).text)),
  { name: 'http-request', status: 'unsupported', summary: 'Access rules of the statistics page' },
  { name: 'bind-process', status: 'unsupported', summary: 'Processes serving the page (removed in 2.5)' },
], honouredStats));
