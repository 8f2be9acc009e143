import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderInterleaved, type Slice } from '../../bench/e2e/paired.ts';
import { renderRoundRatios, renderTable, summarise, type BenchReport, type ProxyResult, type RunMeasurement } from '../../bench/e2e/report.ts';

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

// A machine that slows down over the session: each round is slower than the last, and vigil is
// 10% faster than HAProxy within every round.
const report = {
  scenarios: [
    {
      name: 'get-c50',
      title: 't',
      load: 'l',
      threads: 1,
      proxies: {
        vigil: result([run(1, 55_000, 18), run(2, 44_000, 22.5), run(3, 33_000, 30)]),
        haproxy: result([run(1, 50_000, 20), run(2, 40_000, 25), run(3, 30_000, 33)]),
      },
    },
  ],
} as unknown as BenchReport;

test('round ratios take each round on its own, so a drifting machine cancels out', () => {
  const text = renderRoundRatios(report, 'haproxy');
  assert.match(text, /vigil\/haproxy, round by round/);
  assert.match(text, /\| get-c50 \| 1\.10x \| 1\.10 1\.10 1\.10 \| 0\.90x \| 0\.90 0\.90 0\.91 \| 1\.00x \|/);
});

test('round ratios skip rounds the other proxy did not run, and scenarios without it', () => {
  const partial = structuredClone(report) as unknown as { scenarios: { proxies: Record<string, ProxyResult> }[] };
  partial.scenarios[0]!.proxies['haproxy']!.runs.splice(1, 2);
  assert.match(renderRoundRatios(partial as unknown as BenchReport, 'haproxy'), /\| get-c50 \| 1\.10x \| 1\.10 \|/);
  assert.equal(renderRoundRatios(report, 'nginx'), '');
});

test('the table has a row per proxy and vigil\'s ratio to each other', () => {
  const table = renderTable(report);
  assert.match(table, /\|  \| haproxy \| 40\.0k \|/);
  assert.match(table, /\*vigil\/haproxy\* \| \*1\.10x\*/);
});

test('baseline slices are summed per side: requests over seconds, CPU ticks over requests', () => {
  const slice = (side: 'vigil' | 'other', requests: number, ticks: number, p99Ms: number): Slice => ({ side, requests, seconds: 1, ticks, p99Ms, errors: 0 });
  // one slow moment hits both sides alike; the base costs 10% more CPU per request throughout
  const slices = [slice('vigil', 40_000, 80, 2), slice('other', 40_000, 88, 3), slice('other', 20_000, 44, 5), slice('vigil', 20_000, 40, 4)];
  const text = renderInterleaved('vigil at 0123456789ab', [{ name: 'get-c50', slices }]);
  assert.match(text, /against vigil at 0123456789ab, both running/);
  assert.match(text, /\| get-c50 \| 2 \| 30000 \| 30000 \| 1\.000x \| 20\.00 \| 22\.00 \| 0\.909x \| 3\.00 \| 4\.00 \| 0 \|/);
});
