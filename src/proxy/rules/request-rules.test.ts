// Expected bytes below were captured from HAProxy 2.6.12 with raw sockets.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Diagnostics, formatDiagnostic } from '../../config/diagnostics.ts';
import type { ForwardFor, Redirect } from '../../config/haproxy/model.ts';
import { ErrorPages } from '../http/error-pages.ts';
import type { RequestView } from '../http/message-view.ts';
import { condition, requestView, rule, table, words } from '../acl/testing.ts';
import { applyRequestRules, compileRequestRules, type RequestOutcome, type RequestRuleOptions } from './request-rules.ts';

function compile(lines: readonly string[], acls: readonly string[] = [], extra: Parameters<typeof compileRequestRules>[3] = {}, options: RequestRuleOptions = {}) {
  const diagnostics = new Diagnostics();
  const rules = compileRequestRules(lines.map(rule), table(acls, diagnostics), diagnostics, extra, options);
  assert.equal(diagnostics.items.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n'), '');
  return rules;
}

function run(lines: readonly string[], view: RequestView, acls: readonly string[] = []): RequestOutcome {
  return applyRequestRules(compile(lines, acls), view);
}

function answer(lines: readonly string[], view: Partial<RequestView> = {}): string {
  const outcome = run(lines, requestView(view));
  assert.equal(outcome.kind, 'response');
  return outcome.kind === 'response' ? outcome.bytes.toString('latin1') : '';
}

function errors(lines: readonly string[]): string[] {
  const diagnostics = new Diagnostics();
  compileRequestRules(lines.map(rule), table([], diagnostics), diagnostics);
  return diagnostics.items.filter((d) => d.severity === 'error').map(formatDiagnostic);
}

const denyPage = '<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n';

describe('deny', () => {
  it('answers 403 with HAProxy page and keeps an HTTP/1.1 connection open', () => {
    const outcome = run(['http-request deny'], requestView());
    assert.deepEqual(outcome.kind === 'response' && [outcome.status, outcome.close], [403, false]);
    assert.equal(
      answer(['http-request deny']),
      `HTTP/1.1 403 Forbidden\r\ncontent-length: 93\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n${denyPage}`,
    );
  });
  it('deny_status picks another page', () => {
    assert.equal(
      answer(['http-request deny deny_status 429']),
      'HTTP/1.1 429 Too Many Requests\r\ncontent-length: 117\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n' +
        '<html><body><h1>429 Too Many Requests</h1>\nYou have sent too many requests in a given amount of time.\n</body></html>\n',
    );
  });
  it('closes an HTTP/1.0 connection, or one that asked to close', () => {
    const closing = `HTTP/1.1 403 Forbidden\r\ncontent-length: 93\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nconnection: close\r\n\r\n${denyPage}`;
    assert.equal(answer(['http-request deny'], { version: 10, headers: [] }), closing);
    assert.equal(answer(['http-request deny'], { headers: ['Host', 'a', 'Connection', 'close'] }), closing);
    const outcome = run(['http-request deny'], requestView({ version: 10, headers: [] }));
    assert.equal(outcome.kind === 'response' && outcome.close, true);
  });
  it('a status without an error page is refused, as HAProxy 2.6 does', () => {
    assert.match(errors(['http-request deny deny_status 418'])[0] ?? '', /Cannot deny with status "418"/);
  });
  it('an errorfile for the status is sent as is, then the connection closes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-rules-'));
    const file = join(dir, '403.http');
    writeFileSync(file, 'HTTP/1.1 403 Nope\r\ncontent-length: 2\r\n\r\nno');
    const rules = compile(['http-request deny'], [], {}, { errorPages: new ErrorPages(new Map([[403, file]])) });
    const outcome = applyRequestRules(rules, requestView());
    assert.equal(outcome.kind === 'response' && outcome.bytes.toString(), 'HTTP/1.1 403 Nope\r\ncontent-length: 2\r\n\r\nno');
    assert.equal(outcome.kind === 'response' && outcome.close, true);
  });
});

describe('return', () => {
  it('status, content-type, string and hdr in HAProxy order', () => {
    assert.equal(
      answer(['http-request return status 200 content-type text/plain string "hello world" hdr x-a "b c"']),
      'HTTP/1.1 200 OK\r\nx-a: b c\r\ncontent-length: 11\r\ncontent-type: text/plain\r\n\r\nhello world',
    );
  });
  it('without options: an empty 200; a bare status', () => {
    assert.equal(answer(['http-request return']), 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
    assert.equal(answer(['http-request return status 404']), 'HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
    assert.equal(answer(['http-request return status 302']), 'HTTP/1.1 302 Moved Temporarily\r\ncontent-length: 0\r\n\r\n');
  });
  it('lf-string evaluates per request', () => {
    assert.equal(
      answer(['http-request return status 503 content-type text/html lf-string "src=%[src] p=%[path] h=%[req.hdr(host)] ci=%ci"'], {
        source: '127.0.0.1',
        target: '/retlf',
        headers: ['Host', 'ex.com:80'],
      }),
      'HTTP/1.1 503 Service Unavailable\r\ncontent-length: 47\r\ncontent-type: text/html\r\n\r\nsrc=127.0.0.1 p=/retlf h=ex.com:80 ci=127.0.0.1',
    );
  });
  it('HEAD gets the head only; HTTP/1.0 keep-alive is echoed', () => {
    assert.equal(
      answer(['http-request return status 200 content-type text/plain string body'], { method: 'HEAD' }),
      'HTTP/1.1 200 OK\r\ncontent-length: 4\r\ncontent-type: text/plain\r\n\r\n',
    );
    assert.equal(
      answer(['http-request return status 200 content-type text/plain string body'], { version: 10, headers: ['Connection', 'keep-alive'] }),
      'HTTP/1.1 200 OK\r\ncontent-length: 4\r\ncontent-type: text/plain\r\nconnection: keep-alive\r\n\r\nbody',
    );
  });
  it('file is the body; errorfile the whole answer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-rules-'));
    writeFileSync(join(dir, 'body.txt'), 'from file\n');
    writeFileSync(join(dir, 'full.http'), 'HTTP/1.1 503 X\r\ncontent-length: 0\r\n\r\n');
    const rules = compile(
      ['http-request return content-type text/plain file body.txt if { path /f }', 'http-request return errorfile full.http'],
      [],
      {},
      { baseDirectory: dir },
    );
    const file = applyRequestRules(rules, requestView({ target: '/f' }));
    assert.equal(file.kind === 'response' && file.bytes.toString(), 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\ncontent-type: text/plain\r\n\r\nfrom file\n');
    const full = applyRequestRules(rules, requestView({ target: '/g' }));
    assert.equal(full.kind === 'response' && full.bytes.toString(), 'HTTP/1.1 503 X\r\ncontent-length: 0\r\n\r\n');
  });
  it('a payload needs a content-type, as HAProxy requires', () => {
    assert.match(errors(['http-request return string x'])[0] ?? '', /Missing "content-type"/);
    assert.match(errors(['http-request return status 199'])[0] ?? '', /between 200 and 599/);
    assert.match(errors(['http-request return file /nonexistent/x content-type a/b'])[0] ?? '', /Cannot read "\/nonexistent\/x"/);
  });
});

describe('redirect', () => {
  const host = ['Host', 'ex.com:80'];
  it('location: 302 Found with cache-control', () => {
    assert.equal(answer(['http-request redirect location /new']), 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /new\r\ncache-control: no-cache\r\n\r\n');
  });
  it('301 and 308 carry no cache-control, 303 and 307 do', () => {
    assert.equal(answer(['http-request redirect location /new code 301']), 'HTTP/1.1 301 Moved Permanently\r\ncontent-length: 0\r\nlocation: /new\r\n\r\n');
    assert.equal(answer(['http-request redirect location /n code 307']), 'HTTP/1.1 307 Temporary Redirect\r\ncontent-length: 0\r\nlocation: /n\r\ncache-control: no-cache\r\n\r\n');
  });
  it('prefix keeps path and query; drop-query and append-slash', () => {
    assert.equal(
      answer(['http-request redirect prefix /pre'], { target: '/pfx/a?x=1' }),
      'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /pre/pfx/a?x=1\r\ncache-control: no-cache\r\n\r\n',
    );
    assert.equal(
      answer(['http-request redirect prefix /pre drop-query append-slash'], { target: '/dq/a?x=1' }),
      'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /pre/dq/a/\r\ncache-control: no-cache\r\n\r\n',
    );
    assert.equal(
      answer(['http-request redirect prefix /'], { target: '/slash/x?y' }),
      'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /slash/x?y\r\ncache-control: no-cache\r\n\r\n',
    );
  });
  it('scheme uses the Host header as sent, port included', () => {
    assert.equal(
      answer(['http-request redirect scheme https'], { target: '/sch/a?q=1', headers: host }),
      'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: https://ex.com:80/sch/a?q=1\r\ncache-control: no-cache\r\n\r\n',
    );
    assert.equal(
      answer(['http-request redirect scheme https drop-query append-slash code 308'], { target: '/sdq/a?q=1', headers: host }),
      'HTTP/1.1 308 Permanent Redirect\r\ncontent-length: 0\r\nlocation: https://ex.com:80/sdq/a/\r\n\r\n',
    );
    assert.equal(
      answer(['http-request redirect scheme https'], { target: '/sch?x', version: 10, headers: [] }),
      'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: https:///sch?x\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n',
    );
  });
  it('an empty log-format location still redirects, as HAProxy 2.6 does', () => {
    assert.equal(answer(['http-request redirect location %[hdr(x-empty)]']), 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: \r\ncache-control: no-cache\r\n\r\n');
  });
  it('the standalone redirect keyword runs after every http-request rule', () => {
    const redirect: Redirect = { type: 'prefix', target: '/std', code: 303, options: [], condition: condition('if { path_beg /std }'), at: words('redirect')[0]! };
    const rules = compile(['http-request set-header x-a 1', 'http-request return status 200 if { path /std/late }'], [], { redirects: [redirect] });
    const early = applyRequestRules(rules, requestView({ target: '/std/z?k' }));
    assert.equal(early.kind === 'response' && early.bytes.toString(), 'HTTP/1.1 303 See Other\r\ncontent-length: 0\r\nlocation: /std/std/z?k\r\ncache-control: no-cache\r\n\r\n');
    const late = applyRequestRules(rules, requestView({ target: '/std/late' }));
    assert.equal(late.kind === 'response' && late.status, 200);
  });
  it('bad codes and options are reported', () => {
    assert.match(errors(['http-request redirect location /x code 304'])[0] ?? '', /Cannot use redirect code "304"/);
    assert.match(errors(['http-request redirect to /x'])[0] ?? '', /expects "location", "prefix" or "scheme"/);
  });
});

describe('header edits', () => {
  it('set-header replaces every line and appends; add-header appends; in rule order', () => {
    const view = requestView({ headers: ['Host', 'a', 'X-Set', 'old', 'x-set', 'older', 'X-Keep', 'k'] });
    run(['http-request add-header X-Add a', 'http-request set-header X-Set "v1 %[src]:%[src_port]"', 'http-request add-header X-Add b'], view);
    assert.deepEqual(view.headers, ['Host', 'a', 'X-Keep', 'k', 'X-Add', 'a', 'X-Set', 'v1 192.0.2.10:40000', 'X-Add', 'b']);
  });
  it('set-header may read the header it replaces', () => {
    const view = requestView({ headers: ['X-N', 'one'] });
    run(['http-request set-header X-N "%[req.hdr(x-n)]-two"'], view);
    assert.deepEqual(view.headers, ['X-N', 'one-two']);
  });
  it('del-header by name, case-insensitive, and with -m', () => {
    const view = requestView({ headers: ['X-Del', '1', 'x-del', '2', 'X-Debug-A', '3', 'x-debug-b', '4', 'Host', 'h'] });
    run(['http-request del-header X-DEL'], view);
    assert.deepEqual(view.headers, ['X-Debug-A', '3', 'x-debug-b', '4', 'Host', 'h']);
    run(['http-request del-header x-debug- -m beg'], view);
    assert.deepEqual(view.headers, ['Host', 'h']);
    const other = requestView({ headers: ['A-Secret', '1', 'B', '2', 'C-Token', '3'] });
    run(['http-request del-header secret -m sub', 'http-request del-header -token -m end', 'http-request del-header ^b$ -m reg'], other);
    assert.deepEqual(other.headers, []);
  });
  it('replace-header rewrites the whole value from the match, per line', () => {
    const view = requestView({ headers: ['X-Rep', 'a-old', 'X-Rep', 'b-old, c-old', 'X-R', 'a-old-b'] });
    run(['http-request replace-header X-Rep ^(.*)-old$ \\1-new', 'http-request replace-header X-R old new'], view);
    assert.deepEqual(view.headers, ['X-Rep', 'a-new', 'X-Rep', 'b-old, c-new', 'X-R', 'new']);
  });
});

describe('request line edits', () => {
  it('set-path keeps the query, set-query keeps the path, set-uri replaces all', () => {
    const view = requestView({ target: '/x?q=1' });
    run(['http-request set-path /p%[path]'], view);
    assert.equal(view.target, '/p/x?q=1');
    run(['http-request set-query a=%[path]'], view);
    assert.equal(view.target, '/p/x?a=/p/x');
    run(['http-request set-uri /new?z'], view);
    assert.equal(view.target, '/new?z');
  });
  it('set-path on an absolute-form target keeps scheme and authority', () => {
    const view = requestView({ target: 'http://h/x?q' });
    run(['http-request set-path /y'], view);
    assert.equal(view.target, 'http://h/y?q');
  });
  it('set-method', () => {
    const view = requestView();
    run(['http-request set-method POST'], view);
    assert.equal(view.method, 'POST');
  });
});

describe('evaluation order', () => {
  it('the first final action wins and later rules do not run', () => {
    const view = requestView({ target: '/api' });
    const outcome = run(['http-request set-header X-1 a', 'http-request deny if api', 'http-request set-header X-2 b', 'http-request return'], view, ['acl api path_beg /api']);
    assert.equal(outcome.kind === 'response' && outcome.status, 403);
    assert.deepEqual(view.headers, ['Host', 'example.com', 'X-1', 'a']);
  });
  it('allow stops the rules and forwards', () => {
    const view = requestView({ source: '10.0.0.1' });
    const outcome = run(['http-request allow if { src 10.0.0.0/8 }', 'http-request deny'], view);
    assert.deepEqual(outcome, { kind: 'continue' });
    assert.equal(run(['http-request allow if { src 10.0.0.0/8 }', 'http-request deny'], requestView()).kind, 'response');
  });
  it('unless runs the action when the condition fails', () => {
    assert.equal(run(['http-request deny unless { method GET HEAD }'], requestView({ method: 'POST' })).kind, 'response');
    assert.equal(run(['http-request deny unless { method GET HEAD }'], requestView({ method: 'GET' })).kind, 'continue');
  });
  it('no rule: continue', () => {
    assert.deepEqual(run([], requestView()), { kind: 'continue' });
  });
});

describe('option forwardfor', () => {
  const ff = (option: Partial<ForwardFor>) => ({ forwardFor: { option: { kind: 'forwardfor' as const, ifNone: false, ...option }, at: words('option forwardfor')[0]! } });
  it('appends the client address as a new line after the rules', () => {
    const view = requestView({ headers: ['Host', 'a', 'X-Forwarded-For', '1.1.1.1'], source: '::ffff:127.0.0.1' });
    applyRequestRules(compile(['http-request add-header X-Add a'], [], ff({})), view);
    assert.deepEqual(view.headers, ['Host', 'a', 'X-Forwarded-For', '1.1.1.1', 'X-Add', 'a', 'x-forwarded-for', '127.0.0.1']);
  });
  it('except skips clients in the network', () => {
    const rules = compile([], [], ff({ except: '10.0.0.0/8' }));
    const inside = requestView({ source: '10.2.3.4' });
    applyRequestRules(rules, inside);
    assert.deepEqual(inside.headers, ['Host', 'example.com']);
    const outside = requestView({ source: '2001:db8::7' });
    applyRequestRules(rules, outside);
    assert.deepEqual(outside.headers, ['Host', 'example.com', 'x-forwarded-for', '2001:db8::7']);
  });
  it('if-none adds only when absent; header renames it', () => {
    const rules = compile([], [], ff({ ifNone: true, header: 'X-Client-IP' }));
    const present = requestView({ headers: ['x-client-ip', '9.9.9.9'] });
    applyRequestRules(rules, present);
    assert.deepEqual(present.headers, ['x-client-ip', '9.9.9.9']);
    const absent = requestView();
    applyRequestRules(rules, absent);
    assert.deepEqual(absent.headers, ['Host', 'example.com', 'X-Client-IP', '192.0.2.10']);
  });
  it('a bad except network is reported', () => {
    const diagnostics = new Diagnostics();
    compileRequestRules([], table([], diagnostics), diagnostics, ff({ except: '10.0.0.0/40' }));
    assert.equal(diagnostics.count('error'), 1);
  });
});

describe('compile errors', () => {
  it('unknown action with a suggestion, unsupported action, arity', () => {
    assert.match(errors(['http-request set-hedaer X 1'])[0] ?? '', /^test\.cfg:\d+:1: error: 'http-request': Unknown action "set-hedaer" \(did you mean 'set-header'\?\)$/);
    assert.match(errors(['http-request set-var(txn.x) str(1)'])[0] ?? '', /Cannot run action "set-var\(txn\.x\)": not supported yet/);
    assert.match(errors(['http-request tarpit'])[0] ?? '', /Cannot run action "tarpit": not supported yet/);
    assert.match(errors(['http-request set-header X'])[0] ?? '', /"set-header" expects a header name and a value/);
  });
  it('bad values: unknown fetch, bad regex, unknown variable', () => {
    assert.match(errors(['http-request set-header X %[pth]'])[0] ?? '', /Unknown fetch "pth" \(did you mean 'path'\?\)/);
    assert.match(errors(['http-request replace-header X ( y'])[0] ?? '', /Cannot compile regular expression "\("/);
    assert.match(errors(['http-request set-header X %Tq'])[0] ?? '', /Cannot use log-format variable "%Tq"/);
  });
  it('a rule whose condition fails to compile is reported and left out', () => {
    const diagnostics = new Diagnostics();
    const rules = compileRequestRules([rule('http-request deny if nope')], table([], diagnostics), diagnostics);
    assert.equal(rules.steps.length, 0);
    assert.match(formatDiagnostic(diagnostics.items[0]!), /Unknown ACL "nope"/);
  });
});
