// Golden lines: each expected string is a line a running haproxy 2.6.12 wrote (stdout, `format
// raw`) for a curl request, with the session values below; formatting the built-in format with the
// same values must give the same line, byte for byte. Captured with TZ=UTC.
process.env.TZ = 'UTC';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clfHttpLogFormat, connectLogFormat, httpLogFormat, httpsLogFormat, tcpLogFormat } from './formats.ts';
import { logContext } from './log-context.fixture.ts';
import { compileLogFormat } from './log-format.ts';

const date = (minute: number, second: number, ms: number): number => Date.UTC(2026, 10, 25, 10, minute, second, ms);

describe('built-in formats against haproxy 2.6', () => {
  it('option httplog, with request and response header captures', () => {
    const ctx = logContext({
      acceptDate: date(36, 49, 843),
      requestDate: date(36, 49, 843),
      capturedRequestHeaders: ['127.0.0.1:18080', 'curl/7.88.1'],
      capturedResponseHeaders: ['text/plain'],
    });
    assert.equal(
      compileLogFormat(httpLogFormat)(ctx),
      '127.0.0.1:34330 [25/Nov/2026:10:36:49.843] fe_http be_http/s1 0/0/0/8/8 200 136 - - ---- 1/1/0/0/0 0/0 {127.0.0.1:18080|curl/7.88.1} {text/plain} "GET /foo?x=1 HTTP/1.1"',
    );
  });

  it('option httplog encodes " in a captured header as #22', () => {
    const ctx = logContext({
      clientPort: 34342,
      acceptDate: date(36, 50, 49),
      requestDate: date(36, 50, 49),
      timeResponse: 1,
      timeActive: 1,
      timeTotal: 1,
      capturedRequestHeaders: ['a"b]c', 'curl/7.88.1'],
      capturedResponseHeaders: ['text/plain'],
      requestLine: 'GET /q HTTP/1.1',
    });
    assert.equal(
      compileLogFormat(httpLogFormat)(ctx),
      '127.0.0.1:34342 [25/Nov/2026:10:36:50.049] fe_http be_http/s1 0/0/0/1/1 200 136 - - ---- 1/1/0/0/0 0/0 {a#22b]c|curl/7.88.1} {text/plain} "GET /q HTTP/1.1"',
    );
  });

  it('option httplog without captures, after a redispatch', () => {
    const ctx = logContext({
      clientPort: 42784,
      frontend: 'fe_redisp',
      frontendTransport: 'fe_redisp',
      backend: 'be_redisp',
      server: 'live',
      acceptDate: date(38, 49, 874),
      requestDate: date(38, 49, 874),
      timeResponse: 17,
      timeActive: 17,
      bytesRead: 104,
      retries: 1,
      redispatched: true,
      requestLine: 'GET /r1 HTTP/1.1',
    });
    assert.equal(
      compileLogFormat(httpLogFormat)(ctx),
      '127.0.0.1:42784 [25/Nov/2026:10:38:49.874] fe_redisp be_redisp/live 0/0/0/17/17 200 104 - - ---- 1/1/0/0/+1 0/0 "GET /r1 HTTP/1.1"',
    );
  });

  it('option httplog for a connection closed before any request', () => {
    const ctx = logContext({
      clientPort: 43324,
      frontend: 'fe_nonull',
      frontendTransport: 'fe_nonull',
      backend: 'fe_nonull',
      server: '<NOSRV>',
      serverIp: '',
      acceptDate: date(38, 50, 102),
      requestDate: date(38, 50, 102),
      timeRequest: -1,
      timeQueue: -1,
      timeConnect: -1,
      timeResponse: -1,
      timeActive: 2,
      status: 400,
      bytesRead: 0,
      terminationState: 'CR',
      terminationStateCookie: 'CR--',
      activeConnections: 3,
      requestLine: '<BADREQ>',
    });
    assert.equal(
      compileLogFormat(httpLogFormat)(ctx),
      '127.0.0.1:43324 [25/Nov/2026:10:38:50.102] fe_nonull fe_nonull/<NOSRV> -1/-1/-1/-1/2 400 0 - - CR-- 3/1/0/0/0 0/0 "<BADREQ>"',
    );
  });

  it('option httplog clf, IPv4 and IPv6 clients', () => {
    const base = {
      frontend: 'fe_clf',
      frontendTransport: 'fe_clf',
      backend: 'be_redisp',
      server: 'live',
      requestDate: date(38, 50, 0),
      bytesRead: 104,
      retries: 1,
      redispatched: true,
    };
    const format = compileLogFormat(clfHttpLogFormat);
    assert.equal(
      format(logContext({ ...base, clientPort: 43248, acceptDate: date(38, 50, 367), timeConnect: 6, timeResponse: 1, timeActive: 7, requestLine: 'GET /clf HTTP/1.1' })),
      '127.0.0.1 - - [25/Nov/2026:10:38:50 +0000] "GET /clf HTTP/1.1" 200 104 "" "" 43248 367 "fe_clf" "be_redisp" "live" 0 0 6 1 7 ---- 1 1 0 0 +1 0 0 "" "" ',
    );
    assert.equal(
      format(logContext({ ...base, clientIp: '::1', clientPort: 38928, acceptDate: date(38, 50, 416), timeResponse: 1, timeActive: 1, requestLine: 'GET /v6 HTTP/1.1' })),
      '::1 - - [25/Nov/2026:10:38:50 +0000] "GET /v6 HTTP/1.1" 200 104 "" "" 38928 416 "fe_clf" "be_redisp" "live" 0 0 0 1 1 ---- 1 1 0 0 +1 0 0 "" "" ',
    );
  });

  it('option httpslog on a plain frontend', () => {
    const ctx = logContext({
      clientPort: 60496,
      frontend: 'fe',
      frontendTransport: 'fe',
      backend: 'be',
      server: 'live',
      acceptDate: date(45, 53, 452),
      requestDate: date(45, 53, 452),
      timeResponse: 61,
      timeActive: 61,
      bytesRead: 104,
      requestLine: 'GET /s HTTP/1.1',
    });
    assert.equal(
      compileLogFormat(httpsLogFormat)(ctx),
      '127.0.0.1:60496 [25/Nov/2026:10:45:53.452] fe be/live 0/0/0/61/61 200 104 - - ---- 1/1/0/0/0 0/0 "GET /s HTTP/1.1" 0/-/-/-/0 -/-/-',
    );
  });

  it('option tcplog', () => {
    const ctx = logContext({
      clientPort: 42806,
      frontend: 'fe_tcp',
      frontendTransport: 'fe_tcp',
      backend: 'be_tcp',
      server: 't1',
      acceptDate: date(36, 49, 926),
      timeQueue: 1,
      timeConnect: 0,
      timeTotal: 103,
      bytesRead: 113,
      status: -1,
    });
    assert.equal(compileLogFormat(tcpLogFormat)(ctx), '127.0.0.1:42806 [25/Nov/2026:10:36:49.926] fe_tcp be_tcp/t1 1/0/103 113 -- 1/1/0/0/0 0/0');
  });

  it('option tcplog for a client that closed without sending (connect -1)', () => {
    const ctx = logContext({
      clientPort: 42554,
      frontend: 'fe_tcp_httplog',
      frontendTransport: 'fe_tcp_httplog',
      backend: 'be_tcp',
      server: 'live',
      acceptDate: date(38, 50, 102),
      timeQueue: 1,
      timeConnect: -1,
      timeTotal: 2,
      bytesRead: 0,
      terminationState: 'CC',
      activeConnections: 2,
    });
    assert.equal(compileLogFormat(tcpLogFormat)(ctx), '127.0.0.1:42554 [25/Nov/2026:10:38:50.102] fe_tcp_httplog be_tcp/live 1/-1/2 0 CC 2/1/0/0/0 0/0');
  });

  it('no log option: the "Connect from" line written at accept', () => {
    const ctx = logContext({ clientPort: 40142, frontendPort: 18083, frontend: 'fe_plain' });
    assert.equal(compileLogFormat(connectLogFormat('http'))(ctx), 'Connect from 127.0.0.1:40142 to 127.0.0.1:18083 (fe_plain/HTTP)');
    assert.equal(compileLogFormat(connectLogFormat('tcp'))(ctx), 'Connect from 127.0.0.1:40142 to 127.0.0.1:18083 (fe_plain/TCP)');
  });
});
