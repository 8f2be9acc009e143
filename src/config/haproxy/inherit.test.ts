// Defaults inheritance: which defaults section a proxy takes, and what its effective settings are.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Diagnostics } from '../diagnostics.ts';
import { parseHaproxy } from './parser.ts';

function parse(text: string) {
  const diagnostics = new Diagnostics();
  const config = parseHaproxy([{ file: 'i.cfg', text }], { diagnostics, env: {} });
  return { config, diagnostics, proxy: (name: string) => config.proxies.find((p) => p.name === name) };
}

describe('haproxy defaults inheritance', () => {
  it('takes the last defaults section before the proxy, and a new defaults section starts afresh', () => {
    const { proxy } = parse(`
defaults
  mode http
  timeout connect 5s
backend a
  server s 10.0.0.1:80
defaults
  timeout server 7s
backend b
  server s 10.0.0.1:80
`);
    assert.equal(proxy('a')?.settings.mode, 'http');
    assert.equal(proxy('a')?.settings.timeouts.connect, 5000);
    assert.equal(proxy('b')?.settings.mode, undefined);
    assert.equal(proxy('b')?.settings.timeouts.connect, undefined);
    assert.equal(proxy('b')?.settings.timeouts.server, 7000);
    assert.deepEqual(proxy('b')?.inherits, { name: '', index: 1, explicit: false });
  });

  it('follows "from" to a named defaults section, and defaults can build on each other', () => {
    const { proxy, diagnostics } = parse(`
defaults base
  mode tcp
  timeout connect 1s
defaults web from base
  mode http
defaults other
  timeout connect 9s
backend a from web
  server s 10.0.0.1:80
backend b from nowhere
  server s 10.0.0.1:80
`);
    const a = proxy('a');
    assert.deepEqual(a?.inherits, { name: 'web', index: 1, explicit: true });
    assert.equal(a?.settings.mode, 'http');
    assert.equal(a?.settings.timeouts.connect, 1000);
    const error = diagnostics.items.find((d) => d.severity === 'error');
    assert.match(error?.message ?? '', /No defaults section named "nowhere"/);
    assert.deepEqual([error?.at.line, error?.at.column], [11, 16]);
  });

  it('overlays the proxy own settings and keeps them apart from the effective ones', () => {
    const { proxy } = parse(`
defaults
  mode http
  option httpclose
  option forwardfor except 127.0.0.0/8
  option tcpka
  timeout client 10s
  log global
listen l
  bind :80
  no option tcpka
  option http-keep-alive
  timeout client 20s
  log 127.0.0.1:514 local0 info
`);
    const l = proxy('l');
    assert.equal(l?.own.timeouts.client, 20000);
    assert.equal(l?.settings.timeouts.client, 20000);
    assert.equal(l?.settings.options.tcpka?.enabled, false);
    assert.deepEqual(l?.settings.options.forwardfor?.details, { kind: 'forwardfor', ifNone: false, except: '127.0.0.0/8' });
    // enabling one HTTP connection mode drops the inherited one
    assert.equal(l?.settings.options.httpclose, undefined);
    assert.equal(l?.settings.options['http-keep-alive']?.enabled, true);
    assert.deepEqual(l?.settings.logs.map((t) => t.global ?? t.target), [true, '127.0.0.1:514']);
  });

  it('refuses "no" on options that take arguments, as HAProxy does', () => {
    const { diagnostics } = parse('defaults\n  no option forwardfor\n');
    const error = diagnostics.items.find((d) => d.severity === 'error');
    assert.equal(error?.keyword, 'no option forwardfor');
    assert.deepEqual([error?.at.line, error?.at.column], [2, 3]);
  });

  it('"no log" drops inherited log targets and "default option" goes back to the defaults value', () => {
    const { proxy } = parse(`
defaults
  log global
  option dontlognull
frontend f
  bind :80
  no log
  no option dontlognull
  default option dontlognull
`);
    assert.deepEqual(proxy('f')?.settings.logs, []);
    assert.equal(proxy('f')?.settings.options.dontlognull?.enabled, true);
  });

  it('starts servers from the default-server lines in force, defaults first', () => {
    const { proxy } = parse(`
defaults
  default-server inter 3s fall 4
backend b
  default-server rise 7
  server s1 10.0.0.1:80 check fall 2
  server s2 10.0.0.2:80 no-check
`);
    const [s1, s2] = proxy('b')?.servers ?? [];
    assert.deepEqual([s1?.options.interMs, s1?.options.rise, s1?.options.fall, s1?.options.check], [3000, 7, 2, true]);
    assert.deepEqual(s1?.own, { check: true, fall: 2 });
    assert.equal(s2?.options.check, false);
  });
});
