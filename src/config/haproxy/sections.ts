// Section keywords. A section runs until the next section keyword, whatever the indentation.
// global, defaults, frontend, backend, listen and userlist are modeled; the others are recognised
// and skipped as a whole with one warning, so a config using them still loads.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import { type Keyword, type KeywordLine, KeywordTable } from '../keywords.ts';
import { didYouMean } from '../suggest.ts';
import type { Token } from '../token.ts';
import { parseBindAddresses } from './address.ts';
import { emptyBindOptions } from './bind.ts';
import { locate, type ParseState, take } from './context.ts';
import { emptySettings } from './inherit.ts';
import type { DefaultsRef, DefaultsSection, ProxyKind, ProxySection } from './model.ts';
import { checkName } from './names.ts';

type Entry = Keyword<ParseState>;

function handleGlobal(state: ParseState, line: KeywordLine): void {
  state.config.global.at ??= locate(line.keyword);
  state.section = { kind: 'global', ctx: { state, global: state.config.global } };
}

/** `from <name>` names an earlier named defaults section */
function findDefaults(state: ParseState, name: Token, keyword: string, diag: Diagnostics): DefaultsRef | undefined {
  const index = state.config.defaults.findLastIndex((d) => d.name === name.text && d.name !== '');
  if (index !== -1) return { name: name.text, index, explicit: true };
  const names = state.config.defaults.map((d) => d.name).filter((n) => n !== '');
  diag.error(name, keyword, `No defaults section named "${name.text}" before this line`, {
    code: DiagnosticCode.reference,
    ...hintOf(didYouMean(name.text, names)),
  });
  return undefined;
}

function implicitDefaults(state: ParseState): DefaultsRef | undefined {
  const last = state.lastDefaults;
  if (last === undefined) return undefined;
  return { name: last.name, index: state.config.defaults.indexOf(last), explicit: false };
}

/** Splits `... from <name>` off a section header; reports a dangling `from` */
function splitFrom(args: readonly Token[], keyword: string, diag: Diagnostics): { rest: Token[]; from?: Token } | undefined {
  const index = args.findIndex((t) => t.text === 'from' && !t.quoted);
  if (index === -1) return { rest: [...args] };
  const from = args[index + 1];
  const extra = args[index + 2];
  if (from === undefined || extra !== undefined) {
    diag.error(extra ?? (args[index] as Token), keyword, '"from" expects exactly one defaults section name after it', { code: DiagnosticCode.arity });
    return undefined;
  }
  return { rest: args.slice(0, index), from };
}

function handleDefaults(state: ParseState, line: KeywordLine, diag: Diagnostics): void {
  const split = splitFrom(line.args, line.fullName, diag);
  const [nameToken, extra] = split?.rest ?? [];
  if (extra !== undefined) diag.error(extra, line.fullName, `Unexpected "${extra.text}": "defaults" takes a name and "from <name>"`, { code: DiagnosticCode.arity });
  if (nameToken !== undefined) checkName(nameToken, 'defaults', line.fullName, diag);
  const inherits = split?.from === undefined ? undefined : findDefaults(state, split.from, line.fullName, diag);
  const section: DefaultsSection = {
    kind: 'defaults',
    name: nameToken?.text ?? '',
    at: locate(line.keyword),
    own: emptySettings(),
    settings: emptySettings(),
    acls: [],
    ...(inherits === undefined ? {} : { inherits }),
  };
  state.config.defaults.push(section);
  state.lastDefaults = section;
  state.section = { kind: 'proxy', ctx: { state, section, modifier: undefined } };
}

function openProxy(kind: ProxyKind) {
  return (state: ParseState, line: KeywordLine, diag: Diagnostics): void => {
    const [nameToken, ...args] = line.args as [Token, ...Token[]];
    // the section opens even with a bad header, so its lines are checked rather than misreported
    checkName(nameToken, kind, line.fullName, diag);
    const split = splitFrom(args, line.fullName, diag);
    const inherits = split?.from === undefined ? implicitDefaults(state) : findDefaults(state, split.from, line.fullName, diag);
    const section: ProxySection = {
      kind,
      name: nameToken.text,
      at: locate(line.keyword),
      own: emptySettings(),
      settings: emptySettings(),
      acls: [],
      ...(inherits === undefined ? {} : { inherits }),
      binds: [],
      servers: [],
      useBackends: [],
      useServers: [],
      redirects: [],
      captures: [],
    };
    for (const token of split?.rest ?? []) addressOnHeader(section, token, line, diag);
    state.config.proxies.push(section);
    state.section = { kind: 'proxy', ctx: { state, section, modifier: undefined } };
  };
}

/**
 * `listen websrv 0.0.0.0:80`: the address on the section line, as HAProxy 1.x allowed. HAProxy
 * 2.6 refuses it; vigil takes it as a bind line, so old configs still run, and says so.
 */
function addressOnHeader(section: ProxySection, token: Token, line: KeywordLine, diag: Diagnostics): void {
  if (section.kind === 'backend') {
    diag.error(token, line.fullName, `Unexpected "${token.text}": a backend line takes only a name and "from <defaults>"`, { code: DiagnosticCode.arity });
    return;
  }
  const addresses = take(parseBindAddresses(token), token, line, diag);
  if (addresses === undefined) return;
  section.binds.push({ addresses, options: emptyBindOptions(), at: locate(token), fromSectionLine: true });
  diag.warning(token, line.fullName, `An address on the ${section.kind} line is refused by HAProxy 2.6; vigil reads it as "bind ${token.text}"`, {
    code: DiagnosticCode.deprecated,
    hint: `write "bind ${token.text}" on its own line in the section`,
  });
}

function handleUserlist(state: ParseState, line: KeywordLine, diag: Diagnostics): void {
  const name = line.args[0] as Token;
  checkName(name, 'userlist', line.fullName, diag);
  const userlist = { name: name.text, at: locate(line.keyword), groups: [], users: [] };
  state.config.userlists.push(userlist);
  state.section = { kind: 'userlist', ctx: { state, userlist } };
}

function skipped(name: string, summary: string): Entry {
  return { name, status: 'unsupported', summary };
}

function hintOf(hint: string | undefined): { hint?: string } {
  return hint === undefined ? {} : { hint };
}

export const sectionTable = new KeywordTable<ParseState>({ section: 'haproxy sections' }, [
  { name: 'global', status: 'supported', summary: 'Process-wide settings', args: { max: 0 }, handle: handleGlobal },
  { name: 'defaults', status: 'supported', summary: 'Settings later proxies inherit: defaults [<name>] [from <name>]', args: { max: 3 }, handle: handleDefaults },
  { name: 'frontend', status: 'supported', summary: 'Accepts client connections: frontend <name> [from <defaults>]', args: { min: 1 }, handle: openProxy('frontend') },
  { name: 'backend', status: 'supported', summary: 'A set of servers: backend <name> [from <defaults>]', args: { min: 1 }, handle: openProxy('backend') },
  { name: 'listen', status: 'supported', summary: 'Frontend and backend in one: listen <name> [from <defaults>]', args: { min: 1 }, handle: openProxy('listen') },
  { name: 'userlist', status: 'parsed', summary: 'Users and groups for HTTP authentication', args: { min: 1, max: 1 }, handle: handleUserlist },
  skipped('peers', 'Peers synchronising stick tables'),
  skipped('resolvers', 'DNS resolvers for server names'),
  skipped('cache', 'An HTTP cache'),
  skipped('ring', 'A ring buffer for logs and traces'),
  skipped('mailers', 'Mail servers for email alerts'),
  skipped('http-errors', 'A set of error pages'),
  skipped('program', 'A program run by the master process'),
  skipped('log-forward', 'A syslog relay'),
  skipped('fcgi-app', 'A FastCGI application'),
  skipped('crt-store', 'A store of certificates (3.0+)'),
  skipped('log-profile', 'Per-step log formats (3.1+)'),
  skipped('traces', 'Trace settings (3.1+)'),
  skipped('acme', 'ACME certificate issuance (3.2+)'),
]);

/** the section keywords, for "did you mean" on a misspelt section */
export const sectionNames: readonly string[] = sectionTable.names();
