// Builders for the admin unit tests: a running-proxy lookalike from haproxy.cfg text, with the
// real check engine on a fake clock (checks answered by a scripted checker), real counters in
// shared memory, and a StatusSources to put fake VRRP/LVS sources in. Not used outside tests.
import { setImmediate as flush } from 'node:timers/promises';
import type { Checker } from '../check/checker.ts';
import { CheckEngine } from '../check/engine.ts';
import { haproxyMonitoredServers } from '../check/from-haproxy.ts';
import { CheckStatus, type CheckOutcome } from '../check/outcome.ts';
import { Diagnostics } from '../config/diagnostics.ts';
import type { HaproxyConfig } from '../config/haproxy/model.ts';
import { parseHaproxy } from '../config/haproxy/parser.ts';
import { FakeClock } from '../core/clock.ts';
import { counterKeys } from '../proxy/build.ts';
import { allocateCounters, createCounterLayout, CounterReader, CounterWriter, type Counter } from '../proxy/counters.ts';
import type { StatsRequest } from '../proxy/stats-bridge.ts';
import { buildSnapshot, numberObjects } from './builder.ts';
import type { AdminContext } from './context.ts';
import { RateTracker } from './rates.ts';
import { StatusSources, type LvsVirtualServerStatus, type VrrpInstanceStatus } from './sources.ts';

export const ok: CheckOutcome = { ok: true, status: CheckStatus.l4ok, info: '', durationMs: 1 };
export const refused: CheckOutcome = { ok: false, status: CheckStatus.l4connect, info: 'Connection refused', durationMs: 0 };

/** answers every check of a server with what the test set for it (L4OK until told otherwise) */
class ScriptedChecker implements Checker {
  readonly kind = 'scripted';
  readonly description = 'scripted';
  outcome: CheckOutcome = ok;
  run(): Promise<CheckOutcome> {
    return Promise.resolve(this.outcome);
  }
}

export interface AdminFixture {
  readonly config: HaproxyConfig;
  readonly engine: CheckEngine;
  readonly clock: FakeClock;
  readonly context: AdminContext;
  readonly sources: StatusSources;
  readonly rates: RateTracker;
  /** adds to one object's counter (`f:web`, `b:web`, `s:web/app1`) */
  count(key: string, counter: Counter, amount?: number): void;
  /** what the checks of `backend/server` answer from now on */
  answer(id: string, outcome: CheckOutcome): void;
  /** moves the fake clock, letting checks run */
  advance(ms: number): Promise<void>;
  /** samples the rates (the wiring does it once a second) */
  sampleRates(): void;
}

export const fixturePid = 4242;

export function adminFixture(text: string): AdminFixture {
  const diagnostics = new Diagnostics();
  const config = parseHaproxy([{ file: 'test.cfg', text }], { diagnostics, env: {} });
  if (diagnostics.hasErrors()) throw new Error(diagnostics.items.map((d) => d.message).join('\n'));
  const clock = new FakeClock();
  const engine = new CheckEngine({ clock, jitter: 0, random: () => 0 });
  const checkers = new Map<string, ScriptedChecker>();
  for (const server of haproxyMonitoredServers(config)) {
    const checker = new ScriptedChecker();
    checkers.set(server.id, checker);
    engine.add({ ...server, probes: server.probes.map((p) => ({ ...p, checker })) });
  }
  const keys = counterKeys(config);
  const layout = createCounterLayout(keys, 1);
  const buffer = allocateCounters(layout);
  const writer = new CounterWriter(buffer, layout, 0);
  const reader = new CounterReader(buffer, layout);
  const sources = new StatusSources();
  const rates = new RateTracker((key) => reader.read(key));
  const numbering = numberObjects(config);
  const startedAt = clock.wallNow();
  const context: AdminContext = {
    config,
    servers: engine,
    numbering,
    sources,
    snapshot: () =>
      buildSnapshot(
        { config, servers: engine, counters: reader, rates, sources, process: { pid: fixturePid, startedAt, version: '0.1.0', nbthread: 1, listeners: 2 }, now: () => clock.wallNow() },
        numbering,
      ),
  };
  engine.start();
  return {
    config,
    engine,
    clock,
    context,
    sources,
    rates,
    count: (key, counter, amount = 1) => writer.add(CounterWriter.base(layout, key), counter, amount),
    answer: (id, outcome) => {
      const checker = checkers.get(id);
      if (checker === undefined) throw new Error(`No checked server "${id}"`);
      checker.outcome = outcome;
    },
    advance: async (ms) => {
      for (let t = 0; t < ms; t += 100) {
        clock.advance(100);
        await flush();
      }
    },
    sampleRates: () => rates.sample(keys),
  };
}

/** the seed's case 3 on loopback, with two checked servers and `stats admin if TRUE` */
export const seedLikeConfig = `
global
    maxconn 2000
defaults
    mode http
    timeout client 30s
    timeout server 30s
    timeout connect 5s
listen websrv 127.0.0.1:8080
    balance roundrobin
    server web1 127.0.0.1:8081 check inter 2000 rise 2 fall 5
    server web2 127.0.0.1:8082 check inter 2000 rise 2 fall 5
    server spare 127.0.0.1:8083 backup
listen stats 127.0.0.1:1080
    stats refresh 30s
    stats uri /status
    stats realm "Haproxy Manager"
    stats auth admin:admin
    stats auth ops:s3cret
    stats admin if TRUE
`;

export function statsRequest(overrides: Partial<StatsRequest> = {}): StatsRequest {
  return { frontend: 'stats', method: 'GET', target: '/status', headers: ['Host', '127.0.0.1'], source: '127.0.0.1', sourcePort: 40000, body: new Uint8Array(), ...overrides };
}

export function basic(user: string, password: string): string[] {
  return ['Authorization', `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`];
}

/** a raw HTTP/1.1 response split into status, lower-cased headers and body */
export function parseResponse(bytes: Uint8Array): { status: number; headers: Map<string, string>; body: string } {
  const text = Buffer.from(bytes).toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(end + 4) };
}

export const fakeVrrp: readonly VrrpInstanceStatus[] = [
  {
    name: 'VI_1',
    state: 'MASTER',
    interface: 'eth0',
    virtualRouterId: 51,
    priority: 100,
    effectivePriority: 100,
    virtualAddresses: ['198.51.100.15/24'],
    masterSince: 1_700_000_000_000,
    lastTransition: { at: 1_700_000_000_000, from: 'BACKUP', to: 'MASTER', reason: 'master down timer expired' },
  },
];

/** the seed's case 2 (`ipvsadm -Ln` on lvs1), addresses mapped to the documentation range */
export const fakeLvs: readonly LvsVirtualServerStatus[] = [
  {
    protocol: 'TCP',
    address: '198.51.100.15',
    port: 80,
    scheduler: 'rr',
    flags: [],
    realServers: [
      { address: '198.51.100.200', port: 80, weight: 1, forward: 'Route', activeConnections: 0, inactiveConnections: 0, up: true },
      { address: '198.51.100.100', port: 80, weight: 1, forward: 'Route', activeConnections: 0, inactiveConnections: 0, up: true },
    ],
  },
];
