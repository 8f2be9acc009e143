import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Diagnostics } from '../diagnostics.ts';
import { compareVersions } from './conditional-blocks.ts';
import { parseHaproxy } from './parser.ts';

function parse(text: string, env: Record<string, string> = {}) {
  const diagnostics = new Diagnostics();
  const config = parseHaproxy([{ file: 'c.cfg', text }], { diagnostics, env });
  return { config, diagnostics };
}

describe('haproxy conditional blocks', () => {
  it('keeps the lines of the branch that holds', () => {
    const { config } = parse(`
global
.if defined(ADMIN)
  maxconn 10
.elif streq("\${MODE}",big) && !feature(QUIC)
  maxconn 20
.else
  maxconn 30
.endif
`, { MODE: 'big' });
    assert.equal(config.global.maxconn, 20);
  });

  it('skips lines for newer HAProxy versions, whatever they contain', () => {
    const { config, diagnostics } = parse(`
.if version_atleast(3.1-dev8)
traces
  trace all sink stderr
.else
global
  daemon
.endif
`);
    assert.equal(config.global.daemon, true);
    assert.equal(diagnostics.count('error'), 0);
  });

  it('reports a missing .endif and a stray .else', () => {
    const { diagnostics } = parse('.else\n.if 1\nglobal\n');
    assert.deepEqual(diagnostics.items.filter((d) => d.severity === 'error').map((d) => [d.at.line, d.keyword]), [
      [1, '.else'],
      [2, '.if'],
    ]);
  });

  it('turns .notice, .warning and .alert into diagnostics', () => {
    const { diagnostics } = parse(`.notice 'hello there'\n.warning careful\n.alert stop\n`);
    assert.deepEqual(diagnostics.items.map((d) => [d.severity, d.message]), [
      ['note', 'hello there'],
      ['warning', 'careful'],
      ['error', 'stop'],
    ]);
  });

  it('orders versions as HAProxy does', () => {
    assert.ok(compareVersions('2.6.12', '2.6') > 0);
    assert.ok(compareVersions('3.1-dev8', '3.1') < 0);
    assert.ok(compareVersions('3.1-dev8', '3.1-rc1') < 0);
    assert.equal(compareVersions('2.6', '2.6.0'), 0);
  });
});
