import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Diagnostics, formatDiagnostic } from '../../config/diagnostics.ts';
import { requestView, words } from '../acl/testing.ts';
import { compileValue } from './expression.ts';

function value(text: string, view = requestView()): string {
  const diagnostics = new Diagnostics();
  const format = compileValue(text, 'request', words('x')[0]!, 'http-request', diagnostics);
  assert.equal(diagnostics.items.map(formatDiagnostic).join('\n'), '');
  assert.ok(format);
  return format.evaluate(view);
}

describe('rule values (log-format subset)', () => {
  it('plain text is a constant', () => {
    const diagnostics = new Diagnostics();
    assert.equal(compileValue('plain text', 'request', words('x')[0]!, 'k', diagnostics)?.constant, 'plain text');
  });
  it('%[fetch] expressions, as HAProxy 2.6 prints them', () => {
    const view = requestView({
      target: '/echo?a=1&b=2',
      headers: ['Host', 'ex.com:80', 'X-Multi', 'a, b', 'X-Multi', 'c'],
      destinationPort: 18401,
    });
    // captured: ex.com:80|c|a|c|3|1|a=1&b=2|1.1|GET|18401
    assert.equal(
      value('%[req.hdr(host)]|%[hdr(x-multi)]|%[req.hdr(x-multi,1)]|%[req.hdr(x-multi,-1)]|%[req.hdr_cnt(x-multi)]|%[url_param(a)]|%[query]|%[req.ver]|%[method]|%[dst_port]', view),
      'ex.com:80|c|a|c|3|1|a=1&b=2|1.1|GET|18401',
    );
  });
  it('%ci %cp %fi %fp, v4-mapped addresses printed as IPv4', () => {
    assert.equal(value('%ci:%cp -> %fi:%fp', requestView({ source: '::ffff:10.0.0.1', sourcePort: 5, destination: '::1', destinationPort: 80 })), '10.0.0.1:5 -> ::1:80');
    assert.equal(value('%[src]', requestView({ source: '::ffff:10.0.0.1' })), '10.0.0.1');
  });
  it('%% is a percent sign, absent samples are empty, converters apply', () => {
    assert.equal(value('100%% %[hdr(x-none)]|%[hdr(host),upper]'), '100% |EXAMPLE.COM');
  });
  it('errors: unclosed, unknown converter, %{} options', () => {
    for (const [text, pattern] of [
      ['%[path', /Missing "\]"/],
      ['%[path,base64]', /Cannot use converter "base64"/],
      ['%{+Q}[path]', /not supported yet/],
      ['%[hdr(host,x)]', /Cannot parse header occurrence "x"/],
    ] as const) {
      const diagnostics = new Diagnostics();
      assert.equal(compileValue(text, 'request', words('x')[0]!, 'k', diagnostics), undefined, text);
      assert.match(formatDiagnostic(diagnostics.items[0]!), pattern);
    }
  });
});
