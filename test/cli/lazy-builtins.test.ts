// A running proxy that uses no health check, no stats authentication and no demo loads none of
// node:tls, node:crypto and node:http (about 11 MiB of RSS together, see src/core/lazy-builtins.ts).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { vigilBin } from './vigil.ts';

test('vigil run on a plain haproxy.cfg loads no TLS, crypto or HTTP module in any thread', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-lazy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, ['defaults', '    mode http', '    timeout client 5s', '    timeout server 5s', '    timeout connect 1s',
    'frontend web', `    bind 127.0.0.1:${port}`, '    default_backend app', 'backend app', '    server s1 127.0.0.1:9'].join('\n') + '\n');
  // every thread (control and data path) writes the built-ins it has loaded, a second after start
  const preload = join(dir, 'report.mjs');
  // (written under another name, then renamed, so that the test never reads half a report)
  writeFileSync(preload, `import { threadId } from 'node:worker_threads';
import { renameSync, writeFileSync } from 'node:fs';
const path = ${JSON.stringify(dir)} + '/loaded-' + threadId;
setTimeout(() => {
  writeFileSync(path + '.part', process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).join('\\n'));
  renameSync(path + '.part', path);
}, 1000).unref();
`);
  const child = spawn(vigilBin, ['run', '-f', cfg], { env: { ...process.env, NODE_OPTIONS: `--import ${preload}` }, stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  const deadline = Date.now() + 20_000;
  const reports = (): string[] => readdirSync(dir).filter((name) => name.startsWith('loaded-') && !name.endsWith('.part'));
  // one thread here: with no health check the data path runs on the control thread
  // (daemon/data-path-host.ts); a worker, if one ran, would report within the same second
  while (reports().length < 1 && Date.now() < deadline) await sleep(100);
  await sleep(1500);
  child.kill('SIGTERM');
  assert.ok(reports().length >= 1, `a thread reported (got ${reports().join(', ') || 'none'})`);
  for (const thread of reports()) {
    const loaded = readFileSync(join(dir, thread), 'utf8').split('\n');
    assert.ok(loaded.includes('NativeModule net'), `${thread}: the report lists built-ins`);
    for (const heavy of ['NativeModule tls', 'NativeModule crypto', 'NativeModule http']) assert.ok(!loaded.includes(heavy), `${thread} loaded ${heavy}`);
  }
});
