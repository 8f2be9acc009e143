import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpParseError, HttpResponseParser } from './http-response.ts';

/** Feeds `raw` one byte at a time (the worst split a network can make); returns head, body, done */
function parse(raw: string, options: { headRequest?: boolean; close?: boolean } = {}) {
  const body: Buffer[] = [];
  const parser = new HttpResponseParser({ onBody: (chunk) => body.push(chunk), headRequest: options.headRequest ?? false });
  let done = false;
  for (const byte of Buffer.from(raw, 'latin1')) {
    done = parser.push(Buffer.from([byte]));
    if (done) break;
  }
  if (!done && options.close === true) {
    parser.end();
    done = true;
  }
  return { head: parser.head, body: Buffer.concat(body).toString('latin1'), done };
}

test('http parser: status line, headers (lower-cased, folded) and a Content-Length body', () => {
  const result = parse('HTTP/1.1 200 OK\r\nServer: x\r\nX-Long: a\r\n  b\r\nContent-Length: 3\r\n\r\nabcEXTRA');
  assert.deepEqual(result.head, { version: '1.1', status: 200, reason: 'OK', headers: [['server', 'x'], ['x-long', 'a b'], ['content-length', '3']] });
  assert.deepEqual([result.body, result.done], ['abc', true]);
});

test('http parser: a status line without a reason phrase, and bare LF line ends', () => {
  const result = parse('HTTP/1.0 204\nDate: now\n\n');
  assert.deepEqual([result.head?.status, result.head?.reason, result.done], [204, '', true]);
});

test('http parser: chunked bodies with extensions and trailers are de-chunked', () => {
  const result = parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3;a=b\r\nabc\r\nA\r\n0123456789\r\n0\r\nTrailer: 1\r\n\r\n');
  assert.deepEqual([result.body, result.done], ['abc0123456789', true]);
});

test('http parser: 100 Continue is skipped; HEAD, 204 and 304 have no body', () => {
  assert.equal(parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n').head?.status, 503);
  assert.equal(parse('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n', { headRequest: true }).done, true);
  assert.equal(parse('HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n').done, true);
});

test('http parser: without a length the body runs until the peer closes', () => {
  const open = parse('HTTP/1.0 200 OK\r\n\r\nsome body');
  assert.deepEqual([open.body, open.done], ['some body', false]);
  assert.deepEqual(parse('HTTP/1.0 200 OK\r\n\r\nsome body', { close: true }).done, true);
});

test('http parser: what cannot be parsed is an HttpParseError naming the problem', () => {
  const cases: [string, RegExp][] = [
    ['HTTP/2 200 OK\r\n\r\n', /Malformed HTTP status line/],
    ['HTTP/1.1 200 OK\r\nbad header\r\n\r\n', /Malformed HTTP header line/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', /Invalid Content-Length/],
    ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', /Invalid Content-Length/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /Malformed chunk size/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n', /Malformed chunked body/],
  ];
  for (const [raw, message] of cases) assert.throws(() => parse(raw), (error) => error instanceof HttpParseError && message.test(error.message), raw);
  const huge = new HttpResponseParser({ maxHeadBytes: 100 });
  assert.throws(() => huge.push(Buffer.from(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(200)}`)), /headers too large/);
  assert.throws(() => new HttpResponseParser().end(), /Empty response/);
});
