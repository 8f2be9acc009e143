// Defaults inheritance as HAProxy does it: a proxy starts as a copy of its defaults section (the
// last one before it, or the one named with `from`), and its own lines overwrite or add to that.
// A defaults section without `from` starts from the built-in values, like HAProxy's "each new
// defaults section resets everything"; with `from` it builds on the named one.
import type { DefaultsRef, HaproxyConfig, OptionSetting, ProxySettings, ServerOptions, StatsSettings } from './model.ts';
import { exclusiveOptionGroups } from './proxy-options.ts';

export function emptySettings(): ProxySettings {
  return {
    timeouts: {},
    options: {},
    logs: [],
    errorFiles: {},
    defaultServer: {},
    stats: { auth: [], admin: [], scope: [] },
    compression: { algorithms: [], types: [] },
    httpRequest: [],
    httpResponse: [],
    httpAfterResponse: [],
    tcpRequest: [],
    tcpResponse: [],
    httpCheck: [],
    tcpCheck: [],
  };
}

export function mergeServerOptions(base: ServerOptions, own: ServerOptions): ServerOptions {
  return { ...base, ...own };
}

function mergeStats(base: StatsSettings, own: StatsSettings): StatsSettings {
  return {
    ...base,
    ...own,
    // `stats auth` lines add users; a proxy listing its own users replaces the inherited list, as
    // HAProxy gives a proxy its own userlist as soon as it has one `stats auth`
    auth: own.auth.length > 0 ? own.auth : base.auth,
    admin: [...base.admin, ...own.admin],
    scope: own.scope.length > 0 ? own.scope : base.scope,
  };
}

/** `own` wins per option; enabling one option of an exclusive group also drops its inherited rivals */
function mergeOptions(base: Record<string, OptionSetting>, own: Record<string, OptionSetting>): Record<string, OptionSetting> {
  const merged = { ...base };
  for (const group of exclusiveOptionGroups) {
    if (group.some((name) => own[name]?.enabled === true)) for (const name of group) delete merged[name];
  }
  return { ...merged, ...own };
}

/** The effective settings: `base` (from a defaults section) overlaid by a section's `own` */
export function mergeSettings(base: ProxySettings, own: ProxySettings): ProxySettings {
  return {
    ...base,
    ...own,
    timeouts: { ...base.timeouts, ...own.timeouts },
    options: mergeOptions(base.options, own.options),
    // log lines add to the inherited ones; `no log` drops those
    logs: own.noLog === true ? own.logs : [...base.logs, ...own.logs],
    errorFiles: { ...base.errorFiles, ...own.errorFiles },
    defaultServer: mergeServerOptions(base.defaultServer, own.defaultServer),
    stats: mergeStats(base.stats, own.stats),
    compression: {
      ...base.compression,
      ...own.compression,
      algorithms: own.compression.algorithms.length > 0 ? own.compression.algorithms : base.compression.algorithms,
      types: own.compression.types.length > 0 ? own.compression.types : base.compression.types,
    },
    httpRequest: [...base.httpRequest, ...own.httpRequest],
    httpResponse: [...base.httpResponse, ...own.httpResponse],
    httpAfterResponse: [...base.httpAfterResponse, ...own.httpAfterResponse],
    tcpRequest: [...base.tcpRequest, ...own.tcpRequest],
    tcpResponse: [...base.tcpResponse, ...own.tcpResponse],
    httpCheck: own.httpCheck.length > 0 ? own.httpCheck : base.httpCheck,
    tcpCheck: own.tcpCheck.length > 0 ? own.tcpCheck : base.tcpCheck,
  };
}

/** The effective settings of a defaults section, following its `from` chain; empty for none */
export function defaultsSettings(config: HaproxyConfig, ref: DefaultsRef | undefined, seen = new Set<number>()): ProxySettings {
  const section = ref === undefined ? undefined : config.defaults[ref.index];
  if (section === undefined || ref === undefined || seen.has(ref.index)) return emptySettings();
  seen.add(ref.index);
  return mergeSettings(defaultsSettings(config, section.inherits, seen), section.own);
}

/** Fills every section's `settings` once the whole configuration is read */
export function resolveInheritance(config: HaproxyConfig): void {
  for (const section of config.defaults) section.settings = mergeSettings(defaultsSettings(config, section.inherits), section.own);
  for (const proxy of config.proxies) proxy.settings = mergeSettings(defaultsSettings(config, proxy.inherits), proxy.own);
}
