import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findHeadEnd, hasBareLf, headerValue, listHas, parseRequestHead, parseResponseHead, type HeadFailure, type RequestHead } from './head.ts';

function request(text: string): RequestHead | HeadFailure {
  const buffer = Buffer.from(text, 'latin1');
  const end = findHeadEnd(buffer);
  assert.notEqual(end, -1, 'head end not found');
  return parseRequestHead(buffer, 0, end);
}

function refused(text: string): string {
  const result = request(text);
  assert.equal(result.ok, false, `expected a refusal for ${JSON.stringify(text)}`);
  return result.ok ? '' : result.reason;
}

test('a plain GET', () => {
  const head = request('GET /index.html?a=1 HTTP/1.1\r\nHost: example.test\r\nUser-Agent: curl/8\r\nAccept: */*\r\n\r\n');
  assert.ok(head.ok);
  assert.equal(head.method, 'GET');
  assert.equal(head.target, '/index.html?a=1');
  assert.equal(head.version, 11);
  assert.equal(head.host, 'example.test');
  assert.equal(head.contentLength, -1);
  assert.equal(head.chunked, false);
  assert.equal(head.wantsClose, false);
  assert.deepEqual(head.headers, ['Host', 'example.test', 'User-Agent', 'curl/8', 'Accept', '*/*']);
  assert.equal(headerValue(head.headers, 'user-agent'), 'curl/8');
});

test('HTTP/1.0 closes unless it asks for keep-alive; Connection tokens are read as a list', () => {
  const a = request('GET / HTTP/1.0\r\n\r\n');
  assert.ok(a.ok && a.wantsClose);
  const b = request('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n');
  assert.ok(b.ok && !b.wantsClose);
  const c = request('GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, close\r\n\r\n');
  assert.ok(c.ok && c.wantsClose);
  assert.ok(listHas('Upgrade , keep-alive', 'keep-alive'));
  assert.ok(!listHas('keep-alive-ish', 'keep-alive'));
});

test('upgrade and expect are recognised', () => {
  const ws = request('GET /chat HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
  assert.ok(ws.ok);
  assert.equal(ws.upgrade, 'websocket');
  const e = request('POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n');
  assert.ok(e.ok && e.expectContinue && e.contentLength === 5);
});

test('smuggling: conflicting or invalid Content-Length is refused', () => {
  assert.match(refused('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n'), /conflicting/);
  assert.match(refused('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\n'), /conflicting/);
  assert.match(refused('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\n'), /invalid Content-Length/);
  assert.match(refused('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x5\r\n\r\n'), /invalid Content-Length/);
  const same = request('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n');
  assert.ok(same.ok && same.contentLength === 5);
});

test('smuggling: Transfer-Encoding must end in chunked, once, and never in HTTP/1.0', () => {
  assert.match(refused('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n'), /chunked/);
  assert.match(refused('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n'), /final/);
  assert.match(refused('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n'), /more than once/);
  assert.match(refused('POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n'), /HTTP\/1\.0/);
  assert.match(refused('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \x0bchunked\r\n\r\n'), /invalid/);
  const ok = request('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n');
  assert.ok(ok.ok && ok.chunked);
});

test('smuggling: Content-Length with Transfer-Encoding drops the length and closes after', () => {
  const head = request('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n');
  assert.ok(head.ok);
  assert.equal(head.contentLength, -1);
  assert.equal(head.chunked, true);
  assert.equal(head.lengthConflict, true);
  assert.equal(head.wantsClose, true);
});

test('bad bytes in names, values and the request line are refused', () => {
  assert.match(refused('GET / HTTP/1.1\r\nHost : x\r\n\r\n'), /header name/);
  assert.match(refused('GET / HTTP/1.1\r\nHost: x\r\nX-A: a\nb\r\n\r\n'), /header value/);
  assert.match(refused('GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n'), /header value/);
  assert.match(refused('GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n'), /folding/);
  assert.match(refused('GET /a b HTTP/1.1\r\nHost: x\r\n\r\n'), /version|request line/);
  assert.match(refused('G(T / HTTP/1.1\r\nHost: x\r\n\r\n'), /method/);
  assert.match(refused('GET / HTTP/2.0\r\nHost: x\r\n\r\n'), /version/);
  assert.match(refused('GET / http/1.1\r\nHost: x\r\n\r\n'), /version/);
  assert.match(refused('GET /\x7f HTTP/1.1\r\nHost: x\r\n\r\n'), /target/);
  assert.match(refused('GET / HTTP/1.1\r\n\r\n'), /missing Host/);
  assert.match(refused('GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'), /several Host/);
});

test('responses: status, reason, framing', () => {
  const buffer = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 12\r\nConnection: keep-alive\r\n\r\nhello world\n', 'latin1');
  const end = findHeadEnd(buffer);
  const head = parseResponseHead(buffer, 0, end);
  assert.ok(head.ok);
  assert.equal(head.status, 200);
  assert.equal(head.reason, 'OK');
  assert.equal(head.contentLength, 12);
  assert.equal(buffer.length - end, 12);
  const noReason = Buffer.from('HTTP/1.1 204\r\n\r\n', 'latin1');
  const h2 = parseResponseHead(noReason, 0, noReason.length);
  assert.ok(h2.ok && h2.status === 204 && h2.reason === '');
  const bad = Buffer.from('HTTP/1.1 20x OK\r\n\r\n', 'latin1');
  assert.equal(parseResponseHead(bad, 0, bad.length).ok, false);
});

test('the head end is found across the buffer', () => {
  assert.equal(findHeadEnd(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n')), -1);
  assert.equal(findHeadEnd(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\nBODY')), 27);
});

test('the head end found by skipping is where indexOf finds it, for short, long and offset searches', () => {
  // bytes drawn mostly from CR and LF, so that near misses (CRLFCR, LFCRLF, CRCRLF...) abound; the
  // long buffers go past the part findHeadEnd scans itself, with the end on either side of it
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    // the high bits: a power-of-two LCG's low bits repeat with a short period
    return (seed >>> 16) % n;
  };
  const alphabet = '\r\n\r\nx';
  const crlfcrlf = Buffer.from('\r\n\r\n');
  for (let round = 0; round < 3000; round++) {
    const length = round % 10 === 0 ? 1500 + random(3000) : random(40);
    const buffer = Buffer.alloc(length);
    // the long ones are mostly x, and half of them get a CRLFCRLF planted anywhere, before, across
    // or after the point where the search goes over to indexOf
    for (let i = 0; i < length; i++) buffer[i] = length > 100 && random(50) !== 0 ? 120 : alphabet.charCodeAt(random(5));
    if (length > 100 && random(2) === 0) crlfcrlf.copy(buffer, random(length - 3));
    const from = random(4);
    const at = buffer.indexOf(crlfcrlf, from);
    assert.equal(findHeadEnd(buffer, from), at === -1 ? -1 : at + 4, `round ${round}: ${JSON.stringify(buffer.toString('latin1'))} from ${from}`);
  }
  // one that begins in the part scanned in JavaScript and ends in the part left to indexOf
  const late = Buffer.concat([Buffer.alloc(2046, 'x'), Buffer.from('\r\n\r\n')]);
  assert.equal(findHeadEnd(late), 2050);
  assert.equal(findHeadEnd(late.subarray(0, 2049)), -1);
});

test('a Content-Length repeated with one value is one length, flagged so it goes out once', () => {
  for (const text of ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\n']) {
    const head = request(text);
    assert.ok(head.ok);
    assert.equal(head.contentLength, 5);
    assert.equal(head.lengthRepeated, true);
  }
  const single = request('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n');
  assert.ok(single.ok && !single.lengthRepeated);
  // with Transfer-Encoding the length is dropped altogether, not repeated
  const both = request('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n');
  assert.ok(both.ok && both.lengthConflict && !both.lengthRepeated);
});

test('a bare LF in an incomplete head is found at once, a CRLF split across reads is not one', () => {
  assert.equal(hasBareLf(Buffer.from('GET / HTTP/1.1\nHost: x\n')), true);
  assert.equal(hasBareLf(Buffer.from('\nGET')), true);
  assert.equal(hasBareLf(Buffer.from('GET / HTTP/1.1\r\nHost: x\r')), false);
  assert.equal(hasBareLf(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n')), false);
});

test('a detached head keeps its headers and reason after the read memory is reused', () => {
  const memory = Buffer.from('HTTP/1.1 404 Not Here\r\nX-A: one\r\nContent-Length: 3\r\n\r\nabc', 'latin1');
  const end = findHeadEnd(memory);
  const response = parseResponseHead(memory, 0, end);
  assert.ok(response.ok);
  const request = parseRequestHead(Buffer.from('GET / HTTP/1.1\r\nHost: h\r\nX-B: two\r\n\r\n'), 0, 37);
  assert.ok(request.ok);
  response.detach(memory.buffer);
  memory.fill(0x21);
  assert.equal(response.status, 404);
  assert.equal(response.reason, 'Not Here');
  assert.deepEqual(response.headers, ['X-A', 'one', 'Content-Length', '3']);
  assert.equal(response.contentLength, 3);
  // a head whose memory is not the one being reused stays where it is
  request.detach(memory.buffer);
  assert.deepEqual(request.headers, ['Host', 'h', 'X-B', 'two']);
});

test('a head parsed in the middle of a larger read is read from its own offsets', () => {
  const memory = Buffer.from('junkGET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nPOST /b HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi', 'latin1');
  const first = parseRequestHead(memory, 4, findHeadEnd(memory, 4));
  assert.ok(first.ok);
  assert.equal(first.method, 'GET');
  assert.equal(first.target, '/a');
  assert.ok(first.wantsClose);
  const secondStart = findHeadEnd(memory, 4);
  const second = parseRequestHead(memory, secondStart, findHeadEnd(memory, secondStart));
  assert.ok(second.ok);
  assert.equal(second.method, 'POST');
  assert.equal(second.version, 10);
  assert.equal(second.contentLength, 2);
  second.detach(memory.buffer);
  memory.fill(0);
  assert.deepEqual(second.headers, ['Content-Length', '2']);
  assert.equal(first.headLength + 4, secondStart);
});

test('Host and the target are read from the head\'s bytes when first asked, wherever they are by then', () => {
  const memory = Buffer.from('junkGET /a HTTP/1.1\r\nHost:  www.example.test \r\nAccept: */*\r\n\r\n', 'latin1');
  const first = parseRequestHead(memory, 4, findHeadEnd(memory, 4));
  assert.ok(first.ok);
  const second = parseRequestHead(memory, 4, findHeadEnd(memory, 4));
  assert.ok(second.ok);
  // read before the memory goes: kept; never read before: taken from the detached copy
  assert.equal(first.host, 'www.example.test');
  first.detach(memory.buffer);
  second.detach(memory.buffer);
  memory.fill(0x21);
  assert.equal(first.host, 'www.example.test');
  assert.equal(second.host, 'www.example.test');
  assert.equal(second.target, '/a');
  const none = request('GET / HTTP/1.0\r\nAccept: */*\r\n\r\n');
  assert.ok(none.ok);
  assert.equal(none.host, undefined);
  const empty = request('GET / HTTP/1.1\r\nHost:\r\n\r\n');
  assert.ok(empty.ok);
  assert.equal(empty.host, '');
});

test('Connection options are found anywhere in the list, in any case, and only as whole options', () => {
  const both = request('GET / HTTP/1.1\r\nHost: x\r\nConnection: TE ,  Keep-Alive,UPGRADE\r\nUpgrade: h2c\r\n\r\n');
  assert.ok(both.ok);
  assert.equal(both.wantsClose, false);
  assert.equal(both.upgrade, 'h2c');
  const close = request('GET / HTTP/1.0\r\nConnection: keep-alive, Close\r\n\r\n');
  assert.ok(close.ok);
  assert.equal(close.wantsClose, true);
  // "closed" and "keep-alives" are other options; an HTTP/1.0 request without keep-alive closes
  const neither = request('GET / HTTP/1.1\r\nHost: x\r\nConnection: closed, upgrades\r\nUpgrade: websocket\r\n\r\n');
  assert.ok(neither.ok);
  assert.equal(neither.wantsClose, false);
  assert.equal(neither.upgrade, undefined);
  const old = request('GET / HTTP/1.0\r\nConnection: keep-alives\r\n\r\n');
  assert.ok(old.ok);
  assert.equal(old.wantsClose, true);
});

test('a reason phrase with a control character is refused', () => {
  const bad = Buffer.from('HTTP/1.1 200 O\x01K\r\n\r\n', 'latin1');
  assert.equal(parseResponseHead(bad, 0, bad.length).ok, false);
});

test('withConnection splices the received bytes: hop-by-hop lines out, lines added, version raised', () => {
  const memory = Buffer.from('xxGET /a HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nAccept: */*\r\nProxy-Connection: x\r\n\r\nbody', 'latin1');
  const end = findHeadEnd(memory, 2);
  const request = parseRequestHead(memory, 2, end);
  assert.ok(request.ok);
  assert.equal(request.withConnection(true, '').toString('latin1'), 'GET /a HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n');
  assert.equal(request.withConnection(false, 'Connection: close\r\n').toString('latin1'), 'GET /a HTTP/1.0\r\nHost: h\r\nAccept: */*\r\nConnection: close\r\n\r\n');
  request.detach(memory.buffer);
  memory.fill(0);
  assert.equal(request.withConnection(true, '').toString('latin1'), 'GET /a HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n');

  const bytes = Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok', 'latin1');
  const response = parseResponseHead(bytes, 0, findHeadEnd(bytes));
  assert.ok(response.ok);
  assert.equal(response.withConnection(true, 'connection: close\r\n').toString('latin1'), 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nconnection: close\r\n\r\n');
  // a head without any hop-by-hop line only gains the added lines
  const plain = Buffer.from('HTTP/1.1 204 No Content\r\nServer: s\r\n\r\n', 'latin1');
  const noHop = parseResponseHead(plain, 0, plain.length);
  assert.ok(noHop.ok);
  assert.equal(noHop.withConnection(false, 'connection: keep-alive\r\n').toString('latin1'), 'HTTP/1.1 204 No Content\r\nServer: s\r\nconnection: keep-alive\r\n\r\n');
});
