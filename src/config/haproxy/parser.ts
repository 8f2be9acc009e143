// Reads haproxy.cfg text into the model, line by line as HAProxy's readcfgfile does: tokenize,
// apply conditional blocks, switch sections on section keywords, and hand every other line to the
// open section's keyword table. Several files parse as one configuration, in order.
import { DiagnosticCode, Diagnostics } from '../diagnostics.ts';
import type { KeywordLine } from '../keywords.ts';
import { Requirements } from '../requirements.ts';
import { closest, didYouMean } from '../suggest.ts';
import type { Token } from '../token.ts';
import { runChecks } from './checks.ts';
import { ConditionalBlocks } from './conditional-blocks.ts';
import type { ParseState, ProxyContext } from './context.ts';
import { emptyGlobal, globalTable } from './global.ts';
import { resolveInheritance } from './inherit.ts';
import type { HaproxyConfig } from './model.ts';
import { modifiableKeywords, proxyTable } from './proxy.ts';
import { sectionNames, sectionTable } from './sections.ts';
import { tokenizeLine } from './tokenize.ts';
import { userlistTable } from './userlist.ts';

export interface HaproxySource {
  readonly file: string;
  readonly text: string;
}

export interface ParseOptions {
  readonly diagnostics?: Diagnostics;
  readonly requirements?: Requirements;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Log formats HAProxy 3.x puts in the environment for `"${HAPROXY_HTTP_LOG_FMT}"` and friends,
 * so configs written for it expand them as HAProxy would.
 */
export const builtinEnvironment: Readonly<Record<string, string>> = {
  HAPROXY_TCP_LOG_FMT: '%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq',
  HAPROXY_HTTP_LOG_FMT: '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r',
  HAPROXY_HTTPS_LOG_FMT:
    '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r %[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed] %[ssl_fc_sni]/%sslv/%sslc',
};

export function emptyConfig(files: readonly string[]): HaproxyConfig {
  return { files: [...files], global: emptyGlobal(), defaults: [], proxies: [], userlists: [], ignoredSections: [] };
}

export function parseHaproxy(sources: readonly HaproxySource[], options: ParseOptions = {}): HaproxyConfig {
  const files = sources.map((s) => s.file);
  const state: ParseState = {
    config: emptyConfig(files),
    diag: options.diagnostics ?? new Diagnostics(),
    requirements: options.requirements ?? new Requirements(),
    env: { ...builtinEnvironment, HAPROXY_CFGFILES: files.join(';'), ...(options.env ?? process.env) },
    file: files[0] ?? '',
    section: undefined,
    lastDefaults: undefined,
  };
  for (const source of sources) parseFile(state, source);
  resolveInheritance(state.config);
  runChecks(state.config, state.diag);
  return state.config;
}

function parseFile(state: ParseState, source: HaproxySource): void {
  state.file = source.file;
  const blocks = new ConditionalBlocks(() => state.env);
  const lines = source.text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] as string;
    const section = sectionKeyword(state);
    const tokenized = tokenizeLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw, index + 1, {
      file: source.file,
      env: state.env,
      ...(section === undefined ? {} : { section }),
    });
    const [first] = tokenized.tokens;
    if (first !== undefined && !first.quoted && first.text.startsWith('.') && first.text !== '...' && blocks.directive(tokenized.tokens, state.diag)) continue;
    if (!blocks.active) continue;
    // lines of a skipped section are not read at all, their problems included
    const open = state.section;
    if (open?.kind === 'ignored' && (first === undefined || !isSectionWord(first))) {
      if (first !== undefined) open.record.lineCount++;
      continue;
    }
    for (const problem of tokenized.problems) {
      const keyword = first?.text ?? '';
      if (problem.severity === 'error') state.diag.error(problem.at, keyword, problem.message, { code: DiagnosticCode.badValue });
      else state.diag.warning(problem.at, keyword, problem.message, { code: DiagnosticCode.reference });
    }
    if (first === undefined || tokenized.problems.some((p) => p.severity === 'error')) continue;
    dispatchLine(state, first, tokenized.tokens.slice(1));
  }
  blocks.finish(state.diag);
}

function sectionKeyword(state: ParseState): string | undefined {
  const open = state.section;
  if (open === undefined) return undefined;
  if (open.kind === 'proxy') return open.ctx.section.kind;
  if (open.kind === 'ignored') return open.record.kind;
  return open.kind;
}

function isSectionWord(token: Token): boolean {
  return !token.quoted && sectionTable.lookup(token.text) !== undefined;
}

function dispatchLine(state: ParseState, keyword: Token, args: readonly Token[]): void {
  const diag = state.diag;
  const line: KeywordLine = { keyword, args, fullName: keyword.text };
  if (keyword.text === '...' && args.length === 0 && !keyword.quoted) {
    diag.warning(keyword, '...', 'Elision mark, not a keyword; ignored', { code: DiagnosticCode.structure, hint: 'documentation uses "..." for omitted lines' });
    return;
  }
  if (isSectionWord(keyword)) {
    openSection(state, line);
    return;
  }
  const current = state.section;
  if (misspeltSection(state, keyword)) return;
  switch (current?.kind) {
    case undefined: {
      const near = didYouMean(keyword.text, sectionNames);
      diag.error(keyword, keyword.text, `Keyword "${keyword.text}" outside any section`, {
        code: DiagnosticCode.structure,
        hint: near ?? 'start a section first: global, defaults, frontend, backend, listen',
      });
      return;
    }
    case 'global':
      globalTable.dispatch(current.ctx, line, diag);
      return;
    case 'userlist':
      userlistTable.dispatch(current.ctx, line, diag);
      return;
    case 'proxy':
      dispatchProxyLine(current.ctx, line, diag);
      return;
    case 'ignored':
      current.record.lineCount++;
      return;
  }
}

/**
 * `backnd app` inside a section: the table would suggest its own nearest keyword, but the author
 * meant a new section, and every line after it would otherwise be reported in the wrong place.
 */
function misspeltSection(state: ParseState, keyword: Token): boolean {
  const open = state.section;
  // `default option x` is a prefix, not a misspelt `defaults`
  if (open === undefined || open.kind === 'ignored' || keyword.text === 'default' || keyword.text === 'no') return false;
  const table = open.kind === 'global' ? globalTable : open.kind === 'userlist' ? userlistTable : proxyTable;
  if (table.lookup(keyword.text) !== undefined || closest(keyword.text, table.names()) !== undefined) return false;
  const near = closest(keyword.text, sectionNames);
  if (near === undefined) return false;
  state.diag.error(keyword, keyword.text, `Unknown keyword "${keyword.text}" in ${table.section}`, {
    code: DiagnosticCode.unknownKeyword,
    hint: `did you mean the section '${near}'?`,
  });
  return true;
}

/** `no option x`, `default option x`, `no log`: the prefix word travels in the context */
function dispatchProxyLine(ctx: ProxyContext, line: KeywordLine, diag: Diagnostics): void {
  const word = line.keyword.text;
  const [next, ...rest] = line.args;
  if ((word === 'no' || word === 'default') && next !== undefined && !line.keyword.quoted) {
    if (!modifiableKeywords.has(next.text)) {
      diag.error(line.keyword, `${word} ${next.text}`, `"${word}" cannot be used with "${next.text}"`, {
        code: DiagnosticCode.structure,
        hint: `only ${[...modifiableKeywords].join(' and ')} take a "${word}" prefix`,
      });
      return;
    }
    ctx.modifier = line.keyword;
    try {
      proxyTable.dispatch(ctx, { keyword: next, args: rest, fullName: next.text }, diag, word);
    } finally {
      ctx.modifier = undefined;
    }
    return;
  }
  proxyTable.dispatch(ctx, line, diag);
}

function openSection(state: ParseState, line: KeywordLine): void {
  const entry = sectionTable.lookup(line.keyword.text);
  if (entry?.status === 'unsupported') {
    const record = {
      kind: line.keyword.text,
      ...(line.args[0] === undefined ? {} : { name: line.args[0].text }),
      at: { file: line.keyword.file, line: line.keyword.line, column: line.keyword.column },
      lineCount: 0,
    };
    state.config.ignoredSections.push(record);
    state.section = { kind: 'ignored', record };
    state.diag.warning(line.keyword, line.keyword.text, `Section "${line.keyword.text}" is not supported yet; it is skipped up to the next section`, {
      code: DiagnosticCode.unsupported,
    });
    return;
  }
  // Until the header's handler opens the section, its lines are swallowed: a header the table
  // refuses (no name, say) should cost one error, not one per line that follows.
  const at = { file: line.keyword.file, line: line.keyword.line, column: line.keyword.column };
  state.section = { kind: 'ignored', record: { kind: line.keyword.text, at, lineCount: 0 } };
  sectionTable.dispatch(state, line, state.diag);
}
