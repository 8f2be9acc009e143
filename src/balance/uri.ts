// `balance uri [len <n>] [depth <n>] [whole] [path-only]`: the same URI goes to the same server,
// which keeps caches behind the balancer hot. By default the hashed part ends at the `?`.
//   len <n>    only the first n characters count (after path-only has removed the authority)
//   depth <n>  only the first n directory levels count: hashing stops at the (n+1)th slash,
//              so with depth 2 "/a/b/c.png" hashes "/a/b"
//   whole      the query string counts too
//   path-only  an absolute-form target ("http://host/p", as HTTP/2 and proxies send) hashes from
//              the path, so the same path through different authorities maps to one server
import type { BalanceAlgorithm, BalanceRequest } from './balancer.ts';
import { HashBalancer, hashText, type RequestKeyHash } from './hash.ts';
import { SmoothWeightedRoundRobin } from './roundrobin.ts';

const SLASH = 0x2f;
const QUESTION_MARK = 0x3f;

interface UriSettings {
  /** characters to hash at most, 0 = no limit */
  len: number;
  /** directory levels to hash at most, 0 = no limit */
  depth: number;
  whole: boolean;
  pathOnly: boolean;
}

type ArgumentReader = (settings: UriSettings, value: string | undefined) => string | undefined;

/** The `uri` arguments as data: whether each takes a value, and how it is read into settings */
const uriArguments: ReadonlyMap<string, { takesValue: boolean; read: ArgumentReader }> = new Map([
  ['len', { takesValue: true, read: (settings, value) => readCount(value, 'len', (n) => (settings.len = n)) }],
  ['depth', { takesValue: true, read: (settings, value) => readCount(value, 'depth', (n) => (settings.depth = n)) }],
  ['whole', { takesValue: false, read: (settings) => void (settings.whole = true) }],
  ['path-only', { takesValue: false, read: (settings) => void (settings.pathOnly = true) }],
]);

function readCount(value: string | undefined, name: string, store: (n: number) => void): string | undefined {
  if (value === undefined) return `Cannot use uri "${name}" without a number after it`;
  if (!/^[0-9]+$/.test(value) || Number(value) < 1) {
    return `Cannot use "${value}" as uri ${name}: expected a positive integer`;
  }
  store(Number(value));
  return undefined;
}

function parseUriArguments(args: readonly string[]): { settings: UriSettings; error: string | undefined } {
  const settings: UriSettings = { len: 0, depth: 0, whole: false, pathOnly: false };
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    const argument = uriArguments.get(word);
    if (argument === undefined) {
      return { settings, error: `Unknown uri argument "${word}" (expected len, depth, whole or path-only)` };
    }
    const value = argument.takesValue ? args[++i] : undefined;
    const error = argument.read(settings, value);
    if (error !== undefined) return { settings, error };
  }
  return { settings, error: undefined };
}

/** Where the path starts in a request target: 0 for origin form, after the authority otherwise */
export function pathStart(uri: string): number {
  if (uri.charCodeAt(0) === SLASH) return 0;
  const scheme = uri.indexOf('://');
  // "*" (OPTIONS *) and authority form (CONNECT host:port) have no path: hash the empty string
  if (scheme < 0) return uri.length;
  const path = uri.indexOf('/', scheme + 3);
  return path < 0 ? uri.length : path;
}

function uriKey(settings: UriSettings): RequestKeyHash {
  const { len, whole, pathOnly } = settings;
  // stop at the (depth+1)th slash; 0 never matches a count that starts at 1
  const stopAtSlash = settings.depth === 0 ? 0 : settings.depth + 1;
  return (request: BalanceRequest): number => {
    const uri = request.uri;
    const start = pathOnly ? pathStart(uri) : 0;
    let end = len === 0 ? uri.length : Math.min(uri.length, start + len);
    let slashes = 0;
    for (let i = start; i < end; i++) {
      const c = uri.charCodeAt(i);
      if (c === SLASH) {
        if (++slashes === stopAtSlash) {
          end = i;
          break;
        }
      } else if (c === QUESTION_MARK && !whole) {
        end = i;
        break;
      }
    }
    return hashText(uri, start, end);
  };
}

export const uri: BalanceAlgorithm = {
  name: 'uri',
  usesRequest: true,
  validate(args) {
    return parseUriArguments(args).error;
  },
  build(servers, options) {
    const { settings } = parseUriArguments(options.args);
    return new HashBalancer(servers, options.hashType, uriKey(settings), new SmoothWeightedRoundRobin(servers));
  },
};
