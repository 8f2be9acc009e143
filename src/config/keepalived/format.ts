// keepalived.conf as a ConfigFormat: loading into the typed model, the keyword tables.
import { hostname } from 'node:os';
import type { ConfigFormat, LoadContext } from '../format.ts';
import type { KeywordTable } from '../keywords.ts';
import type { LoadState } from './args.ts';
import type { KeepalivedConfig } from './model.ts';
import { readConfig } from './read.ts';
import { checkReferences } from './references.ts';
import { rootTable } from './root.ts';
import { sniffKeepalived } from './sniff.ts';
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
