process.env.TZ = 'UTC';

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { logTarget } from './log-target.fixture.ts';
import { LogSink, LogSinkPool, type LogSinkProblem } from './sink.ts';

const now = (): number => Date.UTC(2026, 10, 25, 10, 36, 49, 852.672);

/** a writable that keeps what it is given */
function collector(): { stream: Writable; chunks: string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('latin1'));
      done();
    },
  });
  return { stream, chunks };
}

async function receiver(type: 'udp4' | 'udp6' = 'udp4', host = '127.0.0.1'): Promise<{ socket: Socket; port: number; next: () => Promise<Buffer> }> {
  const socket = createSocket(type);
  socket.bind(0, host);
  await once(socket, 'listening');
  return { socket, port: socket.address().port, next: async () => ((await once(socket, 'message')) as [Buffer])[0] };
}

function sinkOf(pool: LogSinkPool, target: ReturnType<typeof logTarget>, hostname?: string): LogSink {
  const sink = pool.sinkFor(target, hostname);
  assert.ok(sink instanceof LogSink, (sink as LogSinkProblem).message);
  return sink;
}

describe('UDP syslog', () => {
  const pool = new LogSinkPool({ pid: 13265, now });
  after(() => pool.close());

  it('sends an RFC 3164 line with the right PRI to the configured port', async () => {
    const { socket, port, next } = await receiver();
    const sink = sinkOf(pool, logTarget(`127.0.0.1:${port}`, { facility: 'local2' }));
    const received = next();
    sink.send(6, 'hello', 'haproxy');
    assert.equal((await received).toString(), '<150>Nov 25 10:36:49 haproxy[13265]: hello\n');
    socket.close();
  });

  it('filters by level and caps severities with minlevel', async () => {
    const { socket, port, next } = await receiver();
    const notice = sinkOf(pool, logTarget(`127.0.0.1:${port}`, { facility: 'local3', level: 'notice' }));
    const capped = sinkOf(pool, logTarget(`127.0.0.1:${port}`, { facility: 'local4', level: 'debug', minLevel: 'notice', format: 'priority' }));
    let received = next();
    notice.send(6, 'info is filtered', 'haproxy');
    notice.send(1, 'alert passes', 'haproxy');
    assert.match((await received).toString(), /^<153>.*alert passes\n$/);
    received = next();
    // HAProxy sent a server DOWN (alert) to `local4 debug notice` as <165>: local4 notice
    capped.send(1, 'down', 'haproxy');
    assert.equal((await received).toString(), '<165>down\n');
    socket.close();
  });

  it('truncates to len bytes and adds the line feed after them', async () => {
    const { socket, port, next } = await receiver();
    const sink = sinkOf(pool, logTarget(`127.0.0.1:${port}`, { length: 100, format: 'raw' }));
    const received = next();
    sink.send(6, 'x'.repeat(300), 'haproxy');
    // haproxy 2.6 with `len 100`: 100 bytes of header and message, then LF (101 on the wire)
    assert.equal((await received).length, 101);
    socket.close();
  });

  it('shares one socket between log lines aiming at one destination', () => {
    const a = sinkOf(pool, logTarget('127.0.0.1:9', { facility: 'local0' }));
    const b = sinkOf(pool, logTarget('127.0.0.1:9', { facility: 'local1', level: 'err' }));
    assert.equal(a.transport, b.transport);
    assert.notEqual(a, b);
  });

  it('defaults to port 514', () => {
    const sink = sinkOf(pool, logTarget('127.0.0.2', {}));
    assert.ok(pool.stats().has('udp:[127.0.0.2]:514'));
    assert.equal(sink.target.address?.ports, undefined);
  });

  it('reaches an IPv6 destination', async (t) => {
    let peer: Awaited<ReturnType<typeof receiver>>;
    try {
      peer = await receiver('udp6', '::1');
    } catch {
      t.skip('no IPv6 loopback here');
      return;
    }
    const sink = sinkOf(pool, logTarget(`[::1]:${peer.port}`, { format: 'short' }));
    const received = peer.next();
    sink.send(5, 'v6', 'haproxy');
    assert.equal((await received).toString(), '<5>v6\n');
    peer.socket.close();
  });

  it('counts, never throws, what cannot be sent', async () => {
    const own = new LogSinkPool({ now });
    const unresolved = sinkOf(own, logTarget('no-such-host.invalid:514'));
    unresolved.send(6, 'lost', 'haproxy');
    const closed = sinkOf(own, logTarget('127.0.0.1:9'));
    own.close();
    closed.send(6, 'after close', 'haproxy');
    assert.equal(unresolved.transport.stats.dropped, 1);
    assert.equal(closed.transport.stats.dropped, 1);
  });
});

describe('stdout and stderr', () => {
  it('writes raw lines to an injected stdout, len counting the line feed', () => {
    const out = collector();
    const pool = new LogSinkPool({ stdout: out.stream, now });
    sinkOf(pool, logTarget('stdout', { format: 'raw' })).send(6, 'line one', 'haproxy');
    sinkOf(pool, logTarget('stdout', { format: 'raw', length: 80 })).send(6, 'y'.repeat(200), 'haproxy');
    assert.equal(out.chunks[0], 'line one\n');
    // haproxy 2.6 with `log stdout len 80`: 79 bytes then LF
    assert.equal(out.chunks[1], `${'y'.repeat(79)}\n`);
  });

  it('uses the rfc3164 header with the hostname once log-send-hostname is set', () => {
    const err = collector();
    const pool = new LogSinkPool({ stderr: err.stream, pid: 16032, now });
    sinkOf(pool, logTarget('stderr', { facility: 'local0' }), 'vm').send(1, 'Server be/s1 is DOWN', 'haproxy');
    assert.equal(err.chunks[0], '<129>Nov 25 10:36:49 vm haproxy[16032]: Server be/s1 is DOWN\n');
  });

  it('drops, rather than queues without end, when the reader is stuck', () => {
    const stuck = new Writable({ highWaterMark: 16, write() {} });
    const pool = new LogSinkPool({ stdout: stuck, now });
    const sink = sinkOf(pool, logTarget('stdout', { format: 'raw', length: 65535 }));
    const line = 'z'.repeat(60 * 1024);
    for (let i = 0; i < 40; i++) sink.send(6, line, 'haproxy');
    assert.ok(sink.transport.stats.dropped > 0);
    assert.ok(sink.transport.stats.sent < 40);
  });

  it('reaches the real stdout of a process', () => {
    const script = `
      import { LogSinkPool } from ${JSON.stringify(fileURLToPath(new URL('./sink.ts', import.meta.url)))};
      import { logTarget } from ${JSON.stringify(fileURLToPath(new URL('./log-target.fixture.ts', import.meta.url)))};
      const pool = new LogSinkPool({ pid: 42, now: () => 0 });
      pool.sinkFor(logTarget('stdout', { format: 'raw' }), undefined).send(6, 'to stdout', 'haproxy');
      pool.sinkFor(logTarget('stderr', { format: 'short' }), undefined).send(3, 'to stderr', 'haproxy');
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, 'to stdout\n');
    assert.equal(child.stderr, '<3>to stderr\n');
  });
});

describe('unsupported targets', () => {
  it('reports a unix datagram socket as unsupported, with a way out', () => {
    const result = new LogSinkPool().sinkFor(logTarget('/dev/log', { facility: 'local0' }), undefined);
    assert.ok(!(result instanceof LogSink));
    assert.match(result.message, /Cannot log to "\/dev\/log": Node cannot open unix datagram sockets/);
  });

  it('maps fd@1 and fd@2 to stdout and stderr', () => {
    const out = collector();
    const pool = new LogSinkPool({ stdout: out.stream, now });
    sinkOf(pool, logTarget('fd@1', { format: 'raw' })).send(6, 'via fd@1', 'haproxy');
    assert.deepEqual(out.chunks, ['via fd@1\n']);
  });
});
