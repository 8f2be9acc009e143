// Helpers for this folder's tests: load text through an in-memory file map.
import { Diagnostics, type Diagnostic } from '../diagnostics.ts';
import { Requirements } from '../requirements.ts';
import { createKeepalivedFormat, type KeepalivedFormatOptions } from './format.ts';
import type { KeepalivedConfig } from './model.ts';
import type { SourcePort } from './source.ts';

export function memorySource(files: Readonly<Record<string, string>>): SourcePort {
  return {
    readFile: (path) => (Object.hasOwn(files, path) ? { ok: true, text: files[path] ?? '' } : { ok: false, reason: 'ENOENT' }),
    glob: (pattern) => {
      const regex = new RegExp(`^${pattern.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
      return Object.keys(files).filter((path) => regex.test(path));
    },
  };
}

export interface Loaded {
  readonly config: KeepalivedConfig;
  readonly diagnostics: Diagnostics;
  readonly requirements: Requirements;
  readonly errors: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
  /** notes other than the engine's "not active yet" on every parsed keyword */
  readonly notes: readonly Diagnostic[];
}

export function loadText(
  text: string,
  options: KeepalivedFormatOptions & { readonly files?: Readonly<Record<string, string>>; readonly env?: Record<string, string> } = {},
): Loaded {
  const source = options.source ?? memorySource({ '/etc/keepalived/keepalived.conf': text, ...options.files });
  const format = createKeepalivedFormat({ configId: options.configId ?? 'test-host', source });
  const diagnostics = new Diagnostics();
  const requirements = new Requirements();
  const config = format.load(['/etc/keepalived/keepalived.conf'], { diagnostics, requirements, env: options.env ?? {} });
  return {
    config,
    diagnostics,
    requirements,
    errors: diagnostics.items.filter((d) => d.severity === 'error'),
    warnings: diagnostics.items.filter((d) => d.severity === 'warning'),
    notes: diagnostics.items.filter((d) => d.severity === 'note' && !d.message.startsWith('Understood')),
  };
}

/** `line:column keyword` of each diagnostic, the shape the planted-error tests compare */
export function where(list: readonly Diagnostic[]): string[] {
  return list.map((d) => `${d.at.line}:${d.at.column} ${d.keyword}`);
}
