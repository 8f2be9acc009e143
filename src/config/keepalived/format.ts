// keepalived.conf as a ConfigFormat: sniffing, loading into the typed model, the keyword tables.
import { hostname } from 'node:os';
import type { ConfigFormat, LoadContext } from '../format.ts';
import type { KeywordTable } from '../keywords.ts';
import type { LoadState } from './args.ts';
import type { KeepalivedConfig } from './model.ts';
import { readConfig } from './read.ts';
import { checkReferences } from './references.ts';
import { rootTable } from './root.ts';
import { nodeSource, type SourcePort } from './source.ts';

export interface KeepalivedFormatOptions {
  /** keepalived's `-i`: which `@id` lines apply (default: the short host name, as keepalived) */
  readonly configId?: string;
  /** where files come from; tests pass an in-memory or temp-dir port */
  readonly source?: SourcePort;
}

export function emptyKeepalivedConfig(): KeepalivedConfig {
  return {
    globalDefs: { notificationEmail: [] },
    vrrpScripts: [],
    vrrpInstances: [],
    syncGroups: [],
    virtualServers: [],
    virtualServerGroups: [],
    trackFiles: [],
    staticIpAddresses: [],
    staticRoutes: [],
    staticRules: [],
    ssl: {},
  };
}

/** keepalived's default config id: the host name up to the first dot */
export function defaultConfigId(): string {
  return hostname().split('.')[0] ?? '';
}

/** Block words only keepalived uses; each found at a line start raises the score */
const blockWords = /^\s*(global_defs|vrrp_instance|vrrp_script|vrrp_sync_group|virtual_server|virtual_server_group|real_server|static_ipaddress|static_routes|track_file)\b[^\n]*\{?/gm;
/** words only haproxy uses, which make a file unlikely to be keepalived's */
const haproxyWords = /^\s*(frontend|backend|listen|defaults)\b/m;

export function sniffKeepalived(text: string): number {
  const hits = text.match(blockWords)?.length ?? 0;
  if (hits === 0) return 0;
  const braces = text.includes('{') && text.includes('}') ? 0.2 : 0;
  const penalty = haproxyWords.test(text) ? 0.4 : 0;
  return Math.max(0, Math.min(1, 0.5 + 0.1 * Math.min(hits, 3) + braces - penalty));
}

export function createKeepalivedFormat(options: KeepalivedFormatOptions = {}): ConfigFormat<KeepalivedConfig> {
  const source = options.source ?? nodeSource;
  return {
    name: 'keepalived',
    sniff: sniffKeepalived,
    load(files: readonly string[], context: LoadContext): KeepalivedConfig {
      const config = emptyKeepalivedConfig();
      const configId = options.configId ?? defaultConfigId();
      const nodes = readConfig(files, { configId, env: context.env, source }, context.diagnostics);
      const state: LoadState = { config, requirements: context.requirements };
      rootTable.dispatchAll(state, nodes, context.diagnostics);
      checkReferences(config, context.diagnostics);
      return config;
    },
    tables: [rootTable as KeywordTable<never>],
  };
}

export const keepalivedFormat: ConfigFormat<KeepalivedConfig> = createKeepalivedFormat();
