// The exposition is checked by a small parser of text format 0.0.4 written here (the format is
// a few lines of grammar; a parser package would add a dependency for little).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counter } from '../proxy/counters.ts';
import { renderPrometheus } from './prometheus.ts';
import { adminFixture, fakeLvs, fakeVrrp, seedLikeConfig } from './testing.ts';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** parses text format 0.0.4; throws on anything the format does not allow */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const types = new Map<string, string>();
  const helped = new Set<string>();
  const samples: Sample[] = [];
  const finished = new Set<string>();
  let current: string | undefined;
  const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const comment = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (comment !== null) {
      const [, kind, name, rest] = comment as unknown as [string, string, string, string];
      assert.match(name, metricName, `line ${i + 1}`);
      if (kind === 'TYPE') {
        assert.ok(['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest), `line ${i + 1}: type "${rest}"`);
        assert.ok(!types.has(name), `line ${i + 1}: second TYPE for ${name}`);
        types.set(name, rest);
      } else {
        assert.ok(!helped.has(name), `line ${i + 1}: second HELP for ${name}`);
        helped.add(name);
      }
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(sample !== null, `line ${i + 1} is not a sample: ${line}`);
    const [, name, , labelText = '', valueText] = sample as unknown as [string, string, string, string | undefined, string];
    if (name !== current) {
      assert.ok(!finished.has(name), `line ${i + 1}: samples of ${name} are not together`);
      if (current !== undefined) finished.add(current);
      current = name;
    }
    assert.ok(types.has(name), `line ${i + 1}: ${name} has no TYPE before its samples`);
    const labels: Record<string, string> = {};
    const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
    let at = 0;
    while (at < labelText.length) {
      labelPattern.lastIndex = at;
      const m = labelPattern.exec(labelText);
      assert.ok(m !== null, `line ${i + 1}: bad labels {${labelText}}`);
      labels[m[1] as string] = (m[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      at = labelPattern.lastIndex;
    }
    const value = Number(valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : valueText);
    assert.ok(!Number.isNaN(value) || valueText === 'NaN', `line ${i + 1}: value "${valueText}"`);
    samples.push({ name, labels, value });
  }
  return { samples, types };
}

function value(samples: readonly Sample[], name: string, labels: Readonly<Record<string, string>>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

test("metrics parse as text format 0.0.4 and carry HAProxy's exporter names", async () => {
  const f = adminFixture(seedLikeConfig);
  await f.advance(5000);
  f.count('f:websrv', Counter.sessionsCurrent, 2);
  f.count('b:websrv', Counter.http2xx, 7);
  const { samples, types } = parseExposition(renderPrometheus(f.context.snapshot()));
  assert.equal(value(samples, 'haproxy_frontend_current_sessions', { proxy: 'websrv' }), 2);
  assert.equal(value(samples, 'haproxy_backend_http_responses_total', { proxy: 'websrv', code: '2xx' }), 7);
  assert.equal(types.get('haproxy_backend_http_responses_total'), 'counter');
  assert.equal(value(samples, 'haproxy_server_status', { proxy: 'websrv', server: 'web1', state: 'UP' }), 1);
  assert.equal(value(samples, 'haproxy_server_status', { proxy: 'websrv', server: 'web1', state: 'MAINT' }), 0);
  assert.equal(value(samples, 'haproxy_server_check_status', { proxy: 'websrv', server: 'web1', state: 'L4OK' }), 1);
  assert.equal(value(samples, 'haproxy_backend_status', { proxy: 'websrv', state: 'UP' }), 1);
  assert.equal(value(samples, 'haproxy_process_build_info', { version: '0.1.0' }), 1);
});

test('a server put in MAINT shows in haproxy_server_status', () => {
  const f = adminFixture(seedLikeConfig);
  f.engine.setAdmin('websrv/web2', 'maint');
  const { samples } = parseExposition(renderPrometheus(f.context.snapshot()));
  assert.equal(value(samples, 'haproxy_server_status', { server: 'web2', state: 'MAINT' }), 1);
  assert.equal(value(samples, 'haproxy_server_status', { server: 'web2', state: 'UP' }), 0);
});

test('vigil_vrrp_* and vigil_lvs_* appear only with a registered source', () => {
  const f = adminFixture(seedLikeConfig);
  assert.ok(!renderPrometheus(f.context.snapshot()).includes('vigil_'));
  f.sources.register({ name: 'vrrp', snapshot: () => fakeVrrp });
  f.sources.register({ name: 'lvs', snapshot: () => fakeLvs });
  const { samples } = parseExposition(renderPrometheus(f.context.snapshot()));
  assert.equal(value(samples, 'vigil_vrrp_state', { instance: 'VI_1', state: 'MASTER' }), 1);
  assert.equal(value(samples, 'vigil_vrrp_state', { instance: 'VI_1', state: 'BACKUP' }), 0);
  assert.equal(value(samples, 'vigil_vrrp_effective_priority', { instance: 'VI_1' }), 100);
  assert.equal(value(samples, 'vigil_lvs_real_server_weight', { real_server: '198.51.100.100:80', forward: 'Route' }), 1);
});

test('label values are escaped', () => {
  const f = adminFixture(seedLikeConfig);
  const odd = 'we"b\\x\nline';
  f.sources.register({ name: 'vrrp', snapshot: () => [{ ...(fakeVrrp[0] as (typeof fakeVrrp)[number]), name: odd }] });
  const { samples } = parseExposition(renderPrometheus(f.context.snapshot()));
  assert.ok(samples.some((s) => s.labels['instance'] === odd));
});
