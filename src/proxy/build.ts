// Turns the haproxy.cfg model into the data path's runtime objects: frontends with their listen
// addresses and routing, backends with their servers and balancers. Each data-path worker calls
// this once at start with its own counter region; `vigil check` can call it to surface compile
// errors of ACLs and rules before anything listens.
import { dirname } from 'node:path';
import type { BalanceAlgorithm, HashType } from '../balance/balancer.ts';
import { resolveBalanceAlgorithm, DEFAULT_BALANCE_ALGORITHM } from '../balance/registry.ts';
import { buildSelection } from '../balance/select.ts';
import { Diagnostics } from '../config/diagnostics.ts';
import type { ForwardFor, HaproxyConfig, OptionSetting, ProxySection, ProxySettings, SocketAddress } from '../config/haproxy/model.ts';
import { BackendRuntime, type ConnectionMode } from './backend.ts';
import { CounterWriter, type CounterLayout } from './counters.ts';
import { continueVerdict, type FrontendRuntime, type HttpRouting, type RuleOutcome, type Verdict } from './frontend.ts';
import { ErrorPages } from './http/error-pages.ts';
import type { ConnectionView, RequestView } from './http/message-view.ts';
import type { ListenAddress } from './listener.ts';
import type { LogEnvironment, ProxyLogger } from './log/logger.ts';
import { createProxyLogger } from './log/logger.ts';
import { AclTable } from './acl/acl.ts';
import { compileCondition } from './acl/condition.ts';
import { applyRequestRules, compileRequestRules, type RequestRules } from './rules/request-rules.ts';
import { applyResponseRules, compileResponseRules, type ResponseRules } from './rules/response-rules.ts';
import { compileForwardFor } from './rules/forwardfor.ts';
import { compileValue } from './rules/expression.ts';
import type { PassiveReporter } from './passive-observer.ts';
import { ServerRuntime } from './server-runtime.ts';
import { defaultStatsUri, statsUriMatcher, type StatsRequest, type StatsService } from './stats-bridge.ts';

/** HAProxy's `retries` default (configuration.txt) */
const defaultRetries = 3;
/**
 * Idle server connections kept per server for reuse. HAProxy sets no count limit
 * (pool-max-conn -1) and closes idle ones after pool-purge-delay; a limit of 64 made vigil open
 * a new server connection for most requests at 200 clients (measured: 47k in 10 s), so this is
 * only a safety net.
 */
const defaultMaxIdle = 4096;
/** HAProxy's tune.bufsize (16384) less tune.maxrewrite (1024): the largest head it accepts */
export const defaultMaxHeadBytes = 15360;

export function frontendKey(name: string): string {
  return `f:${name}`;
}
export function backendKey(name: string): string {
  return `b:${name}`;
}
export function serverKey(backend: string, server: string): string {
  return `s:${backend}/${server}`;
}

/** The counter objects of a config, in a fixed order every worker and the control thread share */
export function counterKeys(config: HaproxyConfig): string[] {
  const keys: string[] = [];
  for (const proxy of config.proxies) {
    if (proxy.kind !== 'backend') keys.push(frontendKey(proxy.name));
    if (proxy.kind !== 'frontend') {
      keys.push(backendKey(proxy.name));
      for (const server of proxy.servers) keys.push(serverKey(proxy.name, server.name));
    }
  }
  return keys;
}

export interface BuiltFrontend {
  readonly runtime: FrontendRuntime;
  readonly addresses: readonly ListenAddress[];
  /** this worker's share of the frontend's maxconn (0 = unlimited) */
  readonly maxconn: number;
  readonly logger: ProxyLogger;
}

export interface BuiltProxies {
  readonly frontends: readonly BuiltFrontend[];
  readonly backends: ReadonlyMap<string, BackendRuntime>;
  readonly diagnostics: Diagnostics;
}

export interface BuildOptions {
  readonly layout: CounterLayout;
  readonly counters: SharedArrayBuffer;
  readonly worker: number;
  readonly workers: number;
  readonly logs: LogEnvironment;
  /** answers stats requests (on the control thread, through the worker's message port) */
  readonly renderStats?: (request: StatsRequest) => Promise<Uint8Array>;
  /** where sessions note what traffic shows of servers with `observe` (passive health checks) */
  readonly passive?: PassiveReporter;
}

function optionOn(settings: ProxySettings, name: string): OptionSetting | undefined {
  const option = settings.options[name];
  return option?.enabled === true ? option : undefined;
}

/** HAProxy's HTTP connection mode from the proxy's options (the last one set wins in the parser) */
function connectionModeOf(settings: ProxySettings): ConnectionMode {
  if (optionOn(settings, 'httpclose') !== undefined || optionOn(settings, 'forceclose') !== undefined) return 'close';
  if (optionOn(settings, 'http-server-close') !== undefined) return 'server-close';
  return 'keep-alive';
}

/** `option redispatch [interval]`; HAProxy's default interval -1 redispatches on the last retry */
function redispatchIntervalOf(settings: ProxySettings): number {
  const option = optionOn(settings, 'redispatch');
  if (option === undefined) return 0;
  const interval = Number(option.args[0] ?? -1);
  return Number.isInteger(interval) && interval !== 0 ? interval : -1;
}

function listenAddresses(proxy: ProxySection): ListenAddress[] {
  const out: ListenAddress[] = [];
  for (const bind of proxy.binds) {
    for (const address of bind.addresses) {
      if (address.family !== 'ipv4' && address.family !== 'ipv6' && address.family !== 'hostname') continue;
      const ports = address.ports;
      if (ports === undefined) continue;
      for (let port = ports.from; port <= ports.to; port++) {
        out.push({ host: hostOf(address), port, ipv6Only: bind.options.v6only });
      }
    }
  }
  return out;
}

/** `*`, an empty host and `0.0.0.0` mean every IPv4 address; `::` also takes IPv4 (dual stack) */
function hostOf(address: SocketAddress): string {
  if (address.host === '' || address.host === '*') return address.family === 'ipv6' ? '::' : '0.0.0.0';
  return address.host;
}

function errorPagesOf(settings: ProxySettings): ErrorPages {
  const files = new Map<number, string>();
  for (const [code, file] of Object.entries(settings.errorFiles)) files.set(Number(code), file.path);
  return new ErrorPages(files);
}

interface CompiledProxy {
  readonly acls: AclTable;
  readonly request: RequestRules;
  readonly response: ResponseRules;
  readonly forwardFor: ((view: RequestView) => void) | undefined;
  readonly errorPages: ErrorPages;
}

function compileProxy(proxy: ProxySection, diagnostics: Diagnostics): CompiledProxy {
  const acls = new AclTable(proxy.acls, diagnostics);
  const errorPages = errorPagesOf(proxy.settings);
  const baseDirectory = dirname(proxy.at.file);
  const request = compileRequestRules(proxy.settings.httpRequest, acls, diagnostics, { redirects: proxy.redirects }, { errorPages, baseDirectory });
  const response = compileResponseRules(proxy.settings.httpResponse, acls, diagnostics, { errorPages });
  const ff = optionOn(proxy.settings, 'forwardfor');
  const details = ff?.details !== undefined && 'kind' in ff.details && ff.details.kind === 'forwardfor' ? (ff.details as ForwardFor) : undefined;
  const forwardFor = ff !== undefined && details !== undefined ? compileForwardFor(details, ff.at, diagnostics) : undefined;
  return { acls, request, response, forwardFor, errorPages };
}

function backendFor(proxy: ProxySection, options: BuildOptions, writer: CounterWriter, diagnostics: Diagnostics): BackendRuntime {
  const settings = proxy.settings;
  const servers = proxy.servers.map((server, index) => {
    const runtime = new ServerRuntime(
      {
        index,
        backend: proxy.name,
        name: server.name,
        host: server.address.host,
        port: server.address.ports?.from ?? 0,
        weight: server.options.weight ?? 1,
        backup: server.options.backup ?? false,
        maxconn: server.options.maxconn ?? 0,
        maxqueue: server.options.maxqueue ?? 0,
        maxIdle: defaultMaxIdle,
        shutdownOnDown: server.options.onMarkedDown === 'shutdown-sessions',
      },
      writer,
      CounterWriter.base(options.layout, serverKey(proxy.name, server.name)),
    );
    // HAProxy observes only servers that are also checked: the checks bring them back
    const observe = server.options.observe;
    if (options.passive !== undefined && server.options.check === true && (observe === 'layer4' || observe === 'layer7')) {
      runtime.observation = options.passive.observe(`${proxy.name}/${server.name}`, observe);
    }
    return runtime;
  });
  const balance = settings.balance;
  const lookup = resolveBalanceAlgorithm(balance?.algorithm ?? DEFAULT_BALANCE_ALGORITHM, balance?.args ?? []);
  let algorithm: BalanceAlgorithm;
  let args: readonly string[];
  if (lookup.ok) {
    algorithm = lookup.algorithm;
    args = lookup.args;
  } else {
    diagnostics.error(balance?.at ?? proxy.at, 'balance', lookup.error);
    const fallback = resolveBalanceAlgorithm(DEFAULT_BALANCE_ALGORITHM, []);
    if (!fallback.ok) throw new Error('roundrobin is not registered');
    algorithm = fallback.algorithm;
    args = [];
  }
  const hashType: HashType = settings.hashType?.method ?? 'map-based';
  const allBackups = optionOn(settings, 'allbackups') !== undefined;
  const load = { active: (server: { index: number }) => servers[server.index]?.active ?? 0 };
  const timeouts = settings.timeouts;
  return new BackendRuntime({
    name: proxy.name,
    mode: settings.mode === 'tcp' ? 'tcp' : 'http',
    servers,
    buildSelection: (list) =>
      buildSelection(
        list.map((server) => ({ server, serving: server.serving && server.weight > 0, backup: server.backup })),
        algorithm,
        { args, hashType, load },
        { allBackups },
      ).balancer,
    timeouts: {
      connect: timeouts.connect ?? 0,
      server: timeouts.server ?? 0,
      queue: timeouts.queue ?? 0,
      tunnel: timeouts.tunnel ?? 0,
      serverFin: timeouts['server-fin'] ?? 0,
    },
    retries: settings.retries ?? defaultRetries,
    redispatchInterval: redispatchIntervalOf(settings),
    connectionMode: connectionModeOf(settings),
    counters: writer,
    base: CounterWriter.base(options.layout, backendKey(proxy.name)),
  });
}

function outcomeOf(result: { kind: 'continue' } | { kind: 'response'; status: number; bytes: Buffer; close: boolean }, modified: boolean): RuleOutcome {
  const verdict: Verdict = result.kind === 'continue' ? continueVerdict : result;
  return { verdict, modified };
}

export function buildProxies(config: HaproxyConfig, options: BuildOptions): BuiltProxies {
  const diagnostics = new Diagnostics();
  const writer = new CounterWriter(options.counters, options.layout, options.worker);
  const compiled = new Map<string, CompiledProxy>();
  const backends = new Map<string, BackendRuntime>();
  for (const proxy of config.proxies) {
    compiled.set(`${proxy.kind}:${proxy.name}`, compileProxy(proxy, diagnostics));
    if (proxy.kind !== 'frontend') backends.set(proxy.name, backendFor(proxy, options, writer, diagnostics));
  }
  const backendSections = new Map(config.proxies.filter((p) => p.kind !== 'frontend').map((p) => [p.name, p]));
  const frontends: BuiltFrontend[] = [];
  const globalMaxconn = config.global.maxconn ?? 0;
  for (const proxy of config.proxies) {
    if (proxy.kind === 'backend') continue;
    const own = compiled.get(`${proxy.kind}:${proxy.name}`) as CompiledProxy;
    const settings = proxy.settings;
    const mode = settings.mode === 'tcp' ? 'tcp' : 'http';
    const logger = createProxyLogger(settings, config.global, options.logs);
    const routes = proxy.useBackends.map((rule) => {
      const predicate = compileCondition(rule.condition, own.acls, 'request', diagnostics, 'use_backend');
      const dynamic = rule.backend.includes('%[') ? compileValue(rule.backend, 'request', rule.nameAt, 'use_backend', diagnostics) : undefined;
      return { predicate, backend: backends.get(rule.backend), dynamic };
    });
    const tcpRoutes = mode === 'tcp'
      ? proxy.useBackends.map((rule) => ({ predicate: compileCondition(rule.condition, own.acls, 'tcp', diagnostics, 'use_backend'), backend: backends.get(rule.backend) }))
      : [];
    const defaultName = settings.defaultBackend?.backend ?? (proxy.kind === 'listen' ? proxy.name : undefined);
    const defaultBackend = defaultName === undefined ? undefined : backends.get(defaultName);
    // what each backend adds to this frontend's requests and responses, resolved once here
    // rather than looked up by name on every request
    const plans = new Map<BackendRuntime, BackendPlan>();
    for (const backend of backends.values()) {
      // a listen section's own rules ran as the frontend's; a separate backend adds its own
      const ownListen = backend.name === proxy.name && proxy.kind === 'listen';
      const section = backendSections.get(backend.name);
      const back = ownListen || section === undefined ? undefined : compiled.get(`${section.kind}:${section.name}`);
      // X-Forwarded-For once, with the backend's settings when it has its own (HAProxy)
      const forwardFor = back?.forwardFor ?? own.forwardFor;
      const requestSteps = back !== undefined && back.request.steps.length > 0 ? back.request : undefined;
      const responseSteps = back !== undefined && back.response.steps.length > 0 ? back.response : undefined;
      plans.set(backend, {
        requestSteps,
        forwardFor,
        responseSteps,
        requestWork: requestSteps !== undefined || forwardFor !== undefined,
        responseWork: responseSteps !== undefined || own.response.steps.length > 0,
      });
    }
    // a backend unknown here (none is, today) gets the frontend's own settings only
    const ownPlan: BackendPlan = {
      requestSteps: undefined,
      forwardFor: own.forwardFor,
      responseSteps: undefined,
      requestWork: own.forwardFor !== undefined,
      responseWork: own.response.steps.length > 0,
    };
    const planFor = (backend: BackendRuntime): BackendPlan => plans.get(backend) ?? ownPlan;
    const hasOwnSteps = own.request.steps.length > 0;
    const http: HttpRouting = {
      frontendRequest: hasOwnSteps ? (view) => outcomeOf(applyRequestRules(own.request, view), true) : () => unchanged,
      chooseBackend: (view) => {
        for (const route of routes) {
          if (route.predicate !== undefined && !route.predicate(view)) continue;
          if (route.dynamic !== undefined) return backends.get(route.dynamic.evaluate(view)) ?? defaultBackend;
          if (route.backend !== undefined) return route.backend;
        }
        return defaultBackend;
      },
      backendRequest: (backend, view) => {
        const plan = planFor(backend);
        if (!plan.requestWork) return unchanged;
        if (plan.requestSteps !== undefined) {
          const result = applyRequestRules(plan.requestSteps, view);
          if (result.kind === 'response') return outcomeOf(result, true);
        }
        if (plan.forwardFor !== undefined) plan.forwardFor(view);
        return modifiedContinue;
      },
      response: (backend, view) => {
        // HAProxy runs the backend's http-response rules, then the frontend's
        const plan = planFor(backend);
        let modified = false;
        if (plan.responseSteps !== undefined) {
          const result = applyResponseRules(plan.responseSteps, view);
          if (result.kind === 'response') return outcomeOf(result, true);
          modified = true;
        }
        if (own.response.steps.length > 0) return outcomeOf(applyResponseRules(own.response, view), true);
        return modified ? modifiedContinue : unchanged;
      },
      hasResponseRules: (backend) => planFor(backend).responseWork,
    };
    const maxconn = settings.maxconn ?? globalMaxconn;
    const statsSettings = settings.stats;
    const statsOn = mode === 'http' && options.renderStats !== undefined && (statsSettings.enabled === true || statsSettings.uri !== undefined);
    const render = options.renderStats;
    const stats: StatsService | undefined =
      statsOn && render !== undefined ? { matches: statsUriMatcher(statsSettings.uri ?? defaultStatsUri), handle: render } : undefined;
    const runtime: FrontendRuntime = {
      name: proxy.name,
      mode,
      timeouts: {
        client: settings.timeouts.client ?? 0,
        httpRequest: settings.timeouts['http-request'] ?? 0,
        httpKeepAlive: settings.timeouts['http-keep-alive'] ?? 0,
        clientFin: settings.timeouts['client-fin'] ?? 0,
      },
      errorPages: own.errorPages,
      connectionMode: connectionModeOf(settings),
      ...(mode === 'http' ? { http } : {}),
      ...(stats === undefined ? {} : { stats }),
      chooseTcpBackend: (view: ConnectionView) => {
        for (const route of tcpRoutes) {
          if (route.predicate !== undefined && !route.predicate(view)) continue;
          if (route.backend !== undefined) return route.backend;
        }
        return defaultBackend;
      },
      counters: writer,
      base: CounterWriter.base(options.layout, frontendKey(proxy.name)),
      ...(logger.enabled && logger.when === 'end' ? { log: (context) => logger.logSession(context) } : {}),
      dontLogNull: false,
      maxHeadBytes: defaultMaxHeadBytes,
    };
    frontends.push({
      runtime,
      addresses: listenAddresses(proxy),
      // HAProxy's maxconn is per process; with several workers each takes its share
      maxconn: maxconn > 0 ? Math.max(1, Math.ceil(maxconn / options.workers)) : 0,
      logger,
    });
  }
  return { frontends, backends, diagnostics };
}

/** What a backend adds to one frontend's transactions (see buildProxies) */
interface BackendPlan {
  readonly requestSteps: RequestRules | undefined;
  readonly forwardFor: ((view: RequestView) => void) | undefined;
  readonly responseSteps: ResponseRules | undefined;
  /** anything to run on a request (rules or forwardfor); false lets the head go out untouched */
  readonly requestWork: boolean;
  /** anything to run on a response, the frontend's own rules included */
  readonly responseWork: boolean;
}

const unchanged: RuleOutcome = { verdict: continueVerdict, modified: false };
const modifiedContinue: RuleOutcome = { verdict: continueVerdict, modified: true };
