import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Diagnostics, formatDiagnostic } from '../../config/diagnostics.ts';
import type { RequestView } from '../http/message-view.ts';
import { compileCondition } from './condition.ts';
import { condition, connectionView, requestView, responseView, table } from './testing.ts';

/** compiles `acls` + `cond` for a request rule and evaluates it on `view` */
function check(acls: readonly string[], cond: string, view: RequestView): boolean {
  const diagnostics = new Diagnostics();
  const predicate = compileCondition(condition(cond), table(acls, diagnostics), 'request', diagnostics, 'http-request');
  assert.equal(diagnostics.items.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n'), '');
  assert.ok(predicate);
  return predicate(view);
}

/** one anonymous ACL against a request */
function anon(expression: string, view: Partial<RequestView>): boolean {
  return check([], `if { ${expression} }`, requestView(view));
}

function errorsOf(acls: readonly string[], cond: string, context: 'tcp' | 'request' | 'response' = 'request'): string[] {
  const diagnostics = new Diagnostics();
  const acl = table(acls, diagnostics);
  if (context === 'tcp') compileCondition(condition(cond), acl, 'tcp', diagnostics, 'tcp-request');
  else if (context === 'request') compileCondition(condition(cond), acl, 'request', diagnostics, 'http-request');
  else compileCondition(condition(cond), acl, 'response', diagnostics, 'http-response');
  return diagnostics.items.filter((d) => d.severity === 'error').map(formatDiagnostic);
}

describe('path fetches and match methods', () => {
  it('path is the target without the query, and str is exact', () => {
    assert.equal(anon('path /a/b', { target: '/a/b?x=1' }), true);
    assert.equal(anon('path /a', { target: '/a/b' }), false);
  });
  it('path of an absolute-form target skips scheme and authority', () => {
    assert.equal(anon('path /x', { target: 'http://example.com/x?q' }), true);
  });
  it('path_beg, path_end, path_sub', () => {
    assert.equal(anon('path_beg /api', { target: '/api/v1' }), true);
    assert.equal(anon('path_beg /api', { target: '/ap' }), false);
    assert.equal(anon('path_end .jpg .png', { target: '/img/a.png?x=.gif' }), true);
    assert.equal(anon('path_end .gif', { target: '/img/a.png?x=.gif' }), false);
    assert.equal(anon('path_sub admin', { target: '/x/admin/y' }), true);
    assert.equal(anon('path_sub admin', { target: '/x/adm/y?admin' }), false);
  });
  it('path_reg searches without anchoring unless the regex anchors', () => {
    assert.equal(anon('path_reg ^/v[0-9]+/', { target: '/v2/x' }), true);
    assert.equal(anon('path_reg [0-9]{3}', { target: '/a/123' }), true);
    assert.equal(anon('path_reg ^/x$', { target: '/x/y' }), false);
  });
  it('path_dir matches a whole slash-delimited part', () => {
    assert.equal(anon('path_dir api', { target: '/v1/api/x' }), true);
    assert.equal(anon('path_dir api', { target: '/v1/apix' }), false);
    assert.equal(anon('path_dir /v1/api', { target: '/v1/api' }), true);
  });
  it('path_dom and hdr_dom match a whole dot-delimited part', () => {
    assert.equal(anon('hdr_dom(host) example', { headers: ['Host', 'www.example.com'] }), true);
    assert.equal(anon('hdr_dom(host) exam', { headers: ['Host', 'www.example.com'] }), false);
    assert.equal(anon('hdr_dom(host) www.example.com', { headers: ['Host', 'www.example.com:8080'] }), true);
    assert.equal(anon('path_dom b', { target: '/a.b/c' }), true);
  });
  it('path_len and -m len compare the length', () => {
    assert.equal(anon('path_len 4', { target: '/abc?q' }), true);
    assert.equal(anon('path_len gt 3', { target: '/ab' }), false);
    assert.equal(anon('path -m len 2:5', { target: '/ab' }), true);
  });
  it('url is the whole target, url_beg its start', () => {
    assert.equal(anon('url /a?b=1', { target: '/a?b=1' }), true);
    assert.equal(anon('url_beg /a?b', { target: '/a?b=1' }), true);
  });
  it('query and url_param', () => {
    assert.equal(anon('query a=1&b=2', { target: '/x?a=1&b=2' }), true);
    assert.equal(anon('query -m found', { target: '/x' }), false);
    assert.equal(anon('url_param(b) 2', { target: '/x?a=1&b=2' }), true);
    assert.equal(anon('urlp(a) 1', { target: '/x?a=1&b=2' }), true);
    assert.equal(anon('url_param(c) -m found', { target: '/x?a=1' }), false);
    assert.equal(anon('urlp_beg(a) 12', { target: '/x?a=123' }), true);
  });
  it('-m overrides a derived keyword method', () => {
    assert.equal(anon('path_beg -m sub /b', { target: '/a/b' }), true);
  });
});

describe('header fetches', () => {
  const headers = ['Host', 'Example.COM', 'X-Multi', 'a, b', 'x-multi', 'c', 'Accept', 'text/html, "x,y"'];
  it('hdr is exact and case-sensitive on the value; -i folds case', () => {
    assert.equal(anon('hdr(host) example.com', { headers }), false);
    assert.equal(anon('hdr(host) -i example.com', { headers }), true);
    assert.equal(anon('hdr(HOST) -i EXAMPLE.com', { headers }), true);
  });
  it('an ACL on hdr sees every comma-separated value of every line', () => {
    assert.equal(anon('hdr(x-multi) b', { headers }), true);
    assert.equal(anon('hdr(x-multi) c', { headers }), true);
    assert.equal(anon('hdr(x-multi) a,', { headers }), false);
    assert.equal(anon('req.fhdr(x-multi) "a, b"', { headers }), true);
  });
  it('commas inside quoted strings do not split values', () => {
    assert.equal(anon('hdr(accept) "\\"x,y\\""', { headers }), true);
  });
  it('hdr(name,occ) picks one occurrence, negative from the end', () => {
    assert.equal(anon('hdr(x-multi,1) a', { headers }), true);
    assert.equal(anon('hdr(x-multi,1) b', { headers }), false);
    assert.equal(anon('hdr(x-multi,-1) c', { headers }), true);
    assert.equal(anon('hdr(x-multi,2) b', { headers }), true);
  });
  it('hdr_beg, hdr_end, hdr_sub, hdr_reg, req.hdr', () => {
    assert.equal(anon('hdr_beg(host) -i www. example.', { headers }), true);
    assert.equal(anon('hdr_end(host) -i .com', { headers }), true);
    assert.equal(anon('hdr_sub(host) ample', { headers }), true);
    assert.equal(anon('hdr_reg(host) ^Ex.*M$', { headers }), true);
    assert.equal(anon('req.hdr(host) -i example.com', { headers }), true);
  });
  it('hdr_cnt counts values, hdr_len measures one', () => {
    assert.equal(anon('hdr_cnt(x-multi) 3', { headers }), true);
    assert.equal(anon('hdr_cnt(absent) 0', { headers }), true);
    assert.equal(anon('hdr_cnt(x-multi) gt 3', { headers }), false);
    assert.equal(anon('hdr_len(host) 11', { headers }), true);
  });
  it('hdr_val and hdr_ip read numbers and addresses from values', () => {
    assert.equal(anon('hdr_val(content-length) gt 10', { headers: ['Content-Length', '42'] }), true);
    assert.equal(anon('hdr_ip(x-forwarded-for) 10.0.0.0/8', { headers: ['X-Forwarded-For', '203.0.113.1, 10.1.2.3'] }), true);
  });
  it('-m found and a missing header', () => {
    assert.equal(anon('hdr(x-multi) -m found', { headers }), true);
    assert.equal(anon('hdr(x-none) -m found', { headers }), false);
    assert.equal(anon('hdr(x-none) anything', { headers }), false);
  });
  it('converters lower and upper apply before matching', () => {
    assert.equal(anon('hdr(host),lower example.com', { headers }), true);
    assert.equal(anon('hdr(host),upper EXAMPLE.COM', { headers }), true);
  });
  it('req.cook reads a cookie', () => {
    assert.equal(anon('req.cook(sid) abc', { headers: ['Cookie', 'a=1; sid=abc'] }), true);
    assert.equal(anon('cook(x) -m found', { headers: ['Cookie', 'a=1'] }), false);
  });
});

describe('method, version and connection fetches', () => {
  it('method is case-sensitive, -i folds', () => {
    assert.equal(anon('method GET', { method: 'GET' }), true);
    assert.equal(anon('method get', { method: 'GET' }), false);
    assert.equal(anon('method -i get', { method: 'GET' }), true);
  });
  it('req.ver and req_ver', () => {
    assert.equal(anon('req.ver 1.0', { version: 10 }), true);
    assert.equal(anon('req_ver 1.1', { version: 10 }), false);
  });
  it('src with IPv4 addresses, CIDR and dotted masks', () => {
    assert.equal(anon('src 192.0.2.0/24', { source: '192.0.2.10' }), true);
    assert.equal(anon('src 192.0.3.0/24 10.0.0.1', { source: '192.0.2.10' }), false);
    assert.equal(anon('src 192.0.0.0/255.255.0.0', { source: '192.0.2.10' }), true);
    assert.equal(anon('src 192.0.2.10', { source: '192.0.2.10' }), true);
  });
  it('src with IPv6 and v4-mapped clients', () => {
    assert.equal(anon('src 2001:db8::/32', { source: '2001:db8:1::5' }), true);
    assert.equal(anon('src 2001:db8::/32', { source: '2001:db9::5' }), false);
    assert.equal(anon('src ::1', { source: '::1' }), true);
    assert.equal(anon('src 10.0.0.0/8', { source: '::ffff:10.1.2.3' }), true);
    assert.equal(anon('src ::ffff:10.0.0.0/104', { source: '10.1.2.3' }), true);
    assert.equal(anon('src 2001:db8::1:0:0:1', { source: '2001:db8:0:0:1::1' }), true);
  });
  it('dst, dst_port, src_port', () => {
    assert.equal(anon('dst 127.0.0.1', { destination: '127.0.0.1' }), true);
    assert.equal(anon('dst_port 8000:8100', { destinationPort: 8080 }), true);
    assert.equal(anon('dst_port 80 443', { destinationPort: 8080 }), false);
    assert.equal(anon('src_port lt 1024', { sourcePort: 40000 }), false);
    assert.equal(anon('src_port ge 1024', { sourcePort: 40000 }), true);
  });
  it('-m int on a string and -m str on an integer', () => {
    assert.equal(anon('hdr(x-n) -m int 5:9', { headers: ['X-N', '7'] }), true);
    assert.equal(anon('dst_port -m beg 80', { destinationPort: 8080 }), true);
  });
  it('always_true, always_false, -m bool', () => {
    assert.equal(anon('always_true', {}), true);
    assert.equal(anon('always_false', {}), false);
    assert.equal(anon('hdr_cnt(host) -m bool', {}), true);
  });
  it('an ACL without patterns never matches', () => {
    assert.equal(anon('path', { target: '/' }), false);
  });
  it('-- ends the flags so a pattern may start with -', () => {
    assert.equal(anon('hdr(x) -- -1', { headers: ['X', '-1'] }), true);
  });
});

describe('named ACLs and conditions', () => {
  const acls = [
    'acl api path_beg /api',
    'acl host_ex hdr(host) -i example.com',
    'acl static path_end .css',
    'acl static path_end .js',
    'acl admin src 10.0.0.0/8 192.0.2.0/24',
  ];
  const view = (target: string, host = 'example.com', source = '198.51.100.5'): RequestView =>
    requestView({ target, headers: ['Host', host], source });
  it('terms are ANDed', () => {
    assert.equal(check(acls, 'if api host_ex', view('/api/x')), true);
    assert.equal(check(acls, 'if api host_ex', view('/api/x', 'other.org')), false);
  });
  it('several lines with one name are ORed', () => {
    assert.equal(check(acls, 'if static', view('/a.css')), true);
    assert.equal(check(acls, 'if static', view('/a.js')), true);
    assert.equal(check(acls, 'if static', view('/a.png')), false);
  });
  it('several patterns on one line are ORed', () => {
    assert.equal(check(acls, 'if admin', view('/', 'x', '192.0.2.7')), true);
    assert.equal(check(acls, 'if admin', view('/', 'x', '10.9.9.9')), true);
  });
  it('! negates, joined or separate', () => {
    assert.equal(check(acls, 'if !api', view('/web')), true);
    assert.equal(check(acls, 'if ! api', view('/api')), false);
    assert.equal(check(acls, 'if !!api', view('/api')), true);
  });
  it('|| and or separate groups; AND binds tighter', () => {
    assert.equal(check(acls, 'if api host_ex || static', view('/a.css', 'other.org')), true);
    assert.equal(check(acls, 'if api host_ex or static', view('/api', 'other.org')), false);
    assert.equal(check(acls, 'if api || static host_ex', view('/api', 'other.org')), true);
  });
  it('anonymous ACLs mix with named ones, negated too', () => {
    assert.equal(check(acls, 'if api !{ hdr(x-debug) -m found }', view('/api')), true);
    assert.equal(check(acls, 'if { path_beg /img /css } || api', view('/css/x')), true);
    assert.equal(check(acls, 'if ! { path_beg /img }', view('/img/x')), false);
  });
  it('unless inverts the whole condition', () => {
    assert.equal(check(acls, 'unless api || static', view('/api')), false);
    assert.equal(check(acls, 'unless api || static', view('/x')), true);
  });
  it('predefined ACLs: METH_GET takes HEAD, LOCALHOST, HTTP_1.0, TRUE', () => {
    assert.equal(check([], 'if METH_GET', requestView({ method: 'HEAD' })), true);
    assert.equal(check([], 'if METH_POST', requestView({ method: 'GET' })), false);
    assert.equal(check([], 'if LOCALHOST', requestView({ source: '127.0.0.5' })), true);
    assert.equal(check([], 'if LOCALHOST', requestView({ source: '::1' })), true);
    assert.equal(check([], 'if HTTP_1.0', requestView({ version: 10 })), true);
    assert.equal(check([], 'if TRUE !FALSE HTTP', requestView()), true);
    assert.equal(check([], 'if HTTP_URL_ABS', requestView({ target: 'http://a/b' })), true);
  });
  it('an own ACL named like a predefined one wins', () => {
    assert.equal(check(['acl TRUE path /never'], 'if TRUE', requestView()), false);
  });
});

describe('contexts', () => {
  it('tcp mode evaluates connection fetches on a ConnectionView', () => {
    const diagnostics = new Diagnostics();
    const predicate = compileCondition(condition('if { src 10.0.0.0/8 } { dst_port 443 } || LOCALHOST'), table([], diagnostics), 'tcp', diagnostics, 'tcp-request');
    assert.ok(predicate);
    assert.equal(predicate(connectionView({ source: '10.1.1.1', destinationPort: 443 })), true);
    assert.equal(predicate(connectionView({ source: '10.1.1.1', destinationPort: 80 })), false);
    assert.equal(predicate(connectionView({ source: '127.0.0.1', destinationPort: 80 })), true);
  });
  it('an HTTP fetch in tcp mode is an error at the fetch', () => {
    const [anonymous] = errorsOf([], 'if { path_beg /api }', 'tcp');
    assert.match(anonymous ?? '', /^test\.cfg:\d+:6: error: 'tcp-request': Cannot use fetch "path_beg" in a tcp-mode rule: it reads the HTTP request$/);
    const [message] = errorsOf(['acl api path_beg /api'], 'if api', 'tcp');
    assert.match(message ?? '', /error: 'tcp-request': Cannot use ACL "api" in a tcp-mode rule: it reads the HTTP request/);
    assert.equal(errorsOf([], 'if METH_GET', 'tcp').length, 1);
  });
  it('response rules read response fetches and the connection', () => {
    const diagnostics = new Diagnostics();
    const predicate = compileCondition(
      condition('if { status 500:599 } { res.hdr(content-type) -m beg text/ } { src 192.0.2.0/24 }'),
      table([], diagnostics),
      'response',
      diagnostics,
      'http-response',
    );
    assert.ok(predicate);
    assert.equal(predicate(responseView({ status: 503 })), true);
    assert.equal(predicate(responseView({ status: 200 })), false);
  });
  it('a request fetch in a response rule warns and never matches, as in HAProxy', () => {
    const diagnostics = new Diagnostics();
    const predicate = compileCondition(condition('if { path / }'), table([], diagnostics), 'response', diagnostics, 'http-response');
    assert.ok(predicate);
    assert.equal(predicate(responseView()), false);
    assert.equal(diagnostics.count('warning'), 1);
  });
  it('a response fetch in a request rule never matches', () => {
    assert.equal(check([], 'if { status 200 }', requestView()), false);
  });
});

describe('compile errors with locations', () => {
  it('unknown fetch with a suggestion, at the fetch word', () => {
    const [message] = errorsOf([], 'if { path_bge /x }');
    assert.match(message ?? '', /^test\.cfg:\d+:6: error: 'http-request': Unknown fetch "path_bge" \(did you mean 'path_beg'\?\)$/);
  });
  it('unknown fetch on an acl line points at the line', () => {
    const [message] = errorsOf(['acl x hdrr(host) a'], 'if x');
    assert.match(message ?? '', /^test\.cfg:\d+:5: error: 'acl': Unknown fetch "hdrr" \(did you mean 'hdr'\?\)$/);
  });
  it('bad regex, at the pattern', () => {
    const [message] = errorsOf([], 'if { path_reg ok [unclosed }');
    assert.match(message ?? '', /^test\.cfg:\d+:18: error: 'http-request': Cannot compile regular expression "\[unclosed"/);
  });
  it('bad CIDR, at the pattern', () => {
    const errors = errorsOf([], 'if { src 10.0.0.0/8 10.0.0.0/33 }');
    assert.match(errors[0] ?? '', /^test\.cfg:\d+:21: error: 'http-request': Cannot parse network mask "33" in "10.0.0.0\/33"$/);
    assert.match(errorsOf([], 'if { src 300.1.1.1 }')[0] ?? '', /Cannot parse IP address "300.1.1.1"/);
  });
  it('unknown ACL name, with a suggestion', () => {
    const [message] = errorsOf(['acl is_api path_beg /api'], 'if is_apl');
    assert.match(message ?? '', /^test\.cfg:\d+:4: error: 'http-request': Unknown ACL "is_apl" \(did you mean 'is_api'\?\)$/);
  });
  it('unknown match method, bad integer, unsupported features', () => {
    assert.match(errorsOf([], 'if { path -m bge /x }')[0] ?? '', /Unknown match method "bge" \(did you mean 'beg'\?\)/);
    assert.match(errorsOf([], 'if { dst_port eighty }')[0] ?? '', /Cannot parse integer "eighty"/);
    assert.match(errorsOf([], 'if { path -f /etc/paths.lst }')[0] ?? '', /not supported yet/);
    assert.match(errorsOf([], 'if { http_auth(users) }')[0] ?? '', /Cannot use fetch "http_auth"/);
    assert.match(errorsOf([], 'if WAIT_END')[0] ?? '', /Cannot use predefined ACL "WAIT_END": not supported yet/);
  });
  it('structure: missing }, empty groups, missing header name', () => {
    assert.match(errorsOf([], 'if { path /x')[0] ?? '', /Missing "}"/);
    assert.match(errorsOf([], 'if || TRUE')[0] ?? '', /Missing condition before "\|\|"/);
    assert.match(errorsOf([], 'if TRUE ||')[0] ?? '', /Missing condition after "\|\|"/);
    assert.match(errorsOf([], 'if { hdr() x }')[0] ?? '', /takes 1 to 2 argument/);
  });
  it('a broken acl line is reported once, and its users fail quietly', () => {
    const diagnostics = new Diagnostics();
    const acls = table(['acl bad src 1.2.3.4/99'], diagnostics);
    assert.equal(compileCondition(condition('if bad'), acls, 'request', diagnostics, 'http-request'), undefined);
    assert.equal(compileCondition(condition('if !bad'), acls, 'request', diagnostics, 'http-request'), undefined);
    assert.equal(diagnostics.count('error'), 1);
  });
});
