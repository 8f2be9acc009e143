import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpusDir, fixture, vigil } from './vigil.ts';

const seedFiles = ['case1/web1/keepalived.conf', 'case1/web2/keepalived.conf', 'case2/lvs1/keepalived.conf', 'case2/lvs2/keepalived.conf', 'case3/haproxy.cfg'];

for (const set of ['seed', 'mapped']) {
  for (const file of seedFiles) {
    test(`vigil check --syntax accepts the ${set} config ${file}`, async () => {
      const result = await vigil(['check', '--syntax', '-f', fixture(`${set}/${file}`)]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /Configuration is valid: 0 errors/);
      assert.doesNotMatch(result.stderr, /error/);
    });
  }
}

test('the seed\'s keepalived 1.x habits are accepted, with notes where the meaning changed', async () => {
  const result = await vigil(['check', '--syntax', '--verbose', '-f', fixture('seed/case2/lvs1/keepalived.conf')]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /keepalived\.conf:4:1: note: 'vrrp_iptables'/);
  assert.match(result.stdout, /:31:1: note: 'nb_get_retry'/);
  assert.match(result.stdout, /:2:1: warning: .*elision/i);
});

test('the seed\'s haproxy.cfg quirks are warned about, not refused', async () => {
  const result = await vigil(['check', '--syntax', '-f', fixture('seed/case3/haproxy.cfg')]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /haproxy\.cfg:18:\d+: warning: .*listen/);
  assert.match(result.stdout, /haproxy\.cfg:25:\d+: warning: .*Haproxy Manager/);
});

const planted: Record<string, readonly RegExp[]> = {
  'errors/planted.haproxy.cfg': [
    /planted\.haproxy\.cfg:5:20: error: 'timeout client': .*"2x"/,
    /planted\.haproxy\.cfg:10:13: error: 'balance': .*"roundrobbin".*did you mean 'roundrobin'/,
    /planted\.haproxy\.cfg:11:\d+: error: .*70000/,
    /planted\.haproxy\.cfg:11:43: error: 'server inter': .*"2x"/,
    /planted\.haproxy\.cfg:12:5: error: 'mdoe': .*did you mean 'mode'/,
  ],
  'errors/planted.keepalived.conf': [
    /planted\.keepalived\.conf:2:11: error: 'state': .*"MASTR".*did you mean 'MASTER'/,
    /planted\.keepalived\.conf:5:14: error: 'priority': .*300/,
    /planted\.keepalived\.conf:12:13: error: 'lb_algo': .*"rrr".*did you mean 'rr'/,
    /planted\.keepalived\.conf:13:\d+: error: .*70000/,
  ],
};

for (const [file, expected] of Object.entries(planted)) {
  test(`vigil check lists every planted error of ${file} with file:line:col, and fails`, async () => {
    const result = await vigil(['check', '--syntax', '-f', fixture(file)]);
    assert.equal(result.code, 1);
    for (const pattern of expected) assert.match(result.stderr, pattern);
    const errorLines = result.stderr.split('\n').filter((l) => l.includes(': error: '));
    assert.equal(errorLines.length, expected.length, result.stderr);
    assert.match(result.stdout, /Configuration is invalid/);
  });
}

test('one check reports the errors of several files at once, each in its own format', async () => {
  const result = await vigil(['check', '--syntax', '-f', fixture('errors/planted.haproxy.cfg'), '-f', fixture('errors/planted.keepalived.conf')]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /planted\.haproxy\.cfg:10:13/);
  assert.match(result.stderr, /planted\.keepalived\.conf:5:14/);
});

test('the habits of haproxy -c and keepalived -t work', async () => {
  assert.equal((await vigil(['-c', '-f', fixture('seed/case3/haproxy.cfg'), '--syntax'])).code, 0);
  assert.equal((await vigil(['-t', '-f', fixture('seed/case1/web1/keepalived.conf'), '--syntax'])).code, 0);
  assert.equal((await vigil(['-c', '-f', fixture('errors/planted.haproxy.cfg')])).code, 1);
});

test('problems of the machine are told apart from problems of the language', async () => {
  // the seed's interface eth0 does not exist on the test host (its interfaces have other names)
  const machine = await vigil(['check', '-f', fixture('seed/case1/web1/keepalived.conf')]);
  if (machine.code === 0) return; // a host with a real eth0: nothing to tell apart here
  assert.match(machine.stderr, /keepalived\.conf:9:\d+: error: 'interface': Network interface "eth0" does not exist on this host/);
  assert.match(machine.stdout, /of the errors about this host/);
  const syntax = await vigil(['check', '--syntax', '-f', fixture('seed/case1/web1/keepalived.conf')]);
  assert.equal(syntax.code, 0);
});

test('--format forces a format; --json gives machine-readable diagnostics', async () => {
  const forced = await vigil(['check', '--syntax', '--format', 'keepalived', '-f', fixture('seed/case3/haproxy.cfg')]);
  assert.equal(forced.code, 1);
  const json = await vigil(['check', '--syntax', '--json', '-f', fixture('errors/planted.keepalived.conf')]);
  const parsed = JSON.parse(json.stdout) as { valid: boolean; diagnostics: { severity: string; at: { line: number } }[] };
  assert.equal(parsed.valid, false);
  assert.ok(parsed.diagnostics.some((d) => d.severity === 'error' && d.at.line === 5));
});

test('a missing file and a bad command line are reported clearly', async () => {
  const missing = await vigil(['check', '-f', '/nonexistent/haproxy.cfg']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Cannot read config file "\/nonexistent\/haproxy\.cfg": ENOENT/);
  assert.equal((await vigil(['check'])).code, 2);
  assert.equal((await vigil(['nosuchcommand'])).code, 2);
});

for (const format of ['haproxy', 'keepalived']) {
  const dir = join(corpusDir, format);
  for (const name of readdirSync(dir).sort()) {
    test(`corpus: vigil check --syntax reads ${format}/${name} with no error`, async () => {
      const result = await vigil(['check', '--syntax', '-f', join(dir, name)]);
      assert.equal(result.code, 0, result.stderr);
    });
  }
}

test('track_backend (a vigil extension) must name a backend of the haproxy.cfg given alongside', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-track-'));
  writeFileSync(join(dir, 'keepalived.conf'), 'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    virtual_ipaddress {\n        192.0.2.80/24\n    }\n    track_backend {\n        websvr\n    }\n}\n');
  const alone = await vigil(['check', '--syntax', '-f', join(dir, 'keepalived.conf')]);
  assert.equal(alone.code, 1);
  assert.match(alone.stderr, /keepalived\.conf:8:9: error: 'track_backend': No backend "websvr".*give the haproxy\.cfg/);
  const both = await vigil(['check', '--syntax', '-f', join(dir, 'keepalived.conf'), '-f', fixture('mapped/case3/haproxy.cfg')]);
  assert.equal(both.code, 1);
  assert.match(both.stderr, /did you mean 'websrv'/);
});
