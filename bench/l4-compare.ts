// The L4 comparison (issue 7): the same two real servers behind four directors, in a NAT lab of
// network namespaces (test/l4/kernel-lab.ts's topology: client 203.0.113.10; director 203.0.113.5
// + VIP 203.0.113.15 and 198.51.100.5, forwarding; real servers 198.51.100.100/.200 routing back
// through it):
//
//   kernel      `vigil run` with a keepalived.conf virtual_server (lb_kind NAT, rr, TCP_CHECK):
//               nftables DNAT in the director's kernel; the real servers see the client
//   userspace   the same keepalived.conf with `--l4 userspace`: vigil relays each connection
//   haproxy     HAProxy `mode tcp`, `balance roundrobin`, nbthread 1
//   vigil-tcp   vigil running that very haproxy.cfg
//
// Each is measured with wrk from the client (keep-alive small GETs, -t1 -c50 -d8s: req/s and p99)
// and ab (-c 50 -n 5000, a new connection per request: conn/s). The four alternate, 3 rounds (the
// order rotating each round), and the table shows the medians with ratios to HAProxy.
//
//   node_modules/node/bin/node bench/l4-compare.ts            the table (about 4 minutes)
//   node_modules/node/bin/node bench/l4-compare.ts --json     the table on stderr, JSON on stdout
//   ... --quick                                               1 round, 3 s wrk, ab -n 1000
//   ... --rounds N --seconds S --ab-requests N --only kernel,haproxy --pin
//
// Needs root (network namespaces, nftables), nft, wrk, ab, haproxy and curl; the real servers run
// nginx (one worker each, a 15-byte body from `return 200`) when it is installed, else the test
// suite's Node httpd. It installs nothing: what is missing is named with its Debian package.
// Only the lab's own namespaces are touched; every load is bounded by count and time, and the whole
// run by a deadline. `--pin` puts the director's proxy on CPU 0 and the client and real servers on
// CPU 1 (default: unpinned, as the kernel path's work runs in softirq on the sending CPU anyway).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { commandExists } from '../test/lib/command.ts';
import { httpdArgv } from '../test/lib/httpd.ts';
import { Lab, type Host, type HostProcess } from '../test/lib/netns.ts';
import { repoPath } from '../test/lib/repo-paths.ts';
import { isRoot } from '../test/lib/root.ts';
import { declareNat, natVip, web1Address, web2Address } from '../test/l4/kernel-lab.ts';

const variants = ['kernel', 'userspace', 'haproxy', 'vigil-tcp'] as const;
type Variant = (typeof variants)[number];

const describeVariant: Readonly<Record<Variant, string>> = {
  kernel: 'vigil run, keepalived.conf lb_kind NAT (nftables)',
  userspace: 'vigil run --l4 userspace, same keepalived.conf',
  haproxy: 'HAProxy mode tcp, balance roundrobin, nbthread 1',
  'vigil-tcp': 'vigil run, the same haproxy.cfg',
};

const usage = `usage: node bench/l4-compare.ts [--json] [--quick] [--rounds N] [--seconds S] [--ab-requests N] [--only ${variants.join(',')}] [--pin]`;

// Bounds: the run as a whole, and each step
const RUN_DEADLINE_MS = 9 * 60_000;
const START_TIMEOUT_MS = 20_000;

interface Options {
  readonly json: boolean;
  readonly rounds: number;
  readonly seconds: number;
  readonly abRequests: number;
  readonly warmupSeconds: number;
  readonly only: readonly Variant[];
  readonly pin: boolean;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      'ab-requests': { type: 'string' },
      only: { type: 'string' },
      pin: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const positive = (name: string, value: string | undefined, fallback: number, max: number): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) fail(`--${name} takes a whole number from 1 to ${max}, not "${value}"`);
    return n;
  };
  const only = (values.only?.split(',').map((v) => v.trim()) ?? [...variants]) as Variant[];
  for (const name of only) if (!variants.includes(name)) fail(`--only: unknown variant "${name}" (known: ${variants.join(', ')})`);
  return {
    json: values.json,
    rounds: positive('rounds', values.rounds, values.quick ? 1 : 3, 9),
    seconds: positive('seconds', values.seconds, values.quick ? 3 : 8, 30),
    abRequests: positive('ab-requests', values['ab-requests'], values.quick ? 1000 : 5000, 20_000),
    warmupSeconds: values.quick ? 1 : 2,
    only,
    pin: values.pin,
  };
}

function fail(message: string): never {
  process.stderr.write(`l4-compare: ${message}\n${usage}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// what the machine must have

const tools = [
  { command: 'nft', debianPackage: 'nftables', why: 'the kernel NAT path' },
  { command: 'wrk', debianPackage: 'wrk', why: 'keep-alive load with latency percentiles' },
  { command: 'ab', debianPackage: 'apache2-utils', why: 'a new connection per request' },
  { command: 'haproxy', debianPackage: 'haproxy', why: 'the reference mode tcp proxy' },
  { command: 'curl', debianPackage: 'curl', why: 'checks that each director answers before it is measured' },
] as const;

function preflight(options: Options): { nginx: boolean } {
  const problems: string[] = [];
  if (process.platform !== 'linux') problems.push('needs Linux (network namespaces, nftables)');
  if (!isRoot()) problems.push('needs root: it builds network namespaces and programs nftables inside them (run it with sudo)');
  const missing = tools.filter((tool) => !commandExists(tool.command) && !inSbin(tool.command));
  for (const tool of missing) problems.push(`missing: ${tool.command} (${tool.why}); Debian package "${tool.debianPackage}"`);
  if (missing.length > 0) problems.push(`to install them: apt-get install ${missing.map((tool) => tool.debianPackage).join(' ')}`);
  if (options.pin && !commandExists('taskset')) problems.push('--pin needs taskset; Debian package "util-linux"');
  if (options.pin && availableParallelism() < 2) problems.push('--pin needs 2 CPUs or more');
  if (problems.length > 0) {
    process.stderr.write(`l4-compare cannot run:\n${problems.map((line) => `  ${line}`).join('\n')}\n`);
    process.exit(2);
  }
  return { nginx: commandExists('nginx') || inSbin('nginx') };
}

function inSbin(command: string): boolean {
  const saved = process.env['PATH'];
  process.env['PATH'] = '/usr/sbin:/sbin:/usr/local/sbin';
  try {
    return commandExists(command);
  } finally {
    process.env['PATH'] = saved;
  }
}

// ---------------------------------------------------------------------------------------------
// configs

const keepalivedConf = `! bench/l4-compare.ts: LVS-NAT, no VRRP (the VIP is on the director's eth0)
virtual_server ${natVip} 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
${[web1Address, web2Address]
  .map(
    (address) => `    real_server ${address} 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 1
            retry 1
            delay_before_retry 1
        }
    }`,
  )
  .join('\n')}
}
`;

// one thread for both proxies; health checks as cheap as the keepalived.conf's TCP_CHECK
const haproxyCfg = `# bench/l4-compare.ts: run unchanged by HAProxy and by vigil
global
    maxconn 4096
    nbthread 1

defaults
    mode tcp
    timeout connect 5s
    timeout client 30s
    timeout server 30s

listen web
    bind ${natVip}:80
    balance roundrobin
    server web1 ${web1Address}:80 check inter 1s
    server web2 ${web2Address}:80 check inter 1s
`;

function nginxConf(dir: string, name: string, body: string): string {
  const prefix = join(dir, name);
  return `# bench/l4-compare.ts: real server ${name}
worker_processes 1;
daemon off;
pid ${prefix}.pid;
error_log ${prefix}.error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path ${prefix}.body;
    proxy_temp_path ${prefix}.proxy;
    fastcgi_temp_path ${prefix}.fastcgi;
    uwsgi_temp_path ${prefix}.uwsgi;
    scgi_temp_path ${prefix}.scgi;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    server {
        listen 80 backlog=4096;
        location / {
            default_type text/plain;
            return 200 "${body}\\n";
        }
    }
}
`;
}

// ---------------------------------------------------------------------------------------------
// the lab and its processes

interface Bench {
  readonly lab: Lab;
  readonly client: Host;
  readonly director: Host;
  readonly dir: string;
  readonly pin: boolean;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU pinning prefix: the director's proxy on CPU 0, everything else on CPU 1 */
const onCpu = (bench: Bench, cpu: 0 | 1): string[] => (bench.pin ? ['taskset', '-c', String(cpu)] : []);

async function startRealServers(bench: Bench, webs: readonly Host[], nginx: boolean): Promise<void> {
  await Promise.all(
    webs.map(async (web) => {
      const body = web.addressOf('eth0');
      if (nginx) {
        const conf = join(bench.dir, `${web.name}.nginx.conf`);
        writeFileSync(conf, nginxConf(bench.dir, web.name, body));
        web.spawn([...onCpu(bench, 1), 'nginx', '-c', conf], { name: 'nginx' });
      } else {
        web.spawn([...onCpu(bench, 1), ...httpdArgv({ port: 80, body })], { name: 'httpd' });
      }
      await until(async () => (await web.exec(['curl', '-sS', '--max-time', '1', `http://${body}/`], { timeoutMs: 3_000 })).stdout.trim() === body, START_TIMEOUT_MS, `${web.name}'s server answering`);
    }),
  );
}

async function until(probe: () => Promise<boolean>, limitMs: number, what: string, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await probe().catch(() => false))) {
    if (!alive()) throw new Error(`${what}: the process exited`);
    if (Date.now() > deadline) throw new Error(`${what}: not within ${limitMs} ms`);
    await sleep(100);
  }
}

async function curlBody(bench: Bench): Promise<string> {
  const result = await bench.client.exec(['curl', '-sS', '--max-time', '2', `http://${natVip}/`], { timeoutMs: 4_000 });
  return result.code === 0 ? result.stdout.trim() : `error ${String(result.code)}`;
}

/** Starts a variant's director and resolves once its VIP answers from both real servers */
async function startDirector(bench: Bench, variant: Variant, round: number): Promise<HostProcess> {
  const { director } = bench;
  const socket = join(bench.dir, `${variant}.sock`);
  const confFile = join(bench.dir, variant === 'kernel' || variant === 'userspace' ? 'keepalived.conf' : 'haproxy.cfg');
  const name = `${variant}-${round}`;
  const vigil = [...onCpu(bench, 0), repoPath('bin/vigil'), 'run', '--socket', socket];
  const argv: Record<Variant, string[]> = {
    kernel: [...vigil, '-f', confFile],
    userspace: [...vigil, '--l4', 'userspace', '-f', confFile],
    haproxy: [...onCpu(bench, 0), 'haproxy', '-db', '-f', confFile],
    'vigil-tcp': [...vigil, '-f', confFile],
  };
  const started = director.spawn(argv[variant], { name });
  if (variant === 'kernel' || variant === 'userspace') {
    await started.waitForOutput(`using the ${variant} data path`, { timeoutMs: START_TIMEOUT_MS });
  }
  // both real servers in rotation: two consecutive answers differ (the checks have passed)
  await until(
    async () => {
      const [first, second] = [await curlBody(bench), await curlBody(bench)];
      return new Set([first, second]).size === 2 && [first, second].every((body) => body === web1Address || body === web2Address);
    },
    START_TIMEOUT_MS,
    `${variant} answering from both real servers`,
    () => started.running,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${started.output}`);
  });
  return started;
}

async function stopDirector(bench: Bench, variant: Variant, started: HostProcess): Promise<void> {
  const status = await started.stop({ graceMs: 5_000 });
  if (status?.code !== 0 && status?.signal !== 'SIGTERM') log(`  note: ${variant} ended with ${JSON.stringify(status)}`);
  if (variant === 'kernel') {
    const tables = await bench.director.exec(['nft', 'list', 'tables'], { timeoutMs: 5_000 });
    if (tables.stdout.includes('vigil_')) throw new Error(`vigil left nftables tables behind in the director:\n${tables.stdout}`);
  }
}

// ---------------------------------------------------------------------------------------------
// the loads

interface WrkResult {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly errors: number;
}

interface AbResult {
  readonly connectionsPerSecond: number;
  readonly complete: number;
  readonly errors: number;
}

function parseDuration(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text);
  if (match === null) return Number.NaN;
  const scale: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  return Number(match[1]) * (scale[match[2] ?? ''] ?? Number.NaN);
}

async function wrk(bench: Bench, seconds: number): Promise<WrkResult> {
  const argv = [...onCpu(bench, 1), 'wrk', '-t1', '-c50', `-d${seconds}s`, '--timeout', '5s', '--latency', `http://${natVip}/`];
  const result = await bench.client.exec(argv, { timeoutMs: (seconds + 20) * 1000 });
  const out = result.stdout;
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out)?.[1];
  if (result.code !== 0 || rps === undefined) throw new Error(`wrk failed (exit ${String(result.code)}):\n${out}\n${result.stderr}`);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return {
    requestsPerSecond: Number(rps),
    p99Ms: parseDuration(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? ''),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? Number.NaN),
    errors: non2xx + (socketErrors === null ? 0 : socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0)),
  };
}

async function ab(bench: Bench, requests: number): Promise<AbResult> {
  // no -k: a new connection per request; -r: a failed read is counted, not fatal
  const argv = [...onCpu(bench, 1), 'ab', '-q', '-r', '-s', '5', '-c', '50', '-n', String(requests), `http://${natVip}/`];
  const result = await bench.client.exec(argv, { timeoutMs: 120_000 });
  const out = result.stdout;
  const rps = /Requests per second:\s+([\d.]+)/.exec(out)?.[1];
  if (rps === undefined) throw new Error(`ab failed (exit ${String(result.code)}):\n${out}\n${result.stderr}`);
  const number = (pattern: RegExp): number => Number(pattern.exec(out)?.[1] ?? 0);
  const complete = number(/Complete requests:\s+(\d+)/);
  return {
    connectionsPerSecond: Number(rps),
    complete,
    errors: number(/Failed requests:\s+(\d+)/) + number(/Non-2xx responses:\s+(\d+)/) + (requests - complete),
  };
}

// ---------------------------------------------------------------------------------------------
// report

interface RoundResult {
  readonly round: number;
  readonly wrk: WrkResult;
  readonly ab: AbResult;
}

interface Summary {
  readonly variant: Variant;
  readonly description: string;
  readonly wrkRequestsPerSecond: number;
  readonly wrkP99Ms: number;
  readonly abConnectionsPerSecond: number;
  readonly errors: number;
  readonly rounds: readonly RoundResult[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function summarise(variant: Variant, rounds: readonly RoundResult[]): Summary {
  return {
    variant,
    description: describeVariant[variant],
    wrkRequestsPerSecond: median(rounds.map((r) => r.wrk.requestsPerSecond)),
    wrkP99Ms: median(rounds.map((r) => r.wrk.p99Ms)),
    abConnectionsPerSecond: median(rounds.map((r) => r.ab.connectionsPerSecond)),
    errors: rounds.reduce((sum, r) => sum + r.wrk.errors + r.ab.errors, 0),
    rounds,
  };
}

function renderTable(summaries: readonly Summary[], options: Options): string {
  const reference = summaries.find((s) => s.variant === 'haproxy');
  const ratio = (value: number, of: number | undefined): string => (of === undefined || !(of > 0) ? '' : `${(value / of).toFixed(2)}x`);
  const header = ['director', 'wrk req/s', 'vs HAProxy', 'wrk p99 ms', 'vs HAProxy', 'ab conn/s', 'vs HAProxy', 'errors'];
  const rows = summaries.map((s) => [
    s.variant,
    s.wrkRequestsPerSecond.toFixed(0),
    ratio(s.wrkRequestsPerSecond, reference?.wrkRequestsPerSecond),
    s.wrkP99Ms.toFixed(2),
    ratio(s.wrkP99Ms, reference?.wrkP99Ms),
    s.abConnectionsPerSecond.toFixed(0),
    ratio(s.abConnectionsPerSecond, reference?.abConnectionsPerSecond),
    String(s.errors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [
    `medians of ${options.rounds} round(s): wrk -t1 -c50 -d${options.seconds}s (keep-alive GET, 15-byte body); ab -c 50 -n ${options.abRequests} (a connection per request)`,
    'ratios: to HAProxy (req/s and conn/s: higher is better; p99: lower is better)',
    '',
    line(header),
    line(header.map((_, i) => '-'.repeat(widths[i] ?? 0))),
    ...rows.map(line),
    '',
    ...summaries.map((s) => `${s.variant.padEnd(10)} ${s.description}`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseOptions();
  const { nginx } = preflight(options);
  const startedAt = Date.now();
  const deadline = setTimeout(() => {
    log(`l4-compare: still running after ${RUN_DEADLINE_MS / 60_000} minutes; stopping (the lab is removed on exit)`);
    process.exit(3);
  }, RUN_DEADLINE_MS);
  deadline.unref();

  const dir = mkdtempSync(join(tmpdir(), 'vigil-l4-compare-'));
  writeFileSync(join(dir, 'keepalived.conf'), keepalivedConf);
  writeFileSync(join(dir, 'haproxy.cfg'), haproxyCfg);
  const lab = await Lab.create('l4-compare');
  let ok = false;
  try {
    const { client, director, web1, web2 } = declareNat(lab);
    // ab opens a connection per request: tens of thousands per run, mostly in TIME_WAIT a while
    for (const host of [client, director]) host.sysctl('net.ipv4.ip_local_port_range', '1024 65000').sysctl('net.ipv4.tcp_tw_reuse', '1');
    await lab.up();
    const bench: Bench = { lab, client, director, dir, pin: options.pin };
    await startRealServers(bench, [web1, web2], nginx);
    const load = loadavg()[0] ?? 0;
    log(`l4-compare: ${availableParallelism()} CPUs (load average ${load.toFixed(2)}), real servers: ${nginx ? 'nginx, 1 worker each' : 'the test httpd (nginx is not installed)'}, ${options.pin ? 'pinned (director CPU 0, rest CPU 1)' : 'unpinned'}`);
    log(`l4-compare: ${options.rounds} round(s) of ${options.only.join(', ')}; lab logs in ${lab.logDir}`);

    const results = new Map<Variant, RoundResult[]>(options.only.map((v) => [v, []]));
    for (let round = 1; round <= options.rounds; round++) {
      // rotate the order so no variant always runs first (or last)
      const shift = (round - 1) % options.only.length;
      const order = [...options.only.slice(shift), ...options.only.slice(0, shift)];
      for (const variant of order) {
        const started = await startDirector(bench, variant, round);
        try {
          await wrk(bench, options.warmupSeconds); // JIT, caches, neighbour entries
          const wrkResult = await wrk(bench, options.seconds);
          const abResult = await ab(bench, options.abRequests);
          results.get(variant)?.push({ round, wrk: wrkResult, ab: abResult });
          log(
            `  round ${round} ${variant.padEnd(10)} wrk ${wrkResult.requestsPerSecond.toFixed(0)} req/s p99 ${wrkResult.p99Ms.toFixed(2)} ms` +
              `, ab ${abResult.connectionsPerSecond.toFixed(0)} conn/s, errors ${wrkResult.errors + abResult.errors}`,
          );
        } finally {
          await stopDirector(bench, variant, started);
        }
      }
    }

    const summaries = options.only.map((variant) => summarise(variant, results.get(variant) ?? []));
    const table = renderTable(summaries, options);
    const report = {
      bench: 'l4-compare',
      date: new Date().toISOString(),
      machine: { cpus: availableParallelism(), loadAverageAtStart: load, realServers: nginx ? 'nginx' : 'test-httpd', pinned: options.pin },
      settings: { rounds: options.rounds, wrk: `-t1 -c50 -d${options.seconds}s`, ab: `-c 50 -n ${options.abRequests}` },
      seconds: Math.round((Date.now() - startedAt) / 1000),
      results: summaries,
    };
    if (options.json) {
      log(`\n${table}`);
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      process.stdout.write(`\n${table}\n`);
    }
    log(`l4-compare: done in ${report.seconds} s`);
    ok = true;
  } finally {
    clearTimeout(deadline);
    if (!ok) log(`l4-compare failed; lab logs kept in ${lab.logDir}\n${lab.failureReport(15)}`);
    await lab.down();
    if (ok) await lab.removeLogs();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`l4-compare: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
