// One ACL expression (`fetch [flags] patterns`) compiled into a test, and the table of a proxy's
// named ACLs with HAProxy's predefined ones behind them. Compiled once at start; problems go to
// the Diagnostics collector with the line's location, nothing throws.
import type { Acl } from '../../config/haproxy/model.ts';
import type { Diagnostics } from '../../config/diagnostics.ts';
import { DiagnosticCode } from '../../config/diagnostics.ts';
import type { SourceLocation, Token } from '../../config/token.ts';
import { didYouMean } from '../../config/suggest.ts';
import type { ConnectionView, RequestView, ResponseView } from '../http/message-view.ts';
import { fetches, unsupportedFetches } from './fetches.ts';
import { defaultMatchFor, matchMethods, type IntTest, type StringTest } from './match.ts';
import { converters, parseFetchExpression, type FetchLayer, type Sampler, type StringSampler } from './sample.ts';

/** A compiled test with the layer its fetch reads from, so a condition can check where it may run */
export type LayeredTest =
  | { readonly layer: 'connection'; readonly test: (view: ConnectionView) => boolean }
  | { readonly layer: 'request'; readonly test: (view: RequestView) => boolean }
  | { readonly layer: 'response'; readonly test: (view: ResponseView) => boolean };

/** An ACL expression as words: what an `acl` line and an anonymous `{ ... }` ACL both hold */
export interface AclWords {
  readonly fetch: string;
  /** `-i`, `-m beg` (one word or two), `--` ... as written */
  readonly flags: readonly string[];
  readonly patterns: readonly string[];
  readonly files?: readonly string[];
}

/** where each part of an expression was written, for diagnostics; `at` when unknown */
export interface AclLocations {
  readonly at: SourceLocation;
  readonly patterns?: readonly SourceLocation[];
}

/** ACL keywords that are a fetch with another match method (HAProxy's "derivatives") */
const derivedKeywords = new Map<string, { fetch: string; match: string }>();
for (const [base, fetch] of [
  ['path', 'path'],
  ['url', 'url'],
  ['hdr', 'req.hdr'],
  ['urlp', 'url_param'],
  ['base', 'base'],
  ['cook', 'req.cook'],
  ['shdr', 'res.hdr'],
] as const) {
  for (const match of ['beg', 'dir', 'dom', 'end', 'len', 'reg', 'sub']) derivedKeywords.set(`${base}_${match}`, { fetch, match });
}

/** every fetch and ACL keyword name, for "did you mean" */
export function knownAclKeywords(): string[] {
  return [...fetches.keys(), ...derivedKeywords.keys()];
}

interface Flags {
  ignoreCase: boolean;
  match?: string;
  files: string[];
}

function readFlags(flags: readonly string[]): Flags | string {
  const result: Flags = { ignoreCase: false, files: [] };
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i] as string;
    const [word, inline] = flag.includes(' ') ? [flag.slice(0, flag.indexOf(' ')), flag.slice(flag.indexOf(' ') + 1).trim()] : [flag, undefined];
    const value = (): string | undefined => inline ?? flags[++i];
    switch (word) {
      case '-i':
        result.ignoreCase = true;
        break;
      case '-n':
      case '-M':
      case '--':
        break;
      case '-m': {
        const method = value();
        if (method === undefined) return 'Missing match method after "-m"';
        result.match = method;
        break;
      }
      case '-f': {
        const file = value();
        if (file === undefined) return 'Missing file name after "-f"';
        result.files.push(file);
        break;
      }
      case '-u':
        // `-u <id>` names the ACL's pattern list; skip the id when the words carry it
        if (inline === undefined && flags[i + 1] !== undefined && !(flags[i + 1] as string).startsWith('-')) i++;
        break;
      default:
        return `Cannot use ACL flag "${flag}"`;
    }
  }
  return result;
}

/**
 * Splits the words of an anonymous ACL (`{ hdr(host) -i -m beg www. }` without the braces) the
 * way HAProxy does: words starting with `-` are flags until `--` or the first pattern.
 */
export function splitAclTokens(tokens: readonly Token[]): { words: AclWords; patternTokens: Token[] } | undefined {
  const [fetch, ...rest] = tokens;
  if (fetch === undefined) return undefined;
  const flags: string[] = [];
  let i = 0;
  while (i < rest.length) {
    const text = (rest[i] as Token).text;
    if (!text.startsWith('-') || text.length < 2) break;
    flags.push(text);
    i++;
    if (text === '--') break;
    if ((text === '-m' || text === '-f' || text === '-u') && i < rest.length) flags.push((rest[i++] as Token).text);
  }
  const patternTokens = rest.slice(i);
  return { words: { fetch: fetch.text, flags, patterns: patternTokens.map((t) => t.text) }, patternTokens };
}

/**
 * Compiles one expression. `keyword` names the config keyword for diagnostics (`acl`, or the rule
 * an anonymous ACL sits in). Returns undefined after reporting an error.
 */
export function compileAclExpression(words: AclWords, where: AclLocations, keyword: string, diagnostics: Diagnostics): LayeredTest | undefined {
  const expression = parseFetchExpression(words.fetch);
  if (typeof expression === 'string') {
    diagnostics.error(where.at, keyword, expression);
    return undefined;
  }
  const derived = derivedKeywords.get(expression.fetch.name);
  const fetchName = derived?.fetch ?? expression.fetch.name;
  const definition = fetches.get(fetchName);
  if (definition === undefined) {
    const reason = unsupportedFetches.get(fetchName);
    if (reason !== undefined) {
      diagnostics.error(where.at, keyword, `Cannot use fetch "${fetchName}": ${reason}`, { code: DiagnosticCode.unsupported });
    } else {
      const hint = didYouMean(fetchName, knownAclKeywords());
      diagnostics.error(where.at, keyword, `Unknown fetch "${fetchName}"`, { code: DiagnosticCode.unknownKeyword, ...(hint === undefined ? {} : { hint }) });
    }
    return undefined;
  }
  const args = expression.fetch.args;
  if (args.length < definition.minArgs || args.length > definition.maxArgs) {
    const wanted = definition.minArgs === definition.maxArgs ? `${definition.minArgs}` : `${definition.minArgs} to ${definition.maxArgs}`;
    diagnostics.error(where.at, keyword, `Fetch "${fetchName}" takes ${wanted} argument(s), not ${args.length}`, { code: DiagnosticCode.arity });
    return undefined;
  }
  const flags = readFlags(words.flags);
  if (typeof flags === 'string') {
    diagnostics.error(where.at, keyword, flags);
    return undefined;
  }
  if (flags.files.length > 0 || (words.files?.length ?? 0) > 0) {
    diagnostics.error(where.at, keyword, 'Cannot read ACL patterns from a file (-f): not supported yet', { code: DiagnosticCode.unsupported });
    return undefined;
  }
  const transforms: ((value: string) => string)[] = [];
  for (const converter of expression.converters) {
    const transform = converters.get(converter.name);
    if (transform === undefined) {
      diagnostics.error(where.at, keyword, `Cannot use converter "${converter.name}": not supported yet`, { code: DiagnosticCode.unsupported });
      return undefined;
    }
    transforms.push(transform);
  }
  const methodName = flags.match ?? derived?.match ?? defaultMatchFor[definition.type];
  const method = matchMethods.get(methodName);
  if (method === undefined) {
    const hint = didYouMean(methodName, matchMethods.keys());
    diagnostics.error(where.at, keyword, `Unknown match method "${methodName}"`, hint === undefined ? {} : { hint });
    return undefined;
  }
  const options = { ignoreCase: flags.ignoreCase };
  const report = (message: string): undefined => {
    // point at the first pattern that fails on its own, when the words carry locations
    let at = where.at;
    words.patterns.forEach((pattern, index) => {
      if (at !== where.at) return;
      const alone = method.string?.([pattern], options) ?? method.int?.([pattern], options);
      if (typeof alone === 'string') at = where.patterns?.[index] ?? where.at;
    });
    diagnostics.error(at, keyword, message);
    return undefined;
  };
  // HAProxy: an ACL without patterns never matches, except with a method that takes none
  const noPatterns = method.takesPatterns && words.patterns.length === 0;

  const build = <V>(sampler: Sampler<V>): ((view: V) => boolean) | undefined => {
    if (noPatterns) return () => false;
    if (isStringSampler(sampler)) {
      if (method.string === undefined) {
        diagnostics.error(where.at, keyword, `Cannot match a ${sampler.type === 'ip' ? 'address' : 'string'} sample with "-m ${method.name}"`);
        return undefined;
      }
      const built = method.string(words.patterns, options);
      if (typeof built === 'string') return report(built);
      const test = transforms.length === 0 ? built : convertedTest(built, transforms);
      return (view) => sampler.some(view, test);
    }
    const some = sampler.some;
    if (transforms.length > 0) {
      diagnostics.error(where.at, keyword, `Cannot apply converter "${expression.converters[0]?.name}" to an integer sample`);
      return undefined;
    }
    if (method.int !== undefined) {
      const built = method.int(words.patterns, options);
      if (typeof built === 'string') return report(built);
      return (view) => some(view, built);
    }
    if (method.string !== undefined) {
      // a string method on an integer matches the decimal text, as HAProxy casts int to str
      const built = method.string(words.patterns, options);
      if (typeof built === 'string') return report(built);
      const test: IntTest = (value) => {
        const text = String(value);
        return built(text, 0, text.length);
      };
      return (view) => some(view, test);
    }
    diagnostics.error(where.at, keyword, `Cannot match an integer sample with "-m ${method.name}"`);
    return undefined;
  };

  switch (definition.layer) {
    case 'connection': {
      const test = buildFor(definition.build(args), build, where.at, keyword, diagnostics);
      return test === undefined ? undefined : { layer: 'connection', test };
    }
    case 'request': {
      const test = buildFor(definition.build(args), build, where.at, keyword, diagnostics);
      return test === undefined ? undefined : { layer: 'request', test };
    }
    case 'response': {
      const test = buildFor(definition.build(args), build, where.at, keyword, diagnostics);
      return test === undefined ? undefined : { layer: 'response', test };
    }
  }
}

function isStringSampler<V>(sampler: Sampler<V>): sampler is StringSampler<V> {
  return sampler.type === 'str' || sampler.type === 'ip';
}

function buildFor<V>(
  sampler: Sampler<V> | string,
  build: (sampler: Sampler<V>) => ((view: V) => boolean) | undefined,
  at: SourceLocation,
  keyword: string,
  diagnostics: Diagnostics,
): ((view: V) => boolean) | undefined {
  if (typeof sampler === 'string') {
    diagnostics.error(at, keyword, sampler);
    return undefined;
  }
  return build(sampler);
}

/** converters need the value as a string of its own: one substring per test, only on this path */
function convertedTest(test: StringTest, transforms: readonly ((value: string) => string)[]): StringTest {
  return (text, start, end) => {
    let value = text.slice(start, end);
    for (const transform of transforms) value = transform(value);
    return test(value, 0, value.length);
  };
}

// ---- predefined ACLs ----------------------------------------------------------------------

/** HAProxy 2.6's predefined ACLs (acl.c), usable without an `acl` line */
const predefined: Readonly<Record<string, AclWords>> = {
  TRUE: { fetch: 'always_true', flags: [], patterns: [] },
  FALSE: { fetch: 'always_false', flags: [], patterns: [] },
  LOCALHOST: { fetch: 'src', flags: [], patterns: ['127.0.0.1/8', '::1'] },
  HTTP: { fetch: 'req.proto_http', flags: [], patterns: [] },
  'HTTP_1.0': { fetch: 'req.ver', flags: [], patterns: ['1.0'] },
  'HTTP_1.1': { fetch: 'req.ver', flags: [], patterns: ['1.1'] },
  HTTP_CONTENT: { fetch: 'req.hdr_val(content-length)', flags: [], patterns: ['gt', '0'] },
  HTTP_URL_ABS: { fetch: 'url_reg', flags: [], patterns: ['^[^/:]*://'] },
  HTTP_URL_SLASH: { fetch: 'url_beg', flags: [], patterns: ['/'] },
  HTTP_URL_STAR: { fetch: 'url', flags: [], patterns: ['*'] },
  METH_CONNECT: { fetch: 'method', flags: [], patterns: ['CONNECT'] },
  METH_DELETE: { fetch: 'method', flags: [], patterns: ['DELETE'] },
  METH_GET: { fetch: 'method', flags: [], patterns: ['GET', 'HEAD'] },
  METH_HEAD: { fetch: 'method', flags: [], patterns: ['HEAD'] },
  METH_OPTIONS: { fetch: 'method', flags: [], patterns: ['OPTIONS'] },
  METH_POST: { fetch: 'method', flags: [], patterns: ['POST'] },
  METH_PUT: { fetch: 'method', flags: [], patterns: ['PUT'] },
  METH_TRACE: { fetch: 'method', flags: [], patterns: ['TRACE'] },
};

/** predefined ACLs HAProxy has and vigil cannot evaluate */
const unsupportedPredefined: ReadonlySet<string> = new Set(['RDP_COOKIE', 'REQ_CONTENT', 'WAIT_END']);

export const predefinedAclNames: readonly string[] = [...Object.keys(predefined), ...unsupportedPredefined];

/**
 * The named ACLs one proxy's rules can use: its `acl` lines (several lines with one name are
 * ORed), then HAProxy's predefined ACLs. Lines are compiled at construction, each reporting its
 * own problems once.
 */
export class AclTable {
  readonly #lines = new Map<string, LayeredTest[]>();
  readonly #broken = new Set<string>();
  readonly #predefined = new Map<string, LayeredTest>();
  readonly #diagnostics: Diagnostics;

  constructor(acls: readonly Acl[], diagnostics: Diagnostics) {
    this.#diagnostics = diagnostics;
    for (const acl of acls) {
      const test = compileAclExpression(acl, { at: acl.at }, 'acl', diagnostics);
      if (test === undefined) {
        this.#broken.add(acl.name);
        continue;
      }
      const lines = this.#lines.get(acl.name);
      if (lines === undefined) this.#lines.set(acl.name, [test]);
      else lines.push(test);
    }
  }

  /**
   * The lines of the ACL `name`; `undefined` when there is no such ACL (reported at `at`), or
   * when its line failed to compile (already reported).
   */
  lookup(name: string, at: SourceLocation, keyword: string): readonly LayeredTest[] | undefined {
    const own = this.#lines.get(name);
    if (own !== undefined) return this.#broken.has(name) ? undefined : own;
    if (this.#broken.has(name)) return undefined;
    const words = predefined[name];
    if (words !== undefined) {
      let test = this.#predefined.get(name);
      if (test === undefined) {
        test = compileAclExpression(words, { at }, keyword, this.#diagnostics);
        if (test === undefined) return undefined;
        this.#predefined.set(name, test);
      }
      return [test];
    }
    if (unsupportedPredefined.has(name)) {
      this.#diagnostics.error(at, keyword, `Cannot use predefined ACL "${name}": not supported yet`, { code: DiagnosticCode.unsupported });
      return undefined;
    }
    const hint = didYouMean(name, [...this.#lines.keys(), ...predefinedAclNames]);
    this.#diagnostics.error(at, keyword, `Unknown ACL "${name}"`, { code: DiagnosticCode.reference, ...(hint === undefined ? {} : { hint }) });
    return undefined;
  }

  names(): string[] {
    return [...this.#lines.keys()];
  }
}

/** Which fetch layers a context may read: tcp mode sees only the connection */
export type AclContext = 'tcp' | 'request' | 'response';

/**
 * The layers a context can read. HAProxy keeps no request headers for the response rules, so a
 * request fetch there (or a response fetch in a request rule) only draws a warning and never
 * matches; in tcp mode any HTTP fetch is an error, as there is no HTTP message at all.
 */
export const allowedLayers: Readonly<Record<AclContext, readonly FetchLayer[]>> = {
  tcp: ['connection'],
  request: ['connection', 'request'],
  response: ['connection', 'response'],
};

export type ContextView = {
  tcp: ConnectionView;
  request: RequestView;
  response: ResponseView;
};

