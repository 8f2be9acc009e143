// Every expectation below was printed by a running haproxy 2.6.12 for the same session values
// (TZ=Europe/Paris), unless a comment says otherwise.
process.env.TZ = 'Europe/Paris';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logContext } from './log-context.fixture.ts';
import { compileLogFormat, LogFormatError } from './log-format.ts';

const at = (seconds: number, ms: number): number => Date.UTC(2026, 10, 25, 10, 37, seconds, ms);
const render = (format: string, overrides = {}): string => compileLogFormat(format)(logContext(overrides));

describe('log-format variables', () => {
  it('prints every plain variable as haproxy does', () => {
    const format =
      'A|%ci|%cp|%fi|%fp|%t|%tr|%trg|%trl|%T|%Tl|%Ts|%ms|%ft|%f|%b|%s|%si|%sp|%pid|%H|%ID|%CC|%CS|%ts|%tsc|%rc|%HM|%HU|%HP|%HQ|%HV|%ST|%B|%U';
    const line = render(format, {
      clientPort: 54750,
      frontendPort: 18090,
      acceptDate: at(37, 29),
      requestDate: at(37, 29),
      frontend: 'fe_custom',
      frontendTransport: 'fe_custom',
      capturedRequestCookie: 'sess=abc123',
      requestLine: 'GET /p/a?q=1&r=2 HTTP/1.1',
      uri: '/p/a?q=1&r=2',
      bytesUploaded: 115,
    });
    assert.equal(
      line,
      'A|127.0.0.1|54750|127.0.0.1|18090|25/Nov/2026:11:37:37.029|25/Nov/2026:11:37:37.029|25/Nov/2026:10:37:37 +0000|25/Nov/2026:11:37:37 +0100|25/Nov/2026:10:37:37 +0000|25/Nov/2026:11:37:37 +0100|1795603057|029|fe_custom|fe_custom|be_http|s1|127.0.0.1|18081|15108|vm|-|sess=abc123|-|--|----|0|GET|/p/a?q=1&r=2|/p/a|?q=1&r=2|HTTP/1.1|200|136|115',
    );
  });

  it('prints <BADREQ> in every request field and - for a missing server address', () => {
    const line = render('%b|%s|%si|%sp|%ts|%tsc|%HM|%HU|%HP|%HQ|%HV|%r|%ST|%B|%U', {
      backend: 'fe_custom',
      server: '<NOSRV>',
      serverIp: '',
      serverPort: 0,
      terminationState: 'PR',
      terminationStateCookie: 'PR--',
      requestLine: '<BADREQ>',
      method: '',
      uri: '',
      httpVersion: '',
      status: 400,
      bytesRead: 0,
      bytesUploaded: 0,
    });
    assert.equal(line, 'fe_custom|<NOSRV>|-|-|PR|PR--|<BADREQ>|<BADREQ>|<BADREQ>|<BADREQ>|<BADREQ>|<BADREQ>|400|0|0');
  });

  it('prints an empty query string as nothing, not -', () => {
    assert.equal(render('%HU|%HP|%HQ|%HV', { uri: '/', requestLine: 'GET / HTTP/1.0', httpVersion: 'HTTP/1.0' }), '/|/||HTTP/1.0');
  });

  it('derives %HPO from an absolute URI', () => {
    // not captured from haproxy: %HPO drops scheme, authority and query
    assert.equal(render('%HPO', { uri: 'http://example.com/a/b?c=d' }), '/a/b');
  });

  it('prints the timers, -1 for phases that never happened, and the derived Tq Td Tu', () => {
    const line = render('D %TR %Tw %Tc %Tr %Ta %Tt %Th %Ti %Tq %Td %Tu %ST %B %U %ac %fc %bc %sc %rc %sq %bq %ts %tsc %s %si %sp', {
      timeRequest: 0,
      timeQueue: 2003,
      timeConnect: -1,
      timeResponse: -1,
      timeActive: 2003,
      timeTotal: 2004,
      timeHandshake: 0,
      timeIdle: 1,
      status: 503,
      bytesRead: 217,
      bytesUploaded: 86,
      retries: 2,
      terminationState: 'SC',
      terminationStateCookie: 'SC--',
      server: 'd1',
      serverPort: 18089,
    });
    assert.equal(line, 'D 0 2003 -1 -1 2003 2004 0 1 1 -1 2003 503 217 86 1 1 0 0 2 0 0 SC SC-- d1 127.0.0.1 18089');
  });

  it('computes %Td when every phase happened', () => {
    // Td = Tt - (Tq + Tw + Tc + Tr) = 50 - (1+2 + 3 + 4 + 5)
    assert.equal(render('%Td', { timeHandshake: 1, timeIdle: 2, timeRequest: 0, timeQueue: 3, timeConnect: 4, timeResponse: 5, timeTotal: 50 }), '35');
  });

  it('prints retries as +N after a redispatch', () => {
    assert.equal(render('%rc', { retries: 1, redispatched: true }), '+1');
    assert.equal(render('%rc', { retries: 1 }), '1');
  });
});

describe('log-format flags', () => {
  const headers = { capturedRequestHeaders: ['h"o#s{t|}', ''], capturedResponseHeaders: ['text/plain'] };

  it('applies +X, +Q and +E as haproxy does', () => {
    const format =
      'B|%{+X}ci|%{+X}cp|%{+X}fi|%{+X}fp|%{+X}Ts|%{+X}pid|%{+X}ms|%{+X}ST|%{+X}B|%{+Q}ci|%{+Q}cp|%{+Q}ID|%{+Q}b|%{+Q}s|%{+Q}HM|%{+Q}hr|%{+Q}hrl|%{+E}r|%{+Q,+E}r|%hr|%hrl|%hs|%hsl|%{+Q}CC';
    const line = render(format, {
      clientPort: 59840,
      frontendPort: 18091,
      acceptDate: at(37, 92),
      requestLine: 'GET /zz?y HTTP/1.1',
      ...headers,
    });
    assert.equal(
      line,
      'B|7F000001|E9C0|7F000001|46AB|6B06BA71|3B04|5C|200|136|"127.0.0.1"|59840|""|"be_http"|"s1"|"GET"|"{h#22o#23s#7Bt#7C#7D|}"|"h#22o#23s#7Bt#7C#7D" ""|GET /zz?y HTTP/1.1|"GET /zz?y HTTP/1.1"|{h#22o#23s#7Bt#7C#7D|}|h#22o#23s#7Bt#7C#7D -|{text/plain}|text/plain|""',
    );
  });

  it('lets %o set the flags of every later variable', () => {
    const line = render('%{+Q}o %ci %b %r %hr %ID|%s', { backend: 'be_none', server: '<NOSRV>', requestLine: 'GET /x"y HTTP/1.1' });
    assert.equal(line, '"127.0.0.1" "be_none" "GET /x#22y HTTP/1.1" ""|"<NOSRV>"');
  });

  it('escapes ", \\ and ] with +E', () => {
    // RFC 5424 section 6.3.3; not captured from haproxy
    assert.equal(render('%{+E}CC', { capturedRequestCookie: 'a"b\\c]d' }), 'a\\"b\\\\c\\]d');
  });

  it('prints an IPv6 address in hex as 16 bytes', () => {
    assert.equal(render('%{+X}ci', { clientIp: '::1' }), '00000000000000000000000000000001');
    assert.equal(render('%ci', { clientIp: '::1' }), '::1');
  });

  it('encodes control and non-ASCII bytes of the request line as #XX', () => {
    // the request line holds the received bytes one per character (latin1), as Node's parser gives them
    const received = Buffer.from('GET /é\t HTTP/1.1', 'utf8').toString('latin1');
    assert.equal(render('%r', { requestLine: received }), 'GET /#C3#A9#09 HTTP/1.1');
    // a character past one byte is encoded as its UTF-8 bytes
    assert.equal(render('%r', { requestLine: 'GET /€' }), 'GET /#E2#82#AC');
  });
});

describe('log-format separators, literals and samples', () => {
  it('merges runs of spaces, drops leading ones, keeps one trailing, and prints %%', () => {
    const format =
      'C  %[src] %[dst] %[src_port] %[dst_port] %[status] %{+Q}[src] %[capture.req.hdr(0)] %{+Q}[capture.req.hdr(0)] %[fe_name] %[be_name] %[srv_name] %[method] %[unique-id] %%  %T  end  ';
    const line = render(format, {
      clientPort: 44304,
      frontendPort: 18092,
      acceptDate: at(37, 150),
      frontend: 'fe_custom3',
      capturedRequestHeaders: ['127.0.0.1:18092'],
    });
    assert.equal(line, 'C 127.0.0.1 127.0.0.1 44304 18092 200 "127.0.0.1" 127.0.0.1:18092 "127.0.0.1:18092" fe_custom3 be_http s1 GET - % 25/Nov/2026:10:37:37 +0000 end ');
    assert.equal(render('   %ci'), '127.0.0.1');
  });

  it('leaves no double space where a header capture prints nothing', () => {
    assert.equal(render('%B %hr %hs %ST'), '136 200');
    assert.equal(render('%B %hr %hs %ST', { capturedRequestHeaders: ['a'] }), '136 {a} 200');
    assert.equal(render('%hr %B'), '136');
    assert.equal(render('%B %hrl'), '136 ');
  });

  it('applies the lower, upper and hex converters', () => {
    assert.equal(render('%[method,lower] %[fe_name,upper] %[method,hex]'), 'get FE_HTTP 474554');
  });
});

describe('log-format compile errors', () => {
  const fails = (format: string, position: number, pattern: RegExp): void => {
    assert.throws(
      () => compileLogFormat(format),
      (error: unknown) => error instanceof LogFormatError && error.position === position && error.code === 'VIGIL_ERR_LOG_FORMAT' && pattern.test(error.message),
    );
  };

  it('rejects an unknown variable, naming it and its column', () => {
    fails('%ci %xyz', 4, /Unknown log-format variable "%xyz" at column 5/);
    // a name runs over letters and digits, as in haproxy: %cip is not %ci followed by "p"
    fails('%cip', 0, /"%cip"/);
  });

  it('rejects variables vigil cannot fill yet', () => {
    fails('x %rt', 2, /"%rt" .* is not supported by vigil/);
  });

  it('rejects a lone %, an unclosed flag block and an unclosed expression', () => {
    fails('abc %', 4, /Expected a variable name after "%", found the end of the format/);
    fails('% x', 0, /found " "/);
    fails('%{+Q ci', 1, /Missing "}"/);
    fails('%[src', 1, /Missing "]"/);
  });

  it('rejects an unknown fetch or converter at its position', () => {
    fails('%ci %[req.hdr(host)]', 6, /Unknown or unsupported sample fetch "req.hdr"/);
    fails('%[src,base64]', 6, /Unknown or unsupported converter "base64"/);
    fails('%[capture.req.hdr]', 2, /needs a capture index/);
  });
});
