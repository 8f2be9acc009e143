// Micro-benchmark of the HTTP head path every request and response takes: finding the end of a
// head, parsing it, reading a header, and writing a changed head back out. Nanoseconds and heap
// bytes allocated per operation. Run: node bench/head.bench.ts [iterations]
//
// Each case runs in its own child process so one case's JIT state does not slow the next. The
// inputs are real heads: what wrk, curl and a browser send, and what nginx answers.
import { spawnSync } from 'node:child_process';
import { getHeapStatistics } from 'node:v8';
import { findHeadEnd, headerValue, nameIs, parseRequestHead, parseResponseHead } from '../src/proxy/http/head.ts';
import { serializeHead } from '../src/proxy/http/serialize.ts';

const heads: Readonly<Record<string, string>> = {
  'request wrk': 'GET /small HTTP/1.1\r\nHost: 127.0.0.1:28180\r\n\r\n',
  'request curl': 'GET /index.html HTTP/1.1\r\nHost: www.example.test\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n',
  'request browser':
    'GET /static/app.js?v=3 HTTP/1.1\r\nHost: www.example.test\r\nConnection: keep-alive\r\n' +
    'sec-ch-ua: "Chromium";v="156", "Not.A/Brand";v="24"\r\nsec-ch-ua-mobile: ?0\r\n' +
    'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36\r\n' +
    'sec-ch-ua-platform: "Linux"\r\nAccept: */*\r\nSec-Fetch-Site: same-origin\r\nSec-Fetch-Mode: no-cors\r\n' +
    'Sec-Fetch-Dest: script\r\nReferer: https://www.example.test/\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n' +
    'Accept-Language: en-US,en;q=0.9\r\nCookie: session=0123456789abcdef; theme=dark\r\n\r\n',
  'response nginx':
    'HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Wed, 25 Nov 2026 13:30:00 GMT\r\nContent-Type: application/octet-stream\r\n' +
    'Content-Length: 64\r\nLast-Modified: Wed, 25 Nov 2026 13:00:00 GMT\r\nConnection: keep-alive\r\nETag: "6925a8b0-40"\r\n' +
    'Accept-Ranges: bytes\r\n\r\n',
};

type Case = { readonly name: string; readonly run: (buffer: Buffer) => number };

const dropConnection = (name: string): boolean => nameIs(name, 'connection') || nameIs(name, 'keep-alive');

const cases: readonly Case[] = [
  { name: 'findHeadEnd', run: (b) => findHeadEnd(b) },
  {
    name: 'parse',
    run: (b) => {
      const end = findHeadEnd(b);
      const head = b[0] === 0x48 ? parseResponseHead(b, 0, end) : parseRequestHead(b, 0, end);
      return head.ok ? head.headLength : 0;
    },
  },
  {
    name: 'parse + read a header',
    run: (b) => {
      const end = findHeadEnd(b);
      const head = b[0] === 0x48 ? parseResponseHead(b, 0, end) : parseRequestHead(b, 0, end);
      return head.ok ? (headerValue(head.headers, 'accept')?.length ?? 1) : 0;
    },
  },
  {
    name: 'parse + rewrite',
    run: (b) => {
      const end = findHeadEnd(b);
      const head = parseRequestHead(b, 0, end);
      if (!head.ok) return 0;
      return serializeHead(`${head.method} ${head.target} HTTP/1.1`, head.headers, dropConnection, 'X-Forwarded-For: 192.0.2.1\r\n').length;
    },
  },
];

function measureOne(caseName: string, headName: string, iterations: number): { ns: number; bytes: number } {
  const found = cases.find((c) => c.name === caseName);
  const text = heads[headName];
  if (found === undefined || text === undefined) throw new Error(`Cannot find case "${caseName}" / "${headName}"`);
  const buffer = Buffer.from(text, 'latin1');
  let sink = 0;
  for (let i = 0; i < 200_000; i++) sink += found.run(buffer);
  const heapBefore = getHeapStatistics().total_allocated_bytes ?? 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink += found.run(buffer);
  const elapsed = Number(process.hrtime.bigint() - start);
  const heapAfter = getHeapStatistics().total_allocated_bytes ?? 0;
  if (sink === -1) console.log('');
  return { ns: elapsed / iterations, bytes: (heapAfter - heapBefore) / iterations };
}

const iterations = Number(process.argv[2] ?? 1_000_000);
if (process.argv[3] === '--one') {
  const result = measureOne(process.argv[4] as string, process.argv[5] as string, iterations);
  console.log(JSON.stringify(result));
} else {
  const rows: Array<Record<string, string>> = [];
  for (const c of cases) {
    for (const headName of Object.keys(heads)) {
      if (c.name === 'parse + rewrite' && headName.startsWith('response')) continue;
      const child = spawnSync(process.execPath, [process.argv[1] as string, String(iterations), '--one', c.name, headName], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`Cannot run "${c.name}" on "${headName}": ${child.stderr}`);
      const { ns, bytes } = JSON.parse(child.stdout) as { ns: number; bytes: number };
      rows.push({ case: c.name, head: headName, 'head bytes': String(Buffer.byteLength(heads[headName] as string)), 'ns/op': ns.toFixed(0), 'bytes/op': bytes.toFixed(0) });
    }
  }
  console.table(rows);
}
