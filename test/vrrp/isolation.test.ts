// VRRP adverts keep their schedule while the proxy is saturated: one vigil runs a keepalived.conf
// (VRRPv3, an advert every 50 ms, so there are many to measure) and a haproxy.cfg at once; wrk
// drives the proxy flat out from another host. The VRRP thread measures how late each periodic
// advert leaves and prints it at stop; the figures idle and under load are compared.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { commandExists } from '../lib/command.ts';
import { httpdArgv } from '../lib/httpd.ts';
import { withLab } from '../lib/lab-fixture.ts';
import type { Host } from '../lib/netns.ts';
import { repoPath } from '../lib/repo-paths.ts';
import { requireRoot } from '../lib/root.ts';

const keepalived = `vrrp_instance VI_1 {
    interface eth0
    version 3
    virtual_router_id 51
    priority 100
    advert_int 0.05
    virtual_ipaddress {
        198.51.100.80/24
    }
}
`;

const haproxy = `global
    maxconn 4000
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend web
    bind 198.51.100.100:8080
    default_backend app
backend app
    server s1 127.0.0.1:8081
`;

interface Lateness {
  readonly count: number;
  readonly max: number;
  readonly p50: number;
  readonly p99: number;
}

async function runAndMeasure(node: Host, client: Host | undefined, dir: string, name: string): Promise<{ lateness: Lateness; requests: number }> {
  const vigil = node.spawn([repoPath('bin/vigil'), 'run', '-f', join(dir, 'keepalived.conf'), '-f', join(dir, 'haproxy.cfg'), '--socket', join(dir, `${name}.sock`)], { name: `vigil-${name}` });
  await vigil.waitForOutput('Entering MASTER STATE', { timeoutMs: 15_000 });
  await vigil.waitForOutput('proxy web listening', { timeoutMs: 15_000 });
  let requests = 0;
  if (client !== undefined) {
    // bounded: 8 seconds, 200 connections, one thread
    const wrk = await client.exec(['wrk', '-t1', '-c200', '-d8s', 'http://198.51.100.100:8080/'], { timeoutMs: 30_000 });
    assert.equal(wrk.code, 0, wrk.stderr);
    requests = Number(/(\d+) requests in/.exec(wrk.stdout)?.[1] ?? 0);
  } else {
    await new Promise((r) => setTimeout(r, 8000));
  }
  const stopping = performance.now();
  await vigil.stop({ graceMs: 20_000 });
  const stopMs = performance.now() - stopping;
  assert.ok(stopMs < 10_000, `vigil took ${stopMs.toFixed(0)} ms to stop`);
  const match = /\(VI_1\) (\d+) periodic adverts sent, late by at most ([\d.]+) ms \(median ([\d.]+) ms, p99 ([\d.]+) ms\)/.exec(vigil.output);
  assert.ok(match !== null, `no lateness summary in:\n${vigil.output}`);
  return { lateness: { count: Number(match[1]), max: Number(match[2]), p50: Number(match[3]), p99: Number(match[4]) }, requests };
}

test('VRRP adverts leave on schedule while wrk saturates the proxy of the same vigil', { timeout: 120_000 }, async (t) => {
  if (!requireRoot(t)) return;
  if (!commandExists('wrk')) {
    if (process.env['CI'] === 'true') assert.fail('wrk is missing: install the wrk package');
    t.skip('wrk is not installed');
    return;
  }
  await withLab(t, 'vrrp-isolation', async (lab) => {
    const lan = lab.switch('lan');
    const node = lab.host('node').link(lan, { ifname: 'eth0', addresses: ['198.51.100.100/24'] });
    const client = lab.host('client').link(lan, { ifname: 'eth0', addresses: ['198.51.100.10/24'] });
    await lab.up();
    const dir = mkdtempSync(join(tmpdir(), 'vigil-isolation-'));
    writeFileSync(join(dir, 'keepalived.conf'), keepalived);
    writeFileSync(join(dir, 'haproxy.cfg'), haproxy);
    const httpd = node.spawn(httpdArgv({ port: 8081, body: 'ok', bind: '127.0.0.1' }), { name: 'httpd' });
    await httpd.waitForOutput('httpd listening', { timeoutMs: 10_000 });

    const idle = await runAndMeasure(node, undefined, dir, 'idle');
    const loaded = await runAndMeasure(node, client, dir, 'loaded');
    const line = (l: Lateness): string => `${l.count} adverts, late by median ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms`;
    t.diagnostic(`idle:  ${line(idle.lateness)}`);
    t.diagnostic(`under wrk -c200 (${loaded.requests} requests in 8 s): ${line(loaded.lateness)}`);
    assert.ok(loaded.requests > 1000, 'wrk must actually load the proxy');
    assert.ok(loaded.lateness.count > 100);
    // Idle, nothing but the VRRP thread's own work can make an advert late: measured at 1 ms at
    // most. A MASTER's gratuitous ARPs once blocked it some 40 ms (a packet socket per ARP, whose
    // close waits for the kernel's RCU grace period), at the start and again 5 s later.
    assert.ok(idle.lateness.p99 <= 5, `p99 lateness ${idle.lateness.p99} ms idle`);
    assert.ok(idle.lateness.max <= 20, `max lateness ${idle.lateness.max} ms idle`);
    // "within a few milliseconds of their schedule": the typical advert is on time to the
    // millisecond (p99 3 to 4 ms measured); the tail allows for a 2-core machine shared with wrk
    // and the proxy's threads
    assert.ok(loaded.lateness.p50 <= 5, `median lateness ${loaded.lateness.p50} ms under load`);
    assert.ok(loaded.lateness.p99 <= 15, `p99 lateness ${loaded.lateness.p99} ms under load`);
    assert.ok(loaded.lateness.max <= 40, `max lateness ${loaded.lateness.max} ms under load`);
  });
});
