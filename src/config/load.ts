// Reads the files given with -f, each in its own format (detected or forced), into typed models.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DiagnosticCode, Diagnostics } from './diagnostics.ts';
import type { ConfigFormat, FormatName, LoadContext } from './format.ts';
import { haproxyFormat } from './haproxy/format.ts';
import type { HaproxyConfig } from './haproxy/model.ts';
import type { KeepalivedConfig } from './keepalived/model.ts';
import { sniffKeepalived } from './keepalived/sniff.ts';
import { Requirements } from './requirements.ts';
import { didYouMean } from './suggest.ts';

export interface LoadOptions {
  /** force one format for every file instead of detecting it */
  readonly format?: FormatName;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** keepalived's `-i`: selects `@name` conditional lines */
  readonly configId?: string;
}

export interface LoadedConfig {
  readonly haproxy?: { readonly files: readonly string[]; readonly model: HaproxyConfig };
  readonly keepalived?: { readonly files: readonly string[]; readonly model: KeepalivedConfig };
  readonly diagnostics: Diagnostics;
  readonly requirements: Requirements;
}

const requireModule = createRequire(import.meta.url);

export function formatRegistry(configId?: string): Readonly<Record<FormatName, ConfigFormat<unknown>>> {
  return { haproxy: haproxyFormat, keepalived: deferredKeepalivedFormat(configId) };
}

/**
 * The keepalived reader, loaded when a keepalived.conf is first read: a vigil that runs only a
 * haproxy.cfg then never holds its modules, nor those of VRRP and L4 (daemon/registry.ts defers
 * them the same way); together they were 3.5 MiB of an idle vigil's RSS. Loading must be
 * synchronous, as config loading is, hence require() of the ES module rather than import().
 */
function deferredKeepalivedFormat(configId: string | undefined): ConfigFormat<KeepalivedConfig> {
  let format: ConfigFormat<KeepalivedConfig> | undefined;
  const loaded = (): ConfigFormat<KeepalivedConfig> => {
    if (format !== undefined) return format;
    const { createKeepalivedFormat } = requireModule('./keepalived/format.ts') as typeof import('./keepalived/format.ts');
    format = configId === undefined ? createKeepalivedFormat() : createKeepalivedFormat({ configId });
    return format;
  };
  return {
    name: 'keepalived',
    sniff: sniffKeepalived,
    load: (files, context) => loaded().load(files, context),
    get tables() {
      return loaded().tables;
    },
  };
}

/**
 * Detects each file's format from its content, then loads all files of one format together (in
 * the order given), as `haproxy -f a -f b` does. A file that cannot be read is an error here.
 */
export function loadConfigs(files: readonly string[], options: LoadOptions = {}): LoadedConfig {
  const diagnostics = new Diagnostics();
  const requirements = new Requirements();
  const context: LoadContext = { diagnostics, requirements, env: options.env ?? process.env };
  const registry = formatRegistry(options.configId);
  const byFormat = new Map<FormatName, string[]>();
  for (const file of files) {
    const format = options.format ?? detectFormat(file, registry, diagnostics);
    if (format === undefined) continue;
    byFormat.set(format, [...(byFormat.get(format) ?? []), file]);
  }
  const haproxyFiles = byFormat.get('haproxy');
  const keepalivedFiles = byFormat.get('keepalived');
  const haproxy = haproxyFiles === undefined ? undefined : haproxyFormat.load(haproxyFiles, context);
  const keepalived = keepalivedFiles === undefined ? undefined : (registry.keepalived as ConfigFormat<KeepalivedConfig>).load(keepalivedFiles, context);
  if (keepalived !== undefined) checkTrackedBackends(keepalived, haproxy, diagnostics);
  return {
    diagnostics,
    requirements,
    ...(haproxyFiles === undefined || haproxy === undefined ? {} : { haproxy: { files: haproxyFiles, model: haproxy } }),
    ...(keepalivedFiles === undefined || keepalived === undefined ? {} : { keepalived: { files: keepalivedFiles, model: keepalived } }),
  };
}

/** `track_backend` (a vigil extension) names a backend of the haproxy.cfg given alongside */
function checkTrackedBackends(keepalived: KeepalivedConfig, haproxy: HaproxyConfig | undefined, diagnostics: Diagnostics): void {
  const backends = (haproxy?.proxies ?? []).filter((p) => p.kind !== 'frontend').map((p) => p.name);
  for (const instance of keepalived.vrrpInstances) {
    for (const tracked of instance.trackBackends) {
      if (backends.includes(tracked.name)) continue;
      const hint = haproxy === undefined ? 'give the haproxy.cfg with another -f' : didYouMean(tracked.name, backends);
      diagnostics.error(tracked.at, 'track_backend', `No backend "${tracked.name}" in the haproxy configuration`, {
        code: DiagnosticCode.reference,
        ...(hint === undefined ? {} : { hint }),
      });
    }
  }
}

function detectFormat(
  file: string,
  registry: Readonly<Record<FormatName, ConfigFormat<unknown>>>,
  diagnostics: Diagnostics,
): FormatName | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    diagnostics.error({ file, line: 1, column: 1 }, '', `Cannot read config file "${file}": ${reason}`, {
      code: DiagnosticCode.include,
    });
    return undefined;
  }
  let best: FormatName | undefined;
  let bestScore = 0;
  for (const format of Object.values(registry)) {
    const score = format.sniff(text);
    if (score > bestScore) {
      best = format.name;
      bestScore = score;
    }
  }
  if (best === undefined) {
    diagnostics.error({ file, line: 1, column: 1 }, '', `Cannot tell whether "${file}" is a haproxy.cfg or a keepalived.conf`, {
      code: DiagnosticCode.structure,
      hint: 'name it with --format haproxy or --format keepalived',
    });
  }
  return best;
}
