// What the end-to-end benchmark needs from the machine, and what it records about it. The bench
// installs nothing: a missing tool is reported with the Debian package that provides it, and the
// run stops before anything starts.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, join } from 'node:path';

export interface Tool {
  /** the command looked up on PATH (and in sbin, where Debian puts daemons) */
  readonly command: string;
  readonly debianPackage: string;
  readonly why: string;
  /** without it the bench still runs, with less (taskset: unpinned) */
  readonly optional?: boolean;
}

export const requiredTools: readonly Tool[] = [
  { command: 'haproxy', debianPackage: 'haproxy', why: 'the reference proxy, runs the same haproxy.cfg as vigil' },
  { command: 'nginx', debianPackage: 'nginx', why: 'the backend, and the second reference proxy' },
  { command: 'wrk', debianPackage: 'wrk', why: 'keep-alive load, latency percentiles through a Lua script' },
  { command: 'ab', debianPackage: 'apache2-utils', why: 'new connection per request (ab -c 100 -n 20000)' },
  { command: 'taskset', debianPackage: 'util-linux', why: 'pins the proxy and the load to separate CPUs', optional: true },
];

/** nginx's stream module (for the `mode tcp` comparison) is a separate Debian package */
export const nginxStreamModule = { path: '/usr/lib/nginx/modules/ngx_stream_module.so', debianPackage: 'libnginx-mod-stream' } as const;

const searchPath = (): string[] => [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];

/** the absolute path of a command, or undefined when it is on no PATH entry */
export function findCommand(command: string): string | undefined {
  for (const dir of searchPath()) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export interface ToolCheck {
  readonly paths: ReadonlyMap<string, string>;
  readonly missing: readonly Tool[];
  readonly missingOptional: readonly Tool[];
  readonly nginxStream: boolean;
}

export function checkTools(): ToolCheck {
  const paths = new Map<string, string>();
  const missing: Tool[] = [];
  const missingOptional: Tool[] = [];
  for (const tool of requiredTools) {
    const found = findCommand(tool.command);
    if (found !== undefined) paths.set(tool.command, found);
    else (tool.optional === true ? missingOptional : missing).push(tool);
  }
  return { paths, missing, missingOptional, nginxStream: existsSync(nginxStreamModule.path) };
}

/** The lines that tell a person what to install; the bench never runs apt-get itself */
export function describeMissing(check: ToolCheck): string[] {
  const lines: string[] = [];
  for (const tool of check.missing) lines.push(`missing: ${tool.command} (${tool.why}); Debian package "${tool.debianPackage}"`);
  for (const tool of check.missingOptional) lines.push(`missing (optional): ${tool.command} (${tool.why}); Debian package "${tool.debianPackage}"`);
  if (!check.nginxStream) {
    lines.push(`missing (optional): nginx stream module (nginx column of the mode tcp scenario); Debian package "${nginxStreamModule.debianPackage}"`);
  }
  const packages = [...check.missing, ...check.missingOptional].map((t) => t.debianPackage);
  if (!check.nginxStream) packages.push(nginxStreamModule.debianPackage);
  if (packages.length > 0) lines.push(`to install them: apt-get install ${[...new Set(packages)].join(' ')}`);
  return lines;
}

function firstLine(command: string, args: readonly string[]): string {
  try {
    // nginx -v writes to stderr; `2>&1` through a shell is avoided by reading both
    const out = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.split('\n')[0]?.trim() ?? '';
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`.split('\n')[0]?.trim() ?? '';
  }
}

/** Both streams of a version command (nginx -v writes to stderr and exits 0) */
function stderrLine(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
}

export interface MachineInfo {
  readonly commit: string;
  /** the work tree had uncommitted changes: the figures measure more than `commit` */
  readonly dirty: boolean;
  readonly nproc: number;
  readonly cpuModel: string;
  readonly kernel: string;
  readonly memoryKiB: number;
  readonly loadAverageAtStart: string;
  readonly versions: { readonly node: string; readonly haproxy: string; readonly nginx: string; readonly wrk: string; readonly ab: string };
}

function git(repo: string, args: readonly string[]): string {
  try {
    return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function machineInfo(repo: string, nodePath: string): MachineInfo {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const wrkLine = firstLine('wrk', ['--version']);
  return {
    commit: git(repo, ['rev-parse', 'HEAD']) || 'unknown',
    dirty: git(repo, ['status', '--porcelain', '--untracked-files=no']) !== '',
    nproc: availableParallelism(),
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
    memoryKiB: Number(/^MemTotal:\s*(\d+)/m.exec(meminfo)?.[1] ?? 0),
    loadAverageAtStart: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    versions: {
      node: firstLine(nodePath, ['--version']),
      haproxy: /version (\S+)/.exec(firstLine('haproxy', ['-v']))?.[1] ?? 'unknown',
      nginx: /nginx\/(\S+)/.exec(stderrLine('nginx', ['-v']))?.[1] ?? 'unknown',
      wrk: /wrk (\S+)/.exec(wrkLine)?.[1] ?? 'unknown',
      ab: /Version (\S+)/.exec(firstLine('ab', ['-V']))?.[1] ?? 'unknown',
    },
  };
}
