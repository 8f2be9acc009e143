// Interleaved runs: vigil and one other (another commit's vigil with `--baseline REV`, or HAProxy
// or nginx with `--interleave NAME`), both running at once on the same CPUs, loaded in turn for
// one-second slices. A change of a few percent is what an optimisation brings, and a shared
// machine of this kind hides it: the same vigil measured in runs of 6 s one after the other gave
// ratios from 0.81 to 1.26 against itself. Slices a second apart, summed over twenty or more of
// each, put both sides through the same moments of the machine; the same build against itself
// then comes out within about 2% (CPU per request). Each side also pauses a second between its
// slices, which two vigils pay for alike and vigil and HAProxy need not: against HAProxy this is
// a second opinion beside the full run. The other side's haproxy.cfg is the same file as vigil's
// but for its ports (10 above), since both listen at once.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { haproxyCfg, type BenchFiles, type Ports } from './configs.ts';
import { runAb, runWrk, type LoadResult } from './load.ts';
import { cpuTicks, waitForPorts, waitForPortsFree, type ProcessGroup, type Started } from './processes.ts';
import { median } from './report.ts';
import { proxies, type Scenario } from './scenarios.ts';

export type Side = 'vigil' | 'other';

/** what vigil is interleaved with */
export type Other = { readonly kind: 'vigil'; readonly bin: string; readonly commit: string } | { readonly kind: 'haproxy' } | { readonly kind: 'nginx' };

export function otherLabel(other: Other): string {
  return other.kind === 'vigil' ? `vigil at ${other.commit.slice(0, 12)}` : other.kind === 'haproxy' ? 'HAProxy' : 'nginx';
}

export interface Slice {
  readonly side: Side;
  readonly requests: number;
  readonly seconds: number;
  /** the side's CPU during the slice, in clock ticks (1/100 s) */
  readonly ticks: number;
  readonly p99Ms: number;
  readonly errors: number;
}

export interface PairedScenario {
  readonly name: string;
  readonly slices: Slice[];
}

export interface PairedOptions {
  readonly group: ProcessGroup;
  readonly files: BenchFiles;
  readonly ports: Ports;
  readonly vigilBin: string;
  readonly other: Other;
  readonly cpus: string;
  readonly loadCpus: string;
  readonly slices: number;
  readonly warmupSeconds: number;
  /** nginx has its stream module (its `mode tcp` counterpart) */
  readonly nginxStream: boolean;
}

/** The other side listens this far above vigil's ports (portsFrom leaves the gap free) */
const otherPortOffset = 10;

function shiftedPorts(ports: Ports): Ports {
  return { ...ports, cfgHttp: ports.cfgHttp + otherPortOffset, cfgTcp: ports.cfgTcp + otherPortOffset };
}

async function load(options: PairedOptions, scenario: Scenario, port: number, seconds: number, record: boolean): Promise<LoadResult> {
  const { files } = options;
  if (scenario.load.kind === 'wrk') {
    return runWrk(options.group, { load: scenario.load, port, seconds, cpus: options.loadCpus, scripts: { report: files.wrkReport, upload: files.wrkUpload } });
  }
  // a slice of new connections is bounded by its second, and by a count no machine reaches in it
  return runAb(options.group, {
    load: { ...scenario.load, requests: 200_000 },
    port,
    cpus: options.loadCpus,
    gnuplotFile: join(files.dir, 'ab-slice.tsv'),
    record,
    seconds,
  });
}

/** Runs one scenario's slices; both vigils are started before and stopped after */
export async function runPaired(options: PairedOptions, scenario: Scenario, log: (line: string) => void): Promise<PairedScenario> {
  const { group, files, ports } = options;
  const shifted = shiftedPorts(ports);
  const otherCfg = join(files.dir, `haproxy-other-${scenario.threads}t.cfg`);
  writeFileSync(otherCfg, haproxyCfg(shifted, scenario.threads));
  const otherFiles: BenchFiles = { ...files, haproxyCfg: () => otherCfg };
  const otherProxy = proxies[options.other.kind];
  // nginx runs its own config on its own ports; HAProxy and another vigil the shifted haproxy.cfg
  const otherPorts = options.other.kind === 'nginx' ? ports : shifted;
  const listens = { vigil: proxies.vigil.listens(ports, false), other: otherProxy.listens(otherPorts, options.nginxStream) };
  await waitForPortsFree([...listens.vigil, ...listens.other]);
  const context = (vigil: string, which: BenchFiles) => ({ group, files: which, ports, vigil, cpus: options.cpus });
  const started: Record<Side, Started> = {
    vigil: proxies.vigil.start(context(options.vigilBin, files), scenario.threads),
    other: otherProxy.start(context(options.other.kind === 'vigil' ? options.other.bin : options.vigilBin, options.other.kind === 'nginx' ? files : otherFiles), scenario.threads),
  };
  try {
    await waitForPorts(started.vigil, listens.vigil);
    await waitForPorts(started.other, listens.other);
    const port: Record<Side, number> = {
      vigil: proxies.vigil.port(ports, scenario.listener),
      other: otherProxy.port(otherPorts, scenario.listener),
    };
    for (const side of ['vigil', 'other'] as const) await load(options, scenario, port[side], options.warmupSeconds, false);
    const slices: Slice[] = [];
    for (let i = 0; i < options.slices; i++) {
      // each pair starts with the other side, so neither always follows the other
      const order: Side[] = i % 2 === 0 ? ['vigil', 'other'] : ['other', 'vigil'];
      for (const side of order) {
        const pid = started[side].pid;
        const before = cpuTicks(pid);
        const result = await load(options, scenario, port[side], 1, true);
        const ticks = cpuTicks(pid) - before;
        if (!started[side].running) throw new Error(`${started[side].name} exited during the load:\n${started[side].output}`);
        slices.push({
          side,
          requests: result.requests,
          seconds: result.requestsPerSecond > 0 ? result.requests / result.requestsPerSecond : 0,
          ticks,
          p99Ms: result.p99Ms,
          errors: result.errors,
        });
      }
      if ((i + 1) % 10 === 0 || i + 1 === options.slices) log(`  ${scenario.name}: ${i + 1} of ${options.slices} slice pairs`);
    }
    return { name: scenario.name, slices };
  } finally {
    await Promise.all([group.stop(started.vigil), group.stop(started.other)]);
  }
}

interface SideTotals {
  readonly requestsPerSecond: number;
  readonly cpuMicrosPerRequest: number;
  readonly p99Ms: number;
  readonly errors: number;
}

function totals(slices: readonly Slice[], side: Side): SideTotals {
  const mine = slices.filter((s) => s.side === side);
  const requests = mine.reduce((n, s) => n + s.requests, 0);
  const seconds = mine.reduce((n, s) => n + s.seconds, 0);
  const ticks = mine.reduce((n, s) => n + s.ticks, 0);
  return {
    requestsPerSecond: seconds > 0 ? requests / seconds : Number.NaN,
    // ticks are 1/100 s: ticks x 10^4 is microseconds
    cpuMicrosPerRequest: requests > 0 ? (ticks * 10_000) / requests : Number.NaN,
    p99Ms: median(mine.map((s) => s.p99Ms)),
    errors: mine.reduce((n, s) => n + s.errors, 0),
  };
}

/** vigil against the other side, summed over each side's slices */
export function renderInterleaved(other: string, scenarios: readonly PairedScenario[]): string {
  const f = (v: number, digits: number): string => (Number.isFinite(v) ? v.toFixed(digits) : '-');
  const lines = [
    `vigil (work tree) against ${other}, both running, loaded in turn for 1 s slices (ratios are vigil's):`,
    '',
    `| scenario | slices | req/s vigil | req/s ${other} | ratio | CPU µs/req vigil | ${other} | ratio | p99 ms vigil | ${other} | errors |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const scenario of scenarios) {
    const v = totals(scenario.slices, 'vigil');
    const b = totals(scenario.slices, 'other');
    lines.push(
      `| ${scenario.name} | ${scenario.slices.length / 2} | ${f(v.requestsPerSecond, 0)} | ${f(b.requestsPerSecond, 0)} | ${f(v.requestsPerSecond / b.requestsPerSecond, 3)}x | ${f(v.cpuMicrosPerRequest, 2)} | ${f(b.cpuMicrosPerRequest, 2)} | ${f(v.cpuMicrosPerRequest / b.cpuMicrosPerRequest, 3)}x | ${f(v.p99Ms, 2)} | ${f(b.p99Ms, 2)} | ${v.errors + b.errors} |`,
    );
  }
  lines.push('', '- CPU µs/req is the one to read when a proxy was below 100% CPU: then the load side set the req/s of both');
  return lines.join('\n');
}
