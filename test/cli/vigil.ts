// Runs bin/vigil as a user would, from a directory outside the repo, and captures its output.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const vigilBin = fileURLToPath(new URL('../../bin/vigil', import.meta.url));
export const fixture = (path: string): string => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));
export const corpusDir = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function vigil(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(vigilBin, [...args], { cwd: options.cwd ?? tmpdir(), timeout: options.timeoutMs ?? 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}
