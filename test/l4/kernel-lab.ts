// Shared by the kernel L4 tests: the seed's topologies with vigil's KernelL4 driving nftables
// inside the director's namespace, real clients (curl, ab, a keep-alive Node client) and real
// servers. Nothing here runs at import: node --test loads this file too.
import assert from 'node:assert/strict';
import { httpdArgv } from '../lib/httpd.ts';
import type { Host, Lab } from '../lib/netns.ts';
import { nodeBin } from '../lib/repo-paths.ts';
import { LinuxConntrackPort } from '../../src/netctl/conntrack-linux.ts';
import { LinuxNeighborTablePort } from '../../src/netctl/neighbor-table-linux.ts';
import { LinuxNftablesPort } from '../../src/netctl/nftables-linux.ts';
import { KernelL4 } from '../../src/l4/kernel/runtime.ts';
import type { KernelRealServer, KernelVirtualServer } from '../../src/l4/kernel/model.ts';

export const natVip = '203.0.113.15';
export const drVip = '198.51.100.15';
export const web1Address = '198.51.100.100';
export const web2Address = '198.51.100.200';

export interface Topology {
  readonly client: Host;
  readonly director: Host;
  readonly web1: Host;
  readonly web2: Host;
}

/**
 * NAT: client 203.0.113.10 on "front"; the director 203.0.113.5 (+ VIP .15) there and
 * 198.51.100.5 on "back", forwarding; real servers .100/.200 on "back", routing via the director.
 */
export function declareNat(lab: Lab): Topology {
  const front = lab.switch('front');
  const back = lab.switch('back');
  const client = lab.host('client').link(front, { ifname: 'eth0', addresses: ['203.0.113.10/24'] });
  const director = lab
    .host('lvs1')
    .link(front, { ifname: 'eth0', addresses: ['203.0.113.5/24', `${natVip}/24`] })
    .link(back, { ifname: 'eth1', addresses: ['198.51.100.5/24'] })
    .sysctl('net.ipv4.ip_forward', '1');
  const web1 = lab.host('web1').link(back, { ifname: 'eth0', addresses: [`${web1Address}/24`] }).route('default', { via: '198.51.100.5' });
  const web2 = lab.host('web2').link(back, { ifname: 'eth0', addresses: [`${web2Address}/24`] }).route('default', { via: '198.51.100.5' });
  return { client, director, web1, web2 };
}

/** DR (the seed's case 2 without VRRP): one LAN; the VIP by hand on the director's eth0, on lo of the real servers */
export function declareDr(lab: Lab): Topology {
  const lan = lab.switch('lan');
  const client = lab.host('client').link(lan, { ifname: 'eth0', addresses: ['198.51.100.10/24'] });
  const director = lab.host('lvs1').link(lan, { ifname: 'eth0', addresses: ['198.51.100.5/24', `${drVip}/24`] });
  const web1 = lab.host('web1').link(lan, { ifname: 'eth0', addresses: [`${web1Address}/24`] }).loopbackVip(`${drVip}/32`);
  const web2 = lab.host('web2').link(lan, { ifname: 'eth0', addresses: [`${web2Address}/24`] }).loopbackVip(`${drVip}/32`);
  return { client, director, web1, web2 };
}

export async function startWebs(webs: readonly Host[]): Promise<void> {
  const servers = webs.map((web) => web.spawn(httpdArgv({ port: 80, body: web.addressOf('eth0') }), { name: 'httpd' }));
  await Promise.all(servers.map((server) => server.waitForOutput('httpd listening', { timeoutMs: 10_000 })));
}

// An HTTP server that answers after `delay` ms: the "slow real server" of the lc measurement.
const slowServer = `
const [port, body, delay] = process.argv.slice(1);
require('node:http').createServer((q, r) => setTimeout(() => r.end(body + '\\n'), Number(delay)))
  .listen(Number(port), () => console.log('slow httpd listening'));
process.on('SIGTERM', () => process.exit(0));`;

export async function startSlowWeb(web: Host, delayMs: number): Promise<void> {
  const server = web.spawn([nodeBin, '-e', slowServer, '80', web.addressOf('eth0'), String(delayMs)], { name: 'httpd' });
  await server.waitForOutput('slow httpd listening', { timeoutMs: 10_000 });
}

/** KernelL4 with the Linux ports, every command run inside the director's namespace */
export function kernelOn(director: Host, warnings: string[] = []): KernelL4 {
  const netns = { netns: director.netns };
  return new KernelL4(
    { nftables: new LinuxNftablesPort(netns), neighbors: new LinuxNeighborTablePort(netns), conntrack: new LinuxConntrackPort(netns) },
    { onWarning: (message) => warnings.push(message) },
  );
}

export function service(vip: string, method: 'NAT' | 'DR', scheduler: KernelVirtualServer['scheduler'], realServers: readonly KernelRealServer[]): KernelVirtualServer {
  return { label: `[${vip}]:tcp:80`, match: { kind: 'address', address: vip, port: 80 }, protocol: 'tcp', method, scheduler, schedulerFlags: [], realServers };
}

export function servers(weight1: number, weight2: number): KernelRealServer[] {
  return [
    { id: 'web1', address: web1Address, port: 80, weight: weight1 },
    { id: 'web2', address: web2Address, port: 80, weight: weight2 },
  ];
}

export async function mustApply(l4: KernelL4, services: readonly KernelVirtualServer[]): Promise<void> {
  const result = await l4.apply(services);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
}

/** `count` sequential curls (one connection each); the bodies, trimmed */
export async function curlBodies(client: Host, url: string, count: number): Promise<string[]> {
  const script = `for i in $(seq ${count}); do curl -sS --max-time 2 "$1" || echo FAILED; done`;
  const result = await client.exec(['sh', '-c', script, 'sh', url], { timeoutMs: count * 2_500 + 5_000 });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim().split('\n');
}

export function tally(bodies: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const body of bodies) counts[body] = (counts[body] ?? 0) + 1;
  return counts;
}

export interface AbResult {
  readonly complete: number;
  readonly failed: number;
  readonly non2xx: number;
  readonly seconds: number;
  readonly output: string;
}

/** ApacheBench: `requests` requests, `concurrency` at a time, one connection each; -r: count receive errors, do not stop */
export async function ab(client: Host, url: string, requests: number, concurrency: number, timeoutMs = 60_000): Promise<AbResult> {
  const result = await client.exec(['ab', '-r', '-q', '-s', '5', '-n', String(requests), '-c', String(concurrency), url], { timeoutMs });
  const number = (pattern: RegExp): number => Number(pattern.exec(result.stdout)?.[1] ?? 'NaN');
  const non2xx = /Non-2xx responses:\s+(\d+)/.exec(result.stdout);
  return {
    complete: number(/Complete requests:\s+(\d+)/),
    failed: number(/Failed requests:\s+(\d+)/),
    non2xx: non2xx === null ? 0 : Number(non2xx[1]),
    seconds: number(/Time taken for tests:\s+([\d.]+)/),
    output: result.stdout + result.stderr,
  };
}

export interface LoadResult {
  readonly ok: number;
  readonly failed: number;
  /** answers by body (the real server's address), failures under "FAILED" */
  readonly bodies: Record<string, number>;
  readonly seconds: number;
}

// A load loop in one Node process: `total` GETs, `concurrency` at a time, each on its own
// connection (no agent), each bounded by 3 s. Used where ab will not do: after a reset during
// its connect, ab 2.3 can leave a fresh connection idle without sending its request until its
// -s timeout aborts the whole run; and curl per request costs a process each, too slow here.
const loadClient = `
const http = require('node:http');
const [url, total, concurrency] = process.argv.slice(1).map((v, i) => (i === 0 ? v : Number(v)));
const bodies = {}; let started = 0; const t0 = Date.now();
const one = () => new Promise((resolve) => {
  const done = (key) => { bodies[key] = (bodies[key] || 0) + 1; resolve(); };
  const request = http.get(url, { agent: false, timeout: 3000 }, (response) => {
    let body = ''; response.on('data', (c) => (body += c));
    response.on('end', () => done(response.statusCode === 200 ? body.trim() : 'FAILED'));
    response.on('error', () => done('FAILED'));
  });
  request.on('timeout', () => request.destroy(new Error('timeout')));
  request.on('error', () => done('FAILED'));
});
const worker = async () => { while (started < total) { started++; await one(); } };
Promise.all(Array.from({ length: concurrency }, worker)).then(() => console.log(JSON.stringify({ bodies, seconds: (Date.now() - t0) / 1000 })));`;

export async function load(client: Host, url: string, total: number, concurrency: number): Promise<LoadResult> {
  const result = await client.exec([nodeBin, '-e', loadClient, url, String(total), String(concurrency)], { timeoutMs: Math.ceil(total / concurrency) * 3_500 + 10_000 });
  assert.equal(result.code, 0, result.stderr);
  const parsed = JSON.parse(result.stdout) as { bodies: Record<string, number>; seconds: number };
  const failed = parsed.bodies['FAILED'] ?? 0;
  return { ok: total - failed, failed, bodies: parsed.bodies, seconds: parsed.seconds };
}

// A keep-alive client: `count` GETs over one connection, `gap` ms apart; prints JSON with the
// bodies, the local ports used and the failures.
const keepAliveClient = `
const http = require('node:http');
const [url, count, gap] = process.argv.slice(1);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const out = { bodies: [], ports: [], failures: [] };
const once = () => new Promise((resolve) => {
  const request = http.get(url, { agent, timeout: 3000 }, (response) => {
    let body = ''; response.on('data', (c) => (body += c));
    response.on('end', () => { out.bodies.push(body.trim()); out.ports.push(request.socket.localPort); resolve(); });
  });
  request.on('timeout', () => request.destroy(new Error('timeout')));
  request.on('error', (e) => { out.failures.push(e.message); resolve(); });
});
(async () => {
  for (let i = 0; i < Number(count); i++) { await once(); await new Promise((r) => setTimeout(r, Number(gap))); }
  agent.destroy(); console.log(JSON.stringify(out));
})();`;

// One GET from a given local port, the connection then reset: a reset leaves no TIME_WAIT, so
// the same port can open the next connection at once, as a busy client's ports come round.
const fromPortClient = `
const net = require('node:net');
const [url, port] = process.argv.slice(1);
const { hostname, port: urlPort } = new URL(url);
// a keep-alive request, so the server leaves the connection open for the client to reset
const socket = net.connect({ host: hostname, port: Number(urlPort || 80), localPort: Number(port), timeout: 2000 });
let data = '';
socket.on('connect', () => socket.write('GET / HTTP/1.1\\r\\nhost: ' + hostname + '\\r\\n\\r\\n'));
socket.on('data', (chunk) => {
  data += chunk;
  const end = data.indexOf('\\r\\n\\r\\n');
  const length = /content-length: *(\\d+)/i.exec(data);
  if (end < 0 || length === null || data.length < end + 4 + Number(length[1])) return;
  socket.resetAndDestroy();
  console.log(data.slice(end + 4).trim());
});
socket.on('timeout', () => socket.destroy(new Error('timeout')));
socket.on('error', (e) => { console.error(e.message); process.exitCode = 1; });`;

/** The body of a GET sent from local port `port`; its connection ends with a reset */
export async function getFromPort(client: Host, url: string, port: number): Promise<string> {
  const result = await client.exec([nodeBin, '-e', fromPortClient, url, String(port)], { timeoutMs: 5_000 });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim();
}

export interface KeepAliveResult {
  readonly bodies: string[];
  readonly ports: number[];
  readonly failures: string[];
}

export async function keepAlive(client: Host, url: string, count: number, gapMs: number): Promise<KeepAliveResult> {
  const result = await client.exec([nodeBin, '-e', keepAliveClient, url, String(count), String(gapMs)], { timeoutMs: count * (gapMs + 3_000) + 10_000 });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as KeepAliveResult;
}

/** Resolves once `predicate` holds for the counter of web `id`'s new connections, or after `timeoutMs` */
export async function waitForConnections(l4: KernelL4, id: string, atLeast: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const counters = await l4.counters();
    if (counters.ok) {
      const total = counters.value.flatMap((vs) => vs.realServers).filter((rs) => rs.id === id).reduce((sum, rs) => sum + rs.connections, 0);
      if (total >= atLeast) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function connectionsOf(l4: KernelL4): Promise<Record<string, number>> {
  const counters = await l4.counters();
  assert.ok(counters.ok, counters.ok ? '' : counters.error.message);
  const out: Record<string, number> = {};
  for (const rs of counters.value.flatMap((vs) => vs.realServers)) out[rs.id] = (out[rs.id] ?? 0) + rs.connections;
  return out;
}

export async function vigilTablesIn(director: Host): Promise<string[]> {
  const result = await director.exec(['nft', '-j', 'list', 'tables']);
  assert.equal(result.code, 0, result.stderr);
  const objects = (JSON.parse(result.stdout) as { nftables: Array<{ table?: { family: string; name: string } }> }).nftables;
  return objects.flatMap((object) => (object.table === undefined ? [] : [`${object.table.family} ${object.table.name}`])).filter((name) => name.includes('vigil_'));
}
