// The rule engine fed by the real haproxy.cfg parser: ACLs, rules, redirects and forwardfor as a
// user writes them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Diagnostics, formatDiagnostic } from '../../config/diagnostics.ts';
import { haproxyFormat } from '../../config/haproxy/format.ts';
import type { ForwardFor } from '../../config/haproxy/model.ts';
import { Requirements } from '../../config/requirements.ts';
import { AclTable } from '../acl/acl.ts';
import { compileCondition } from '../acl/condition.ts';
import { requestView } from '../acl/testing.ts';
import { applyRequestRules, compileRequestRules } from './request-rules.ts';

const text = `
defaults
  mode http
  timeout client 5s
  timeout connect 1s
  timeout server 5s
frontend web
  bind 127.0.0.1:8080
  option forwardfor except 127.0.0.0/8 if-none
  acl is_api path_beg /api
  acl is_api hdr_beg(host) -i api.
  acl trusted src 10.0.0.0/8 2001:db8::/32
  acl ex_host hdr(host) -m end -i .example.com
  http-request deny deny_status 429 if is_api !trusted
  http-request set-header X-Api yes if is_api
  http-request redirect scheme https code 301 if !{ ssl_fc } { path_beg /login }
  redirect prefix /v2 if { path_beg /v1 }
  use_backend api if is_api || { path /status }
  default_backend app
backend app
  server a 127.0.0.1:9000
backend api
  server a 127.0.0.1:9001
`;

function load() {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-rules-cfg-'));
  writeFileSync(join(dir, 'haproxy.cfg'), text);
  const diagnostics = new Diagnostics();
  const config = haproxyFormat.load([join(dir, 'haproxy.cfg')], { diagnostics, requirements: new Requirements(), env: {} });
  const frontend = config.proxies.find((p) => p.name === 'web');
  assert.ok(frontend);
  return { frontend, diagnostics };
}

describe('rules from a parsed haproxy.cfg', () => {
  it('compiles and runs the frontend rules in HAProxy order', () => {
    const { frontend, diagnostics } = load();
    const acls = new AclTable(frontend.acls, diagnostics);
    const option = frontend.settings.options['forwardfor'];
    const forwardFor = option?.details as ForwardFor | undefined;
    const rules = compileRequestRules(frontend.settings.httpRequest, acls, diagnostics, {
      redirects: frontend.redirects,
      ...(forwardFor === undefined || option === undefined ? {} : { forwardFor: { option: forwardFor, at: option.at } }),
    });
    assert.equal(diagnostics.items.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n'), '');

    const denied = applyRequestRules(rules, requestView({ target: '/api/x', source: '198.51.100.4' }));
    assert.equal(denied.kind === 'response' && denied.status, 429);

    const trusted = requestView({ target: '/x', headers: ['Host', 'api.example.com'], source: '10.1.1.1' });
    assert.deepEqual(applyRequestRules(rules, trusted), { kind: 'continue' });
    assert.deepEqual(trusted.headers, ['Host', 'api.example.com', 'X-Api', 'yes', 'x-forwarded-for', '10.1.1.1']);

    const login = applyRequestRules(rules, requestView({ target: '/login?next=/', headers: ['Host', 'www.example.com'] }));
    assert.equal(login.kind === 'response' && login.bytes.toString(), 'HTTP/1.1 301 Moved Permanently\r\ncontent-length: 0\r\nlocation: https://www.example.com/login?next=/\r\n\r\n');

    const old = applyRequestRules(rules, requestView({ target: '/v1/items' }));
    assert.equal(old.kind === 'response' && old.bytes.toString(), 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /v2/v1/items\r\ncache-control: no-cache\r\n\r\n');

    const local = requestView({ source: '127.0.0.1' });
    applyRequestRules(rules, local);
    assert.deepEqual(local.headers, ['Host', 'example.com']);
  });

  it('compiles use_backend conditions', () => {
    const { frontend, diagnostics } = load();
    const acls = new AclTable(frontend.acls, diagnostics);
    const [useApi] = frontend.useBackends;
    assert.ok(useApi);
    const predicate = compileCondition(useApi.condition, acls, 'request', diagnostics, 'use_backend');
    assert.ok(predicate);
    assert.equal(predicate(requestView({ target: '/status' })), true);
    assert.equal(predicate(requestView({ target: '/other' })), false);
    assert.equal(predicate(requestView({ target: '/other', headers: ['Host', 'API.example.com'] })), true);
  });
});
