import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderPaired, renderTable, summarise, type BenchReport, type ProxyResult, type RunMeasurement } from '../../bench/e2e/report.ts';

function run(round: number, requestsPerSecond: number, cpuMicrosPerRequest: number): RunMeasurement {
  return {
    round,
    requests: requestsPerSecond * 10,
    requestsPerSecond,
    p50Ms: 1,
    p99Ms: 2,
    p999Ms: 4,
    errors: 0,
    peakRssKiB: 100 * 1024,
    idleRssKiB: 90 * 1024,
    otherCpuPercent: 0,
    proxyCpuPercent: 90,
    cpuMicrosPerRequest,
    serverConnections: 0,
  } as RunMeasurement;
}

function result(runs: RunMeasurement[]): ProxyResult {
  return { runs, discarded: [], median: summarise(runs) };
}

// A machine that slows down over the session: each round is slower than the last, and the work
// tree is 10% faster than the baseline within every round.
const report = {
  baselineCommit: 'abcdef0123456789',
  scenarios: [
    {
      name: 'get-c50',
      title: 't',
      load: 'l',
      threads: 1,
      proxies: {
        vigil: result([run(1, 55_000, 18), run(2, 44_000, 22.5), run(3, 33_000, 30)]),
        'vigil-base': result([run(1, 50_000, 20), run(2, 40_000, 25), run(3, 30_000, 33)]),
      },
    },
  ],
} as unknown as BenchReport;

test('paired ratios take each round on its own, so a drifting machine cancels out', () => {
  const text = renderPaired(report, 'vigil-base');
  assert.match(text, /vigil\/vigil-base \(abcdef012345\)/);
  assert.match(text, /\| get-c50 \| 1\.10x \| 1\.10 1\.10 1\.10 \| 0\.90x \| 0\.90 0\.90 0\.91 \| 1\.00x \|/);
});

test('paired ratios skip rounds the other side did not run, and scenarios without it', () => {
  const partial = structuredClone(report) as unknown as { scenarios: { proxies: Record<string, ProxyResult> }[] };
  const base = partial.scenarios[0]!.proxies['vigil-base']!;
  base.runs.splice(1, 2);
  assert.match(renderPaired(partial as unknown as BenchReport, 'vigil-base'), /\| get-c50 \| 1\.10x \| 1\.10 \|/);
  assert.equal(renderPaired(report, 'haproxy'), '');
});

test('the table has a row and a ratio row for the baseline', () => {
  const table = renderTable(report);
  assert.match(table, /\|  \| vigil-base \| 40\.0k \|/);
  assert.match(table, /\*vigil\/vigil-base\* \| \*1\.10x\*/);
});
