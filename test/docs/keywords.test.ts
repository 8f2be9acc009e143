import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { keywordDocs, renderKeywordMarkdown } from '../../src/docs/keyword-table.ts';

test('docs/keywords.md matches the keyword tables (run `npm run docs` after changing a table)', () => {
  const committed = readFileSync(new URL('../../docs/keywords.md', import.meta.url), 'utf8');
  assert.equal(committed, renderKeywordMarkdown(), 'docs/keywords.md is stale: run npm run docs');
});

test('the table lists the seed\'s keywords of both formats', () => {
  const names = new Set(keywordDocs().flatMap((r) => r.name.split(' / ').map((name) => `${r.format} ${name}`)));
  for (const name of ['haproxy balance', 'haproxy timeout client', 'haproxy stats realm', 'haproxy option httpclose', 'haproxy check', 'haproxy inter',
    'keepalived vrrp_instance', 'keepalived virtual_router_id', 'keepalived lvs_sched', 'keepalived TCP_CHECK', 'keepalived retry', 'keepalived vrrp_iptables']) {
    assert.ok(names.has(name), `${name} missing from the keyword table`);
  }
});
