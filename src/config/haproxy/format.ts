// The haproxy.cfg format as the loader sees it: how to recognise one, how to read files into the
// model, and which keyword tables the docs list.
import { readFileSync } from 'node:fs';
import { DiagnosticCode } from '../diagnostics.ts';
import type { ConfigFormat, LoadContext } from '../format.ts';
import type { KeywordDoc, KeywordTable } from '../keywords.ts';
import { bindOptions } from './bind.ts';
import { globalTable } from './global.ts';
import type { HaproxyConfig } from './model.ts';
import { describeOptionTable, type OptionTable } from './option-table.ts';
import { type HaproxySource, parseHaproxy } from './parser.ts';
import { proxyTable } from './proxy.ts';
import { sectionTable } from './sections.ts';
import { serverOptions } from './server.ts';
import { userlistTable } from './userlist.ts';

const haproxySectionWords = new Set(['global', 'defaults', 'frontend', 'backend', 'listen', 'userlist', 'peers', 'resolvers', 'cache', 'ring', 'mailers', 'http-errors', 'program', 'log-forward', 'fcgi-app', 'crt-store', 'log-profile', 'traces']);
/** words that start keepalived.conf blocks: seeing them lowers the score */
const keepalivedWords = new Set(['global_defs', 'vrrp_instance', 'vrrp_sync_group', 'vrrp_script', 'virtual_server', 'virtual_server_group', 'real_server', 'static_ipaddress', 'static_routes', 'include', 'track_script', 'virtual_ipaddress']);
/** typical keywords inside haproxy sections, a weaker sign */
const haproxyKeywords = new Set(['bind', 'server', 'mode', 'balance', 'timeout', 'option', 'default_backend', 'use_backend', 'maxconn', 'stats']);

function sniff(text: string): number {
  let sections = 0;
  let keywords = 0;
  let keepalived = 0;
  for (const raw of text.split('\n')) {
    const word = /^\s*([A-Za-z_][\w.-]*)/.exec(raw)?.[1];
    if (word === undefined) continue;
    if (haproxySectionWords.has(word)) sections++;
    else if (haproxyKeywords.has(word)) keywords++;
    if (keepalivedWords.has(word) || raw.includes('{')) keepalived++;
  }
  const score = sections * 2 + keywords;
  if (score === 0) return 0;
  return score / (score + keepalived * 2);
}

function load(files: readonly string[], context: LoadContext): HaproxyConfig {
  const sources: HaproxySource[] = [];
  for (const file of files) {
    try {
      sources.push({ file, text: readFileSync(file, 'utf8') });
    } catch (error) {
      const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
      context.diagnostics.error({ file, line: 1, column: 1 }, '', `Cannot read config file "${file}": ${reason}`, { code: DiagnosticCode.include });
    }
  }
  return parseHaproxy(sources, { diagnostics: context.diagnostics, requirements: context.requirements, env: context.env });
}

export const haproxyFormat: ConfigFormat<HaproxyConfig> = {
  name: 'haproxy',
  sniff,
  load,
  tables: [sectionTable, globalTable, proxyTable, userlistTable] as unknown as readonly KeywordTable<never>[],
};

/** The inline option tables of server and bind lines, which are not keyword tables */
export const haproxyOptionTables: readonly { readonly section: string; readonly table: OptionTable<never> }[] = [
  { section: 'haproxy server / default-server', table: serverOptions as unknown as OptionTable<never> },
  { section: 'haproxy bind / stats socket', table: bindOptions as unknown as OptionTable<never> },
];

/** docs rows of the inline option tables, shaped like describeTable's */
export function describeHaproxyOptions(): KeywordDoc[] {
  return haproxyOptionTables.flatMap(({ table }) => describeOptionTable('haproxy', table));
}
