process.env.TZ = 'UTC';

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { emptyGlobal } from '../../config/haproxy/global.ts';
import { emptySettings } from '../../config/haproxy/inherit.ts';
import type { GlobalSettings, OptionSetting, ProxySettings } from '../../config/haproxy/model.ts';
import { logContext } from './log-context.fixture.ts';
import { logTarget } from './log-target.fixture.ts';
import { createGlobalLogger, createLogEnvironment, createProxyLogger, eventLevels, type LogEnvironment } from './logger.ts';

const now = (): number => Date.UTC(2026, 10, 25, 10, 36, 49, 852);

function option(line: number, ...args: string[]): OptionSetting {
  return { enabled: true, args, at: { file: 'test.cfg', line, column: 5 } };
}

/** an environment whose stdout is kept in `lines` */
function environment(): { env: LogEnvironment; lines: string[] } {
  const lines: string[] = [];
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { env: createLogEnvironment({ stdout, pid: 42, now, systemHostname: 'vm' }), lines };
}

function globalWithStdout(format = 'raw'): GlobalSettings {
  return { ...emptyGlobal(), logs: [logTarget('stdout', { format, facility: 'local0' })] };
}

function proxy(overrides: Partial<ProxySettings> = {}): ProxySettings {
  return { ...emptySettings(), mode: 'http', logs: [logTarget('global')], ...overrides };
}

describe('which proxies log', () => {
  it('sends "log global" proxies to the global targets', () => {
    const { env, lines } = environment();
    const logger = createProxyLogger(proxy({ options: { httplog: option(3) } }), globalWithStdout(), env);
    assert.equal(logger.enabled, true);
    logger.logSession(logContext());
    assert.deepEqual(lines, ['127.0.0.1:34330 [25/Nov/2026:10:36:49.843] fe_http be_http/s1 0/0/0/8/8 200 136 - - ---- 1/1/0/0/0 0/0 "GET /foo?x=1 HTTP/1.1"\n']);
  });

  it('logs nothing, traffic or events, for a proxy without log lines', () => {
    const { env, lines } = environment();
    const logger = createProxyLogger(proxy({ logs: [], options: { httplog: option(3) } }), globalWithStdout(), env);
    assert.equal(logger.enabled, false);
    logger.logSession(logContext());
    logger.logEvent('alert', 'Server be/s1 is DOWN');
    assert.deepEqual(lines, []);
  });

  it('logs nothing after "no log"', () => {
    const { env, lines } = environment();
    const logger = createProxyLogger(proxy({ logs: [], noLog: true }), globalWithStdout(), env);
    logger.logSession(logContext());
    assert.equal(logger.enabled, false);
    assert.deepEqual(lines, []);
  });

  it('logs to its own targets besides the global ones', () => {
    const { env, lines } = environment();
    const own = logTarget('stdout', { format: 'short', facility: 'local1' });
    const logger = createProxyLogger(proxy({ logs: [logTarget('global'), own], logFormat: '%ci' }), globalWithStdout(), env);
    logger.logSession(logContext());
    assert.deepEqual(lines, ['127.0.0.1\n', '<6>127.0.0.1\n']);
  });

  it('keeps serving the targets it can when one is unsupported', () => {
    const { env, lines } = environment();
    const logger = createProxyLogger(proxy({ logs: [logTarget('/dev/log'), logTarget('global')], logFormat: '%f' }), globalWithStdout(), env);
    assert.equal(logger.problems.length, 1);
    assert.match(logger.problems[0]?.message ?? '', /unix datagram/);
    logger.logSession(logContext());
    assert.deepEqual(lines, ['fe_http\n']);
  });
});

describe('format selection', () => {
  it('uses tcplog for option tcplog, and for option httplog in a tcp-mode proxy as haproxy does', () => {
    const { env } = environment();
    const tcp = createProxyLogger(proxy({ mode: 'tcp', options: { tcplog: option(3) } }), globalWithStdout(), env);
    const fallback = createProxyLogger(proxy({ mode: 'tcp', options: { httplog: option(3) } }), globalWithStdout(), env);
    assert.equal(tcp.format, '%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq');
    assert.equal(fallback.format, tcp.format);
  });

  it('uses the CLF format for "option httplog clf" and the latest option line', () => {
    const { env } = environment();
    const clf = createProxyLogger(proxy({ options: { httplog: option(3, 'clf') } }), globalWithStdout(), env);
    assert.match(clf.format ?? '', /^%\{\+Q\}o %\{-Q\}ci - - \[%trg\]/);
    const latest = createProxyLogger(proxy({ options: { httplog: option(3), tcplog: option(9) } }), globalWithStdout(), env);
    assert.match(latest.format ?? '', /%Tw\/%Tc\/%Tt/);
  });

  it('prefers log-format over the options', () => {
    const { env } = environment();
    const logger = createProxyLogger(proxy({ logFormat: '%ci %ST', options: { httplog: option(3) } }), globalWithStdout(), env);
    assert.equal(logger.format, '%ci %ST');
  });

  it('logs "Connect from" at accept time without a log option', () => {
    const { env, lines } = environment();
    const logger = createProxyLogger(proxy(), globalWithStdout(), env);
    assert.equal(logger.when, 'accept');
    logger.logSession(logContext({ bytesUploaded: 0 }));
    assert.deepEqual(lines, ['Connect from 127.0.0.1:34330 to 127.0.0.1:18080 (fe_http/HTTP)\n']);
  });

  it('reports a bad log-format as a problem and logs no traffic', () => {
    const { env, lines } = environment();
    const logger = createProxyLogger(proxy({ logFormat: '%ci %nope' }), globalWithStdout(), env);
    assert.match(logger.problems[0]?.message ?? '', /Unknown log-format variable "%nope" at column 5/);
    logger.logSession(logContext());
    assert.deepEqual(lines, []);
  });
});

describe('what is skipped, and at which level', () => {
  it('skips sessions in which the client sent nothing with option dontlognull', () => {
    const { env, lines } = environment();
    const tcp = createProxyLogger(proxy({ mode: 'tcp', logFormat: 'tcp %U', options: { dontlognull: option(4) } }), globalWithStdout(), env);
    const http = createProxyLogger(proxy({ logFormat: 'http %U', options: { dontlognull: option(4) } }), globalWithStdout(), env);
    tcp.logSession(logContext({ bytesUploaded: 0, bytesRead: 120 }));
    tcp.logSession(logContext({ bytesUploaded: 5 }));
    http.logSession(logContext({ bytesUploaded: 0, requestLine: '<BADREQ>', terminationState: 'CR' }));
    http.logSession(logContext({ bytesUploaded: 80 }));
    assert.deepEqual(lines, ['tcp 5\n', 'http 80\n']);
  });

  it('logs empty sessions without dontlognull', () => {
    const { env, lines } = environment();
    createProxyLogger(proxy({ logFormat: '%ts' }), globalWithStdout(), env).logSession(logContext({ bytesUploaded: 0, terminationState: 'CR' }));
    assert.deepEqual(lines, ['CR\n']);
  });

  it('skips normal sessions with dontlog-normal and raises errors to err with log-separate-errors', () => {
    const { env, lines } = environment();
    const options = { 'dontlog-normal': option(4), 'log-separate-errors': option(5) };
    const logger = createProxyLogger(proxy({ logFormat: '%ST', options }), globalWithStdout('short'), env);
    logger.logSession(logContext());
    logger.logSession(logContext({ status: 503 }));
    logger.logSession(logContext({ retries: 1 }));
    assert.deepEqual(lines, ['<3>503\n', '<3>200\n']);
  });

  it('filters traffic by the target level and sends events at haproxy levels', () => {
    const { env, lines } = environment();
    const global = { ...emptyGlobal(), logs: [logTarget('stdout', { facility: 'local0', level: 'notice' })] };
    const logger = createProxyLogger(proxy({ options: { httplog: option(3) } }), global, env);
    logger.logSession(logContext());
    logger.logEvent(eventLevels.serverDown, 'Server be/s1 is DOWN');
    logger.logEvent(eventLevels.serverUp, 'Server be/s1 is UP');
    assert.deepEqual(lines, ['<129>Nov 25 10:36:49 haproxy[42]: Server be/s1 is DOWN\n', '<133>Nov 25 10:36:49 haproxy[42]: Server be/s1 is UP\n']);
  });

  it('uses the proxy log-tag, else the global one, and log-send-hostname', () => {
    const { env, lines } = environment();
    const global = { ...emptyGlobal(), logs: [logTarget('stdout', { facility: 'local2' })], logTag: 'glob', logSendHostname: true as const };
    createProxyLogger(proxy({ logFormat: 'x', logTag: 'fetag' }), global, env).logSession(logContext());
    createGlobalLogger(global, env).logEvent('warning', 'Proxy fe stopped');
    assert.deepEqual(lines, ['<150>Nov 25 10:36:49 vm fetag[42]: x\n', '<148>Nov 25 10:36:49 vm glob[42]: Proxy fe stopped\n']);
  });

  it('shares one sink per global log line across proxies', () => {
    const { env } = environment();
    const global = { ...emptyGlobal(), logs: [logTarget('127.0.0.1:9', { facility: 'local0' })] };
    createProxyLogger(proxy(), global, env);
    createProxyLogger(proxy(), global, env);
    assert.equal(env.sinks.stats().size, 1);
    env.sinks.close();
  });
});
