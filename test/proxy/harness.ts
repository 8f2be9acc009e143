// What the proxy's end-to-end tests on loopback share: vigil as a real subprocess running a
// haproxy.cfg written to a temp directory, real backends (node:http and node:net servers on
// ephemeral ports) that count what they see, and raw-socket clients for precise bytes.
//
// Every wait here is bounded; a test that hangs fails with the output gathered so far.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { run, type RunResult } from '../lib/command.ts';
import { repoPath } from '../lib/repo-paths.ts';
import { sleep } from '../lib/wait.ts';

/** A free TCP port on 127.0.0.1 (bound then released; the kernel does not hand it out again at once) */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface VigilOptions {
  readonly workers?: number;
  /** more files next to haproxy.cfg (errorfiles), name to content */
  readonly files?: Readonly<Record<string, string | Buffer>>;
  /** how many `listening` lines to wait for (default 1) */
  readonly listeners?: number;
}

export interface RunningVigil {
  /** directory holding haproxy.cfg and the extra files */
  readonly dir: string;
  /** everything vigil printed so far (stdout and stderr interleaved) */
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number, from?: number): Promise<RegExpMatchArray>;
  /** whether the process is still running */
  alive(): boolean;
  /** the process (bin/vigil execs Node) */
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Writes `config` as haproxy.cfg in a temp directory and runs `bin/vigil run -f` on it until the
 * test ends. `{dir}` in the config (and in file contents) is replaced by the directory.
 */
export async function startVigil(t: TestContext, config: string, options: VigilOptions = {}): Promise<RunningVigil> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-proxy-'));
  const expand = (text: string): string => text.replaceAll('{dir}', dir);
  for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), typeof content === 'string' ? expand(content) : content);
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, expand(config));
  const argv = ['run', '-f', file, ...(options.workers === undefined ? [] : ['--workers', String(options.workers)])];
  const child: ChildProcess = spawn(repoPath('bin/vigil'), argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  let exited = false;
  const waiters = new Set<() => void>();
  const onText = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onText);
  child.stderr?.on('data', onText);
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      for (const w of waiters) w();
      resolve();
    }),
  );
  const waitForOutput = (pattern: RegExp, timeoutMs = 15_000, from = 0): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = text.slice(from).match(pattern);
        if (found !== null) {
          done();
          resolve(found);
        } else if (exited) {
          done();
          reject(new Error(`vigil exited before printing ${String(pattern)}; output:\n${text}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`vigil did not print ${String(pattern)} within ${timeoutMs} ms; output:\n${text}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitedPromise;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  t.after(stop);
  const wanted = options.listeners ?? 1;
  const listening = new RegExp(`(?:listening on [^\\n]*\\n[^]*){${wanted}}`);
  await waitForOutput(listening, 20_000);
  return { dir, output: () => text, waitForOutput, alive: () => !exited, pid: child.pid ?? 0, stop };
}

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly headers: IncomingMessage['headers'];
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  /** which TCP connection (1-based, in accept order) carried it */
  readonly connection: number;
}

export interface HttpBackend {
  readonly port: number;
  readonly server: HttpServer;
  /** TCP connections accepted so far */
  connections: number;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

export type BackendHandler = (request: IncomingMessage, response: ServerResponse, body: Buffer) => void;

/** `name` in the body, and the connection number in `x-connection` */
export const nameHandler = (name: string): BackendHandler => (request, response) => {
  response.setHeader('x-server', name);
  response.end(`${name} ${request.method ?? ''} ${request.url ?? ''}\n`);
};

/**
 * A node:http server on 127.0.0.1 that records every request (with its whole body) and counts
 * connections. The handler runs once the body has arrived, unless `streaming` is set, in which
 * case it runs at once and the body recorded is empty.
 */
export async function startHttpBackend(t: TestContext, handler: BackendHandler, options: { streaming?: boolean } = {}): Promise<HttpBackend> {
  const server = createHttpServer({ keepAliveTimeout: 30_000 });
  const backend: HttpBackend = {
    port: 0,
    server,
    connections: 0,
    requests: [],
    close: () =>
      new Promise<void>((resolve) => {
        // upgraded (WebSocket) sockets are no longer the server's: closeAllConnections misses them
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const ids = new WeakMap<Socket, number>();
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    backend.connections++;
    ids.set(socket, backend.connections);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const connection = ids.get(request.socket) ?? 0;
    const record = (body: Buffer): void => {
      backend.requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        httpVersion: request.httpVersion,
        headers: request.headers,
        rawHeaders: request.rawHeaders,
        body,
        connection,
      });
    };
    if (options.streaming === true) {
      record(Buffer.alloc(0));
      handler(request, response, Buffer.alloc(0));
      return;
    }
    const parts: Buffer[] = [];
    request.on('data', (chunk: Buffer) => parts.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(parts);
      record(body);
      handler(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (backend as { port: number }).port = (server.address() as AddressInfo).port;
  t.after(() => backend.close());
  return backend;
}

const recordLimit = 1024 * 1024;

export interface RawBackend {
  readonly port: number;
  connections: number;
  /** the bytes received per connection (the first MiB of each) */
  readonly received: Buffer[];
  close(): Promise<void>;
}

/** A net server whose connections `onConnection` drives byte by byte (garbage answers, echo, stalls) */
export async function startRawBackend(t: TestContext, onConnection: (socket: Socket, index: number) => void): Promise<RawBackend> {
  const sockets = new Set<Socket>();
  const backend: RawBackend = { port: 0, connections: 0, received: [], close: async () => undefined };
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const index = backend.connections++;
    backend.received[index] = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      // the first MiB is kept: enough for heads, and no quadratic copying on bulk transfers
      const kept = backend.received[index] ?? Buffer.alloc(0);
      if (kept.length < recordLimit) backend.received[index] = Buffer.concat([kept, chunk.subarray(0, recordLimit - kept.length)]);
    });
    onConnection(socket, index);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (backend as { port: number }).port = (server.address() as AddressInfo).port;
  backend.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  t.after(() => backend.close());
  return backend;
}

export interface RawExchange {
  /** every byte the proxy sent */
  readonly data: Buffer;
  /** the proxy closed (or reset) the connection */
  readonly closed: boolean;
  /** ms from the first write to the close, when it closed */
  readonly closedAfterMs: number;
}

export interface RawOptions {
  /** stop waiting once this holds (the connection stays open: `closed` false) */
  readonly until?: (data: Buffer) => boolean;
  readonly timeoutMs?: number;
  /** shut the sending side after writing */
  readonly endAfterWrite?: boolean;
}

/** Connects to 127.0.0.1:`port`, writes `bytes` in one write, and reads until close, `until` or the timeout */
export function rawExchange(port: number, bytes: string | Buffer, options: RawOptions = {}): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const parts: Buffer[] = [];
    let started = 0;
    let finished = false;
    const finish = (closed: boolean): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(parts), closed, closedAfterMs: closed ? Date.now() - started : -1 });
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs ?? 5_000);
    socket.on('connect', () => {
      started = Date.now();
      socket.write(bytes);
      if (options.endAfterWrite === true) socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      if (options.until?.(Buffer.concat(parts)) === true) finish(false);
    });
    socket.on('error', () => finish(true));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
  });
}

/** An open client connection for conversations: write, then wait for bytes */
export class RawClient {
  readonly socket: Socket;
  #data = Buffer.alloc(0);
  #closed = false;
  #waiters = new Set<() => void>();

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#data = Buffer.concat([this.#data, chunk]);
      this.#wake();
    });
    const onEnd = (): void => {
      this.#closed = true;
      this.#wake();
    };
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onEnd);
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  get data(): Buffer {
    return this.#data;
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** takes (and forgets) the bytes received so far */
  take(): Buffer {
    const data = this.#data;
    this.#data = Buffer.alloc(0);
    return data;
  }

  /** waits until `test` holds on the bytes received, or the connection closed; false on timeout */
  wait(test: (data: Buffer, closed: boolean) => boolean, timeoutMs = 5_000): Promise<boolean> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (test(this.#data, this.#closed)) {
          done();
          resolve(true);
        }
      };
      const timer = setTimeout(() => {
        done();
        resolve(false);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** waits for one complete response (see `parseResponses`) and takes it */
  async response(timeoutMs = 5_000): Promise<ParsedResponse> {
    await this.wait((d, closed) => closed || parseResponses(d).responses.length > 0, timeoutMs);
    const { responses, used } = parseResponses(this.#data);
    const first = responses[0];
    if (first === undefined) throw new Error(`No complete response; got ${JSON.stringify(this.#data.toString('latin1'))}`);
    this.#data = this.#data.subarray(first.length);
    void used;
    return first;
  }

  waitClosed(timeoutMs = 5_000): Promise<boolean> {
    return this.wait((_, closed) => closed, timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }

  #wake(): void {
    for (const w of this.#waiters) w();
  }
}

export interface ParsedResponse {
  readonly status: number;
  readonly statusLine: string;
  /** lower-cased names, multiple values joined with ", " */
  readonly headers: Readonly<Record<string, string>>;
  readonly head: string;
  readonly body: Buffer;
  /** bytes of head plus body on the wire */
  readonly length: number;
}

/**
 * Splits back-to-back HTTP/1.1 responses framed by Content-Length or chunked (bodies returned
 * de-chunked); stops at the first incomplete one. `noBody` lists statuses framed without a body
 * (a HEAD answer).
 */
export function parseResponses(data: Buffer, noBody = false): { responses: ParsedResponse[]; used: number } {
  const responses: ParsedResponse[] = [];
  let at = 0;
  for (;;) {
    const headEnd = data.indexOf('\r\n\r\n', at, 'latin1');
    if (headEnd === -1) break;
    const head = data.toString('latin1', at, headEnd);
    const lines = head.split('\r\n');
    const statusLine = lines[0] ?? '';
    const status = Number(statusLine.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    let pos = headEnd + 4;
    let body: Buffer;
    if (noBody || status === 204 || status === 304 || (status >= 100 && status < 200)) {
      body = Buffer.alloc(0);
    } else if (headers['transfer-encoding']?.toLowerCase().includes('chunked') === true) {
      const parts: Buffer[] = [];
      let complete = false;
      for (;;) {
        const lineEnd = data.indexOf('\r\n', pos, 'latin1');
        if (lineEnd === -1) break;
        const size = parseInt(data.toString('latin1', pos, lineEnd), 16);
        if (size === 0) {
          const end = data.indexOf('\r\n\r\n', lineEnd, 'latin1');
          if (end === -1) break;
          pos = end + 4;
          complete = true;
          break;
        }
        if (data.length < lineEnd + 2 + size + 2) break;
        parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
        pos = lineEnd + 2 + size + 2;
      }
      if (!complete) break;
      body = Buffer.concat(parts);
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (data.length < pos + length) break;
      body = data.subarray(pos, pos + length);
      pos += length;
    } else {
      // until close: everything left
      body = data.subarray(pos);
      pos = data.length;
    }
    responses.push({ status, statusLine, headers, head, body, length: pos - at });
    at = pos;
    if (at >= data.length) break;
  }
  return { responses, used: at };
}

export interface CurlResult extends RunResult {
  /** the `-w` numbers: http_code, num_connects */
  readonly code: number | null;
  readonly status: number;
  readonly body: string;
}

/** curl with a hard time bound; the last line of stdout is the status from -w */
export async function curl(args: readonly string[], timeoutMs = 15_000): Promise<CurlResult> {
  const result = await run(['curl', '-sS', '--max-time', String(Math.ceil(timeoutMs / 1000)), '-o', '-', '-w', '\n%{http_code}', ...args], { timeoutMs: timeoutMs + 2_000 });
  const cut = result.stdout.lastIndexOf('\n');
  return { ...result, status: Number(result.stdout.slice(cut + 1)), body: result.stdout.slice(0, cut) };
}

/** A simple GET through a fresh connection; resolves with the parsed response */
export async function get(port: number, path = '/', headers: Readonly<Record<string, string>> = {}): Promise<ParsedResponse> {
  const lines = Object.entries({ host: 'test', ...headers }).map(([n, v]) => `${n}: ${v}\r\n`).join('');
  const exchange = await rawExchange(port, `GET ${path} HTTP/1.1\r\n${lines}connection: close\r\n\r\n`);
  const first = parseResponses(exchange.data).responses[0];
  if (first === undefined) throw new Error(`No response to GET ${path}; got ${JSON.stringify(exchange.data.toString('latin1'))}`);
  return first;
}

export { sleep };
