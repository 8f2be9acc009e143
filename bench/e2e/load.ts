// The load generators: wrk for keep-alive load (its Lua done() prints one JSON line with the
// percentiles) and ab for a new connection per request (its -g file holds every request's time,
// from which the percentiles are taken, p99.9 included). Both are bounded: wrk by -d, ab by -n,
// and each by a kill timer.
import { readFileSync } from 'node:fs';
import type { ProcessGroup } from './processes.ts';

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly requests: number;
  /** socket errors, timeouts and non-2xx/3xx answers together */
  readonly errors: number;
}

export interface WrkLoad {
  readonly kind: 'wrk';
  readonly connections: number;
  readonly threads: number;
  readonly path: string;
  /** the Lua script (report, or upload which also reports) */
  readonly script: 'report' | 'upload';
}

export interface AbLoad {
  readonly kind: 'ab';
  readonly concurrency: number;
  readonly requests: number;
  readonly path: string;
}

export type Load = WrkLoad | AbLoad;

export function describeLoad(load: Load, seconds: number): string {
  if (load.kind === 'ab') return `ab -c ${load.concurrency} -n ${load.requests} GET ${load.path}`;
  const method = load.script === 'upload' ? 'POST 1 MiB' : 'GET';
  return `wrk -t${load.threads} -c${load.connections} -d${seconds}s ${method} ${load.path}`;
}

interface WrkJson {
  bench: number;
  requests: number;
  durationUs: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  statusErrors: number;
  timeouts: number;
}

export async function runWrk(
  group: ProcessGroup,
  options: { load: WrkLoad; port: number; seconds: number; cpus: string; scripts: { report: string; upload: string } },
): Promise<LoadResult> {
  const { load } = options;
  const args = [
    `-t${load.threads}`,
    `-c${load.connections}`,
    `-d${options.seconds}s`,
    '--timeout',
    '5s',
    '-s',
    options.scripts[load.script],
    `http://127.0.0.1:${options.port}${load.path}`,
  ];
  const result = await group.run({ name: 'wrk', command: 'wrk', args, cpus: options.cpus, timeoutMs: (options.seconds + 30) * 1000 });
  const line = result.stdout.split('\n').find((l) => l.startsWith('{"bench":1'));
  if (line === undefined) throw new Error(`wrk printed no summary (exit ${String(result.code)}):\n${result.stdout}\n${result.stderr}`);
  const json = JSON.parse(line) as WrkJson;
  const seconds = json.durationUs / 1e6;
  return {
    requestsPerSecond: seconds > 0 ? json.requests / seconds : 0,
    p50Ms: json.p50Us / 1000,
    p99Ms: json.p99Us / 1000,
    p999Ms: json.p999Us / 1000,
    requests: json.requests,
    errors: json.connectErrors + json.readErrors + json.writeErrors + json.statusErrors + json.timeouts,
  };
}

export async function runAb(
  group: ProcessGroup,
  options: { load: AbLoad; port: number; cpus: string; gnuplotFile: string; record?: boolean; seconds?: number },
): Promise<LoadResult> {
  const { load } = options;
  // no -k: every request on a new connection; -r: a failed socket read does not abort the run.
  // With `seconds` (the warm-up), ab stops at whichever comes first, the time or the count; -t
  // must precede -n, since -t alone caps the count at 50000.
  const limit = options.seconds === undefined ? [] : ['-t', String(options.seconds)];
  const args = ['-q', '-r', '-c', String(load.concurrency), ...limit, '-n', String(load.requests), '-s', '10'];
  if (options.record !== false) args.push('-g', options.gnuplotFile);
  args.push(`http://127.0.0.1:${options.port}${load.path}`);
  const result = await group.run({ name: 'ab', command: 'ab', args, cpus: options.cpus, timeoutMs: 120_000 });
  const rps = /Requests per second:\s+([\d.]+)/.exec(result.stdout)?.[1];
  if (rps === undefined) throw new Error(`ab printed no result (exit ${String(result.code)}):\n${result.stdout}\n${result.stderr}`);
  const failed = Number(/Failed requests:\s+(\d+)/.exec(result.stdout)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx responses:\s+(\d+)/.exec(result.stdout)?.[1] ?? 0);
  const complete = Number(/Complete requests:\s+(\d+)/.exec(result.stdout)?.[1] ?? 0);
  let percentiles = { p50: Number.NaN, p99: Number.NaN, p999: Number.NaN };
  if (options.record !== false) percentiles = abPercentiles(readFileSync(options.gnuplotFile, 'utf8'));
  return {
    requestsPerSecond: Number(rps),
    p50Ms: percentiles.p50,
    p99Ms: percentiles.p99,
    p999Ms: percentiles.p999,
    requests: complete,
    errors: failed + non2xx,
  };
}

/** ab's -g file: a header, then one tab-separated line per request; `ttime` is the total in ms */
export function abPercentiles(text: string): { p50: number; p99: number; p999: number } {
  const lines = text.split('\n');
  const header = (lines[0] ?? '').split('\t');
  const column = header.indexOf('ttime');
  if (column < 0) throw new Error('Cannot read ab\'s -g file: no "ttime" column');
  const times: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === undefined || line === '') continue;
    const value = Number(line.split('\t')[column]);
    if (Number.isFinite(value)) times.push(value);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), p999: percentile(times, 99.9) };
}

/** Nearest-rank percentile of sorted values */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}
