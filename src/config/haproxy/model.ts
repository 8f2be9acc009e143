// The typed model of a haproxy.cfg, as the parser builds it. Types only: the code that fills them
// lives in the keyword tables (global.ts, proxy.ts, server.ts, ...), the code that reads them in
// inherit.ts and checks.ts. The parser builds these objects in place; callers treat them as read-only.
import type { SourceLocation, Token } from '../token.ts';

export interface HaproxyConfig {
  /** the files read, in order, as one configuration (`haproxy -f a -f b`) */
  files: string[];
  global: GlobalSettings;
  /** every `defaults` section, named or not, in file order */
  defaults: DefaultsSection[];
  /** frontends, backends and listens, in file order */
  proxies: ProxySection[];
  userlists: Userlist[];
  /** sections vigil recognises but does not model (cache, ring, peers, ...), kept so tools can list them */
  ignoredSections: IgnoredSection[];
}

export interface IgnoredSection {
  kind: string;
  name?: string;
  at: SourceLocation;
  /** lines skipped inside it, the header excluded */
  lineCount: number;
}

// ---- global ---------------------------------------------------------------------------------

export interface GlobalSettings {
  at?: SourceLocation;
  daemon: boolean;
  masterWorker: boolean;
  user?: string;
  group?: string;
  uid?: number;
  gid?: number;
  pidfile?: string;
  chroot?: string;
  maxconn?: number;
  nbthread?: number;
  nbproc?: number;
  ulimitN?: number;
  hardStopAfterMs?: number;
  logs: LogTarget[];
  logTag?: string;
  logSendHostname?: string | true;
  statsSockets: StatsSocket[];
  statsTimeoutMs?: number;
  statsMaxconn?: number;
  /** every `tune.*` value as written, keyed by keyword */
  tune: Record<string, string[]>;
  /** `ssl-default-bind-ciphers` and friends, keyed by keyword, value as written */
  sslDefaults: Record<string, string[]>;
  caBase?: string;
  crtBase?: string;
  /** how relative paths resolve (`default-path`); undefined: the current directory */
  defaultPath?: DefaultPath;
  luaLoad: string[];
  /** `setenv`/`presetenv`/`unsetenv`/`resetenv`, applied to later `"${VAR}"` expansions too */
  environment: Record<string, string | undefined>;
  description?: string;
  node?: string;
  spreadChecks?: number;
  strictLimits: boolean;
  zeroWarning: boolean;
  /** `noreuseport`: one listening socket per address, without SO_REUSEPORT */
  noReusePort: boolean;
}

export interface DefaultPath {
  kind: 'current' | 'config' | 'parent' | 'origin';
  /** for `origin` */
  path?: string;
}

export interface StatsSocket {
  address: SocketAddress;
  /** bind options as parsed for a unix/TCP socket (mode, level, user, expose-fd ...) */
  options: BindOptions;
  at: SourceLocation;
}

// ---- addresses ------------------------------------------------------------------------------

/**
 * What an address prefix (`ipv4@`, `unix@`, `mptcp@` ...) or its absence selects.
 * `hostname`: a name resolved at start-up (servers, log targets).
 */
export type AddressFamily = 'ipv4' | 'ipv6' | 'unix' | 'abns' | 'fd' | 'sockpair' | 'hostname' | 'rhttp' | 'ring' | 'stream';
export type AddressTransport = 'stream' | 'dgram' | 'quic' | 'mptcp';

export interface PortRange {
  from: number;
  to: number;
}

export interface SocketAddress {
  /** the address as written (after quote removal and expansion) */
  text: string;
  /** the prefix without `@`, for example `ipv6` or `mptcp` */
  prefix?: string;
  family: AddressFamily;
  transport: AddressTransport;
  /** IP literal, `*`, `''` (any), or host name; the path or name for unix/abns/fd/sockpair/ring */
  host: string;
  /** bind: a port or range; server: a fixed port */
  ports?: PortRange;
  /** server only: `+N`/`-N` maps the client's destination port with an offset */
  portOffset?: number;
  at: SourceLocation;
}

// ---- bind -----------------------------------------------------------------------------------

export interface Bind {
  /** one `bind` line may list several comma-separated addresses */
  addresses: SocketAddress[];
  options: BindOptions;
  at: SourceLocation;
  /** true for an address written on the `listen`/`frontend` line itself (pre-1.5 syntax) */
  fromSectionLine?: true;
}

export interface BindOptions {
  name?: string;
  id?: number;
  ssl: boolean;
  /** `crt` paths (files or directories), resolved against `crt-base` */
  certificates: string[];
  crtList?: string;
  caFile?: string;
  verify?: 'none' | 'optional' | 'required';
  alpn?: string[];
  strictSni: boolean;
  v4v6: boolean;
  v6only: boolean;
  acceptProxy: boolean;
  acceptNetscalerCip?: number;
  transparent: boolean;
  deferAccept: boolean;
  tfo: boolean;
  interface?: string;
  maxconn?: number;
  backlog?: number;
  proto?: string;
  /** unix sockets and stats sockets */
  mode?: number;
  user?: string;
  group?: string;
  uid?: number;
  gid?: number;
  level?: 'user' | 'operator' | 'admin';
  exposeFd?: string;
  severityOutput?: 'none' | 'number' | 'string';
  sslMinVer?: string;
  sslMaxVer?: string;
  ciphers?: string;
  ciphersuites?: string;
  /** `no-sslv3`, `no-tlsv10` ... as written */
  disabledProtocols: string[];
}

// ---- servers --------------------------------------------------------------------------------

export interface Server {
  name: string;
  address: SocketAddress;
  /** effective options: the `default-server` in force at this line overlaid by the line's own */
  options: ServerOptions;
  /** only what the `server` line itself says */
  own: ServerOptions;
  at: SourceLocation;
}

export type ObserveMode = 'none' | 'layer4' | 'layer7';
export type OnErrorAction = 'fastinter' | 'fail-check' | 'sudden-death' | 'mark-down';

/** every field optional: a `default-server` line sets some, a `server` line overlays others */
export interface ServerOptions {
  check?: boolean;
  checkSsl?: boolean;
  checkSni?: string;
  checkSendProxy?: boolean;
  interMs?: number;
  fastinterMs?: number;
  downinterMs?: number;
  rise?: number;
  fall?: number;
  /** health-check port and address, when not the traffic ones */
  port?: number;
  addr?: string;
  weight?: number;
  backup?: boolean;
  disabled?: boolean;
  maxconn?: number;
  maxqueue?: number;
  minconn?: number;
  slowstartMs?: number;
  sendProxy?: boolean;
  sendProxyV2?: boolean;
  ssl?: boolean;
  verify?: 'none' | 'required';
  verifyhost?: string;
  caFile?: string;
  crt?: string;
  sni?: string;
  alpn?: string[];
  proto?: string;
  observe?: ObserveMode;
  errorLimit?: number;
  onError?: OnErrorAction;
  onMarkedDown?: 'shutdown-sessions';
  onMarkedUp?: 'shutdown-backup-sessions';
  cookie?: string;
  resolvers?: string;
  resolvePrefer?: 'ipv4' | 'ipv6';
  initAddr?: string[];
  id?: number;
  track?: string;
  redir?: string;
  agentCheck?: boolean;
  agentPort?: number;
  agentInterMs?: number;
  agentAddr?: string;
  agentSend?: string;
}

export interface DefaultServer {
  options: ServerOptions;
  at: SourceLocation;
}

// ---- rules, ACLs, conditions -----------------------------------------------------------------

/** `if`/`unless` and the words after it, kept as tokens; `acls` are the named ACLs it uses */
export interface Condition {
  polarity: 'if' | 'unless';
  tokens: Token[];
  /** named ACLs referred to (without `!`), for the "used but not defined" check */
  acls: Token[];
}

export interface Acl {
  name: string;
  /** the sample fetch with its arguments, for example `hdr_beg(host)` */
  fetch: string;
  /** `-i`, `-m beg`, `-f file` ... as written, in order */
  flags: string[];
  patterns: string[];
  /** pattern files named with `-f` */
  files: string[];
  at: SourceLocation;
}

export type RuleKeyword =
  | 'http-request'
  | 'http-response'
  | 'http-after-response'
  | 'tcp-request connection'
  | 'tcp-request session'
  | 'tcp-request content'
  | 'tcp-response content';

export interface Rule {
  keyword: RuleKeyword;
  action: string;
  args: Token[];
  condition?: Condition;
  at: SourceLocation;
}

/** an `http-check` or `tcp-check` step: `send`, `expect`, `connect` ... */
export interface CheckRule {
  keyword: 'http-check' | 'tcp-check';
  action: string;
  args: Token[];
  at: SourceLocation;
}

export interface UseBackend {
  /** may contain a log-format expression (`%[...]`), then it is resolved per request */
  backend: string;
  condition?: Condition;
  at: SourceLocation;
  nameAt: SourceLocation;
}

export interface UseServer {
  server: string;
  condition?: Condition;
  at: SourceLocation;
}

export interface Redirect {
  type: 'location' | 'prefix' | 'scheme';
  target: string;
  code?: number;
  /** `drop-query`, `append-slash`, `set-cookie NAME[=V]` ... as written */
  options: string[];
  condition?: Condition;
  at: SourceLocation;
}

export interface Capture {
  what: 'request header' | 'response header' | 'cookie';
  name: string;
  length: number;
  at: SourceLocation;
}

// ---- proxies --------------------------------------------------------------------------------

export type ProxyKind = 'frontend' | 'backend' | 'listen';
export type ProxyMode = 'http' | 'tcp' | 'health';

export type TimeoutName =
  | 'connect'
  | 'client'
  | 'server'
  | 'http-request'
  | 'http-keep-alive'
  | 'queue'
  | 'tunnel'
  | 'check'
  | 'client-fin'
  | 'server-fin'
  | 'tarpit';

export interface Balance {
  algorithm: string;
  /** words after the algorithm, and the parenthesised argument (`hdr(host)`, `random(2)`) first */
  args: string[];
  at: SourceLocation;
}

export interface HashType {
  method: 'map-based' | 'consistent';
  function?: string;
  modifier?: 'avalanche';
  at: SourceLocation;
}

/** one `option X` or `no option X` line; options with arguments carry them typed in `details` */
export interface OptionSetting {
  enabled: boolean;
  args: string[];
  at: SourceLocation;
  details?: ForwardFor | HttpCheckOption | Record<string, string | boolean>;
}

export interface ForwardFor {
  kind: 'forwardfor';
  except?: string;
  header?: string;
  ifNone: boolean;
}

export interface HttpCheckOption {
  kind: 'httpchk';
  method?: string;
  uri?: string;
  version?: string;
}

export interface LogTarget {
  /** `log global`: use the global section's targets */
  global?: true;
  target?: string;
  address?: SocketAddress;
  facility?: string;
  level?: string;
  minLevel?: string;
  format?: string;
  length?: number;
  /** `sample`, `profile` ... as written */
  other: Record<string, string>;
  at: SourceLocation;
}

export interface CookieSettings {
  name: string;
  mode?: 'rewrite' | 'insert' | 'prefix';
  indirect: boolean;
  nocache: boolean;
  postonly: boolean;
  preserve: boolean;
  httponly: boolean;
  secure: boolean;
  dynamic: boolean;
  domains: string[];
  maxidleMs?: number;
  maxlifeMs?: number;
  attrs: string[];
  at: SourceLocation;
}

export interface StatsSettings {
  enabled?: boolean;
  uri?: string;
  realm?: string;
  /** `user:password` pairs, in order */
  auth: StatsAuth[];
  refreshMs?: number;
  admin: Condition[];
  hideVersion?: boolean;
  showLegends?: boolean;
  showNode?: string | true;
  showDesc?: string | true;
  showModules?: boolean;
  scope: string[];
  at?: SourceLocation;
}

export interface StatsAuth {
  user: string;
  password: string;
  at: SourceLocation;
}

export interface CompressionSettings {
  algorithms: string[];
  types: string[];
  offload?: boolean;
  direction?: string;
}

export interface ErrorFile {
  code: number;
  path: string;
  at: SourceLocation;
}

/**
 * Everything a `defaults` section can carry to the proxies after it. A proxy's `own` holds what
 * its section says; `settings` is the effective result (inherit.ts).
 */
export interface ProxySettings {
  mode?: ProxyMode;
  timeouts: Partial<Record<TimeoutName, number>>;
  retries?: number;
  retryOn?: string[];
  maxconn?: number;
  fullconn?: number;
  backlog?: number;
  balance?: Balance;
  hashType?: HashType;
  /** `option X` and `no option X`, keyed by option name */
  options: Record<string, OptionSetting>;
  /** `log` lines; `log global` is one entry with `global: true` */
  logs: LogTarget[];
  /** `no log` clears what a defaults section gave */
  noLog?: boolean;
  logFormat?: string;
  logTag?: string;
  errorFiles: Record<number, ErrorFile>;
  defaultServer: ServerOptions;
  cookie?: CookieSettings;
  stats: StatsSettings;
  compression: CompressionSettings;
  defaultBackend?: UseBackend;
  httpReuse?: string;
  monitorUri?: string;
  uniqueIdFormat?: string;
  uniqueIdHeader?: string;
  disabled?: boolean;
  /** rules in (named) defaults run before the proxy's own, as in HAProxy 2.5+ */
  httpRequest: Rule[];
  httpResponse: Rule[];
  httpAfterResponse: Rule[];
  tcpRequest: Rule[];
  tcpResponse: Rule[];
  /** `http-check`/`tcp-check` steps: a proxy with its own replaces the inherited ones */
  httpCheck: CheckRule[];
  tcpCheck: CheckRule[];
}

interface SectionBase {
  name: string;
  at: SourceLocation;
  /** what the section's own lines say */
  own: ProxySettings;
  /** the effective settings: the inherited defaults overlaid by `own` (filled after parsing) */
  settings: ProxySettings;
  /** named defaults (HAProxy 2.5+) may define ACLs for their own rules */
  acls: Acl[];
}

/** the `defaults` section a proxy or defaults section takes its settings from */
export interface DefaultsRef {
  /** '' for an unnamed defaults section */
  name: string;
  /** index into HaproxyConfig.defaults */
  index: number;
  /** true when chosen with `from NAME`, false when it is simply the last one before */
  explicit: boolean;
}

export interface DefaultsSection extends SectionBase {
  kind: 'defaults';
  /** set only with `from NAME`: a defaults section without it starts from HAProxy's built-in values */
  inherits?: DefaultsRef;
}

export interface ProxySection extends SectionBase {
  kind: ProxyKind;
  id?: number;
  description?: string;
  inherits?: DefaultsRef;
  binds: Bind[];
  servers: Server[];
  useBackends: UseBackend[];
  useServers: UseServer[];
  redirects: Redirect[];
  captures: Capture[];
}

// ---- userlists ------------------------------------------------------------------------------

export interface Userlist {
  name: string;
  at: SourceLocation;
  groups: UserlistGroup[];
  users: UserlistUser[];
}

export interface UserlistGroup {
  name: string;
  users: string[];
  at: SourceLocation;
}

export interface UserlistUser {
  name: string;
  /** a crypt(3) hash for `password`, the clear text for `insecure-password` */
  password?: string;
  insecure: boolean;
  groups: string[];
  at: SourceLocation;
}
