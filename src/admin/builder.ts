// Builds a StatsSnapshot from what the running proxy knows: traffic counters summed over the
// data-path workers, server state from the check engine, rates from the control thread's
// per-second sampler, and the registered VRRP/LVS sources. Field names and meanings are HAProxy's
// (management.txt, "9.1. CSV format"); fields vigil has no data for stay absent (empty in CSV).
import { hostname } from 'node:os';
import type { ServerSnapshot } from '../check/server-state.ts';
import { statusReason } from '../check/outcome.ts';
import type { HaproxyConfig, ProxySection, Server } from '../config/haproxy/model.ts';
import { Counter } from '../proxy/counters.ts';
import type { FieldValue, ProcessInfo, ProxyStats, ServerDetail, ServerLook, StatsRow, StatsSnapshot } from './model.ts';
import type { RateTracker } from './rates.ts';
import type { StatusSources } from './sources.ts';

/** HAProxy's `type` field */
const objectType = { frontend: 0, backend: 1, server: 2 } as const;
/** HAProxy's defaults for a server's check (configuration.txt "rise", "fall") */
const defaultRise = 2;
const defaultFall = 3;

export interface StatsInputs {
  readonly config: HaproxyConfig;
  readonly servers: { get(id: string): ServerSnapshot | undefined };
  readonly counters: { read(key: string): Float64Array };
  readonly rates: RateTracker;
  readonly sources?: StatusSources;
  readonly process: { readonly pid: number; readonly startedAt: number; readonly version: string; readonly nbthread: number; readonly listeners: number };
  /** wall-clock ms */
  readonly now: () => number;
}

/** Proxy and server ids as HAProxy numbers them: the `id` keyword, else the next free number */
export interface Numbering {
  readonly proxies: ReadonlyMap<string, number>;
  readonly servers: ReadonlyMap<string, number>;
}

export function numberObjects(config: HaproxyConfig): Numbering {
  const proxies = new Map<string, number>();
  const taken = new Set(config.proxies.map((p) => p.id).filter((id): id is number => id !== undefined));
  let next = 1;
  for (const proxy of config.proxies) {
    if (proxy.id !== undefined) {
      proxies.set(proxy.name, proxy.id);
      continue;
    }
    while (taken.has(next)) next++;
    proxies.set(proxy.name, next);
    taken.add(next);
  }
  const servers = new Map<string, number>();
  for (const proxy of config.proxies) {
    const used = new Set(proxy.servers.map((s) => s.options.id).filter((id): id is number => id !== undefined));
    let n = 1;
    for (const server of proxy.servers) {
      if (server.options.id !== undefined) {
        servers.set(`${proxy.name}/${server.name}`, server.options.id);
        continue;
      }
      while (used.has(n)) n++;
      servers.set(`${proxy.name}/${server.name}`, n);
      used.add(n);
    }
  }
  return { proxies, servers };
}

export function buildSnapshot(inputs: StatsInputs, numbering: Numbering = numberObjects(inputs.config)): StatsSnapshot {
  const now = inputs.now();
  const proxies: ProxyStats[] = [];
  let currentConnections = 0;
  let cumulativeConnections = 0;
  let cumulativeRequests = 0;
  let sessionRate = 0;
  let maxSessionRate = 0;
  let requestRate = 0;
  let bytesOut = 0;
  for (const proxy of inputs.config.proxies) {
    const stats = buildProxy(inputs, proxy, numbering, now);
    proxies.push(stats);
    const f = stats.frontend?.fields;
    if (f !== undefined) {
      currentConnections += num(f['scur']);
      cumulativeConnections += num(f['stot']);
      cumulativeRequests += num(f['req_tot']);
      sessionRate += num(f['rate']);
      maxSessionRate += num(f['rate_max']);
      requestRate += num(f['req_rate']);
      bytesOut += num(f['bout']);
    }
  }
  const global = inputs.config.global;
  const process: ProcessInfo = {
    name: 'vigil',
    version: inputs.process.version,
    pid: inputs.process.pid,
    node: global.node ?? hostname(),
    ...(global.description === undefined ? {} : { description: global.description }),
    startedAt: inputs.process.startedAt,
    uptimeSec: Math.max(0, Math.floor((now - inputs.process.startedAt) / 1000)),
    nbthread: inputs.process.nbthread,
    ...(global.maxconn === undefined ? {} : { maxconn: global.maxconn }),
    ...(global.ulimitN === undefined ? {} : { ulimitN: global.ulimitN }),
    currentConnections,
    cumulativeConnections,
    cumulativeRequests,
    sessionRate,
    maxSessionRate,
    requestRate,
    listeners: inputs.process.listeners,
    bytesOut,
  };
  const vrrp = inputs.sources?.snapshot('vrrp');
  const lvs = inputs.sources?.snapshot('lvs');
  return { takenAt: now, process, proxies, ...(vrrp === undefined ? {} : { vrrp }), ...(lvs === undefined ? {} : { lvs }) };
}

const num = (value: FieldValue | undefined): number => (typeof value === 'number' ? value : 0);

function buildProxy(inputs: StatsInputs, proxy: ProxySection, numbering: Numbering, now: number): ProxyStats {
  const id = numbering.proxies.get(proxy.name) ?? 0;
  const mode = proxy.settings.mode ?? 'tcp';
  const algorithm = proxy.kind === 'frontend' ? undefined : (proxy.settings.balance?.algorithm ?? 'roundrobin');
  const base = (name: string, kind: StatsRow['kind'], serverId: number): Record<string, FieldValue> => ({
    pxname: proxy.name,
    svname: name,
    pid: 1,
    iid: id,
    sid: serverId,
    type: objectType[kind],
    mode,
    '-': '-',
  });

  const frontend = proxy.kind === 'backend' ? undefined : frontendRow(inputs, proxy, base('FRONTEND', 'frontend', 0), id);
  const servers: StatsRow[] = [];
  const snapshots: ServerSnapshot[] = [];
  if (proxy.kind !== 'frontend') {
    for (const server of proxy.servers) {
      const serverId = numbering.servers.get(`${proxy.name}/${server.name}`) ?? 0;
      const snapshot = inputs.servers.get(`${proxy.name}/${server.name}`);
      if (snapshot !== undefined) snapshots.push(snapshot);
      servers.push(serverRow(inputs, proxy, server, snapshot, base(server.name, 'server', serverId), id, serverId, now));
    }
  }
  const backend = proxy.kind === 'frontend' ? undefined : backendRow(inputs, proxy, snapshots, base('BACKEND', 'backend', 0), id, algorithm ?? 'roundrobin', now);
  return {
    name: proxy.name,
    id,
    kind: proxy.kind,
    mode,
    ...(algorithm === undefined ? {} : { algorithm }),
    ...(frontend === undefined ? {} : { frontend }),
    servers,
    ...(backend === undefined ? {} : { backend }),
  };
}

/** the traffic counters every row kind shares */
function trafficFields(c: Float64Array): Record<string, FieldValue> {
  return {
    scur: c[Counter.sessionsCurrent] ?? 0,
    smax: c[Counter.sessionsMax] ?? 0,
    stot: c[Counter.sessionsTotal] ?? 0,
    bin: c[Counter.bytesIn] ?? 0,
    bout: c[Counter.bytesOut] ?? 0,
    dresp: c[Counter.deniedResponses] ?? 0,
    hrsp_1xx: c[Counter.http1xx] ?? 0,
    hrsp_2xx: c[Counter.http2xx] ?? 0,
    hrsp_3xx: c[Counter.http3xx] ?? 0,
    hrsp_4xx: c[Counter.http4xx] ?? 0,
    hrsp_5xx: c[Counter.http5xx] ?? 0,
    hrsp_other: c[Counter.httpOther] ?? 0,
    req_tot: c[Counter.requestsTotal] ?? 0,
    wrew: c[Counter.failedHeaderRewrites] ?? 0,
  };
}

/** qcur ... ttime: what backends and servers add (queue, errors, warnings, timings) */
function serverSideFields(c: Float64Array, now: number): Record<string, FieldValue> {
  const samples = c[Counter.timedSamples] ?? 0;
  const average = (sum: number): number => (samples > 0 ? Math.round(sum / samples) : 0);
  const lastSessionAt = c[Counter.lastSessionAt] ?? 0;
  return {
    qcur: c[Counter.queueCurrent] ?? 0,
    qmax: c[Counter.queueMax] ?? 0,
    econ: c[Counter.connectionErrors] ?? 0,
    eresp: c[Counter.responseErrors] ?? 0,
    wretr: c[Counter.retries] ?? 0,
    wredis: c[Counter.redispatches] ?? 0,
    lbtot: c[Counter.sessionsTotal] ?? 0,
    cli_abrt: c[Counter.clientAborts] ?? 0,
    srv_abrt: c[Counter.serverAborts] ?? 0,
    // HAProxy prints -1 for "never"
    lastsess: lastSessionAt > 0 ? Math.max(0, Math.floor((now - lastSessionAt) / 1000)) : -1,
    qtime: average(c[Counter.queueTimeSum] ?? 0),
    ctime: average(c[Counter.connectTimeSum] ?? 0),
    rtime: average(c[Counter.responseTimeSum] ?? 0),
    ttime: average(c[Counter.totalTimeSum] ?? 0),
    reuse: c[Counter.connectionsReused] ?? 0,
  };
}

function frontendRow(inputs: StatsInputs, proxy: ProxySection, base: Record<string, FieldValue>, proxyId: number): StatsRow {
  const key = `f:${proxy.name}`;
  const c = inputs.counters.read(key);
  const slim = proxy.settings.maxconn ?? inputs.config.global.maxconn;
  const rate = inputs.rates.rate(key, Counter.sessionsTotal);
  const rateMax = inputs.rates.max(key, Counter.sessionsTotal);
  const fields: Record<string, FieldValue> = {
    ...base,
    ...trafficFields(c),
    dreq: c[Counter.deniedRequests] ?? 0,
    ereq: c[Counter.requestErrors] ?? 0,
    status: proxy.settings.disabled === true ? 'STOP' : 'OPEN',
    rate,
    rate_lim: 0,
    rate_max: rateMax,
    req_rate: inputs.rates.rate(key, Counter.requestsTotal),
    req_rate_max: inputs.rates.max(key, Counter.requestsTotal),
    conn_rate: rate,
    conn_rate_max: rateMax,
    conn_tot: c[Counter.sessionsTotal] ?? 0,
    ...(slim === undefined ? {} : { slim }),
  };
  return { kind: 'frontend', proxy: proxy.name, name: 'FRONTEND', proxyId, serverId: 0, fields };
}

function serverRow(
  inputs: StatsInputs,
  proxy: ProxySection,
  server: Server,
  snapshot: ServerSnapshot | undefined,
  base: Record<string, FieldValue>,
  proxyId: number,
  serverId: number,
  now: number,
): StatsRow {
  const key = `s:${proxy.name}/${server.name}`;
  const c = inputs.counters.read(key);
  const options = server.options;
  const address = `${server.address.host}:${server.address.ports?.from ?? ''}`;
  const fields: Record<string, FieldValue> = {
    ...base,
    ...trafficFields(c),
    ...serverSideFields(c, now),
    rate: inputs.rates.rate(key, Counter.sessionsTotal),
    rate_max: inputs.rates.max(key, Counter.sessionsTotal),
    addr: address,
    srv_icur: c[Counter.idleConnections] ?? 0,
    idle_conn_cur: c[Counter.idleConnections] ?? 0,
    ...(options.maxconn === undefined ? {} : { slim: options.maxconn }),
    ...(options.maxqueue === undefined ? {} : { qlimit: options.maxqueue }),
  };
  if (snapshot === undefined) {
    return { kind: 'server', proxy: proxy.name, name: server.name, proxyId, serverId, fields };
  }
  const rise = options.rise ?? defaultRise;
  const fall = options.fall ?? defaultFall;
  Object.assign(fields, {
    status: snapshot.label,
    weight: snapshot.weight,
    uweight: snapshot.configuredWeight,
    act: snapshot.backup ? 0 : 1,
    bck: snapshot.backup ? 1 : 0,
    lastchg: Math.max(0, Math.floor((now - snapshot.lastChangeAt) / 1000)),
    downtime: Math.floor(snapshot.downtimeMs / 1000),
  });
  if (snapshot.checked) {
    Object.assign(fields, {
      chkfail: snapshot.failedChecks,
      chkdown: snapshot.downTransitions,
      check_rise: rise,
      check_fall: fall,
      check_health: healthOf(snapshot.label, rise, fall),
    });
    const last = snapshot.lastCheck;
    if (last !== undefined) {
      Object.assign(fields, {
        check_status: last.status,
        check_duration: Math.round(last.durationMs),
        check_desc: statusReason[last.status],
        ...(last.code === undefined ? {} : { check_code: last.code }),
        ...(last.info === '' || last.ok ? {} : { last_chk: last.info }),
      });
    }
  }
  const detail: ServerDetail = {
    backup: snapshot.backup,
    admin: snapshot.admin,
    look: lookOf(snapshot),
    checked: snapshot.checked,
    serving: snapshot.serving,
    up: snapshot.up,
    address,
    ...(snapshot.lastCheck === undefined ? {} : { lastCheckAt: snapshot.lastCheck.at }),
  };
  return { kind: 'server', proxy: proxy.name, name: server.name, proxyId, serverId, fields, server: detail };
}

/** HAProxy's health counter back from the engine's label ("UP 2/3" means two failures to go) */
function healthOf(label: string, rise: number, fall: number): number {
  const top = rise + fall - 1;
  const going = /^(UP|DOWN) (\d+)\/\d+$/.exec(label);
  if (going !== null) return going[1] === 'UP' ? Number(going[2]) + rise - 1 : Number(going[2]);
  return label.startsWith('DOWN') ? 0 : top;
}

function lookOf(s: ServerSnapshot): ServerLook {
  if (s.admin === 'maint') return 'maintain';
  if (s.admin === 'drain' && s.up) return 'draining';
  if (!s.checked) return s.up ? 'no_check' : 'down';
  if (s.up && s.weight === 0) return 'nolb';
  if (s.transitional) return s.up ? 'going_down' : 'going_up';
  return s.up ? 'up' : 'down';
}

function backendRow(
  inputs: StatsInputs,
  proxy: ProxySection,
  servers: readonly ServerSnapshot[],
  base: Record<string, FieldValue>,
  proxyId: number,
  algorithm: string,
  now: number,
): StatsRow {
  const key = `b:${proxy.name}`;
  const c = inputs.counters.read(key);
  const usable = servers.filter((s) => s.up && s.admin !== 'maint');
  const active = usable.filter((s) => !s.backup);
  const backup = usable.filter((s) => s.backup);
  // HAProxy balances over the active servers, and over the backups only when no active one is left
  const weighted = active.length > 0 ? active : backup;
  const up = proxy.servers.length === 0 || usable.length > 0;
  const lastChange = servers.reduce((latest, s) => Math.max(latest, s.lastChangeAt), 0);
  const fields: Record<string, FieldValue> = {
    ...base,
    ...trafficFields(c),
    ...serverSideFields(c, now),
    dreq: c[Counter.deniedRequests] ?? 0,
    status: up ? 'UP' : 'DOWN',
    weight: weighted.reduce((sum, s) => sum + s.weight, 0),
    uweight: weighted.reduce((sum, s) => sum + s.configuredWeight, 0),
    act: active.length,
    bck: backup.length,
    chkdown: servers.reduce((sum, s) => sum + s.downTransitions, 0),
    lastchg: lastChange > 0 ? Math.max(0, Math.floor((now - lastChange) / 1000)) : Math.floor((now - inputs.process.startedAt) / 1000),
    rate: inputs.rates.rate(key, Counter.sessionsTotal),
    rate_max: inputs.rates.max(key, Counter.sessionsTotal),
    algo: algorithm,
    ...(proxy.settings.fullconn === undefined ? {} : { slim: proxy.settings.fullconn }),
  };
  if (!up) fields['downtime'] = Math.floor(Math.min(...servers.map((s) => s.downtimeMs)) / 1000);
  // The data path counts sessions per server, not per backend: a backend's sessions are its
  // servers' (HAProxy counts both; the sums agree as every session of a backend goes to a server).
  let scur = 0;
  let stot = 0;
  let smax = c[Counter.sessionsMax] ?? 0;
  let lastSessionAt = c[Counter.lastSessionAt] ?? 0;
  for (const server of proxy.servers) {
    const sc = inputs.counters.read(`s:${proxy.name}/${server.name}`);
    scur += sc[Counter.sessionsCurrent] ?? 0;
    stot += sc[Counter.sessionsTotal] ?? 0;
    smax = Math.max(smax, sc[Counter.sessionsMax] ?? 0);
    lastSessionAt = Math.max(lastSessionAt, sc[Counter.lastSessionAt] ?? 0);
  }
  if (num(fields['stot']) < stot) {
    Object.assign(fields, { scur, stot, lbtot: stot, smax: Math.max(smax, scur), lastsess: lastSessionAt > 0 ? Math.max(0, Math.floor((now - lastSessionAt) / 1000)) : -1 });
  }
  return { kind: 'backend', proxy: proxy.name, name: 'BACKEND', proxyId, serverId: 0, fields };
}
