// Reading a haproxy.cfg and choosing the subsystems to run loads none of keepalived's reader, VRRP
// or L4 (3.5 MiB of an idle vigil's RSS, see src/config/load.ts); a keepalived.conf loads them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { nodeBin, repoPath } from '../lib/repo-paths.ts';
import { fixture } from './vigil.ts';

interface Report {
  readonly wanted: readonly string[];
  readonly loaded: readonly string[];
}

/** loads `file` as `vigil run` does, in a fresh Node, and lists the modules of src/ it loaded */
function loadIn(dir: string, file: string): Report {
  const script = join(dir, 'load.mjs');
  writeFileSync(script, `import { registerHooks } from 'node:module';
const loaded = [];
// a load hook sees the modules that import loads and those that require() loads alike
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
const { loadConfigs } = await import(${JSON.stringify(pathToFileURL(repoPath('src/config/load.ts')).href)});
const { subsystemsFor } = await import(${JSON.stringify(pathToFileURL(repoPath('src/daemon/registry.ts')).href)});
const config = loadConfigs([${JSON.stringify(file)}]);
const wanted = subsystemsFor({}).filter((s) => s.wants(config)).map((s) => s.name);
const src = ${JSON.stringify(pathToFileURL(repoPath('src/')).href)};
console.log(JSON.stringify({ wanted, loaded: loaded.filter((u) => u.startsWith(src)).map((u) => u.slice(src.length)) }));
`);
  const result = spawnSync(nodeBin, ['--disable-warning=ExperimentalWarning', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Report;
}

const deferred = ['config/keepalived/format.ts', 'daemon/vrrp-subsystem.ts', 'daemon/l4-subsystem.ts', 'daemon/l4-data-path.ts'];

test('a haproxy.cfg alone loads no keepalived reader, VRRP or L4 module; a keepalived.conf loads them', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-lazy-modules-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const haproxy = loadIn(dir, fixture('mapped/case3/haproxy.cfg'));
  assert.deepEqual(haproxy.wanted, ['proxy']);
  assert.ok(haproxy.loaded.includes('config/haproxy/format.ts'), 'the hook saw the modules loaded');
  for (const module of deferred) assert.ok(!haproxy.loaded.includes(module), `loaded ${module}`);
  // case 2's director: VRRP and an LVS virtual server
  const keepalived = loadIn(dir, fixture('mapped/case2/lvs1/keepalived.conf'));
  assert.deepEqual(keepalived.wanted, ['vrrp', 'l4', 'runtime-socket']);
  for (const module of deferred) assert.ok(keepalived.loaded.includes(module), `did not load ${module}`);
});
