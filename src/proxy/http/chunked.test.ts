import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChunkedScanner } from './chunked.ts';

function scanAll(text: string, pieces = 1): { consumed: number; done: boolean; error: string | undefined } {
  const buffer = Buffer.from(text, 'latin1');
  const scanner = new ChunkedScanner();
  let consumed = 0;
  const size = Math.ceil(buffer.length / pieces);
  for (let at = 0; at < buffer.length && !scanner.done; at += size) {
    consumed += scanner.scan(buffer, at, Math.min(buffer.length, at + size));
  }
  return { consumed, done: scanner.done, error: scanner.error };
}

const body = '5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n';

test('finds the end of a chunked body, whole or byte by byte', () => {
  for (const pieces of [1, 3, body.length]) {
    const r = scanAll(body + 'GET /next', pieces);
    assert.equal(r.error, undefined);
    assert.equal(r.done, true);
    assert.equal(r.consumed, body.length);
  }
});

test('trailers and uppercase hex sizes', () => {
  const text = 'A\r\n0123456789\r\n0\r\nX-Trailer: yes\r\n\r\n';
  assert.deepEqual(scanAll(text), { consumed: text.length, done: true, error: undefined });
});

test('an incomplete body is not done', () => {
  const r = scanAll('5\r\nhel');
  assert.equal(r.done, false);
  assert.equal(r.consumed, 6);
});

test('framing two parsers could read differently is refused', () => {
  assert.match(scanAll('5\nhello\r\n0\r\n\r\n').error ?? '', /CRLF/);
  assert.match(scanAll('5\r\nhelloX\r\n0\r\n\r\n').error ?? '', /CRLF/);
  assert.match(scanAll('-5\r\nhello\r\n0\r\n\r\n').error ?? '', /invalid chunk size/);
  assert.match(scanAll('0x5\r\nhello\r\n0\r\n\r\n').error ?? '', /invalid chunk size/);
  assert.match(scanAll('fffffffffffffffff\r\n').error ?? '', /too large/);
  assert.match(scanAll('0\r\n\n').error ?? '', /bare LF/);
  assert.match(scanAll('5;a\nb\r\nhello\r\n0\r\n\r\n').error ?? '', /extension/);
});

test('payloads can be taken out without their framing', () => {
  const parts: string[] = [];
  const scanner = new ChunkedScanner();
  const buffer = Buffer.from(body, 'latin1');
  scanner.scan(buffer, 0, 9, (d) => parts.push(d.toString('latin1')));
  scanner.scan(buffer, 9, buffer.length, (d) => parts.push(d.toString('latin1')));
  assert.equal(parts.join(''), 'hello world');
  assert.equal(scanner.done, true);
});
