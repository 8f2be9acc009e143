// The stats outputs share one interface: a snapshot and the request's options in, text out. The
// registry (formats.ts) picks one by the name the request asks for (`;csv`, `;json`, `/metrics`).
import type { StatsSettings } from '../config/haproxy/model.ts';
import type { StatsSnapshot } from './model.ts';

/** What one request to the stats page asked for, and what it may do */
export interface RenderContext {
  /** the stats URI (`/status`), for links and the admin form's action */
  readonly uri: string;
  readonly settings: StatsSettings;
  /** `stats admin` allows actions for this request */
  readonly admin: boolean;
  /** `;up`: leave out servers that are DOWN */
  readonly hideDown: boolean;
  /** false with `;norefresh` */
  readonly refresh: boolean;
  /** `;st=DONE` ...: the outcome of the last admin action, shown once */
  readonly actionStatus?: string;
  /** `?scope=NAME`: only proxies whose name contains it */
  readonly scope?: string;
  /** the frontend serving the page (`stats scope .` means this one) */
  readonly frontend?: string;
}

export interface StatsFormat {
  /** the registry key: `html`, `csv`, `json`, `prometheus` */
  readonly name: string;
  readonly contentType: string;
  render(snapshot: StatsSnapshot, context: RenderContext): string;
}

/** the proxies a request shows: `stats scope` of the config, then `?scope=` of the request */
export function visibleProxies(snapshot: StatsSnapshot, context: RenderContext): StatsSnapshot['proxies'] {
  const configured = context.settings.scope;
  return snapshot.proxies.filter(
    (p) =>
      (configured.length === 0 || configured.includes(p.name) || (configured.includes('.') && p.name === context.frontend)) &&
      (context.scope === undefined || context.scope === '' || p.name.includes(context.scope)),
  );
}
