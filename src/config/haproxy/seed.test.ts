// The project's seed haproxy.cfg (from a Chinese HAProxy tutorial) must load unchanged, with the
// model saying what its author meant and warnings where HAProxy 2.6 would read it differently.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Diagnostics } from '../diagnostics.ts';
import { Requirements } from '../requirements.ts';
import { parseHaproxy } from './parser.ts';

const seed = `global
log 127.0.0.1 local2
pidfile /var/run/haproxy.pid
user haproxy
group haproxy
daemon
defaults
mode http
option dontlognull
option httpclose
option httplog
option redispatch
timeout client 300000
timeout server 300000
maxconn 3000
retries 3
...
listen websrv 0.0.0.0:80
balance roundrobin
server web1 192.168.2.100:80 check inter 2000 rise 2 fall 5
server web2 192.168.2.200:80 check inter 2000 rise 2 fall 5
listen stats *:1080
stats refresh 30s
stats uri /status
stats realm Haproxy Manager
stats auth admin:admin
`;

function load() {
  const diagnostics = new Diagnostics();
  const requirements = new Requirements();
  const config = parseHaproxy([{ file: 'seed.cfg', text: seed }], { diagnostics, requirements, env: {} });
  return { config, diagnostics, requirements };
}

describe('the seed haproxy.cfg', () => {
  it('loads without errors', () => {
    const { diagnostics } = load();
    assert.deepEqual(diagnostics.items.filter((d) => d.severity === 'error'), []);
  });

  it('reads the global section', () => {
    const { global } = load().config;
    assert.equal(global.daemon, true);
    assert.equal(global.user, 'haproxy');
    assert.equal(global.group, 'haproxy');
    assert.equal(global.pidfile, '/var/run/haproxy.pid');
    assert.equal(global.logs[0]?.target, '127.0.0.1');
    assert.equal(global.logs[0]?.facility, 'local2');
  });

  it('gives both listen sections the unnamed defaults', () => {
    const { config } = load();
    assert.equal(config.defaults.length, 1);
    for (const proxy of config.proxies) {
      assert.equal(proxy.kind, 'listen');
      assert.deepEqual(proxy.inherits, { name: '', index: 0, explicit: false });
      assert.equal(proxy.settings.mode, 'http');
      assert.equal(proxy.settings.timeouts.client, 300000);
      assert.equal(proxy.settings.timeouts.server, 300000);
      assert.equal(proxy.settings.maxconn, 3000);
      assert.equal(proxy.settings.retries, 3);
      for (const option of ['dontlognull', 'httpclose', 'httplog', 'redispatch']) assert.equal(proxy.settings.options[option]?.enabled, true, option);
    }
  });

  it('reads the web farm: address on the listen line, round robin, two checked servers', () => {
    const websrv = load().config.proxies.find((p) => p.name === 'websrv');
    assert.ok(websrv);
    assert.equal(websrv.binds.length, 1);
    assert.deepEqual(websrv.binds[0]?.addresses.map((a) => [a.host, a.ports, a.family]), [['0.0.0.0', { from: 80, to: 80 }, 'ipv4']]);
    assert.equal(websrv.settings.balance?.algorithm, 'roundrobin');
    assert.deepEqual(
      websrv.servers.map((s) => [s.name, s.address.host, s.address.ports?.from, s.options.check, s.options.interMs, s.options.rise, s.options.fall]),
      [
        ['web1', '192.168.2.100', 80, true, 2000, 2, 5],
        ['web2', '192.168.2.200', 80, true, 2000, 2, 5],
      ],
    );
  });

  it('reads the stats page with the realm the author meant', () => {
    const stats = load().config.proxies.find((p) => p.name === 'stats');
    assert.ok(stats);
    assert.deepEqual(stats.binds[0]?.addresses.map((a) => [a.host, a.ports?.from]), [['*', 1080]]);
    const page = stats.settings.stats;
    assert.equal(page.enabled, true);
    assert.equal(page.uri, '/status');
    assert.equal(page.realm, 'Haproxy Manager');
    assert.equal(page.refreshMs, 30_000);
    assert.deepEqual(page.auth.map((a) => [a.user, a.password]), [['admin', 'admin']]);
  });

  it('warns where HAProxy 2.6 would read it differently', () => {
    const warnings = load().diagnostics.items.filter((d) => d.severity === 'warning');
    const at = (line: number) => warnings.filter((w) => w.at.line === line);
    assert.match(at(17)[0]?.message ?? '', /Elision mark, not a keyword; ignored/);
    assert.equal(at(18)[0]?.code, 'VIGIL_CFG_DEPRECATED');
    assert.equal(at(18)[0]?.at.column, 15);
    assert.equal(at(22)[0]?.code, 'VIGIL_CFG_DEPRECATED');
    assert.equal(at(22)[0]?.at.column, 14);
    const realm = at(25)[0];
    assert.equal(realm?.keyword, 'stats realm');
    assert.match(realm?.message ?? '', /HAProxy would use only "Haproxy"/);
    assert.match(realm?.hint ?? '', /quote it/);
  });

  it('records the user and group the host must have', () => {
    const needs = load().requirements.items.map((r) => [r.kind, r.value]);
    assert.deepEqual(needs, [
      ['user', 'haproxy'],
      ['group', 'haproxy'],
    ]);
  });
});
