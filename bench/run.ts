// The end-to-end benchmark (issue 8): vigil against HAProxy (the very same haproxy.cfg) and an
// equivalent nginx reverse proxy, all in front of one nginx backend, on loopback.
//
//   npm run bench                        full run: 3 alternating rounds, about 12 minutes
//   npm run bench -- --quick             smoke run: 1 round, 3 s per load
//   npm run bench -- --save              also writes bench/results/<date>-<commit>.json
//   npm run bench -- --json FILE         also writes the JSON to FILE
//   npm run bench -- --only get-c50,tcp  some scenarios only
//   npm run bench -- --compare OLD.json NEW.json   vigil's figures in two saved runs
//   npm run bench -- --vigil-commit HEAD  vigil as committed, whatever the work tree holds
//   npm run bench -- --baseline HEAD --only get-c50   the work tree's vigil against a commit's,
//                                        both running, loaded in turn for 1 s slices (--slices N)
//   npm run bench -- --interleave haproxy  the same, vigil against HAProxy (or nginx)
//   npm run bench -- --profile DIR --only get-c50  vigil alone under --cpu-prof, summarised
//
// It installs nothing: missing tools are named with their Debian package and the run stops.
// Pinning (2+ CPUs and taskset): a 1-thread proxy runs on CPU 0, the backend and the load
// generator share CPU 1. With only 2 CPUs, the 2-thread scenario cannot give the proxy two CPUs of
// its own: its threads may use CPUs 0 and 1, and share CPU 1 with the backend and wrk. The 2-thread
// figures therefore show how each proxy fares under that contention, not clean scaling.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { portsFrom, writeBenchFiles, type BenchFiles, type Ports } from './e2e/configs.ts';
import { summariseFile } from './e2e/cpuprofile.ts';
import { describeLoad, runAb, runWrk, type LoadResult } from './e2e/load.ts';
import { backendAccepts, cpuTicks, ForeignCpu, memoryKiB, ProcessGroup, waitForPorts, waitForPortsFree, type Pinning, type Started } from './e2e/processes.ts';
import {
  renderComparison,
  renderLegend,
  renderRoundRatios,
  renderTable,
  renderTargets,
  summarise,
  type BenchReport,
  type ProxyResult,
  type RunMeasurement,
  type ScenarioResult,
} from './e2e/report.ts';
import { proxies, proxyNames, scenarios, type ProxyName, type Scenario } from './e2e/scenarios.ts';
import { otherLabel, renderInterleaved, runPaired, type Other, type PairedScenario } from './e2e/paired.ts';
import { checkTools, describeMissing, machineInfo, nginxStreamModule } from './e2e/tools.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * `--vigil-commit REV`: vigil as committed at REV, extracted with `git archive` beside the other
 * files, sharing the work tree's node_modules. Measures one commit exactly while the work tree
 * changes (or to compare two commits with the same bench).
 */
function extractCommit(rev: string, dir: string, label: string): { root: string; commit: string } {
  const commit = execFileSync('git', ['-C', repo, 'rev-parse', '--verify', `${rev}^{commit}`], { encoding: 'utf8' }).trim();
  const root = join(dir, `${label}-${commit.slice(0, 12)}`);
  mkdirSync(root);
  const archive = execFileSync('git', ['-C', repo, 'archive', '--format=tar', commit], { maxBuffer: 512 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', root], { input: archive });
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'));
  return { root, commit };
}

const usage = `usage: node bench/run.ts [--quick] [--rounds N] [--only NAME,...] [--proxies NAME,...] [--json FILE] [--save]
                          [--max-other-cpu PERCENT] [--seconds S] [--port-base PORT] [--keep] [--vigil-commit REV]
                          [--baseline REV | --interleave haproxy|nginx] [--slices N]
       node bench/run.ts --compare OLD.json NEW.json
       node bench/run.ts --profile DIR [--only NAME,...] [--seconds S]
scenarios: ${scenarios.map((s) => s.name).join(', ')}`;

function parse() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      only: { type: 'string' },
      proxies: { type: 'string' },
      json: { type: 'string' },
      save: { type: 'boolean', default: false },
      compare: { type: 'boolean', default: false },
      profile: { type: 'string' },
      'port-base': { type: 'string', default: '28080' },
      'max-other-cpu': { type: 'string', default: '20' },
      'vigil-commit': { type: 'string' },
      baseline: { type: 'string' },
      slices: { type: 'string' },
      interleave: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  return { values, positionals };
}

function pick<T extends { name: string }>(all: readonly T[], list: string | undefined, what: string): T[] {
  if (list === undefined) return [...all];
  const names = list.split(',').map((n) => n.trim()).filter((n) => n !== '');
  return names.map((n) => {
    const found = all.find((x) => x.name === n);
    if (found === undefined) throw new Error(`Unknown ${what} "${n}": expected one of ${all.map((x) => x.name).join(', ')}`);
    return found;
  });
}

interface Context {
  readonly group: ProcessGroup;
  readonly files: BenchFiles;
  readonly ports: Ports;
  readonly pinning: Pinning;
  readonly nginxStream: boolean;
  readonly warmupSeconds: number;
  readonly quick: boolean;
  readonly secondsOverride: number | undefined;
  /** bin/vigil of the work tree, or of the extracted --vigil-commit */
  readonly vigilBin: string;
  /** a run during which other processes used more of one CPU than this (percent) is run again */
  readonly maxOtherCpu: number;
  readonly retries: number;
  /** the backend nginx master, whose CPU counts as the bench's own */
  backendPid: number;
}

const cpuPlan = { proxy1: '0', proxy2: '0,1', backend: '1', load: '1' } as const;

function loadSeconds(context: Context, scenario: Scenario): number {
  if (context.secondsOverride !== undefined) return context.secondsOverride;
  return context.quick ? 3 : scenario.seconds;
}

async function drive(context: Context, scenario: Scenario, port: number, seconds: number, record: boolean): Promise<LoadResult> {
  const scripts = { report: context.files.wrkReport, upload: context.files.wrkUpload };
  if (scenario.load.kind === 'wrk') return runWrk(context.group, { load: scenario.load, port, seconds, cpus: cpuPlan.load, scripts });
  // The warm-up lasts its seconds, as wrk's does, within a bound count (2 s of new connections is
  // some 60000 on a fast machine): a JIT-compiled proxy is measured with its per-connection code
  // optimised, as it runs a second after a restart under load.
  if (record) return runAb(context.group, { load: scenario.load, port, cpus: cpuPlan.load, gnuplotFile: join(context.files.dir, 'ab.tsv') });
  const load = { ...scenario.load, requests: 200_000 };
  return runAb(context.group, { load, port, cpus: cpuPlan.load, gnuplotFile: join(context.files.dir, 'ab.tsv'), record, seconds });
}

/** One measured run: a fresh proxy, a warm-up, the load, the peak RSS, the proxy stopped */
async function measure(
  context: Context,
  scenario: Scenario,
  proxyName: ProxyName,
  round: number,
  vigilEnv?: NodeJS.ProcessEnv,
): Promise<RunMeasurement> {
  const proxy = proxies[proxyName];
  const listens = proxy.listens(context.ports, context.nginxStream);
  await waitForPortsFree(listens);
  const started: Started = proxy.start(
    {
      group: context.group,
      files: context.files,
      ports: context.ports,
      vigil: context.vigilBin,
      cpus: scenario.threads === 1 ? cpuPlan.proxy1 : cpuPlan.proxy2,
      ...(vigilEnv === undefined ? {} : { vigilEnv }),
    },
    scenario.threads,
  );
  try {
    await waitForPorts(started, listens);
    const idleRssKiB = memoryKiB(started.pid, 'VmRSS');
    const port = proxy.port(context.ports, scenario.listener);
    if (context.warmupSeconds > 0) await drive(context, scenario, port, context.warmupSeconds, false);
    const foreign = new ForeignCpu([started.pid, context.backendPid]);
    const acceptsBefore = await backendAccepts(context.ports.backend);
    foreign.start();
    const proxyTicks = cpuTicks(started.pid);
    const began = performance.now();
    const result = await drive(context, scenario, port, loadSeconds(context, scenario), true);
    const seconds = (performance.now() - began) / 1000;
    // clock ticks are 1/100 s: ticks per second is percent of one CPU, ticks x 10^4 is microseconds
    const ticks = cpuTicks(started.pid) - proxyTicks;
    const proxyCpuPercent = seconds > 0 ? ticks / seconds : 0;
    const cpuMicrosPerRequest = result.requests > 0 ? (ticks * 10_000) / result.requests : Number.NaN;
    const otherCpuPercent = foreign.stop();
    // less the status request's own connection
    const serverConnections = (await backendAccepts(context.ports.backend)) - acceptsBefore - 1;
    const peakRssKiB = memoryKiB(started.pid, 'VmHWM');
    if (!started.running) throw new Error(`${started.name} exited during the load:\n${started.output}`);
    return { ...result, round, peakRssKiB, idleRssKiB, otherCpuPercent, proxyCpuPercent, cpuMicrosPerRequest, serverConnections };
  } finally {
    // a process under --cpu-prof writes its profiles as it exits, which takes a while
    await context.group.stop(started, vigilEnv === undefined ? 5000 : 60_000);
  }
}

/**
 * Starts vigil once and stops it before anything is measured. bin/vigil keeps Node's compile
 * cache (type-stripped sources and compiled code) in its install; the first start after a
 * checkout or an edit fills it and runs the TypeScript stripper, which later starts skip (about
 * 40 MiB and a slower warm-up). Every measured run then starts as a restarted vigil does.
 */
async function primeVigil(context: Context, vigilBin = context.vigilBin): Promise<void> {
  const proxy = proxies.vigil;
  const listens = proxy.listens(context.ports, context.nginxStream);
  await waitForPortsFree(listens);
  const started = proxy.start({ group: context.group, files: context.files, ports: context.ports, vigil: vigilBin, cpus: cpuPlan.proxy1 }, 1);
  try {
    await waitForPorts(started, listens);
  } finally {
    await context.group.stop(started, 5000);
  }
}

/** Waits (60 s at most) for a second in which other processes use less CPU than the threshold */
async function waitForQuiet(context: Context): Promise<void> {
  const until = Date.now() + 60_000;
  let said = false;
  for (;;) {
    const foreign = new ForeignCpu([context.backendPid]);
    foreign.start();
    await sleep(1000);
    const other = foreign.stop();
    if (other <= context.maxOtherCpu) return;
    if (Date.now() > until) {
      console.log(`  (others still use ${other.toFixed(0)}% CPU after 60 s; measuring anyway)`);
      return;
    }
    if (!said) console.log(`  (waiting for a quiet machine: others use ${other.toFixed(0)}% CPU)`);
    said = true;
  }
}

/** VmRSS of an idle Node process (the binary vigil runs on) after 1 s, pinned like a proxy */
async function idleNodeRss(group: ProcessGroup, node: string): Promise<number> {
  const idle = group.start({ name: 'idle node', command: node, args: ['-e', 'setInterval(() => {}, 1000)'], cpus: cpuPlan.proxy1 });
  try {
    await sleep(1000);
    return memoryKiB(idle.pid, 'VmRSS');
  } finally {
    await group.stop(idle);
  }
}

function fmtRun(name: string, r: RunMeasurement): string {
  const p = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : '-');
  return `  ${name.padEnd(8)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s  p50 ${p(r.p50Ms)}  p99 ${p(r.p99Ms)}  p99.9 ${p(r.p999Ms)} ms  peak ${(r.peakRssKiB / 1024).toFixed(1)} MiB  cpu ${r.proxyCpuPercent.toFixed(0)}% ${r.cpuMicrosPerRequest.toFixed(1)} us/req  ${r.serverConnections} server conns  others ${r.otherCpuPercent.toFixed(0)}% CPU${r.errors > 0 ? `  ${r.errors} errors` : ''}`;
}

async function benchmark(context: Context, chosen: readonly Scenario[], chosenProxies: readonly ProxyName[], rounds: number, report: BenchReport): Promise<void> {
  for (const scenario of chosen) {
    const seconds = loadSeconds(context, scenario);
    const result: ScenarioResult = { name: scenario.name, title: scenario.title, load: describeLoad(scenario.load, seconds), threads: scenario.threads, proxies: {} };
    report.scenarios.push(result);
    const runnable: ProxyName[] = [];
    for (const name of chosenProxies) {
      const entry: ProxyResult = { runs: [], discarded: [] };
      result.proxies[name] = entry;
      if (name === 'nginx' && scenario.listener === 'tcp' && !context.nginxStream) entry.skipped = `no stream module (${nginxStreamModule.debianPackage})`;
      else runnable.push(name);
    }
    console.log(`\n${scenario.name}: ${scenario.title} (${result.load}, ${scenario.threads} proxy thread${scenario.threads > 1 ? 's' : ''})`);
    for (let round = 1; round <= rounds; round++) {
      // each round starts with the next proxy, so none always runs first or last
      const order = runnable.map((_, i) => runnable[(i + round - 1) % runnable.length] as ProxyName);
      for (const name of order) {
        // a run during which other processes took a share of the CPUs measures them too: it is
        // kept in the JSON as discarded and measured again, a few times at most
        for (let attempt = 0; ; attempt++) {
          if (context.retries > 0) await waitForQuiet(context);
          const run = await measure(context, scenario, name, round);
          const busy = run.otherCpuPercent > context.maxOtherCpu;
          if (busy && attempt < context.retries) {
            result.proxies[name]?.discarded.push(run);
            console.log(`${fmtRun(name, run)}  (round ${round}, discarded: others used ${run.otherCpuPercent.toFixed(0)}% CPU)`);
            continue;
          }
          result.proxies[name]?.runs.push(run);
          console.log(`${fmtRun(name, run)}  (round ${round}${busy ? ', kept although others were busy' : ''})`);
          break;
        }
      }
    }
    for (const name of runnable) {
      const entry = result.proxies[name];
      if (entry !== undefined) entry.median = summarise(entry.runs);
    }
  }
}

/** vigil alone under `--cpu-prof` (every thread writes its own profile), then a summary of each */
async function profile(context: Context, chosen: readonly Scenario[], dir: string): Promise<void> {
  for (const scenario of chosen) {
    const out = resolve(dir, scenario.name);
    mkdirSync(out, { recursive: true });
    const env = { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${out}` };
    const run = await measure(context, scenario, 'vigil', 1, env);
    console.log(`\n${scenario.name} under --cpu-prof:\n${fmtRun('vigil', run)}`);
    const files = readdirSync(out).filter((f) => f.endsWith('.cpuprofile')).sort();
    for (const file of files) console.log(`\n${join(out, file)}\n${summariseFile(join(out, file), 30, dirname(dirname(context.vigilBin)))}`);
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parse();
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (values.compare) {
    const [before, after] = positionals;
    if (before === undefined || after === undefined) {
      console.error(usage);
      return 2;
    }
    const read = (path: string): BenchReport => JSON.parse(readFileSync(path, 'utf8')) as BenchReport;
    console.log(renderComparison(read(before), read(after)));
    return 0;
  }
  const chosen = pick(scenarios, values.only, 'scenario');
  const chosenProxies = pick(proxyNames.map((name) => ({ name })), values.proxies, 'proxy').map((p) => p.name);
  const interleave = values.interleave;
  if (interleave !== undefined && interleave !== 'haproxy' && interleave !== 'nginx') throw new Error(`Cannot use --interleave "${interleave}": expected haproxy or nginx`);
  if (interleave !== undefined && values.baseline !== undefined) throw new Error('Cannot use --interleave with --baseline: vigil is interleaved with one other at a time');
  const slices = values.slices === undefined ? 20 : Number(values.slices);
  if (!Number.isInteger(slices) || slices < 2 || slices > 200) throw new Error(`Cannot use --slices "${values.slices}": expected 2 to 200`);
  const rounds = values.rounds !== undefined ? Number(values.rounds) : values.quick ? 1 : 3;
  const secondsOverride = values.seconds === undefined ? undefined : Number(values.seconds);
  const portBase = Number(values['port-base']);
  const maxOtherCpu = Number(values['max-other-cpu']);
  if (!(maxOtherCpu >= 0)) throw new Error(`Cannot use --max-other-cpu "${values['max-other-cpu']}": expected a percentage of one CPU`);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 9) throw new Error(`Cannot use --rounds "${values.rounds}": expected 1 to 9`);
  if (secondsOverride !== undefined && !(secondsOverride >= 1 && secondsOverride <= 60)) throw new Error(`Cannot use --seconds "${values.seconds}": expected 1 to 60`);
  if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65000) throw new Error(`Cannot use --port-base "${values['port-base']}"`);

  const tools = checkTools();
  for (const line of describeMissing(tools)) console.error(`bench: ${line}`);
  if (tools.missing.length > 0) {
    console.error('bench: nothing was started; install the packages above and run it again');
    return 1;
  }

  const node = process.execPath;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  let machine = machineInfo(repo, node);
  let vigilBin = join(repo, 'bin', 'vigil');
  if (values['vigil-commit'] !== undefined) {
    let extracted: { root: string; commit: string };
    try {
      extracted = extractCommit(values['vigil-commit'], dir, 'vigil');
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    vigilBin = join(extracted.root, 'bin', 'vigil');
    machine = { ...machine, commit: extracted.commit, dirty: false };
  }
  let vigilBaseBin: string | undefined;
  let baselineCommit: string | undefined;
  if (values.baseline !== undefined) {
    try {
      const extracted = extractCommit(values.baseline, dir, 'vigil-base');
      vigilBaseBin = join(extracted.root, 'bin', 'vigil');
      baselineCommit = extracted.commit;
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }
  const pinningEnabled = machine.nproc >= 2 && tools.paths.has('taskset');
  const pinning: Pinning = { enabled: pinningEnabled, taskset: tools.paths.get('taskset') };
  const group = new ProcessGroup(pinning);

  // every process this run started goes, and its files, whatever way the run ends
  const removeFiles = (): void => {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', () => group.killAllNow());
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`\nbench: ${signal}, stopping everything it started`);
    group.killAllNow();
    removeFiles();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const ports = portsFrom(portBase);
  const files = writeBenchFiles(dir, ports, tools.nginxStream ? nginxStreamModule.path : undefined);
  const warmupSeconds = values.quick ? 1 : 2;
  const context: Context = { group, files, ports, pinning, nginxStream: tools.nginxStream, warmupSeconds, quick: values.quick, secondsOverride, maxOtherCpu, retries: values.quick ? 0 : 3, vigilBin, backendPid: 0 };
  const report: BenchReport = {
    format: 'vigil-bench/1',
    command: ['npm run bench --', ...process.argv.slice(2)].join(' ').replace(/ --$/, ''),
    startedAt: new Date().toISOString(),
    options: { quick: values.quick, rounds, warmupSeconds, maxOtherCpuPercent: maxOtherCpu },
    machine,
    pinning: {
      enabled: pinningEnabled,
      ...cpuPlan,
      note: pinningEnabled
        ? 'a 1-thread proxy on CPU 0; backend nginx and the load generator on CPU 1; 2-thread proxies on CPUs 0-1, sharing CPU 1 with backend and load'
        : machine.nproc < 2
          ? 'one CPU only'
          : 'taskset missing (Debian package util-linux)',
    },
    scenarios: [],
  };

  let backend: Started | undefined;
  try {
    console.log(`bench: ${machine.nproc} CPUs (${machine.cpuModel}), load average ${machine.loadAverageAtStart}; files in ${dir}`);
    if (!pinningEnabled) console.log(`bench: running unpinned: ${report.pinning.note}`);
    if (Number(machine.loadAverageAtStart.split(' ')[0]) > 0.5) {
      console.log('bench: the machine is not idle (load average above 0.5): other processes will share the CPUs; each run records how much');
    }
    if (values['vigil-commit'] !== undefined) console.log(`bench: vigil as committed at ${machine.commit.slice(0, 12)}`);
    else if (machine.dirty) console.log('bench: the work tree has uncommitted changes; the figures measure them too');
    await waitForPortsFree([ports.backend]);
    backend = group.start({ name: 'backend nginx', command: 'nginx', args: ['-p', dir, '-c', files.backendConf], cpus: cpuPlan.backend });
    await waitForPorts(backend, [ports.backend]);
    context.backendPid = backend.pid;

    if (values.profile !== undefined || chosenProxies.includes('vigil') || vigilBaseBin !== undefined) await primeVigil(context);
    const other: Other | undefined =
      vigilBaseBin !== undefined && baselineCommit !== undefined
        ? { kind: 'vigil', bin: vigilBaseBin, commit: baselineCommit }
        : interleave === undefined
          ? undefined
          : { kind: interleave };
    if (other !== undefined) {
      const label = otherLabel(other);
      console.log(`bench: vigil${values['vigil-commit'] === undefined ? ' (work tree)' : ''} against ${label}, both running, ${slices} pairs of 1 s slices`);
      if (other.kind === 'vigil') await primeVigil(context, other.bin);
      const paired = { group, files, ports, vigilBin, other, loadCpus: cpuPlan.load, slices, warmupSeconds, nginxStream: tools.nginxStream };
      const done: PairedScenario[] = [];
      report.interleaved = { other: label, scenarios: done };
      for (const scenario of chosen) {
        if (other.kind === 'nginx' && scenario.listener === 'tcp' && !tools.nginxStream) {
          console.log(`  ${scenario.name}: skipped, nginx has no stream module (${nginxStreamModule.debianPackage})`);
          continue;
        }
        const cpus = scenario.threads === 1 ? cpuPlan.proxy1 : cpuPlan.proxy2;
        done.push(await runPaired({ ...paired, cpus }, scenario, (line) => console.log(line)));
      }
      report.finishedAt = new Date().toISOString();
      console.log(`\n${renderInterleaved(label, done)}`);
      if (values.json !== undefined) {
        writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
        console.log(`\nbench: wrote ${values.json}`);
      }
      return 0;
    }
    if (values.profile !== undefined) {
      await profile(context, chosen, values.profile);
      return 0;
    }
    report.idleNodeRssKiB = await idleNodeRss(group, node);
    await benchmark(context, chosen, chosenProxies, rounds, report);
    report.finishedAt = new Date().toISOString();

    console.log(`\n${renderTable(report)}\n\n${renderLegend(report)}`);
    if (chosenProxies.includes('haproxy')) {
      const rounds = renderRoundRatios(report, 'haproxy');
      if (rounds !== '') console.log(`\n${rounds}`);
    }
    const targets = renderTargets(report);
    if (targets !== '') console.log(`\nissue 8 targets:\n${targets}`);
    const json = `${JSON.stringify(report, null, 2)}\n`;
    if (values.json !== undefined) {
      writeFileSync(values.json, json);
      console.log(`\nbench: wrote ${values.json}`);
    }
    if (values.save) {
      const path = join(repo, 'bench', 'results', `${report.startedAt.slice(0, 10)}-${machine.commit.slice(0, 12)}.json`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, json);
      console.log(`bench: saved ${path}`);
    }
    return 0;
  } finally {
    await group.stopAll();
    removeFiles();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    // the finally blocks have stopped what they could; 'exit' kills anything left
    process.exit(1);
  },
);
