import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Diagnostics } from '../diagnostics.ts';
import { describeTable, type KeywordTable } from '../keywords.ts';
import { Requirements } from '../requirements.ts';
import { describeHaproxyOptions, haproxyFormat } from './format.ts';

describe('haproxy format', () => {
  it('scores haproxy.cfg text above keepalived.conf text', () => {
    const haproxy = haproxyFormat.sniff('global\n  daemon\ndefaults\n  mode http\nfrontend f\n  bind :80\n');
    const keepalived = haproxyFormat.sniff('global_defs {\n  router_id a\n}\nvrrp_instance VI_1 {\n  state MASTER\n}\n');
    assert.ok(haproxy > 0.9, String(haproxy));
    assert.ok(keepalived < 0.2, String(keepalived));
  });

  it('reads several files as one configuration and reports a missing one without throwing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-haproxy-'));
    writeFileSync(join(dir, 'a.cfg'), 'defaults\n  mode http\n  timeout client 5s\n');
    writeFileSync(join(dir, 'b.cfg'), 'frontend f\n  bind :80\n  default_backend b\nbackend b\n  timeout connect 1s\n  timeout server 1s\n  server s 127.0.0.1:8080\n');
    const diagnostics = new Diagnostics();
    const config = haproxyFormat.load([join(dir, 'a.cfg'), join(dir, 'missing.cfg'), join(dir, 'b.cfg')], {
      diagnostics,
      requirements: new Requirements(),
      env: {},
    });
    assert.equal(config.proxies.find((p) => p.name === 'f')?.settings.mode, 'http');
    const errors = diagnostics.items.filter((d) => d.severity === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /Cannot read config file .*missing\.cfg.*ENOENT/);
  });

  it('lists every keyword and inline option for the docs, each with a status and summary', () => {
    const rows = [...haproxyFormat.tables.flatMap((t: KeywordTable<never>) => describeTable('haproxy', t)), ...describeHaproxyOptions()];
    const names = new Set(rows.map((r) => r.name));
    for (const name of ['global', 'balance', 'timeout client', 'option httpchk', 'stats realm', 'http-request set-header', 'tcp-request content accept', 'inter', 'crt']) {
      assert.ok(names.has(name), name);
    }
    for (const row of rows) assert.ok(row.summary.length > 0 && ['supported', 'parsed', 'unsupported'].includes(row.status), row.name);
  });
});
