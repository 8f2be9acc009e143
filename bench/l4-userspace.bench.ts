// Benchmark of the user-space L4 data path against going direct, on loopback: TCP connection
// rate (connect, read a short answer, close) and TCP throughput (one and four streams pushing
// bytes to a sink), through a virtual server on 127.0.0.15 to real servers on 127.0.0.100 and
// 127.0.0.200, and the same load straight at one real server. Plus the schedulers' own cost:
// nanoseconds per schedule() for every registered algorithm.
//
// Run: node bench/l4-userspace.bench.ts [connections=5000] [megabytes=512]
//
// Bounded: every load has a fixed count and the whole run a 120 s limit. The real servers and
// the load generator run in child processes (this file in another role), so the relay's event
// loop is not shared with them; on a 2-core machine the three processes still compete for CPU,
// which the direct figures do not pay for.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { lvsSchedulerAlgorithms } from '../src/l4/schedulers/registry.ts';
import { FakeCounts, makeOptions, makeServers, variedFlow } from '../src/l4/schedulers/testing.ts';
import { startUserspaceVirtualServer } from '../src/l4/userspace/virtual-server.ts';

const VIP = '127.0.0.15';
const REAL = ['127.0.0.100', '127.0.0.200'] as const;
const here = fileURLToPath(import.meta.url);

interface Ports {
  readonly answer: number;
  readonly sink: number;
}

/** Role "servers": on each real address, an answer server (writes "ok\n", ends) and a sink (counts bytes, replies with the count on end) */
async function serveRealServers(): Promise<void> {
  let ports: Ports | undefined;
  for (const address of REAL) {
    const answer = createServer((socket) => {
      socket.on('error', () => {});
      socket.end('ok\n');
    });
    const sink = createServer({ allowHalfOpen: true }, (socket) => {
      let bytes = 0;
      socket.on('error', () => {});
      socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
      socket.on('end', () => socket.end(`${bytes}\n`));
    });
    // same ports on both addresses, so one table serves both loads
    answer.listen(ports?.answer ?? 0, address);
    sink.listen(ports?.sink ?? 0, address);
    await Promise.all([once(answer, 'listening'), once(sink, 'listening')]);
    ports ??= { answer: (answer.address() as { port: number }).port, sink: (sink.address() as { port: number }).port };
  }
  process.stdout.write(`${JSON.stringify(ports)}\n`);
}

function connectOnce(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.on('error', reject);
    socket.on('data', () => {});
    socket.on('close', () => resolve());
  });
}

/** Role "load": prints {seconds, count or bytes} as JSON */
async function generateLoad(mode: string, host: string, port: number, amount: number, concurrency: number): Promise<void> {
  const startedAt = performance.now();
  if (mode === 'connections') {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < amount) {
          next++;
          await connectOnce(host, port);
        }
      }),
    );
    process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - startedAt) / 1000, count: amount })}\n`);
    return;
  }
  const perStream = Math.floor(amount / concurrency);
  const chunk = Buffer.alloc(64 * 1024, 120);
  const counted = await Promise.all(
    Array.from({ length: concurrency }, () => {
      const socket: Socket = connect({ host, port, allowHalfOpen: true });
      return new Promise<number>((resolve, reject) => {
        let sent = 0;
        let reply = '';
        socket.on('error', reject);
        socket.setEncoding('utf8');
        socket.on('data', (text: string) => (reply += text));
        socket.on('end', () => resolve(Number(reply.trim())));
        const pump = (): void => {
          while (sent < perStream) {
            sent += chunk.length;
            if (!socket.write(chunk)) return void socket.once('drain', pump);
          }
          socket.end();
        };
        socket.once('connect', pump);
      });
    }),
  );
  process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - startedAt) / 1000, bytes: counted.reduce((a, b) => a + b, 0) })}\n`);
}

async function firstLine(child: ChildProcess): Promise<string> {
  let text = '';
  for await (const chunk of child.stdout!) {
    text += String(chunk);
    const end = text.indexOf('\n');
    if (end !== -1) return text.slice(0, end);
  }
  throw new Error('child exited without output');
}

async function runLoad(mode: string, host: string, port: number, amount: number, concurrency: number): Promise<{ seconds: number; count?: number; bytes?: number }> {
  const child = spawn(process.execPath, [here, '--role', 'load', mode, host, String(port), String(amount), String(concurrency)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await firstLine(child);
  await once(child, 'exit');
  return JSON.parse(line) as { seconds: number };
}

function benchSchedulers(): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  const flows = Array.from({ length: 4096 }, (_, i) => variedFlow(i));
  for (const algorithm of lvsSchedulerAlgorithms.values()) {
    const counts = new FakeCounts();
    const servers = makeServers(Array.from({ length: 10 }, (_, i) => 1 + (i % 3)));
    servers.forEach((server, i) => counts.set(server.id, 20 + i, 5));
    const scheduler = algorithm.build(servers, makeOptions({ counts }));
    let sink = 0;
    for (let i = 0; i < 100_000; i++) sink += scheduler.schedule(flows[i & 4095]!)?.port ?? 0;
    const picks = 1_000_000;
    const startedAt = process.hrtime.bigint();
    for (let i = 0; i < picks; i++) sink += scheduler.schedule(flows[i & 4095]!)?.port ?? 0;
    const ns = Number(process.hrtime.bigint() - startedAt) / picks;
    rows.push({ scheduler: algorithm.name, 'ns/schedule (10 servers)': ns.toFixed(1), sink: String(sink % 10) });
  }
  return rows;
}

async function main(): Promise<void> {
  const connections = Number(process.argv[2] ?? 5000);
  const megabytes = Number(process.argv[3] ?? 512);
  const limit = setTimeout(() => {
    process.stderr.write('benchmark exceeded 120 s\n');
    process.exit(1);
  }, 120_000);

  console.table(benchSchedulers());

  const servers = spawn(process.execPath, [here, '--role', 'servers'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const ports = JSON.parse(await firstLine(servers)) as Ports;
    const table = (port: number) => REAL.map((address) => ({ id: address, address, port, weight: 1 }));
    const algorithm = lvsSchedulerAlgorithms.get('wlc')!;
    const answerVs = await startUserspaceVirtualServer({ address: VIP, port: 0, protocol: 'TCP', realServers: table(ports.answer) }, algorithm);
    const sinkVs = await startUserspaceVirtualServer({ address: VIP, port: 0, protocol: 'TCP', realServers: table(ports.sink) }, algorithm);
    const rows: Record<string, string>[] = [];
    for (const concurrency of [1, 32]) {
      for (const [path, host, port] of [
        ['direct', REAL[0], ports.answer],
        ['user space', VIP, answerVs.port],
      ] as const) {
        const result = await runLoad('connections', host, port, connections, concurrency);
        rows.push({ load: `connections, concurrency ${concurrency}`, path, result: `${Math.round(result.count! / result.seconds)} conn/s`, seconds: result.seconds.toFixed(2) });
      }
    }
    for (const streams of [1, 4]) {
      for (const [path, host, port] of [
        ['direct', REAL[0], ports.sink],
        ['user space', VIP, sinkVs.port],
      ] as const) {
        const result = await runLoad('bytes', host, port, megabytes * 1024 * 1024, streams);
        rows.push({ load: `throughput, ${streams} stream(s)`, path, result: `${((result.bytes! / result.seconds) * 8 / 1e9).toFixed(2)} Gbit/s`, seconds: result.seconds.toFixed(2) });
      }
    }
    console.table(rows);
    await answerVs.stop();
    await sinkVs.stop();
  } finally {
    servers.kill('SIGTERM');
    clearTimeout(limit);
  }
}

const roleAt = process.argv.indexOf('--role');
if (roleAt === -1) await main();
else if (process.argv[roleAt + 1] === 'servers') await serveRealServers();
else {
  const [mode, host, port, amount, concurrency] = process.argv.slice(roleAt + 2);
  await generateLoad(mode!, host!, Number(port), Number(amount), Number(concurrency));
}
