// ACL match methods (`-m str|beg|end|sub|reg|dom|dir|len|found|int|ip|bool`): each turns an ACL's
// patterns into a test, once, at start. String tests take a range of a larger string so that
// matching a path inside the request target, or one value of a comma-separated header, needs no
// substring. Several patterns in one ACL are ORed.
import { networkTest, parseNetwork, type IpNetwork } from './ip.ts';

/** whether `text[start, end)` matches */
export type StringTest = (text: string, start: number, end: number) => boolean;
export type IntTest = (value: number) => boolean;

export type SampleType = 'str' | 'int' | 'ip' | 'bool';

export interface MatchOptions {
  readonly ignoreCase: boolean;
}

/**
 * A match method. `string` builds the test on string samples, `int` on integer samples; a method
 * without one of them cannot be used on that sample type. Builders return an error message
 * (sentence case, value quoted) for a pattern they cannot use.
 */
export interface MatchMethod {
  readonly name: string;
  /** `found` and `bool` take no patterns */
  readonly takesPatterns: boolean;
  readonly string?: (patterns: readonly string[], options: MatchOptions) => StringTest | string;
  readonly int?: (patterns: readonly string[], options: MatchOptions) => IntTest | string;
}

// ASCII-only folding, as HAProxy's tolower() in the C locale
function lowerCode(c: number): number {
  return c >= 65 && c <= 90 ? c | 0x20 : c;
}

/** `text[at, at + pattern.length)` equals `pattern`; `pattern` is lower-case when folding */
function sameAt(text: string, at: number, pattern: string, fold: boolean): boolean {
  const length = pattern.length;
  if (fold) {
    for (let i = 0; i < length; i++) if (lowerCode(text.charCodeAt(at + i)) !== pattern.charCodeAt(i)) return false;
  } else {
    for (let i = 0; i < length; i++) if (text.charCodeAt(at + i) !== pattern.charCodeAt(i)) return false;
  }
  return true;
}

function prepare(patterns: readonly string[], options: MatchOptions): string[] {
  return options.ignoreCase ? patterns.map((p) => p.toLowerCase()) : [...patterns];
}

/** beyond this many patterns, `str` looks the sample up in a Set (one substring per test) */
const setThreshold = 8;

const exact: MatchMethod = {
  name: 'str',
  takesPatterns: true,
  string: (patterns, options) => {
    const list = prepare(patterns, options);
    const fold = options.ignoreCase;
    if (list.length > setThreshold) {
      const set = new Set(list);
      return (text, start, end) => {
        const sample = start === 0 && end === text.length ? text : text.slice(start, end);
        return set.has(fold ? sample.toLowerCase() : sample);
      };
    }
    return (text, start, end) => {
      const length = end - start;
      for (const pattern of list) if (pattern.length === length && sameAt(text, start, pattern, fold)) return true;
      return false;
    };
  },
};

const prefix: MatchMethod = {
  name: 'beg',
  takesPatterns: true,
  string: (patterns, options) => {
    const list = prepare(patterns, options);
    const fold = options.ignoreCase;
    return (text, start, end) => {
      for (const pattern of list) if (pattern.length <= end - start && sameAt(text, start, pattern, fold)) return true;
      return false;
    };
  },
};

const suffix: MatchMethod = {
  name: 'end',
  takesPatterns: true,
  string: (patterns, options) => {
    const list = prepare(patterns, options);
    const fold = options.ignoreCase;
    return (text, start, end) => {
      for (const pattern of list) if (pattern.length <= end - start && sameAt(text, end - pattern.length, pattern, fold)) return true;
      return false;
    };
  },
};

const substring: MatchMethod = {
  name: 'sub',
  takesPatterns: true,
  string: (patterns, options) => {
    const list = prepare(patterns, options);
    const fold = options.ignoreCase;
    return (text, start, end) => {
      for (const pattern of list) {
        const last = end - pattern.length;
        for (let at = start; at <= last; at++) if (sameAt(text, at, pattern, fold)) return true;
      }
      return false;
    };
  },
};

const regex: MatchMethod = {
  name: 'reg',
  takesPatterns: true,
  string: (patterns, options) => {
    const compiled: RegExp[] = [];
    for (const pattern of patterns) {
      try {
        compiled.push(new RegExp(pattern, options.ignoreCase ? 'i' : ''));
      } catch (error) {
        return `Cannot compile regular expression "${pattern}": ${(error as Error).message}`;
      }
    }
    return (text, start, end) => {
      const sample = start === 0 && end === text.length ? text : text.slice(start, end);
      for (const re of compiled) if (re.test(sample)) return true;
      return false;
    };
  },
};

/**
 * HAProxy's match_word: the pattern, stripped of leading and trailing delimiters, must appear in
 * the sample as a whole run between delimiters (or the sample's ends).
 */
function wordMethod(name: string, delimiters: string): MatchMethod {
  const isDelimiter = (c: number): boolean => delimiters.includes(String.fromCharCode(c));
  const delimiterCodes = new Uint8Array(128);
  for (const d of delimiters) delimiterCodes[d.charCodeAt(0)] = 1;
  return {
    name,
    takesPatterns: true,
    string: (patterns, options) => {
      const fold = options.ignoreCase;
      const list = prepare(patterns, options).map((p) => {
        let a = 0;
        let b = p.length;
        while (a < b && isDelimiter(p.charCodeAt(a))) a++;
        while (b > a && isDelimiter(p.charCodeAt(b - 1))) b--;
        return p.slice(a, b);
      });
      return (text, start, end) => {
        for (const word of list) {
          if (word.length === 0 || word.length > end - start) continue;
          const last = end - word.length;
          let mayMatch = true;
          for (let at = start; at <= last; at++) {
            const c = text.charCodeAt(at);
            if (c < 128 && delimiterCodes[c] === 1) {
              mayMatch = true;
              continue;
            }
            if (!mayMatch) continue;
            if (sameAt(text, at, word, fold)) {
              const after = at + word.length;
              if (after === end) return true;
              const next = text.charCodeAt(after);
              if (next < 128 && delimiterCodes[next] === 1) return true;
            }
            mayMatch = false;
          }
        }
        return false;
      };
    },
  };
}

/**
 * Integer patterns: `N`, ranges `N:M`, `:M`, `N:`, and the operators `eq`, `le`, `lt`, `ge`,
 * `gt` which apply to the values after them (HAProxy's compatibility syntax).
 */
export function parseIntPatterns(patterns: readonly string[]): Float64Array | string {
  const bounds: number[] = [];
  let operator = 'eq';
  const number = (text: string): number | undefined => (/^[+-]?\d+$/.test(text) ? Number(text) : undefined);
  for (const pattern of patterns) {
    if (pattern === 'eq' || pattern === 'le' || pattern === 'lt' || pattern === 'ge' || pattern === 'gt') {
      operator = pattern;
      continue;
    }
    const colon = pattern.indexOf(':');
    if (colon !== -1) {
      if (operator !== 'eq') return `Cannot use a range "${pattern}" after "${operator}"`;
      const low = colon === 0 ? -Infinity : number(pattern.slice(0, colon));
      const high = colon === pattern.length - 1 ? Infinity : number(pattern.slice(colon + 1));
      if (low === undefined || high === undefined) return `Cannot parse integer range "${pattern}"`;
      bounds.push(low, high);
      continue;
    }
    const value = number(pattern);
    if (value === undefined) return `Cannot parse integer "${pattern}"`;
    if (operator === 'eq') bounds.push(value, value);
    else if (operator === 'le') bounds.push(-Infinity, value);
    else if (operator === 'lt') bounds.push(-Infinity, value - 1);
    else if (operator === 'ge') bounds.push(value, Infinity);
    else bounds.push(value + 1, Infinity);
  }
  return Float64Array.from(bounds);
}

function intTest(patterns: readonly string[]): IntTest | string {
  const bounds = parseIntPatterns(patterns);
  if (typeof bounds === 'string') return bounds;
  return (value) => {
    for (let i = 0; i < bounds.length; i += 2) if (value >= bounds[i]! && value <= bounds[i + 1]!) return true;
    return false;
  };
}

/** a leading decimal integer, as HAProxy's string-to-integer cast reads it; NaN when there is none */
export function leadingInt(text: string, start: number, end: number): number {
  let i = start;
  let sign = 1;
  if (i < end && (text.charCodeAt(i) === 45 || text.charCodeAt(i) === 43)) {
    if (text.charCodeAt(i) === 45) sign = -1;
    i++;
  }
  let value = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
    digits++;
  }
  return digits === 0 ? NaN : sign * value;
}

const integer: MatchMethod = {
  name: 'int',
  takesPatterns: true,
  int: (patterns) => intTest(patterns),
  string: (patterns) => {
    const test = intTest(patterns);
    if (typeof test === 'string') return test;
    return (text, start, end) => {
      const value = leadingInt(text, start, end);
      return !Number.isNaN(value) && test(value);
    };
  },
};

const length: MatchMethod = {
  name: 'len',
  takesPatterns: true,
  string: (patterns) => {
    const test = intTest(patterns);
    if (typeof test === 'string') return test;
    return (_text, start, end) => test(end - start);
  },
};

const address: MatchMethod = {
  name: 'ip',
  takesPatterns: true,
  string: (patterns) => {
    const networks: IpNetwork[] = [];
    for (const pattern of patterns) {
      const network = parseNetwork(pattern);
      if (typeof network === 'string') return network;
      networks.push(network);
    }
    return networkTest(networks);
  },
};

const found: MatchMethod = {
  name: 'found',
  takesPatterns: false,
  string: () => () => true,
  int: () => () => true,
};

const boolean: MatchMethod = {
  name: 'bool',
  takesPatterns: false,
  int: () => (value) => value !== 0,
};

/** Every match method by its `-m` name */
export const matchMethods: ReadonlyMap<string, MatchMethod> = new Map(
  [exact, prefix, suffix, substring, regex, wordMethod('dom', '/?.:'), wordMethod('dir', '/?'), length, integer, address, found, boolean].map(
    (m) => [m.name, m] as const,
  ),
);

/** the method an ACL uses when it names none, by the fetch's sample type */
export const defaultMatchFor: Readonly<Record<SampleType, string>> = { str: 'str', int: 'int', ip: 'ip', bool: 'bool' };
