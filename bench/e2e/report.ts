// The benchmark's results: one JSON document per run (so runs can be compared), a Markdown table
// (printed, and pasted into README.md), and a comparison of two saved runs.
import type { LoadResult } from './load.ts';
import type { MachineInfo } from './tools.ts';
import { proxyNames, type ProxyName } from './scenarios.ts';
import type { PairedScenario } from './paired.ts';

export interface RunMeasurement extends LoadResult {
  readonly round: number;
  /** VmHWM of the proxy's processes after the measured load (warm-up included) */
  readonly peakRssKiB: number;
  /** VmRSS once it listened, before any load */
  readonly idleRssKiB: number;
  /** percent of one CPU that processes other than the bench's used during the measured load */
  readonly otherCpuPercent: number;
  /** the proxy's own CPU during the measured load, in percent of one CPU (100 = one CPU busy) */
  readonly proxyCpuPercent: number;
  /** the proxy's CPU time per request: what it costs, whether or not the load side saturated first */
  readonly cpuMicrosPerRequest: number;
  /** connections the backend accepted during the measured load: the proxy's pool at work */
  readonly serverConnections: number;
}

export interface Summary {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly peakRssKiB: number;
  readonly idleRssKiB: number;
  readonly otherCpuPercent: number;
  readonly proxyCpuPercent: number;
  readonly cpuMicrosPerRequest: number;
  readonly serverConnections: number;
  readonly errors: number;
}

export interface ProxyResult {
  readonly runs: RunMeasurement[];
  /** runs measured again because other processes used the CPUs meanwhile */
  readonly discarded: RunMeasurement[];
  /** each metric's median over the rounds, taken on its own */
  median?: Summary;
  /** why this proxy has no figures in this scenario */
  skipped?: string;
}

export interface ScenarioResult {
  readonly name: string;
  readonly title: string;
  readonly load: string;
  readonly threads: number;
  readonly proxies: Partial<Record<ProxyName, ProxyResult>>;
}

export interface BenchReport {
  readonly format: 'vigil-bench/1';
  readonly command: string;
  readonly startedAt: string;
  finishedAt?: string;
  readonly options: { readonly quick: boolean; readonly rounds: number; readonly warmupSeconds: number; readonly maxOtherCpuPercent: number };
  readonly machine: MachineInfo;
  /** `--baseline REV` or `--interleave NAME`: what vigil was interleaved with, and each scenario's slices */
  interleaved?: { readonly other: string; readonly scenarios: PairedScenario[] };
  readonly pinning: { readonly enabled: boolean; readonly proxy1: string; readonly proxy2: string; readonly backend: string; readonly load: string; readonly note: string };
  /** VmRSS of `node -e 'setInterval(()=>{},1000)'` after 1 s: the yardstick of the RSS target */
  idleNodeRssKiB?: number;
  readonly scenarios: ScenarioResult[];
}

export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function summarise(runs: readonly RunMeasurement[]): Summary {
  return {
    requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    p999Ms: median(runs.map((r) => r.p999Ms)),
    peakRssKiB: median(runs.map((r) => r.peakRssKiB)),
    idleRssKiB: median(runs.map((r) => r.idleRssKiB)),
    otherCpuPercent: median(runs.map((r) => r.otherCpuPercent)),
    proxyCpuPercent: median(runs.map((r) => r.proxyCpuPercent)),
    cpuMicrosPerRequest: median(runs.map((r) => r.cpuMicrosPerRequest)),
    serverConnections: median(runs.map((r) => r.serverConnections)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
  };
}

const rate = (v: number): string => (Number.isFinite(v) ? (v >= 10000 ? `${(v / 1000).toFixed(1)}k` : v.toFixed(0)) : '-');
const ms = (v: number): string => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)) : '-');
const mib = (kib: number): string => (Number.isFinite(kib) && kib > 0 ? (kib / 1024).toFixed(1) : '-');
const pct = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(0)}%` : '-');
const us = (v: number): string => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : '-');
const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : '-');

/** The results as a Markdown table: a row per proxy, then vigil's ratio to each other proxy */
export function renderTable(report: BenchReport): string {
  const lines = [
    '| scenario | proxy | req/s | p50 ms | p99 ms | p99.9 ms | peak RSS MiB | proxy CPU | CPU µs/req | server conns |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const scenario of report.scenarios) {
    const vigil = scenario.proxies.vigil?.median;
    let first = true;
    for (const name of proxyNames) {
      const result = scenario.proxies[name];
      if (result === undefined) continue;
      const label = first ? scenario.name : '';
      first = false;
      const m = result.median;
      if (m === undefined) {
        lines.push(`| ${label} | ${name} | ${result.skipped ?? 'not run'} | | | | | | | |`);
        continue;
      }
      const flag = m.errors > 0 ? ` (${m.errors} errors)` : '';
      lines.push(`| ${label} | ${name} | ${rate(m.requestsPerSecond)}${flag} | ${ms(m.p50Ms)} | ${ms(m.p99Ms)} | ${ms(m.p999Ms)} | ${mib(m.peakRssKiB)} | ${pct(m.proxyCpuPercent)} | ${us(m.cpuMicrosPerRequest)} | ${Number.isFinite(m.serverConnections) ? m.serverConnections.toFixed(0) : '-'} |`);
    }
    if (vigil === undefined) continue;
    for (const other of proxyNames) {
      if (other === 'vigil') continue;
      const m = scenario.proxies[other]?.median;
      if (m === undefined) continue;
      lines.push(
        `| | *vigil/${other}* | *${ratio(vigil.requestsPerSecond, m.requestsPerSecond)}* | *${ratio(vigil.p50Ms, m.p50Ms)}* | *${ratio(vigil.p99Ms, m.p99Ms)}* | *${ratio(vigil.p999Ms, m.p999Ms)}* | *${ratio(vigil.peakRssKiB, m.peakRssKiB)}* | | *${ratio(vigil.cpuMicrosPerRequest, m.cpuMicrosPerRequest)}* | |`,
      );
    }
  }
  return lines.join('\n');
}

/**
 * vigil against another proxy round by round: the median of the per-round ratios. Runs of one
 * round follow each other within a minute, so a machine whose speed drifts over the session
 * (a shared one does) moves both sides of each ratio alike, where a ratio of medians taken over
 * the whole session does not cancel it.
 */
export function renderRoundRatios(report: BenchReport, other: ProxyName): string {
  const lines: string[] = [];
  for (const scenario of report.scenarios) {
    const mine = scenario.proxies.vigil?.runs ?? [];
    const theirs = scenario.proxies[other]?.runs ?? [];
    const pairs = mine.flatMap((run) => {
      const match = theirs.find((t) => t.round === run.round);
      return match === undefined ? [] : [{ rps: run.requestsPerSecond / match.requestsPerSecond, cpu: run.cpuMicrosPerRequest / match.cpuMicrosPerRequest, p99: run.p99Ms / match.p99Ms }];
    });
    if (pairs.length === 0) continue;
    const list = (values: number[]): string => values.map((v) => v.toFixed(2)).join(' ');
    const rps = pairs.map((p) => p.rps);
    const cpu = pairs.map((p) => p.cpu);
    lines.push(
      `| ${scenario.name} | ${median(rps).toFixed(2)}x | ${list(rps)} | ${median(cpu).toFixed(2)}x | ${list(cpu)} | ${median(pairs.map((p) => p.p99)).toFixed(2)}x |`,
    );
  }
  if (lines.length === 0) return '';
  return [
    `vigil/${other}, round by round (median of the rounds' ratios, then each round's):`,
    '',
    '| scenario | req/s | rounds | CPU µs/req | rounds | p99 |',
    '|---|---:|---|---:|---|---:|',
    ...lines,
  ].join('\n');
}

/** What each scenario drove, and how the run was set up: printed under the table */
export function renderLegend(report: BenchReport): string {
  const m = report.machine;
  const lines = report.scenarios.map((s) => `- \`${s.name}\`: ${s.title}; \`${s.load}\`; ${s.threads} proxy thread${s.threads > 1 ? 's' : ''}`);
  lines.push(
    `- medians of ${report.options.rounds} alternating round${report.options.rounds > 1 ? 's' : ''} (each metric on its own); every run starts a fresh proxy, warms it for ${report.options.warmupSeconds} s, then measures`,
    `- pinning: ${report.pinning.enabled ? report.pinning.note : 'off (' + report.pinning.note + ')'}`,
    `- machine: ${m.nproc} x ${m.cpuModel}, kernel ${m.kernel}; node ${m.versions.node}, HAProxy ${m.versions.haproxy}, nginx ${m.versions.nginx}; commit ${m.commit.slice(0, 12)}${m.dirty ? ' with uncommitted changes' : ''}; load average at start ${m.loadAverageAtStart}`,
  );
  lines.push(
    '- proxy CPU: the proxy\'s own CPU during the measured load (100% = one CPU busy); below 100% with 1 thread, the load side (backend and load generator on CPU 1) was the limit, not the proxy. CPU µs/req is the proxy\'s CPU time per request, comparable whichever side was the limit; server conns: connections the backend accepted during the measured load (a proxy that pools them well opens about as many as it has concurrent requests)',
  );
  const others = report.scenarios.flatMap((s) => Object.values(s.proxies).flatMap((p) => p?.runs.map((r) => r.otherCpuPercent ?? 0) ?? []));
  const discarded = report.scenarios.reduce((n, s) => n + Object.values(s.proxies).reduce((m, p) => m + (p?.discarded?.length ?? 0), 0), 0);
  if (others.length > 0) {
    lines.push(
      `- other processes on the machine used a median ${median(others).toFixed(0)}% (at most ${Math.max(...others).toFixed(0)}%) of one CPU during the kept runs; ${discarded} run${discarded === 1 ? ' was' : 's were'} measured again because others used more than ${report.options.maxOtherCpuPercent}%`,
    );
  }
  if (report.idleNodeRssKiB !== undefined) lines.push(`- idle Node process (same binary): ${mib(report.idleNodeRssKiB)} MiB RSS`);
  return lines.join('\n');
}

/** Where vigil stands against issue 8's targets, for the scenarios this run has */
export function renderTargets(report: BenchReport): string {
  const byName = new Map(report.scenarios.map((s) => [s.name, s]));
  const out: string[] = [];
  const against = (scenario: string, metric: 'requestsPerSecond' | 'p99Ms', target: string): void => {
    const s = byName.get(scenario);
    const v = s?.proxies.vigil?.median;
    const h = s?.proxies.haproxy?.median;
    if (v === undefined || h === undefined) return;
    const label = metric === 'requestsPerSecond' ? 'req/s' : 'p99';
    out.push(`- ${scenario} ${label}: ${ratio(v[metric], h[metric])} of HAProxy (target ${target})`);
  };
  against('get-c50', 'requestsPerSecond', '>= 1.0x');
  against('get-c200', 'requestsPerSecond', '>= 1.0x');
  against('new-conn', 'requestsPerSecond', '>= 1.0x');
  against('body-64k', 'requestsPerSecond', '>= 1.0x');
  against('tcp', 'requestsPerSecond', '>= 1.0x');
  against('get-c50', 'p99Ms', '<= 1.2x');
  against('get-c200', 'p99Ms', '<= 1.2x');
  const c200 = byName.get('get-c200')?.proxies.vigil?.median;
  if (c200 !== undefined && report.idleNodeRssKiB !== undefined) {
    out.push(`- get-c200 peak RSS: ${ratio(c200.peakRssKiB, report.idleNodeRssKiB)} of an idle Node process (target < 1.5x)`);
  }
  return out.join('\n');
}

/** vigil's figures in two saved runs, side by side */
export function renderComparison(before: BenchReport, after: BenchReport): string {
  const lines = [
    `before: ${before.machine.commit.slice(0, 12)} (${before.startedAt}); after: ${after.machine.commit.slice(0, 12)} (${after.startedAt})`,
    '',
    '| scenario | proxy | req/s before | req/s after | change | p99 ms before | p99 ms after | RSS MiB before | RSS MiB after |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const scenario of after.scenarios) {
    const old = before.scenarios.find((s) => s.name === scenario.name);
    for (const name of proxyNames) {
      const a = scenario.proxies[name]?.median;
      const b = old?.proxies[name]?.median;
      if (a === undefined || b === undefined) continue;
      lines.push(
        `| ${scenario.name} | ${name} | ${rate(b.requestsPerSecond)} | ${rate(a.requestsPerSecond)} | ${ratio(a.requestsPerSecond, b.requestsPerSecond)} | ${ms(b.p99Ms)} | ${ms(a.p99Ms)} | ${mib(b.peakRssKiB)} | ${mib(a.peakRssKiB)} |`,
      );
    }
  }
  return lines.join('\n');
}
