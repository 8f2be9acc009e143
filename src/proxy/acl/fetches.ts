// The sample fetches vigil knows, one table entry each (HAProxy's sample_fetch_kw_list): what
// the fetch reads, from which layer, with which arguments. ACL keywords derived from them
// (`path_beg` = `path -m beg`) are in acl-keywords.ts.
import type { ConnectionView, RequestView, ResponseView } from '../http/message-view.ts';
import { nameIs } from '../http/head.ts';
import { leadingInt, type IntTest, type StringTest } from './match.ts';
import type { AnyFetchDefinition, FetchDefinition, IntSampler, StringSampler } from './sample.ts';

// ---- request target -----------------------------------------------------------------------

/** where the path starts in a request target: 0 in origin form, after the authority in absolute form */
export function pathStart(target: string): number {
  if (target.charCodeAt(0) === 47) return 0;
  const scheme = target.indexOf('://');
  if (scheme === -1) return 0;
  const slash = target.indexOf('/', scheme + 3);
  return slash === -1 ? target.length : slash;
}

/** where the path ends: at `?` or the end */
export function pathEnd(target: string, from: number): number {
  const question = target.indexOf('?', from);
  return question === -1 ? target.length : question;
}

// ---- header values ------------------------------------------------------------------------

/**
 * The end of one comma-separated value starting at `from`, skipping commas inside quoted
 * strings (RFC 9110 section 5.6.4) as HAProxy's header value splitting does.
 */
function valueEnd(text: string, from: number): number {
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 92) i++;
      else if (c === 34) quoted = false;
    } else if (c === 34) {
      quoted = true;
    } else if (c === 44) {
      return i;
    }
  }
  return text.length;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * Runs `test` on each value of the `lowerName` headers: each comma-separated part when `split`,
 * else each whole line. Stops at the first match.
 */
export function someHeaderValue(headers: readonly string[], lowerName: string, split: boolean, test: StringTest): boolean {
  for (let h = 0; h < headers.length; h += 2) {
    if (!nameIs(headers[h] as string, lowerName)) continue;
    const value = headers[h + 1] as string;
    if (!split) {
      if (test(value, 0, value.length)) return true;
      continue;
    }
    let start = 0;
    for (;;) {
      const end = valueEnd(value, start);
      let a = start;
      let b = end;
      while (a < b && isSpace(value.charCodeAt(a))) a++;
      while (b > a && isSpace(value.charCodeAt(b - 1))) b--;
      if (test(value, a, b)) return true;
      if (end >= value.length) break;
      start = end + 1;
    }
  }
  return false;
}

/** How many values (split) or lines the `lowerName` headers hold */
export function countHeaderValues(headers: readonly string[], lowerName: string, split: boolean): number {
  let count = 0;
  for (let h = 0; h < headers.length; h += 2) {
    if (!nameIs(headers[h] as string, lowerName)) continue;
    if (!split) {
      count++;
      continue;
    }
    const value = headers[h + 1] as string;
    let start = 0;
    for (;;) {
      count++;
      const end = valueEnd(value, start);
      if (end >= value.length) break;
      start = end + 1;
    }
  }
  return count;
}

/**
 * One value of the `lowerName` headers: `occurrence` 1 is the first, -1 the last (HAProxy's
 * `hdr(name,occ)`; a sample without `occ` takes the last).
 */
export function headerOccurrence(headers: readonly string[], lowerName: string, split: boolean, occurrence: number): string | undefined {
  const total = countHeaderValues(headers, lowerName, split);
  const wanted = occurrence > 0 ? occurrence : total + occurrence + 1;
  if (wanted < 1 || wanted > total) return undefined;
  let seen = 0;
  let result: string | undefined;
  someHeaderValue(headers, lowerName, split, (text, start, end) => {
    seen++;
    if (seen !== wanted) return false;
    result = text.slice(start, end);
    return true;
  });
  return result;
}

// ---- sampler builders ---------------------------------------------------------------------

function headerSampler<V>(read: (view: V) => readonly string[], split: boolean, args: readonly string[]): StringSampler<V> | string {
  const name = (args[0] ?? '').toLowerCase();
  if (name.length === 0) return 'A header name is required';
  const occurrenceText = args[1];
  if (occurrenceText === undefined) {
    return {
      type: 'str',
      some: (view, test) => someHeaderValue(read(view), name, split, test),
      value: (view) => headerOccurrence(read(view), name, split, -1),
    };
  }
  const occurrence = Number(occurrenceText);
  if (!Number.isInteger(occurrence)) return `Cannot parse header occurrence "${occurrenceText}"`;
  // occurrence 0 means "all of them" for an ACL, the last for a sample (HAProxy's convention)
  if (occurrence === 0) return headerSampler(read, split, [name]) as StringSampler<V>;
  const value = (view: V): string | undefined => headerOccurrence(read(view), name, split, occurrence);
  return {
    type: 'str',
    some: (view, test) => {
      const found = value(view);
      return found !== undefined && test(found, 0, found.length);
    },
    value,
  };
}

function headerIpSampler<V>(read: (view: V) => readonly string[], args: readonly string[]): StringSampler<V> | string {
  const base = headerSampler(read, true, args);
  return typeof base === 'string' ? base : { ...base, type: 'ip' };
}

function headerCountSampler<V>(read: (view: V) => readonly string[], split: boolean, args: readonly string[]): IntSampler<V> | string {
  const name = (args[0] ?? '').toLowerCase();
  if (name.length === 0) return 'A header name is required';
  return intSampler((view) => countHeaderValues(read(view), name, split));
}

function headerIntSampler<V>(read: (view: V) => readonly string[], args: readonly string[]): IntSampler<V> | string {
  const base = headerSampler(read, true, args);
  if (typeof base === 'string') return base;
  return {
    type: 'int',
    some: (view, test) => base.some(view, (text, start, end) => {
      const value = leadingInt(text, start, end);
      return !Number.isNaN(value) && test(value);
    }),
    value: (view) => {
      const text = base.value(view);
      if (text === undefined) return undefined;
      const value = leadingInt(text, 0, text.length);
      return Number.isNaN(value) ? undefined : value;
    },
  };
}

/** a single-valued string fetch from a function returning the whole value */
function stringSampler<V>(read: (view: V) => string | undefined, type: 'str' | 'ip' = 'str'): StringSampler<V> {
  return {
    type,
    some: (view, test) => {
      const value = read(view);
      return value !== undefined && test(value, 0, value.length);
    },
    value: read,
  };
}

function intSampler<V>(read: (view: V) => number | undefined, type: 'int' | 'bool' = 'int'): IntSampler<V> {
  return {
    type,
    some: (view, test: IntTest) => {
      const value = read(view);
      return value !== undefined && test(value);
    },
    value: read,
  };
}

/** `name=value` pairs separated by `delimiter` in `text[from, to)`: the first value for `name` */
function findParameter(text: string, from: number, to: number, name: string, delimiter: number, separator: number): string | undefined {
  let start = from;
  while (start < to) {
    let end = text.indexOf(String.fromCharCode(delimiter), start);
    if (end === -1 || end > to) end = to;
    let a = start;
    while (a < end && isSpace(text.charCodeAt(a))) a++;
    if (end - a > name.length && text.startsWith(name, a) && text.charCodeAt(a + name.length) === separator) {
      return text.slice(a + name.length + 1, end);
    }
    if (end - a === name.length && text.startsWith(name, a)) return '';
    start = end + 1;
  }
  return undefined;
}

function lastCookie(headers: readonly string[], name: string): string | undefined {
  let found: string | undefined;
  for (let h = 0; h < headers.length; h += 2) {
    if (!nameIs(headers[h] as string, 'cookie')) continue;
    const value = headers[h + 1] as string;
    let start = 0;
    while (start < value.length) {
      let end = value.indexOf(';', start);
      if (end === -1) end = value.length;
      let a = start;
      while (a < end && isSpace(value.charCodeAt(a))) a++;
      if (value.startsWith(name, a) && value.charCodeAt(a + name.length) === 61) {
        let b = end;
        while (b > a && isSpace(value.charCodeAt(b - 1))) b--;
        found = value.slice(a + name.length + 1, b);
      }
      start = end + 1;
    }
  }
  return found;
}

function versionText(version: 10 | 11): string {
  return version === 10 ? '1.0' : '1.1';
}

// ---- the table ----------------------------------------------------------------------------

const connection = (
  name: string,
  type: FetchDefinition<'connection'>['type'],
  build: FetchDefinition<'connection'>['build'],
): FetchDefinition<'connection'> => ({ name, layer: 'connection', type, minArgs: 0, maxArgs: 0, build });

const request = (
  name: string,
  type: FetchDefinition<'request'>['type'],
  build: FetchDefinition<'request'>['build'],
  minArgs = 0,
  maxArgs = minArgs,
): FetchDefinition<'request'> => ({ name, layer: 'request', type, minArgs, maxArgs, build });

const response = (
  name: string,
  type: FetchDefinition<'response'>['type'],
  build: FetchDefinition<'response'>['build'],
  minArgs = 0,
  maxArgs = minArgs,
): FetchDefinition<'response'> => ({ name, layer: 'response', type, minArgs, maxArgs, build });

const requestHeaders = (view: RequestView): readonly string[] => view.headers;
const responseHeaders = (view: ResponseView): readonly string[] => view.headers;

const path = (view: RequestView): string => {
  const start = pathStart(view.target);
  const end = pathEnd(view.target, start);
  return start === 0 && end === view.target.length ? view.target : view.target.slice(start, end);
};

const definitions: AnyFetchDefinition[] = [
  // layer 4: what tcp mode can use too
  connection('src', 'ip', () => stringSampler((view: ConnectionView) => view.source, 'ip')),
  connection('dst', 'ip', () => stringSampler((view: ConnectionView) => view.destination, 'ip')),
  connection('src_port', 'int', () => intSampler((view: ConnectionView) => view.sourcePort)),
  connection('dst_port', 'int', () => intSampler((view: ConnectionView) => view.destinationPort)),
  connection('fe_name', 'str', () => stringSampler((view: ConnectionView) => view.frontend)),
  connection('always_true', 'bool', () => intSampler(() => 1, 'bool')),
  connection('always_false', 'bool', () => intSampler(() => 0, 'bool')),
  // vigil's frontends do not terminate TLS yet, so no connection is a TLS one
  connection('ssl_fc', 'bool', () => intSampler(() => 0, 'bool')),

  // request line
  request('method', 'str', () => stringSampler((view) => view.method)),
  request('path', 'str', () => ({
    type: 'str',
    some: (view, test) => {
      const start = pathStart(view.target);
      return test(view.target, start, pathEnd(view.target, start));
    },
    value: path,
  })),
  request('url', 'str', () => stringSampler((view) => view.target)),
  request('pathq', 'str', () => stringSampler((view) => {
    const start = pathStart(view.target);
    return start === 0 ? view.target : view.target.slice(start);
  })),
  request('query', 'str', () => ({
    type: 'str',
    some: (view, test) => {
      const question = view.target.indexOf('?');
      return question !== -1 && test(view.target, question + 1, view.target.length);
    },
    value: (view) => {
      const question = view.target.indexOf('?');
      return question === -1 ? undefined : view.target.slice(question + 1);
    },
  })),
  request('url_param', 'str', (args) => {
    const name = args[0] ?? '';
    if (name.length === 0) return 'A parameter name is required';
    const delimiter = (args[1] ?? '&').charCodeAt(0);
    return stringSampler((view) => {
      const question = view.target.indexOf('?');
      return question === -1 ? undefined : findParameter(view.target, question + 1, view.target.length, name, delimiter, 61);
    });
  }, 1, 2),
  request('base', 'str', () => stringSampler((view) => {
    const host = headerOccurrence(view.headers, 'host', false, 1);
    return host === undefined ? path(view) : host + path(view);
  })),
  request('req.ver', 'str', () => stringSampler((view) => versionText(view.version))),
  // vigil runs http-request rules only on parsed HTTP requests
  request('req.proto_http', 'bool', () => intSampler(() => 1, 'bool')),

  // request headers
  request('req.hdr', 'str', (args) => headerSampler(requestHeaders, true, args), 1, 2),
  request('req.fhdr', 'str', (args) => headerSampler(requestHeaders, false, args), 1, 2),
  request('req.hdr_cnt', 'int', (args) => headerCountSampler(requestHeaders, true, args), 1),
  request('req.fhdr_cnt', 'int', (args) => headerCountSampler(requestHeaders, false, args), 1),
  request('req.hdr_val', 'int', (args) => headerIntSampler(requestHeaders, args), 1, 2),
  request('req.hdr_ip', 'ip', (args) => headerIpSampler(requestHeaders, args), 1, 2),
  request('req.cook', 'str', (args) => {
    const name = args[0] ?? '';
    if (name.length === 0) return 'A cookie name is required';
    return stringSampler((view) => lastCookie(view.headers, name));
  }, 1),

  // response
  response('status', 'int', () => intSampler((view) => view.status)),
  response('res.ver', 'str', () => stringSampler((view) => versionText(view.version))),
  response('res.hdr', 'str', (args) => headerSampler(responseHeaders, true, args), 1, 2),
  response('res.fhdr', 'str', (args) => headerSampler(responseHeaders, false, args), 1, 2),
  response('res.hdr_cnt', 'int', (args) => headerCountSampler(responseHeaders, true, args), 1),
  response('res.hdr_val', 'int', (args) => headerIntSampler(responseHeaders, args), 1, 2),
];

/** older or shorter names HAProxy still accepts for the same fetch */
const aliases: Readonly<Record<string, string>> = {
  hdr: 'req.hdr',
  fhdr: 'req.fhdr',
  hdr_cnt: 'req.hdr_cnt',
  fhdr_cnt: 'req.fhdr_cnt',
  hdr_val: 'req.hdr_val',
  hdr_ip: 'req.hdr_ip',
  req_ver: 'req.ver',
  urlp: 'url_param',
  cook: 'req.cook',
  'req.cook': 'req.cook',
  shdr: 'res.hdr',
  shdr_cnt: 'res.hdr_cnt',
  shdr_val: 'res.hdr_val',
  resp_ver: 'res.ver',
};

/** fetches HAProxy has that vigil recognises but cannot evaluate yet, with the reason */
export const unsupportedFetches: ReadonlyMap<string, string> = new Map([
  ['http_auth', 'needs userlist authentication, which vigil does not run yet'],
  ['http_auth_group', 'needs userlist authentication, which vigil does not run yet'],
  ['nbsrv', 'needs backend state, which ACLs cannot see yet'],
  ['req.body', 'request bodies are not buffered for rules'],
  ['req.len', 'tcp-request content inspection is not supported yet'],
  ['req.ssl_sni', 'TLS inspection is not supported yet'],
  ['ssl_fc_sni', 'vigil frontends do not terminate TLS yet'],
  ['var', 'variables (set-var) are not supported yet'],
]);

const table = new Map<string, AnyFetchDefinition>(definitions.map((d) => [d.name, d]));
for (const [alias, target] of Object.entries(aliases)) {
  const definition = table.get(target);
  if (definition !== undefined && !table.has(alias)) table.set(alias, definition);
}

/** every fetch by each name it answers to */
export const fetches: ReadonlyMap<string, AnyFetchDefinition> = table;
