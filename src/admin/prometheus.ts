// Prometheus text exposition format 0.0.4, with the metric names and labels of HAProxy's own
// exporter (addons/promex: `haproxy_frontend_current_sessions{proxy="web"}`,
// `haproxy_server_status{proxy="b",server="s",state="UP"}` ...), so existing dashboards work,
// plus `vigil_vrrp_*` and `vigil_lvs_*` for the parts HAProxy does not have.
//
// Where it is served: the stats URI followed by `/metrics` (so `stats uri /` gives `/metrics`,
// HAProxy's usual path), behind the same `stats auth`. HAProxy's own way, `http-request
// use-service prometheus-exporter`, is an http-request action of the data path, not of this file.
import { visibleProxies, type RenderContext, type StatsFormat } from './format.ts';
import type { FieldValue, StatsRow, StatsSnapshot } from './model.ts';
import type { LvsVirtualServerStatus, VrrpInstanceStatus, VrrpState } from './sources.ts';

type MetricType = 'gauge' | 'counter';

/** one HAProxy metric taken from a stats field; `scale` turns ms into seconds */
interface FieldMetric {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly field: string;
  readonly scale?: number;
}

const ms = 0.001;

const common: readonly FieldMetric[] = [
  { name: 'current_sessions', help: 'Number of current sessions on the frontend, backend or server', type: 'gauge', field: 'scur' },
  { name: 'max_sessions', help: 'Highest value of current sessions encountered since process started', type: 'gauge', field: 'smax' },
  { name: 'limit_sessions', help: 'Frontend/listener/server\'s maxconn, backend\'s fullconn', type: 'gauge', field: 'slim' },
  { name: 'sessions_total', help: 'Total number of sessions since process started', type: 'counter', field: 'stot' },
  { name: 'bytes_in_total', help: 'Total number of request bytes since process started', type: 'counter', field: 'bin' },
  { name: 'bytes_out_total', help: 'Total number of response bytes since process started', type: 'counter', field: 'bout' },
  { name: 'responses_denied_total', help: 'Total number of denied responses since process started', type: 'counter', field: 'dresp' },
  { name: 'max_session_rate', help: 'Highest value of sessions per second observed since the worker process started', type: 'gauge', field: 'rate_max' },
  { name: 'failed_header_rewriting_total', help: 'Total number of failed HTTP header rewrites since the worker process started', type: 'counter', field: 'wrew' },
];

const frontendMetrics: readonly FieldMetric[] = [
  ...common,
  { name: 'requests_denied_total', help: 'Total number of denied requests since process started', type: 'counter', field: 'dreq' },
  { name: 'request_errors_total', help: 'Total number of invalid requests since process started', type: 'counter', field: 'ereq' },
  { name: 'limit_session_rate', help: 'Limit on the number of sessions accepted in a second (frontend only, \'rate-limit sessions\' setting)', type: 'gauge', field: 'rate_lim' },
  { name: 'http_requests_rate_max', help: 'Highest value of http requests observed since the worker process started', type: 'gauge', field: 'req_rate_max' },
  { name: 'http_requests_total', help: 'Total number of HTTP requests processed by this object since the worker process started', type: 'counter', field: 'req_tot' },
  { name: 'connections_total', help: 'Total number of new connections accepted on this frontend since the worker process started', type: 'counter', field: 'conn_tot' },
  { name: 'connections_rate_max', help: 'Highest value of connections per second observed since the worker process started', type: 'gauge', field: 'conn_rate_max' },
];

const serverSide: readonly FieldMetric[] = [
  ...common,
  { name: 'current_queue', help: 'Number of current queued connections', type: 'gauge', field: 'qcur' },
  { name: 'max_queue', help: 'Highest value of queued connections encountered since process started', type: 'gauge', field: 'qmax' },
  { name: 'connection_errors_total', help: 'Total number of failed connections to server since the worker process started', type: 'counter', field: 'econ' },
  { name: 'response_errors_total', help: 'Total number of invalid responses since the worker process started', type: 'counter', field: 'eresp' },
  { name: 'retry_warnings_total', help: 'Total number of server connection retries since the worker process started', type: 'counter', field: 'wretr' },
  { name: 'redispatch_warnings_total', help: 'Total number of server redispatches due to connection failures since the worker process started', type: 'counter', field: 'wredis' },
  { name: 'weight', help: 'Server\'s effective weight, or sum of active servers\' effective weights for a backend', type: 'gauge', field: 'weight' },
  { name: 'uweight', help: 'Server\'s user weight, or sum of active servers\' user weights for a backend', type: 'gauge', field: 'uweight' },
  { name: 'check_up_down_total', help: 'Total number of failed checks causing UP to DOWN server transitions, per server/backend, since the worker process started', type: 'counter', field: 'chkdown' },
  { name: 'check_last_change_seconds', help: 'How long ago the last server state changed, in seconds', type: 'gauge', field: 'lastchg' },
  { name: 'downtime_seconds_total', help: 'Total time spent in DOWN state, for server or backend', type: 'counter', field: 'downtime' },
  { name: 'loadbalanced_total', help: 'Total number of requests routed by load balancing since the worker process started (ignores queue pop and stickiness)', type: 'counter', field: 'lbtot' },
  { name: 'last_session_seconds', help: 'How long ago some traffic was seen on this object on this worker process, in seconds', type: 'gauge', field: 'lastsess' },
  { name: 'queue_time_average_seconds', help: 'Avg. queue time for last 1024 successful connections.', type: 'gauge', field: 'qtime', scale: ms },
  { name: 'connect_time_average_seconds', help: 'Avg. connect time for last 1024 successful connections.', type: 'gauge', field: 'ctime', scale: ms },
  { name: 'response_time_average_seconds', help: 'Avg. response time for last 1024 successful connections.', type: 'gauge', field: 'rtime', scale: ms },
  { name: 'total_time_average_seconds', help: 'Avg. total time for last 1024 successful connections.', type: 'gauge', field: 'ttime', scale: ms },
  { name: 'client_aborts_total', help: 'Total number of requests or connections aborted by the client since the worker process started', type: 'counter', field: 'cli_abrt' },
  { name: 'server_aborts_total', help: 'Total number of requests or connections aborted by the server since the worker process started', type: 'counter', field: 'srv_abrt' },
  { name: 'connection_reuses_total', help: 'Total number of reused connection on this object since the worker process started', type: 'counter', field: 'reuse' },
];

const backendMetrics: readonly FieldMetric[] = [
  ...serverSide,
  { name: 'requests_denied_total', help: 'Total number of denied requests since process started', type: 'counter', field: 'dreq' },
  { name: 'active_servers', help: 'Total number of active UP servers with a non-zero weight', type: 'gauge', field: 'act' },
  { name: 'backup_servers', help: 'Total number of backup UP servers with a non-zero weight', type: 'gauge', field: 'bck' },
  { name: 'http_requests_total', help: 'Total number of HTTP requests processed by this object since the worker process started', type: 'counter', field: 'req_tot' },
];

const serverMetrics: readonly FieldMetric[] = [
  ...serverSide,
  { name: 'queue_limit', help: 'Configured maxqueue for the server (0 meaning no limit)', type: 'gauge', field: 'qlimit' },
  { name: 'check_failures_total', help: 'Total number of failed individual health checks per server/backend, since the worker process started', type: 'counter', field: 'chkfail' },
  { name: 'check_code', help: 'layer5-7 code, if available of the last health check.', type: 'gauge', field: 'check_code' },
  { name: 'check_duration_seconds', help: 'Total duration of the latest server health check, in seconds.', type: 'gauge', field: 'check_duration', scale: ms },
  { name: 'idle_connections_current', help: 'Current number of idle connections available for reuse on this server', type: 'gauge', field: 'srv_icur' },
];

/** HAProxy's state label values for `*_status` (promex) */
const frontendStates = ['DOWN', 'UP'] as const;
const backendStates = ['DOWN', 'UP'] as const;
const serverStates = ['DOWN', 'UP', 'MAINT', 'DRAIN', 'NOLB'] as const;
const checkStates = ['HANA', 'SOCKERR', 'L4OK', 'L4TOUT', 'L4CON', 'L6OK', 'L6TOUT', 'L6RSP', 'L7TOUT', 'L7RSP', 'L7OK', 'L7OKC', 'L7STS', 'PROCERR', 'PROCTOUT', 'PROCOK'] as const;
const vrrpStates: readonly VrrpState[] = ['INIT', 'BACKUP', 'MASTER', 'FAULT', 'STOP'];

/** label values: backslash, double quote and line feed escaped (exposition format 0.0.4) */
function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function labels(pairs: Readonly<Record<string, string>>): string {
  const parts = Object.entries(pairs).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}

/** collects samples per metric so each metric's HELP/TYPE comes once, its samples together */
class Exposition {
  readonly #metrics = new Map<string, { help: string; type: MetricType; samples: string[] }>();

  add(name: string, help: string, type: MetricType, labelPairs: Readonly<Record<string, string>>, value: number): void {
    let metric = this.#metrics.get(name);
    if (metric === undefined) {
      metric = { help, type, samples: [] };
      this.#metrics.set(name, metric);
    }
    metric.samples.push(`${name}${labels(labelPairs)} ${formatNumber(value)}`);
  }

  text(): string {
    let out = '';
    for (const [name, metric] of this.#metrics) {
      out += `# HELP ${name} ${metric.help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}\n# TYPE ${name} ${metric.type}\n`;
      for (const sample of metric.samples) out += `${sample}\n`;
    }
    return out;
  }
}

const numeric = (value: FieldValue | undefined): number | undefined => (typeof value === 'number' ? value : undefined);

function addFields(out: Exposition, prefix: string, metrics: readonly FieldMetric[], row: StatsRow, labelPairs: Readonly<Record<string, string>>): void {
  for (const metric of metrics) {
    const value = numeric(row.fields[metric.field]);
    // HAProxy's -1 "never" for last_session_seconds is not a duration: leave the sample out
    if (value === undefined || (metric.field === 'lastsess' && value < 0)) continue;
    out.add(`${prefix}_${metric.name}`, metric.help, metric.type, labelPairs, metric.scale === undefined ? value : value * metric.scale);
  }
}

const responseCodes = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'] as const;

function addResponses(out: Exposition, prefix: string, row: StatsRow, labelPairs: Readonly<Record<string, string>>): void {
  for (const code of responseCodes) {
    const value = numeric(row.fields[`hrsp_${code}`]);
    if (value === undefined) continue;
    out.add(`${prefix}_http_responses_total`, 'Total number of HTTP responses with status 100-199 returned by this object since the worker process started', 'counter', { ...labelPairs, code }, value);
  }
}

function serverState(row: StatsRow): (typeof serverStates)[number] {
  const look = row.server?.look;
  if (look === 'maintain') return 'MAINT';
  if (look === 'draining') return 'DRAIN';
  if (look === 'nolb') return 'NOLB';
  return row.server?.up === true ? 'UP' : 'DOWN';
}

function addProcess(out: Exposition, snapshot: StatsSnapshot): void {
  const p = snapshot.process;
  out.add('haproxy_process_nbthread', 'Number of started threads (global.nbthread)', 'gauge', {}, p.nbthread);
  out.add('haproxy_process_nbproc', 'Number of started worker processes (historical, always 1)', 'gauge', {}, 1);
  out.add('haproxy_process_relative_process_id', 'Relative worker process number (1)', 'gauge', {}, 1);
  out.add('haproxy_process_uptime_seconds', 'How long ago this worker process was started (seconds)', 'gauge', {}, p.uptimeSec);
  out.add('haproxy_process_start_time_seconds', 'Start time in seconds', 'gauge', {}, Math.floor(p.startedAt / 1000));
  if (p.maxconn !== undefined) out.add('haproxy_process_max_connections', 'Maximum number of concurrent connections (global.maxconn)', 'gauge', {}, p.maxconn);
  out.add('haproxy_process_current_connections', 'Current number of connections on this worker process', 'gauge', {}, p.currentConnections);
  out.add('haproxy_process_connections_total', 'Total number of connections on this worker process since started', 'counter', {}, p.cumulativeConnections);
  out.add('haproxy_process_requests_total', 'Total number of requests on this worker process since started', 'counter', {}, p.cumulativeRequests);
  out.add('haproxy_process_current_session_rate', 'Current number of sessions per second on this worker process', 'gauge', {}, p.sessionRate);
  out.add('haproxy_process_max_session_rate', 'Highest number of sessions per second observed on this worker process', 'gauge', {}, p.maxSessionRate);
  out.add('haproxy_process_listeners', 'Current number of active listeners on the current worker process', 'gauge', {}, p.listeners);
  out.add('haproxy_process_bytes_out_total', 'Total number of bytes emitted by current worker process since started', 'counter', {}, p.bytesOut);
  out.add('haproxy_process_build_info', 'Build info', 'gauge', { version: p.version }, 1);
}

function addVrrp(out: Exposition, instances: readonly VrrpInstanceStatus[]): void {
  for (const i of instances) {
    const id = { instance: i.name, interface: i.interface, vrid: String(i.virtualRouterId) };
    for (const state of vrrpStates) out.add('vigil_vrrp_state', 'Current state of the VRRP instance, per state label value.', 'gauge', { ...id, state }, i.state === state ? 1 : 0);
    out.add('vigil_vrrp_priority', 'Configured VRRP priority', 'gauge', id, i.priority);
    out.add('vigil_vrrp_effective_priority', 'VRRP priority after tracked scripts and interfaces', 'gauge', id, i.effectivePriority);
    out.add('vigil_vrrp_virtual_addresses', 'Number of virtual addresses of the instance', 'gauge', id, i.virtualAddresses.length);
    if (i.lastTransition !== undefined) out.add('vigil_vrrp_last_transition_seconds', 'Time of the last state transition (seconds since the epoch)', 'gauge', id, Math.floor(i.lastTransition.at / 1000));
  }
}

function addLvs(out: Exposition, services: readonly LvsVirtualServerStatus[]): void {
  for (const vs of services) {
    const service = vs.fwmark !== undefined ? `FWM ${vs.fwmark}` : `${vs.address ?? ''}:${vs.port ?? 0}`;
    const id = { protocol: vs.protocol, service, scheduler: vs.scheduler };
    out.add('vigil_lvs_real_servers', 'Number of real servers of the virtual server', 'gauge', id, vs.realServers.length);
    for (const rs of vs.realServers) {
      const rid = { protocol: vs.protocol, service, real_server: `${rs.address}:${rs.port}`, forward: rs.forward };
      out.add('vigil_lvs_real_server_weight', 'Weight of the real server', 'gauge', rid, rs.weight);
      out.add('vigil_lvs_real_server_active_connections', 'Active connections to the real server (ipvsadm ActiveConn)', 'gauge', rid, rs.activeConnections);
      out.add('vigil_lvs_real_server_inactive_connections', 'Inactive connections to the real server (ipvsadm InActConn)', 'gauge', rid, rs.inactiveConnections);
      if (rs.up !== undefined) out.add('vigil_lvs_real_server_up', 'Health of the real server as its checks see it (1 up, 0 down)', 'gauge', rid, rs.up ? 1 : 0);
    }
  }
}

export function renderPrometheus(snapshot: StatsSnapshot, proxies: StatsSnapshot['proxies'] = snapshot.proxies): string {
  const out = new Exposition();
  addProcess(out, snapshot);
  for (const proxy of proxies) {
    const f = proxy.frontend;
    if (f === undefined) continue;
    const l = { proxy: proxy.name };
    for (const state of frontendStates) out.add('haproxy_frontend_status', 'Current status of the service, per state label value.', 'gauge', { ...l, state }, (f.fields['status'] === 'OPEN') === (state === 'UP') ? 1 : 0);
    addFields(out, 'haproxy_frontend', frontendMetrics, f, l);
    if (proxy.mode === 'http') addResponses(out, 'haproxy_frontend', f, l);
  }
  for (const proxy of proxies) {
    const b = proxy.backend;
    if (b === undefined) continue;
    const l = { proxy: proxy.name };
    for (const state of backendStates) out.add('haproxy_backend_status', 'Current status of the service, per state label value.', 'gauge', { ...l, state }, b.fields['status'] === state ? 1 : 0);
    addFields(out, 'haproxy_backend', backendMetrics, b, l);
    if (proxy.mode === 'http') addResponses(out, 'haproxy_backend', b, l);
  }
  for (const proxy of proxies) {
    for (const s of proxy.servers) {
      const l = { proxy: proxy.name, server: s.name };
      const current = serverState(s);
      for (const state of serverStates) out.add('haproxy_server_status', 'Current status of the service, per state label value.', 'gauge', { ...l, state }, current === state ? 1 : 0);
      addFields(out, 'haproxy_server', serverMetrics, s, l);
      const check = s.fields['check_status'];
      if (typeof check === 'string') {
        for (const state of checkStates) out.add('haproxy_server_check_status', 'Status of last health check, per state label value.', 'gauge', { ...l, state }, check === state ? 1 : 0);
      }
      if (proxy.mode === 'http') addResponses(out, 'haproxy_server', s, l);
    }
  }
  if (snapshot.vrrp !== undefined) addVrrp(out, snapshot.vrrp);
  if (snapshot.lvs !== undefined) addLvs(out, snapshot.lvs);
  return out.text();
}

export const prometheusFormat: StatsFormat = {
  name: 'prometheus',
  contentType: 'text/plain; version=0.0.4',
  render: (snapshot: StatsSnapshot, context: RenderContext) => renderPrometheus(snapshot, visibleProxies(snapshot, context)),
};
