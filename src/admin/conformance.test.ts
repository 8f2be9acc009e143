// Every stats format, run through the same cases (hono's common.case.test.ts habit): it renders
// an empty config and a full one with sources, names a content type, and never leaks a server a
// request's scope or ;up left out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RenderContext } from './format.ts';
import { statsFormats } from './formats.ts';
import { adminFixture, fakeLvs, fakeVrrp, seedLikeConfig } from './testing.ts';

const base = (settings = adminFixture(seedLikeConfig).config.proxies[1]?.settings.stats): RenderContext => {
  if (settings === undefined) throw new Error('no stats settings');
  return { uri: '/status', settings, admin: false, hideDown: false, refresh: true };
};

for (const [name, format] of statsFormats) {
  test(`${name}: renders a config with sources, with a content type`, () => {
    const f = adminFixture(seedLikeConfig);
    f.sources.register({ name: 'vrrp', snapshot: () => fakeVrrp });
    f.sources.register({ name: 'lvs', snapshot: () => fakeLvs });
    const text = format.render(f.context.snapshot(), base());
    assert.ok(text.length > 0);
    assert.ok(text.includes('websrv'));
    assert.match(format.contentType, /^(text|application)\//);
  });

  test(`${name}: renders a config without servers`, () => {
    const f = adminFixture('listen stats 127.0.0.1:1080\n    mode http\n    stats uri /\n');
    assert.ok(format.render(f.context.snapshot(), base(f.config.proxies[0]?.settings.stats)).includes('stats'));
  });

  test(`${name}: ?scope= and ;up leave proxies and DOWN servers out`, () => {
    const f = adminFixture(seedLikeConfig);
    f.engine.markDown('websrv/spare', { ok: false, status: 'L4CON', info: '', durationMs: 0 });
    const scoped = format.render(f.context.snapshot(), { ...base(), scope: 'stats' });
    assert.ok(!scoped.includes('web1'), 'scope');
    const up = format.render(f.context.snapshot(), { ...base(), hideDown: true });
    assert.ok(up.includes('web1'));
    assert.ok(!up.includes('spare') || name === 'prometheus', ';up');
  });
}
