// Micro-benchmark of Balancer.pick, the per-request hot path, for every registered algorithm:
// nanoseconds and heap bytes allocated per pick over 1e6 picks, and the cost of a rebuild (what
// every health or weight change pays). Run: node bench/balance.bench.ts [picks]
//
// Each algorithm runs in its own child process so one algorithm's JIT state (a call site made
// polymorphic by the previous one) does not slow the next. Requests are built before timing and
// reused, so the bytes column is what pick itself allocates: it should read 0.00. Loads are fixed
// small numbers so leastconn, first and random do their real work; random uses its own generator,
// the production default.
import { spawnSync } from 'node:child_process';
import { getHeapStatistics } from 'node:v8';
import type { BalanceAlgorithm, BalanceRequest, BalanceServer, Balancer, HashType, ServerLoad } from '../src/balance/balancer.ts';
import { balanceAlgorithms } from '../src/balance/registry.ts';
import { makeServers, seededRandom, variedRequest } from '../src/balance/testing.ts';

const WARMUP = 200_000;
const REQUEST_COUNT = 4096;
const BUILDS = 50;

/** arguments for the algorithms that cannot run without some */
const benchArgs: Readonly<Record<string, readonly string[]>> = { url_param: ['userid'], hdr: ['Host'] };

interface Shape {
  readonly label: string;
  readonly weights: readonly number[];
}

const shapes: readonly Shape[] = [
  { label: '3 x weight 1', weights: [1, 1, 1] },
  { label: '20 x weight 1-4', weights: Array.from({ length: 20 }, (_, i) => 1 + (i % 4)) },
  { label: '20 x weight 100', weights: Array.from({ length: 20 }, () => 100) },
];

interface Row {
  algorithm: string;
  servers: string;
  'ns/pick': string;
  'bytes/pick': string;
  'build ms': string;
}

function fixedLoad(servers: readonly BalanceServer[]): ServerLoad {
  const rng = seededRandom(17);
  const active = new Int32Array(servers.length);
  for (let i = 0; i < active.length; i++) active[i] = 1 + Math.floor(rng() * 8);
  return { active: (server) => active[server.index]! };
}

function pickMany(balancer: Balancer, requests: readonly BalanceRequest[], count: number): number {
  let sink = 0;
  for (let i = 0; i < count; i++) sink += balancer.pick(requests[i & (REQUEST_COUNT - 1)]!)?.index ?? 0;
  return sink;
}

function measure(algorithm: BalanceAlgorithm, hashType: HashType, shape: Shape, picks: number): Row {
  const requests: BalanceRequest[] = Array.from({ length: REQUEST_COUNT }, (_, i) => variedRequest(i));
  const servers = makeServers(shape.weights);
  const options = { args: benchArgs[algorithm.name] ?? [], hashType, load: fixedLoad(servers) };

  for (let i = 0; i < 5; i++) algorithm.build(servers, options); // warm the build path
  const buildStart = performance.now();
  for (let i = 0; i < BUILDS - 1; i++) algorithm.build(servers, options);
  const balancer = algorithm.build(servers, options);
  const buildMs = (performance.now() - buildStart) / BUILDS;

  // the same function warms up and measures, so the timed picks run fully optimised code
  pickMany(balancer, requests, WARMUP);
  const bytesBefore = getHeapStatistics().total_allocated_bytes;
  const start = process.hrtime.bigint();
  const sink = pickMany(balancer, requests, picks);
  const elapsedNs = Number(process.hrtime.bigint() - start);
  const bytes = getHeapStatistics().total_allocated_bytes - bytesBefore;
  if (sink < 0) console.log(sink); // keeps the loop from being optimised away

  return {
    algorithm: algorithm.usesRequest ? `${algorithm.name} (${hashType})` : algorithm.name,
    servers: shape.label,
    'ns/pick': (elapsedNs / picks).toFixed(1),
    'bytes/pick': (bytes / picks).toFixed(2),
    'build ms': buildMs.toFixed(3),
  };
}

const [mode, name, hashType, picksArg] = process.argv.slice(2);
if (mode === '--one') {
  const algorithm = balanceAlgorithms.get(name ?? '');
  if (algorithm === undefined) throw new Error(`Unknown balance algorithm "${name}"`);
  const rows = shapes.map((shape) => measure(algorithm, hashType as HashType, shape, Number(picksArg)));
  process.stdout.write(JSON.stringify(rows));
} else {
  const picks = Number(mode ?? 1_000_000);
  const rows: Row[] = [];
  for (const algorithm of balanceAlgorithms.values()) {
    const hashTypes: HashType[] = algorithm.usesRequest ? ['map-based', 'consistent'] : ['map-based'];
    for (const type of hashTypes) {
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, import.meta.filename, '--one', algorithm.name, type, String(picks)],
        { encoding: 'utf8' },
      );
      if (child.status !== 0) throw new Error(`Benchmark of ${algorithm.name} failed: ${child.stderr}`);
      rows.push(...(JSON.parse(child.stdout) as Row[]));
    }
  }
  console.log(`Balancer.pick, ${picks.toLocaleString('en')} picks per row, Node ${process.version}`);
  console.table(rows);
}
