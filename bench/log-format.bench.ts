// Formatting the `option httplog` line: the per-request cost of logging, before any I/O.
// Run: node bench/log-format.bench.ts [iterations]
import { httpLogFormat, tcpLogFormat } from '../src/proxy/log/formats.ts';
import { logContext } from '../src/proxy/log/log-context.fixture.ts';
import { compileLogFormat, type LogFormatter } from '../src/proxy/log/log-format.ts';

const iterations = Number(process.argv[2] ?? 1e6);

function run(name: string, format: LogFormatter, contexts: ReturnType<typeof logContext>[]): void {
  let bytes = 0;
  // warm-up, so the measurement sees optimised code
  for (let i = 0; i < 1e5; i++) bytes += format(contexts[i % contexts.length] as ReturnType<typeof logContext>).length;
  const heapBefore = process.memoryUsage().heapUsed;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) bytes += format(contexts[i % contexts.length] as ReturnType<typeof logContext>).length;
  const elapsed = Number(process.hrtime.bigint() - start);
  const heapAfter = process.memoryUsage().heapUsed;
  console.log(
    `${name.padEnd(34)} ${(elapsed / iterations).toFixed(1).padStart(7)} ns/op  ${((iterations * 1e9) / elapsed / 1e6).toFixed(2)} M lines/s  (${bytes} bytes, heap ${(heapAfter - heapBefore) >> 10} KiB)`,
  );
}

const base = Date.UTC(2026, 10, 25, 10, 36, 49, 843);
// a busy second: dates move by a millisecond per request, ports and timers vary
const contexts = Array.from({ length: 1024 }, (_, i) =>
  logContext({
    clientPort: 30000 + i,
    acceptDate: base + i,
    requestDate: base + i,
    timeResponse: i % 50,
    timeActive: (i % 50) + 1,
    bytesRead: 100 + i,
    capturedRequestHeaders: ['example.com', 'curl/7.88.1'],
    capturedResponseHeaders: ['text/plain'],
  }),
);
const plain = contexts.map((c) => ({ ...c, capturedRequestHeaders: [], capturedResponseHeaders: [] }));

run('httplog, with header captures', compileLogFormat(httpLogFormat), contexts);
run('httplog, no captures', compileLogFormat(httpLogFormat), plain);
run('tcplog', compileLogFormat(tcpLogFormat), plain);
