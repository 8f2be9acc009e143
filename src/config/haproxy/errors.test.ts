// Planted mistakes: every one must be reported, at its line and column, with its keyword, in one
// pass, so `vigil check` shows them all at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Diagnostic, Diagnostics } from '../diagnostics.ts';
import { parseHaproxy } from './parser.ts';

const text = `global
    maxconn 4096
    daemon

defaults
    mode http
    timeout connect 5s
    timeout client 2x
    timeout server 30s

frontend www
    bind :80
    mdoe http
    balance roundrobin
    acl is_api path_beg /api
    use_backend apps if is_api
    use_backend app if is_apii
    use_backend raw
    default_backend app

frontend lonely
    mode http

backend app
    balance roundrobbin
    server a1 10.0.0.1:70000 check
    server a2 10.0.0.2:80 check inter 2x
    server a3 10.0.0.3:80 chek
    stats auth admin

backend app
    server b1 10.0.0.9:80

backend raw
    mode tcp
    server r1 10.0.0.5:9000
    stats realm "unterminated
option httplog
`;

function diagnostics(): Diagnostic[] {
  const diag = new Diagnostics();
  parseHaproxy([{ file: 'bad.cfg', text }], { diagnostics: diag, env: {} });
  return [...diag.items];
}

function find(list: readonly Diagnostic[], line: number, column: number, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  const found = list.find((d) => d.at.line === line && d.at.column === column && d.severity === severity);
  assert.ok(found, `no ${severity} at ${line}:${column}; got ${list.map((d) => `${d.at.line}:${d.at.column} ${d.severity}`).join(', ')}`);
  return found;
}

describe('planted errors in a haproxy.cfg', () => {
  const list = diagnostics();

  it('reports a bad timeout unit at the value', () => {
    const d = find(list, 8, 20);
    assert.equal(d.keyword, 'timeout client');
    assert.match(d.message, /Cannot parse timeout client "2x"/);
  });

  it('suggests the keyword a typo was meant to be', () => {
    const d = find(list, 13, 5);
    assert.equal(d.keyword, 'mdoe');
    assert.equal(d.code, 'VIGIL_CFG_UNKNOWN_KEYWORD');
    assert.equal(d.hint, "did you mean 'mode'?");
  });

  it('warns that balance in a frontend is ignored, as HAProxy does', () => {
    const d = find(list, 14, 5, 'warning');
    assert.equal(d.keyword, 'balance');
    assert.match(d.message, /no backend capability/);
  });

  it('suggests the algorithm a misspelt balance meant', () => {
    const d = find(list, 25, 13);
    assert.equal(d.keyword, 'balance');
    assert.equal(d.hint, "did you mean 'roundrobin'?");
  });

  it('refuses a server port above 65535', () => {
    const d = find(list, 26, 15);
    assert.equal(d.keyword, 'server');
    assert.match(d.message, /70000/);
  });

  it('refuses a bad inter on a server, at the value', () => {
    const d = find(list, 27, 39);
    assert.equal(d.keyword, 'server inter');
  });

  it('suggests the server option a typo was meant to be', () => {
    const d = find(list, 28, 27);
    assert.equal(d.keyword, 'server');
    assert.equal(d.hint, "did you mean 'check'?");
  });

  it('refuses stats auth without a colon', () => {
    assert.equal(find(list, 29, 16).keyword, 'stats auth');
  });

  it('reports an unterminated quote at the quote', () => {
    assert.match(find(list, 37, 17).message, /Unterminated double quote/);
  });

  it('reports the second backend of the same name', () => {
    const d = find(list, 31, 1);
    assert.match(d.message, /same name as backend "app"/);
    assert.match(d.hint ?? '', /bad\.cfg:24:1/);
  });

  it('reports a use_backend naming no backend, with a suggestion', () => {
    const d = find(list, 16, 17);
    assert.equal(d.keyword, 'use_backend');
    assert.equal(d.hint, "did you mean 'app'?");
  });

  it('reports an ACL used but never defined', () => {
    const d = find(list, 17, 24);
    assert.equal(d.keyword, 'is_apii');
    assert.equal(d.hint, "did you mean 'is_api'?");
  });

  it('refuses an HTTP frontend using a TCP backend', () => {
    assert.match(find(list, 18, 17).message, /cannot use tcp backend "raw"/);
  });

  it('refuses a frontend without bind', () => {
    assert.match(find(list, 21, 1).message, /no bind line/);
  });

  it('takes a line after the bad one normally: the section goes on', () => {
    // `option httplog` in a backend: ignored with a warning, not an unknown keyword
    const d = find(list, 38, 8, 'warning');
    assert.equal(d.keyword, 'option httplog');
  });

  it('reports nothing else as an error', () => {
    assert.equal(list.filter((d) => d.severity === 'error').length, 13);
  });
});

describe('lines outside any section and unknown sections', () => {
  it('reports a keyword before any section, suggesting a section word', () => {
    const diag = new Diagnostics();
    parseHaproxy([{ file: 'x.cfg', text: 'mode http\nfronted web\nglobal\n  daemon\n' }], { diagnostics: diag, env: {} });
    const errors = diag.items.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => [d.at.line, d.at.column, d.keyword]), [
      [1, 1, 'mode'],
      [2, 1, 'fronted'],
    ]);
    assert.equal(errors[1]?.hint, "did you mean 'frontend'?");
  });

  it('reads a misspelt section word inside a section as that section', () => {
    const diag = new Diagnostics();
    parseHaproxy([{ file: 'x.cfg', text: 'frontend f\n  bind :80\nbakend b\n' }], { diagnostics: diag, env: {} });
    const error = diag.items.find((d) => d.severity === 'error');
    assert.deepEqual([error?.at.line, error?.keyword, error?.hint], [3, 'bakend', "did you mean the section 'backend'?"]);
  });

  it('skips a recognised but unsupported section with one warning', () => {
    const diag = new Diagnostics();
    const config = parseHaproxy([{ file: 'x.cfg', text: 'peers mypeers\n  peer a 10.0.0.1:1024\n  peer b 10.0.0.2:1024\n' }], { diagnostics: diag, env: {} });
    assert.equal(diag.count('error'), 0);
    assert.equal(diag.count('warning'), 1);
    assert.deepEqual(config.ignoredSections.map((s) => [s.kind, s.name, s.lineCount]), [['peers', 'mypeers', 2]]);
  });
});
