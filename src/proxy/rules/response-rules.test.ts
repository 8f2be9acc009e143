import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Diagnostics, formatDiagnostic } from '../../config/diagnostics.ts';
import type { ResponseView } from '../http/message-view.ts';
import { requestView, responseView, rule, table } from '../acl/testing.ts';
import { applyResponseRules, compileResponseRules, type ResponseOutcome } from './response-rules.ts';

function run(lines: readonly string[], view: ResponseView): ResponseOutcome {
  const diagnostics = new Diagnostics();
  const rules = compileResponseRules(lines.map(rule), table([], diagnostics), diagnostics);
  assert.equal(diagnostics.items.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n'), '');
  return applyResponseRules(rules, view);
}

describe('http-response rules', () => {
  it('header edits on the response, with response and connection fetches in values', () => {
    const view = responseView({ status: 201, headers: ['Server', 'x', 'Set-Cookie', 'a=1', 'Via', '1.1 old'] });
    run(
      [
        'http-response del-header Server',
        'http-response set-header X-Status %[status]',
        'http-response add-header X-Client %[src]:%cp',
        'http-response replace-header Via ^1\\.1\\s(.*)$ "1.1 vigil (\\1)"',
      ],
      view,
    );
    assert.deepEqual(view.headers, ['Set-Cookie', 'a=1', 'Via', '1.1 vigil (old)', 'X-Status', '201', 'X-Client', '192.0.2.10:40000']);
  });
  it('set-status with HAProxy reason, or a given one', () => {
    const view = responseView();
    run(['http-response set-status 404'], view);
    assert.deepEqual([view.status, view.reason], [404, 'Not Found']);
    run(['http-response set-status 299 reason "Fine"'], view);
    assert.deepEqual([view.status, view.reason], [299, 'Fine']);
  });
  it('deny answers 502 by default, on the request connection fate', () => {
    const outcome = run(['http-response deny if { res.hdr(content-type) -m beg audio/ }'], responseView({ headers: ['Content-Type', 'audio/mp3'] }));
    assert.equal(outcome.kind, 'response');
    assert.equal(
      outcome.kind === 'response' && outcome.bytes.toString('latin1'),
      'HTTP/1.1 502 Bad Gateway\r\ncontent-length: 107\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n' +
        '<html><body><h1>502 Bad Gateway</h1>\nThe server returned an invalid or incomplete response.\n</body></html>\n',
    );
    const closing = run(['http-response deny deny_status 503'], responseView({ request: requestView({ version: 10, headers: [] }) }));
    assert.equal(closing.kind === 'response' && closing.close, true);
  });
  it('conditions see the response; first final action wins', () => {
    const view = responseView({ status: 500 });
    const outcome = run(['http-response set-header X-A 1', 'http-response allow if { status ge 500 }', 'http-response set-header X-B 1'], view);
    assert.deepEqual(outcome, { kind: 'continue' });
    assert.deepEqual(view.headers, ['Content-Type', 'text/html', 'X-A', '1']);
  });
  it('request fetches are empty in response values, with a warning (HAProxy keeps no request there)', () => {
    const diagnostics = new Diagnostics();
    const rules = compileResponseRules([rule('http-response set-header X-P "p=%[path]"')], table([], diagnostics), diagnostics);
    assert.equal(diagnostics.count('warning'), 1);
    const view = responseView({ headers: [] });
    applyResponseRules(rules, view);
    assert.deepEqual(view.headers, ['X-P', 'p=']);
  });
  it('unknown and unsupported actions are reported', () => {
    const diagnostics = new Diagnostics();
    compileResponseRules([rule('http-response set-stauts 200'), rule('http-response cache-store c')], table([], diagnostics), diagnostics);
    const messages = diagnostics.items.map(formatDiagnostic);
    assert.match(messages[0] ?? '', /Unknown action "set-stauts" \(did you mean 'set-status'\?\)/);
    assert.match(messages[1] ?? '', /Cannot run action "cache-store": not supported yet/);
  });
});
