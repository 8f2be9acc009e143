// Compatibility: every haproxy.cfg from HAProxy's own examples/ must load without a language
// error. Warnings are fine (3.x keywords, Lua, WURFL); missing certificates are machine facts.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Diagnostics, formatDiagnostic } from '../diagnostics.ts';
import { Requirements } from '../requirements.ts';
import { haproxyFormat } from './format.ts';

const corpus = '/work/shared/corpus/haproxy';
const files = readdirSync(corpus).filter((f) => f.endsWith('.cfg')).sort();

function load(file: string) {
  const diagnostics = new Diagnostics();
  const requirements = new Requirements();
  const config = haproxyFormat.load([join(corpus, file)], { diagnostics, requirements, env: {} });
  return { config, diagnostics, requirements };
}

describe('haproxy corpus', () => {
  it('has the eleven example files', () => {
    assert.equal(files.length, 11);
  });

  for (const file of files) {
    it(`loads ${file} without language errors`, () => {
      const { diagnostics } = load(file);
      const errors = diagnostics.items.filter((d) => d.severity === 'error' && d.domain === 'language');
      assert.deepEqual(errors.map(formatDiagnostic), []);
    });
  }

  it('resolves certificate paths against default-path config and records them as machine facts', () => {
    const { requirements, config } = load('basic-config-edge.cfg');
    const pub1 = config.proxies.find((p) => p.name === 'pub1');
    assert.deepEqual(pub1?.binds.map((b) => [b.options.name, b.options.ssl]), [
      ['clear', false],
      ['secure', true],
    ]);
    const files = requirements.items.filter((r) => r.kind === 'file').map((r) => r.value);
    assert.deepEqual(files, [join(corpus, 'pub1.pem')]);
    const directories = requirements.items.filter((r) => r.kind === 'directory').map((r) => r.value);
    assert.deepEqual(directories, ['/var/empty', '/var/run']);
  });

  it('skips the QUIC-only lines of basic-config-edge.cfg (vigil has no QUIC)', () => {
    const { config } = load('basic-config-edge.cfg');
    assert.equal(config.proxies.find((p) => p.name === 'pub1')?.binds.length, 2);
  });

  it('inherits from the named defaults section "http"', () => {
    const { config } = load('basic-config-edge.cfg');
    const app1 = config.proxies.find((p) => p.name === 'app1');
    assert.equal(app1?.inherits?.name, 'http');
    assert.equal(app1?.settings.mode, 'http');
    assert.equal(app1?.settings.timeouts.tunnel, 4 * 3_600_000);
    assert.deepEqual(app1?.settings.balance?.algorithm, 'random');
    assert.equal(app1?.servers[0]?.options.interMs, 1000);
    assert.equal(app1?.settings.cookie?.mode, 'insert');
  });

  it('reads content switching rules with anonymous ACLs', () => {
    const { config } = load('content-sw-sample.cfg');
    const front = config.proxies.find((p) => p.name === 'public');
    assert.deepEqual(front?.useBackends.map((u) => [u.backend, u.condition?.polarity, u.condition?.acls.length]), [
      ['static', 'if', 0],
      ['static', 'if', 0],
    ]);
    assert.equal(front?.settings.defaultBackend?.backend, 'dynamic');
    const dynamic = config.proxies.find((p) => p.name === 'dynamic');
    assert.deepEqual(dynamic?.settings.options.httpchk?.details, { kind: 'httpchk', method: 'HEAD', uri: '/login.php' });
    assert.equal(dynamic?.servers[0]?.options.minconn, 50);
    assert.equal(dynamic?.settings.fullconn, 4000);
  });

  it('reads prefixed and bracketed IPv6 addresses', () => {
    const { config } = load('mptcp.cfg');
    const [bind] = config.proxies.find((p) => p.name === 'main')?.binds ?? [];
    assert.deepEqual(bind?.addresses.map((a) => [a.prefix, a.family, a.transport, a.host, a.ports?.from]), [['mptcp', 'ipv6', 'mptcp', '::', 5000]]);
  });

  it('reads escaped spaces in stats realm as one word', () => {
    const { config } = load('socks4.cfg');
    const stats = config.proxies.find((p) => p.name === 'stats')?.settings.stats;
    assert.equal(stats?.realm, 'HAProxy Statistics');
    assert.equal(stats?.admin[0]?.acls[0]?.text, 'TRUE');
  });
});
