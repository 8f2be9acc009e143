// The stats page's control-thread side (stats-bridge.ts StatsRenderer): authenticates, decides
// whether `stats admin` allows actions for this request, applies admin form posts, and answers
// with the format the request asks for, as complete raw HTTP/1.1 bytes.
//
//   <uri>                 HTML          <uri>;csv   HAProxy CSV      <uri>;json  HAProxy JSON
//   <uri>/metrics         Prometheus    ;up  hide DOWN servers       ;norefresh  no Refresh header
//   <uri>;st=DONE         the outcome of the last admin action (after POST's 303)
import { Diagnostics } from '../config/diagnostics.ts';
import type { ProxySection, StatsSettings } from '../config/haproxy/model.ts';
import { AclTable } from '../proxy/acl/acl.ts';
import { compileCondition, type Predicate } from '../proxy/acl/condition.ts';
import type { RequestView } from '../proxy/http/message-view.ts';
import { reasonPhrase } from '../proxy/http/error-pages.ts';
import { defaultStatsUri, type StatsRenderer, type StatsRequest } from '../proxy/stats-bridge.ts';
import { applyFormAction } from './admin-actions.ts';
import type { AdminContext } from './context.ts';
import type { RenderContext } from './format.ts';
import { statsFormat } from './formats.ts';
import { authorized, unauthorizedResponse } from './http-auth.ts';

interface PageSettings {
  readonly uri: string;
  readonly stats: StatsSettings;
  /** undefined: no `stats admin` line (or one that does not compile) */
  readonly admin?: Predicate<RequestView>;
  readonly destination: { readonly host: string; readonly port: number };
}

export interface StatsPageOptions {
  /** where each frontend listens, for `dst`/`dst_port` in `stats admin` conditions */
  readonly listening: readonly { frontend: string; host: string; port: number }[];
  /** problems compiling `stats admin` conditions (vigil check reports them too) */
  readonly warn?: (message: string) => void;
}

/** the request's options after the stats URI: `;csv;norefresh`, `/metrics`, `?scope=x` */
export interface PageRequest {
  readonly format: string;
  readonly refresh: boolean;
  readonly hideDown: boolean;
  readonly actionStatus?: string;
  readonly scope?: string;
}

export function parsePageTarget(target: string, uri: string): PageRequest {
  let rest = target.startsWith(uri) ? target.slice(uri.length) : '';
  let query = '';
  const q = rest.indexOf('?');
  if (q !== -1) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const path = uri.endsWith('/') ? `/${rest}` : rest;
  const options = rest.split(';').slice(1);
  let format = 'html';
  if (path === '/metrics' || path.startsWith('/metrics;')) format = 'prometheus';
  else if (options.includes('csv')) format = 'csv';
  else if (options.includes('json')) format = 'json';
  const status = options.find((o) => o.startsWith('st='))?.slice(3);
  const scope = new URLSearchParams(query).get('scope') ?? undefined;
  return {
    format,
    refresh: !options.includes('norefresh'),
    hideDown: options.includes('up'),
    ...(status === undefined ? {} : { actionStatus: status }),
    ...(scope === undefined ? {} : { scope }),
  };
}

function response(status: number, contentType: string, body: string, extra = '', method = 'GET'): Uint8Array {
  const bytes = Buffer.from(body, 'utf8');
  const head = `HTTP/1.1 ${status} ${status === 200 ? 'OK' : reasonPhrase(status)}\r\ncache-control: no-cache\r\ncontent-type: ${contentType}\r\ncontent-length: ${bytes.length}\r\n${extra}\r\n`;
  return method === 'HEAD' ? Buffer.from(head, 'latin1') : Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
}

function redirect(location: string): Uint8Array {
  return Buffer.from(`HTTP/1.1 303 See Other\r\ncache-control: no-cache\r\ncontent-type: text/plain\r\ncontent-length: 0\r\nlocation: ${location}\r\n\r\n`, 'latin1');
}

export class StatsPage implements StatsRenderer {
  readonly #context: AdminContext;
  readonly #pages = new Map<string, PageSettings>();

  constructor(context: AdminContext, options: StatsPageOptions) {
    this.#context = context;
    for (const proxy of context.config.proxies) {
      if (proxy.kind === 'backend') continue;
      const stats = proxy.settings.stats;
      if (stats.enabled !== true && stats.uri === undefined) continue;
      const where = options.listening.find((l) => l.frontend === proxy.name);
      const admin = compileAdmin(proxy, options.warn);
      this.#pages.set(proxy.name, {
        uri: stats.uri ?? defaultStatsUri,
        stats,
        ...(admin === undefined ? {} : { admin }),
        destination: { host: where?.host ?? '', port: where?.port ?? 0 },
      });
    }
  }

  render(request: StatsRequest): Promise<Uint8Array> {
    try {
      return Promise.resolve(this.#render(request));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #render(request: StatsRequest): Uint8Array {
    const page = this.#pages.get(request.frontend);
    if (page === undefined) return response(503, 'text/html', '<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n');
    if (!authorized(request.headers, page.stats.auth)) return unauthorizedResponse(page.stats.realm);
    const view: RequestView = {
      source: request.source,
      sourcePort: request.sourcePort,
      destination: page.destination.host,
      destinationPort: page.destination.port,
      frontend: request.frontend,
      method: request.method,
      target: request.target,
      version: 11,
      headers: [...request.headers],
    };
    const admin = page.admin?.(view) ?? false;
    if (request.method === 'POST') {
      const status = admin ? applyFormAction(this.#context, Buffer.from(request.body).toString('utf8')) : 'DENY';
      return redirect(`${page.uri};st=${status}`);
    }
    const options = parsePageTarget(request.target, page.uri);
    const format = statsFormat(options.format);
    if (format === undefined) return response(404, 'text/html', '<html><body><h1>404 Not Found</h1>\nThe resource could not be found.\n</body></html>\n');
    const context: RenderContext = {
      uri: page.uri,
      settings: page.stats,
      admin,
      hideDown: options.hideDown,
      refresh: options.refresh,
      frontend: request.frontend,
      ...(options.actionStatus === undefined ? {} : { actionStatus: options.actionStatus }),
      ...(options.scope === undefined ? {} : { scope: options.scope }),
    };
    const body = format.render(this.#context.snapshot(), context);
    // HAProxy sends `refresh: N` on the HTML page only, and not with ;norefresh
    const refreshSec = page.stats.refreshMs === undefined ? undefined : Math.max(1, Math.round(page.stats.refreshMs / 1000));
    const refresh = options.format === 'html' && options.refresh && refreshSec !== undefined ? `refresh: ${refreshSec}\r\n` : '';
    return response(200, format.contentType, body, refresh, request.method);
  }
}

/** `stats admin if <cond>` lines: admin when any of them holds for the request */
function compileAdmin(proxy: ProxySection, warn: ((message: string) => void) | undefined): Predicate<RequestView> | undefined {
  const conditions = proxy.settings.stats.admin;
  if (conditions.length === 0) return undefined;
  const diagnostics = new Diagnostics();
  const acls = new AclTable(proxy.acls, diagnostics);
  const predicates: Predicate<RequestView>[] = [];
  for (const condition of conditions) {
    const predicate = compileCondition(condition, acls, 'request', diagnostics, 'stats admin');
    if (predicate !== undefined) predicates.push(predicate);
  }
  for (const d of diagnostics.items) warn?.(`proxy ${proxy.name}: stats admin: ${d.message}`);
  if (predicates.length === 0) return undefined;
  return (view) => predicates.some((p) => p(view));
}
