// HAProxy `log-format` strings (configuration.txt section 8.2.6), compiled once per proxy into a
// formatter called for every logged session. The rendering rules follow what haproxy 2.6 prints,
// checked against a running haproxy (see the golden lines in formats.test.ts):
//   - a run of spaces is one separator; a separator is printed only when the previous output did
//     not end in one, and never at the start of the line (HAProxy's `last_isspace`)
//   - %hr/%hs/%hrl/%hsl print nothing at all, leaving the separator state alone, when the
//     frontend captures no header
//   - an empty string prints `-` (`""` when quoted), except the request-line fields (%r %HM %HU
//     %HP %HPO %HQ %HV), which print an empty string
//   - `+Q` quotes strings and addresses, never numbers; `+X` turns addresses, ports, %Ts, %ms and
//     %pid into upper-case hex; `+E` puts a backslash before `"`, `\` and `]`
//   - request-line fields encode `"`, `#` and non-printable bytes as `#XX`; captured headers also
//     encode `{`, `|` and `}`
import { isIPv4, isIPv6 } from 'node:net';
import type { LogContext } from './log-context.ts';
import { formatGmtDate, formatLocalDate, formatLogDate } from './log-time.ts';

export type LogFormatter = (ctx: LogContext) => string;

/**
 * A log-format string that cannot be compiled. `position` is the 0-based offset of the fault in
 * the format, `column` the same counted from 1 (the message says "column").
 */
export class LogFormatError extends SyntaxError {
  readonly code = 'VIGIL_ERR_LOG_FORMAT';
  readonly position: number;
  readonly column: number;
  readonly format: string;
  constructor(message: string, format: string, position: number) {
    super(`${message} at column ${position + 1} of "${format}"`);
    this.name = 'LogFormatError';
    this.position = position;
    this.column = position + 1;
    this.format = format;
  }
}

// ---- flags ----------------------------------------------------------------------------------

const quoteFlag = 1;
const hexFlag = 2;
const escapeFlag = 4;

/** `M` (mandatory) changes nothing in a rendered line; HAProxy 2.6 ignores unknown flags */
const flagBits: Readonly<Record<string, number>> = { Q: quoteFlag, X: hexFlag, E: escapeFlag, M: 0 };

type Renderer = (ctx: LogContext) => string;

// ---- text helpers -----------------------------------------------------------------------------

const escapePattern = /["\\\]]/g;

/** `+E`: RFC 5424 section 6.3.3 PARAM-VALUE escaping */
function escapeText(text: string): string {
  return text.replace(escapePattern, '\\$&');
}

/** bytes HAProxy writes as `#XX` (its url_encode_map and hdr_encode_map) */
const requestLineUnsafe = /["#\x00-\x1f\x7f-\uffff]/;
const headerUnsafe = /["#{|}\x00-\x1f\x7f-\uffff]/;

function hexByte(byte: number): string {
  return `#${byte < 16 ? '0' : ''}${byte.toString(16).toUpperCase()}`;
}

function encodeBytes(text: string, unsafe: RegExp): string {
  if (!unsafe.test(text)) return text;
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code > 0xff) {
      for (const byte of Buffer.from(char, 'utf8')) out += hexByte(byte);
    } else if (unsafe.test(char)) {
      out += hexByte(code);
    } else {
      out += char;
    }
  }
  return out;
}

/** HAProxy's lf_text: an empty value prints `-`, or `""` when quoted */
function textRenderer(get: (ctx: LogContext) => string, flags: number): Renderer {
  const quote = (flags & quoteFlag) !== 0;
  const escape = (flags & escapeFlag) !== 0;
  if (quote && escape) return (ctx) => `"${escapeText(get(ctx))}"`;
  if (quote) return (ctx) => `"${get(ctx)}"`;
  if (escape) return (ctx) => escapeText(get(ctx)) || '-';
  return (ctx) => get(ctx) || '-';
}

/** the request-line fields: `#XX` encoding, and an empty value prints nothing */
function requestLineRenderer(get: (ctx: LogContext) => string, flags: number): Renderer {
  const quote = (flags & quoteFlag) !== 0;
  const escape = (flags & escapeFlag) !== 0;
  return (ctx) => {
    let text = encodeBytes(get(ctx), requestLineUnsafe);
    if (escape) text = escapeText(text);
    return quote ? `"${text}"` : text;
  };
}

function numberRenderer(get: (ctx: LogContext) => number): Renderer {
  return (ctx) => `${get(ctx)}`;
}

/** numbers HAProxy prints in hex under `+X` (`%04X` for ports, %Ts and %pid, `%02X` for %ms) */
function hexableNumberRenderer(get: (ctx: LogContext) => number, flags: number, width: number): Renderer {
  if ((flags & hexFlag) === 0) return numberRenderer(get);
  return (ctx) => get(ctx).toString(16).toUpperCase().padStart(width, '0');
}

function addressHex(ip: string): string {
  if (isIPv4(ip)) return ip.split('.').map((part) => Number(part).toString(16).toUpperCase().padStart(2, '0')).join('');
  if (isIPv6(ip)) return ipv6Bytes(ip).map((byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join('');
  return ip;
}

function ipv6Bytes(ip: string): number[] {
  const [head = '', tail] = ip.split('::');
  const groups = (part: string): number[] => (part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ipv4Groups(g) : [Number.parseInt(g, 16)])));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

function ipv4Groups(dotted: string): number[] {
  const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}

/** an address and its port: `-` for both when there is no address (no server connection) */
function addressRenderer(get: (ctx: LogContext) => string, flags: number): Renderer {
  if ((flags & hexFlag) !== 0) return (ctx) => addressHex(get(ctx)) || '-';
  return textRenderer(get, flags & ~escapeFlag);
}

function portRenderer(address: (ctx: LogContext) => string, port: (ctx: LogContext) => number, flags: number): Renderer {
  const hex = (flags & hexFlag) !== 0;
  return (ctx) => {
    if (address(ctx) === '') return '-';
    const value = port(ctx);
    return hex ? value.toString(16).toUpperCase().padStart(4, '0') : `${value}`;
  };
}

/** %hr/%hs: `{a|b}`, or nothing at all without captures */
function headerBlockRenderer(get: (ctx: LogContext) => readonly string[], flags: number): Renderer {
  const quote = (flags & quoteFlag) !== 0;
  const escape = (flags & escapeFlag) !== 0;
  return (ctx) => {
    const headers = get(ctx);
    if (headers.length === 0) return '';
    let out = quote ? '"{' : '{';
    for (let i = 0; i < headers.length; i++) {
      if (i > 0) out += '|';
      const encoded = encodeBytes(headers[i] ?? '', headerUnsafe);
      out += escape ? escapeText(encoded) : encoded;
    }
    return out + (quote ? '}"' : '}');
  };
}

/** %hrl/%hsl: one field per header, `-` (or `""`) for an empty one; nothing without captures */
function headerListRenderer(get: (ctx: LogContext) => readonly string[], flags: number): Renderer {
  const quote = (flags & quoteFlag) !== 0;
  const escape = (flags & escapeFlag) !== 0;
  return (ctx) => {
    const headers = get(ctx);
    let out = '';
    for (let i = 0; i < headers.length; i++) {
      if (i > 0) out += ' ';
      let value = encodeBytes(headers[i] ?? '', headerUnsafe);
      if (escape) value = escapeText(value);
      out += quote ? `"${value}"` : value || '-';
    }
    return out;
  };
}

// ---- request-line pieces ------------------------------------------------------------------------

const badRequest = '<BADREQ>';

/** HAProxy prints `<BADREQ>` in every request-line field when the request could not be parsed */
function uriPart(pick: (uri: string) => string): (ctx: LogContext) => string {
  return (ctx) => (ctx.requestLine === badRequest ? badRequest : pick(ctx.uri));
}

function pathOf(uri: string): string {
  const question = uri.indexOf('?');
  return question === -1 ? uri : uri.slice(0, question);
}

/** %HPO: the path without scheme and authority of an absolute URI */
function pathOnlyOf(uri: string): string {
  let path = pathOf(uri);
  const scheme = path.indexOf('://');
  if (scheme !== -1) {
    const slash = path.indexOf('/', scheme + 3);
    path = slash === -1 ? '/' : path.slice(slash);
  }
  return path;
}

function queryOf(uri: string): string {
  const question = uri.indexOf('?');
  return question === -1 ? '' : uri.slice(question);
}

// ---- timers HAProxy derives -------------------------------------------------------------------

/** %Tq = Th + Ti + TR, -1 when the request never completed */
function timeQueued(ctx: LogContext): number {
  return ctx.timeRequest < 0 ? -1 : ctx.timeHandshake + ctx.timeIdle + ctx.timeRequest;
}

/** %Td = Tt - (Tq + Tw + Tc + Tr), -1 when one of them never happened */
function timeData(ctx: LogContext): number {
  const tq = timeQueued(ctx);
  if (tq < 0 || ctx.timeQueue < 0 || ctx.timeConnect < 0 || ctx.timeResponse < 0) return -1;
  return ctx.timeTotal - (tq + ctx.timeQueue + ctx.timeConnect + ctx.timeResponse);
}

// ---- the variable table -----------------------------------------------------------------------

interface VariableSpec {
  readonly build: (flags: number) => Renderer;
  /** prints nothing at all in some sessions, leaving the separator state as it was */
  readonly mayBeAbsent?: true;
  /** documented by HAProxy but not yet known to LogContext: a compile error rather than a lie */
  readonly unsupported?: string;
}

const text = (get: (ctx: LogContext) => string): VariableSpec => ({ build: (flags) => textRenderer(get, flags) });
const requestLine = (get: (ctx: LogContext) => string): VariableSpec => ({ build: (flags) => requestLineRenderer(get, flags) });
const num = (get: (ctx: LogContext) => number): VariableSpec => ({ build: () => numberRenderer(get) });
const unsupported = (what: string): VariableSpec => ({ build: () => () => '', unsupported: what });
const clientIp = (ctx: LogContext): string => ctx.clientIp;
const frontendIp = (ctx: LogContext): string => ctx.frontendIp;
const serverIp = (ctx: LogContext): string => ctx.serverIp;
const acceptMillis = (ctx: LogContext): number => Math.floor(ctx.acceptDate) % 1000;

/** HAProxy 2.6's log-format variables (configuration.txt section 8.2.6), by name after `%` */
const variables: Readonly<Record<string, VariableSpec>> = {
  B: num((c) => c.bytesRead),
  CC: text((c) => c.capturedRequestCookie),
  CS: text((c) => c.capturedResponseCookie),
  H: text((c) => c.hostname),
  HM: requestLine((c) => (c.requestLine === badRequest ? badRequest : c.method)),
  HP: requestLine(uriPart(pathOf)),
  HPO: requestLine(uriPart(pathOnlyOf)),
  HQ: requestLine(uriPart(queryOf)),
  HU: requestLine(uriPart((uri) => uri)),
  HV: requestLine((c) => (c.requestLine === badRequest ? badRequest : c.httpVersion)),
  ID: text((c) => c.uniqueId),
  ST: num((c) => c.status),
  T: { build: () => (c) => formatGmtDate(c.acceptDate) },
  Ta: num((c) => c.timeActive),
  Tc: num((c) => c.timeConnect),
  Td: num(timeData),
  Th: num((c) => c.timeHandshake),
  Ti: num((c) => c.timeIdle),
  Tl: { build: () => (c) => formatLocalDate(c.acceptDate) },
  Tq: num(timeQueued),
  TR: num((c) => c.timeRequest),
  Tr: num((c) => c.timeResponse),
  Ts: { build: (flags) => hexableNumberRenderer((c) => Math.floor(c.acceptDate / 1000), flags, 4) },
  Tt: num((c) => c.timeTotal),
  Tu: num((c) => (c.timeTotal < 0 ? -1 : c.timeTotal - c.timeIdle)),
  Tw: num((c) => c.timeQueue),
  U: num((c) => c.bytesUploaded),
  ac: num((c) => c.activeConnections),
  b: text((c) => c.backend),
  bc: num((c) => c.backendConnections),
  bi: unsupported('the backend source address'),
  bp: unsupported('the backend source port'),
  bq: num((c) => c.backendQueue),
  ci: { build: (flags) => addressRenderer(clientIp, flags) },
  cp: { build: (flags) => portRenderer(clientIp, (c) => c.clientPort, flags) },
  f: text((c) => c.frontend),
  fc: num((c) => c.frontendConnections),
  fi: { build: (flags) => addressRenderer(frontendIp, flags) },
  fp: { build: (flags) => portRenderer(frontendIp, (c) => c.frontendPort, flags) },
  ft: text((c) => c.frontendTransport || c.frontend),
  hr: { build: (flags) => headerBlockRenderer((c) => c.capturedRequestHeaders, flags), mayBeAbsent: true },
  hrl: { build: (flags) => headerListRenderer((c) => c.capturedRequestHeaders, flags), mayBeAbsent: true },
  hs: { build: (flags) => headerBlockRenderer((c) => c.capturedResponseHeaders, flags), mayBeAbsent: true },
  hsl: { build: (flags) => headerListRenderer((c) => c.capturedResponseHeaders, flags), mayBeAbsent: true },
  lc: unsupported('the frontend log counter'),
  ms: { build: (flags) => ((flags & hexFlag) !== 0 ? hexableNumberRenderer(acceptMillis, flags, 2) : (c) => `${acceptMillis(c)}`.padStart(3, '0')) },
  pid: { build: (flags) => hexableNumberRenderer((c) => c.processId, flags, 4) },
  r: requestLine((c) => c.requestLine),
  rc: { build: () => (c) => (c.redispatched ? `+${c.retries}` : `${c.retries}`) },
  rt: unsupported('the request counter'),
  s: text((c) => c.server),
  sc: num((c) => c.serverConnections),
  si: { build: (flags) => addressRenderer(serverIp, flags) },
  sp: { build: (flags) => portRenderer(serverIp, (c) => c.serverPort, flags) },
  sq: num((c) => c.serverQueue),
  // vigil has no TLS frontends yet: HAProxy prints `-` for these on a plain connection
  sslc: text(() => ''),
  sslv: text(() => ''),
  t: { build: () => (c) => formatLogDate(c.acceptDate) },
  tr: { build: () => (c) => formatLogDate(c.requestDate) },
  trg: { build: () => (c) => formatGmtDate(c.requestDate) },
  trl: { build: () => (c) => formatLocalDate(c.requestDate) },
  // the termination state is printed as is, never quoted
  ts: { build: () => (c) => c.terminationState },
  tsc: { build: () => (c) => c.terminationStateCookie },
};

/** the variable names this compiler knows, for documentation and `vigil check` hints */
export const logFormatVariables: readonly string[] = Object.keys(variables).filter((name) => variables[name]?.unsupported === undefined);

// ---- sample fetches (`%[...]`) ------------------------------------------------------------------

interface FetchSpec {
  /** `index`: one integer argument, as in capture.req.hdr(0) */
  readonly argument?: 'index';
  readonly build: (index: number) => (ctx: LogContext) => string;
}

const fetch = (get: (ctx: LogContext) => string | number): FetchSpec => ({ build: () => (c) => `${get(c)}` });

/** the sample fetches that make sense at log time and that LogContext can answer */
const fetches: Readonly<Record<string, FetchSpec>> = {
  src: fetch((c) => c.clientIp),
  src_port: fetch((c) => c.clientPort),
  dst: fetch((c) => c.frontendIp),
  dst_port: fetch((c) => c.frontendPort),
  fe_name: fetch((c) => c.frontend),
  be_name: fetch((c) => c.backend),
  srv_name: fetch((c) => (c.server === '<NOSRV>' ? '' : c.server)),
  status: fetch((c) => (c.status < 0 ? '' : c.status)),
  'txn.status': fetch((c) => (c.status < 0 ? '' : c.status)),
  method: fetch((c) => c.method),
  'capture.req.method': fetch((c) => c.method),
  'capture.req.uri': fetch((c) => c.uri),
  'capture.req.ver': fetch((c) => c.httpVersion),
  'capture.req.hdr': { argument: 'index', build: (i) => (c) => c.capturedRequestHeaders[i] ?? '' },
  'capture.res.hdr': { argument: 'index', build: (i) => (c) => c.capturedResponseHeaders[i] ?? '' },
  'unique-id': fetch((c) => c.uniqueId),
  hostname: fetch((c) => c.hostname),
  pid: fetch((c) => c.processId),
  // `option httpslog` asks for these; on a plain (non-TLS) connection HAProxy reports no error
  fc_err: fetch(() => 0),
  ssl_fc_err: fetch(() => ''),
  ssl_c_err: fetch(() => ''),
  ssl_c_ca_err: fetch(() => ''),
  ssl_fc_is_resumed: fetch(() => 0),
  ssl_fc_sni: fetch(() => ''),
};

/** converters that need nothing beyond the fetched text */
const converters: Readonly<Record<string, (value: string) => string>> = {
  lower: (value) => value.toLowerCase(),
  upper: (value) => value.toUpperCase(),
  hex: (value) => Buffer.from(value, 'latin1').toString('hex').toUpperCase(),
};

export const logFormatFetches: readonly string[] = Object.keys(fetches);

function compileSample(expression: string, format: string, start: number, flags: number): Renderer {
  // `start` is the offset of the expression's first character in `format`
  const [head = '', ...converterNames] = expression.split(',');
  const call = /^([A-Za-z0-9_.-]+)(?:\((.*)\))?$/.exec(head);
  if (call === null) throw new LogFormatError(`Cannot parse sample fetch "${head}"`, format, start);
  const [, name = '', argText] = call;
  const spec = fetches[name];
  if (spec === undefined) {
    throw new LogFormatError(`Unknown or unsupported sample fetch "${name}" (vigil knows ${logFormatFetches.join(', ')})`, format, start);
  }
  let index = 0;
  if (spec.argument === 'index') {
    if (argText === undefined || !/^\d+$/.test(argText)) throw new LogFormatError(`Sample fetch "${name}" needs a capture index, for example ${name}(0)`, format, start);
    index = Number(argText);
  } else if (argText !== undefined && argText !== '') {
    throw new LogFormatError(`Sample fetch "${name}" takes no argument`, format, start);
  }
  const get = spec.build(index);
  let offset = start + head.length + 1;
  const chain: Array<(value: string) => string> = [];
  for (const converterName of converterNames) {
    const converter = converters[converterName];
    if (converter === undefined) {
      throw new LogFormatError(`Unknown or unsupported converter "${converterName}" (vigil knows ${Object.keys(converters).join(', ')})`, format, offset);
    }
    chain.push(converter);
    offset += converterName.length + 1;
  }
  const value = chain.length === 0 ? get : (ctx: LogContext) => chain.reduce((acc, convert) => convert(acc), get(ctx));
  return textRenderer(value, flags);
}

// ---- parsing --------------------------------------------------------------------------------

type FormatNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'separator' }
  | { readonly kind: 'value'; readonly render: Renderer; readonly mayBeAbsent: boolean };

const isSpace = (char: string): boolean => char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\v' || char === '\f';
const isNameChar = (char: string): boolean => /[A-Za-z0-9_]/.test(char);

/** `{+Q,-X}` applied over `base` */
function applyFlags(args: string, base: number): number {
  let flags = base;
  for (const arg of args.split(',')) {
    const bit = flagBits[arg.slice(1)];
    if (bit === undefined) continue;
    if (arg.startsWith('+')) flags |= bit;
    else if (arg.startsWith('-')) flags &= ~bit;
  }
  return flags;
}

function parse(format: string): FormatNode[] {
  const nodes: FormatNode[] = [];
  let defaultFlags = 0;
  let literal = '';
  const flushLiteral = (): void => {
    if (literal !== '') nodes.push({ kind: 'text', text: literal });
    literal = '';
  };
  let i = 0;
  while (i < format.length) {
    const char = format[i] as string;
    if (isSpace(char)) {
      flushLiteral();
      if (nodes.at(-1)?.kind !== 'separator') nodes.push({ kind: 'separator' });
      i++;
      continue;
    }
    if (char !== '%') {
      literal += char;
      i++;
      continue;
    }
    const start = i;
    i++;
    if (format[i] === '%') {
      literal += '%';
      i++;
      continue;
    }
    let flags = defaultFlags;
    if (format[i] === '{') {
      const close = format.indexOf('}', i);
      if (close === -1) throw new LogFormatError('Missing "}" after the flags', format, i);
      flags = applyFlags(format.slice(i + 1, close), defaultFlags);
      i = close + 1;
    }
    if (format[i] === '[') {
      const close = findExpressionEnd(format, i + 1);
      if (close === -1) throw new LogFormatError('Missing "]" after the sample expression', format, i);
      flushLiteral();
      nodes.push({ kind: 'value', render: compileSample(format.slice(i + 1, close), format, i + 1, flags), mayBeAbsent: false });
      i = close + 1;
      continue;
    }
    let end = i;
    while (end < format.length && isNameChar(format[end] as string)) end++;
    const name = format.slice(i, end);
    if (name === '') {
      const found = format[i] === undefined ? 'the end of the format' : `"${format[i]}"`;
      throw new LogFormatError(`Expected a variable name after "%", found ${found}`, format, start);
    }
    if (name === 'o') {
      // %o prints nothing: its flags become the default of every later variable
      defaultFlags = flags;
      i = end;
      continue;
    }
    const spec = variables[name];
    if (spec === undefined) throw new LogFormatError(`Unknown log-format variable "%${name}"`, format, start);
    if (spec.unsupported !== undefined) throw new LogFormatError(`Log-format variable "%${name}" (${spec.unsupported}) is not supported by vigil`, format, start);
    flushLiteral();
    nodes.push({ kind: 'value', render: spec.build(flags), mayBeAbsent: spec.mayBeAbsent === true });
    i = end;
  }
  flushLiteral();
  return nodes;
}

/** the `]` closing a sample expression, skipping over parenthesised arguments */
function findExpressionEnd(format: string, from: number): number {
  let depth = 0;
  for (let i = from; i < format.length; i++) {
    const char = format[i];
    if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (char === ']' && depth === 0) return i;
  }
  return -1;
}

// ---- compiling ------------------------------------------------------------------------------

/**
 * Turns the node list into `prefix[i] + render[i](ctx)` pairs and a tail, resolving every separator
 * at compile time. Whether the output so far ends in a separator is always known statically:
 * only absent-able values (%hr ...) could make it depend on the session, and a group of them
 * followed by a separator is rendered as `value + ' '` or nothing, which ends in a separator
 * either way.
 */
function assemble(nodes: readonly FormatNode[]): { prefixes: string[]; renderers: Renderer[]; tail: string } {
  const prefixes: string[] = [];
  const renderers: Renderer[] = [];
  let pending = '';
  // HAProxy starts with last_isspace set: a leading separator prints nothing
  let atSeparator = true;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as FormatNode;
    if (node.kind === 'text') {
      pending += node.text;
      atSeparator = false;
    } else if (node.kind === 'separator') {
      if (!atSeparator) pending += ' ';
      atSeparator = true;
    } else if (!node.mayBeAbsent) {
      prefixes.push(pending);
      renderers.push(node.render);
      pending = '';
      atSeparator = false;
    } else {
      const group: Renderer[] = [node.render];
      while (true) {
        const next = nodes[i + 1];
        if (next?.kind !== 'value' || !next.mayBeAbsent) break;
        group.push(next.render);
        i++;
      }
      const renderGroup: Renderer = group.length === 1 ? (group[0] as Renderer) : (ctx) => group.map((render) => render(ctx)).join('');
      prefixes.push(pending);
      pending = '';
      if (atSeparator && nodes[i + 1]?.kind === 'separator') {
        renderers.push((ctx) => {
          const value = renderGroup(ctx);
          return value === '' ? '' : `${value} `;
        });
        i++;
      } else {
        // after printed output the state stays "not at a separator" whether or not the group prints
        renderers.push(renderGroup);
      }
    }
  }
  return { prefixes, renderers, tail: pending };
}

/**
 * Compiles an HAProxy log-format string into a formatter. Throws LogFormatError, carrying the
 * offset, for an unknown variable, fetch or converter, or a malformed `%{...}`/`%[...]`.
 */
export function compileLogFormat(format: string): LogFormatter {
  const { prefixes, renderers, tail } = assemble(parse(format));
  const count = renderers.length;
  if (count === 0) return () => tail;
  return (ctx) => {
    let line = '';
    for (let i = 0; i < count; i++) line += (prefixes[i] as string) + (renderers[i] as Renderer)(ctx);
    return line + tail;
  };
}
