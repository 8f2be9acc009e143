import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Diagnostics } from '../diagnostics.ts';
import { Requirements } from '../requirements.ts';
import { parseHaproxy } from './parser.ts';

function parse(text: string, env: Record<string, string> = {}) {
  const diagnostics = new Diagnostics();
  const requirements = new Requirements();
  const config = parseHaproxy([{ file: '/etc/haproxy/g.cfg', text }], { diagnostics, requirements, env });
  return { config, diagnostics, requirements };
}

describe('haproxy global section', () => {
  it('expands variables from the environment and from earlier setenv lines', () => {
    const { config } = parse(`
global
  setenv SOCK_DIR /run/lb
  stats socket "\${SOCK_DIR}/admin.sock" mode 660 level admin
  node "\${NODE_NAME}"
`, { NODE_NAME: 'lb1' });
    assert.equal(config.global.statsSockets[0]?.address.host, '/run/lb/admin.sock');
    assert.equal(config.global.statsSockets[0]?.options.mode, 0o660);
    assert.equal(config.global.statsSockets[0]?.options.level, 'admin');
    assert.equal(config.global.node, 'lb1');
  });

  it('records what the host must provide, with paths as HAProxy would open them', () => {
    const { requirements } = parse(`
global
  default-path config
  chroot /var/lib/haproxy
  user lb
  group lb
  stats socket /run/haproxy/admin.sock user lb
  lua-load scripts/auth.lua
  crt-base /etc/ssl/private
frontend f
  bind :443 ssl crt site.pem
  errorfile 503 errors/503.http
  timeout client 5s
  default_backend b
backend b
  timeout connect 1s
  timeout server 1s
  server s 127.0.0.1:80
`);
    assert.deepEqual(requirements.items.map((r) => [r.kind, r.value, r.keyword]), [
      ['directory', '/var/lib/haproxy', 'chroot'],
      ['user', 'lb', 'user'],
      ['group', 'lb', 'group'],
      ['directory', '/run/haproxy', 'stats socket'],
      ['user', 'lb', 'stats socket'],
      ['file', '/etc/haproxy/scripts/auth.lua', 'lua-load'],
      ['file', '/etc/ssl/private/site.pem', 'bind crt'],
      ['file', '/etc/haproxy/errors/503.http', 'errorfile'],
    ]);
  });

  it('warns on unknown tune.* keywords instead of failing, with a suggestion', () => {
    const { diagnostics } = parse('global\n  tune.bufsiz 32768\n  tune.bufsize 16k\n');
    assert.equal(diagnostics.count('error'), 0);
    const warning = diagnostics.items.find((d) => d.severity === 'warning');
    assert.equal(warning?.hint, "did you mean 'tune.bufsize'?");
  });

  it('refuses bad values at the value', () => {
    const { diagnostics } = parse('global\n  maxconn lots\n  nbthread 0\n  log 127.0.0.1 local9\n');
    assert.deepEqual(diagnostics.items.filter((d) => d.severity === 'error').map((d) => [d.at.line, d.at.column, d.keyword]), [
      [2, 11, 'maxconn'],
      [3, 12, 'nbthread'],
      [4, 17, 'log'],
    ]);
  });
});
