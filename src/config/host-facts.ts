// The machine half of `vigil check`: does this host have the files, users and interfaces the
// config names? Reading the host sits behind a port so tests can use a fake host.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { DiagnosticCode, type Diagnostics } from './diagnostics.ts';
import type { Requirement, RequirementKind } from './requirements.ts';

export interface HostFacts {
  has(kind: RequirementKind, value: string): boolean;
}

export class LinuxHostFacts implements HostFacts {
  has(kind: RequirementKind, value: string): boolean {
    return lookups[kind](value);
  }
}

/** A host described by lists, for tests */
export class FakeHostFacts implements HostFacts {
  readonly #present: Map<RequirementKind, Set<string>>;
  constructor(present: Partial<Record<RequirementKind, readonly string[]>>) {
    this.#present = new Map(Object.entries(present).map(([kind, values]) => [kind as RequirementKind, new Set(values)]));
  }
  has(kind: RequirementKind, value: string): boolean {
    return this.#present.get(kind)?.has(value) ?? false;
  }
}

const lookups: Readonly<Record<RequirementKind, (value: string) => boolean>> = {
  file: (path) => statOf(path)?.isFile() ?? false,
  directory: (path) => statOf(path)?.isDirectory() ?? false,
  executable: (path) => {
    try {
      accessSync(path, constants.X_OK);
      return statOf(path)?.isFile() ?? false;
    } catch {
      return false;
    }
  },
  // getent also sees users from NSS sources other than /etc/passwd (LDAP, systemd-userdb)
  user: (name) => getent('passwd', name),
  group: (name) => getent('group', name),
  interface: (name) => statOf(`/sys/class/net/${name}`) !== undefined,
};

function statOf(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function getent(database: string, name: string): boolean {
  const result = spawnSync('getent', [database, name], { stdio: 'ignore', timeout: 5000 });
  return result.status === 0;
}

const describe: Readonly<Record<RequirementKind, string>> = {
  file: 'File',
  directory: 'Directory',
  executable: 'Executable',
  user: 'User',
  group: 'Group',
  interface: 'Network interface',
};

/** Reports each requirement the host does not meet as a `machine` error */
export function verifyRequirements(requirements: readonly Requirement[], host: HostFacts, diag: Diagnostics): void {
  const seen = new Set<string>();
  for (const need of requirements) {
    const key = `${need.kind}\0${need.value}\0${need.at.file}\0${need.at.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (host.has(need.kind, need.value)) continue;
    diag.error(need.at, need.keyword, `${describe[need.kind]} "${need.value}" does not exist on this host`, {
      domain: 'machine',
      code: DiagnosticCode.machine,
    });
  }
}
