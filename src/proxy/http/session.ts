// One client connection in `mode http`: reads requests (keep-alive and pipelined), routes each to
// a backend and server, streams bodies both ways without buffering them whole, reuses pooled
// server connections, retries failed connects (redispatching when told), and answers with
// HAProxy's pages when it must. One object per connection; per-request state lives in fields
// that are reset, not reallocated.
import type { Socket } from 'node:net';
import type { BalanceRequest } from '../../balance/balancer.ts';
import type { BackendRuntime, ConnectionMode, QueueWaiter } from '../backend.ts';
import { AnalyzeStatus, statusVerdict } from '../../check/passive.ts';
import { ConnectionEnds } from '../client-address.ts';
import { Counter } from '../counters.ts';
import type { DeadlineTicker, Expirable } from '../deadlines.ts';
import type { ConnectionGate, FrontendRuntime } from '../frontend.ts';
import type { LogContext } from '../log/log-context.ts';
import type { ServerConnection, ServerConnectionOwner, ServerRuntime } from '../server-runtime.ts';
import { ChunkedScanner } from './chunked.ts';
import { HeldBytes } from './held-bytes.ts';
import {
  findHeadEnd,
  hasBareLf,
  headerValue,
  nameIs,
  parseRequestHead,
  parseResponseHead,
  responseHasNoBody,
  type RequestHead,
  type ResponseHead,
} from './head.ts';
import type { RequestView, ResponseView } from './message-view.ts';
import { serializeHead } from './serialize.ts';
import { maxStatsBody, type StatsService } from '../stats-bridge.ts';
import { retain, type SocketReader } from '../io/socket-reader.ts';

const Phase = {
  /** between requests: waiting for the first byte (timeout http-keep-alive) */
  idle: 0,
  /** part of a request head arrived (timeout http-request) */
  head: 1,
  /** waiting in the backend queue for a server slot (timeout queue) */
  queued: 2,
  /** connecting to the server (timeout connect), or waiting for a retry */
  connecting: 3,
  /** request sent or being sent, response awaited or being relayed */
  exchange: 4,
  /** after 101 Switching Protocols: bytes pass both ways untouched (timeout tunnel) */
  tunnel: 5,
  closed: 6,
  /** answered by vigil itself (the stats page): reading the request body, then rendering */
  service: 7,
} as const;
type Phase = (typeof Phase)[keyof typeof Phase];

/** A rewritten response head and a body part up to this size go out in one write (a copy) */
const maxJoinedBodyBytes = 16 * 1024;

/** Bytes a client may pipeline ahead of the request being served before reading pauses */
const maxPipelinedBytes = 64 * 1024;
/**
 * Held request bytes up to this size go to the server joined, in one write: Buffer.concat takes
 * that little from Node's shared pool. Above it, a join is a buffer of its own for every request,
 * which a proxy that allocates few objects collects seldom: on 1 MiB uploads (bench upload-1m)
 * 30 to 40 MiB of such joins of head and first body bytes waited for the collector, and the peak
 * RSS was 125 MiB against 82 at get-c200. Larger parts are written one by one, a system call each.
 */
const joinedBytes = Buffer.poolSize >>> 1;

/** The request as rules, ACLs and balancers see it: built once per request from the parsed head */
class RequestState implements RequestView, BalanceRequest {
  method = '';
  version: 10 | 11 = 11;
  /** the head's header list and target, taken from it only when a rule, ACL or balancer reads them */
  #head: RequestHead | undefined;
  #headers: string[] | undefined;
  #target: string | undefined;
  readonly frontend: string;
  readonly #ends: ConnectionEnds;

  constructor(ends: ConnectionEnds, frontend: string) {
    this.#ends = ends;
    this.frontend = frontend;
  }

  get source(): string {
    return this.#ends.source;
  }

  get sourcePort(): number {
    return this.#ends.sourcePort;
  }

  get destination(): string {
    return this.#ends.destination;
  }

  get destinationPort(): number {
    return this.#ends.destinationPort;
  }

  get uri(): string {
    return this.target;
  }

  get target(): string {
    return (this.#target ??= this.#head === undefined ? '' : this.#head.target);
  }

  /** rules rewrite it (set-path, set-uri, set-query) */
  set target(target: string) {
    this.#target = target;
  }

  get headers(): string[] {
    return (this.#headers ??= this.#head === undefined ? [] : this.#head.headers);
  }

  set headers(headers: string[]) {
    this.#headers = headers;
  }

  /** the request this view shows from now on */
  show(head: RequestHead): void {
    this.method = head.method;
    this.version = head.version;
    this.#head = head;
    this.#headers = undefined;
    this.#target = undefined;
  }

  header(name: string): string | undefined {
    return headerValue(this.headers, name.toLowerCase());
  }
}

/** `input[0, end)`, as a view only when it is not all of `input` */
function headOf(input: Buffer, end: number): Buffer {
  return end === input.length ? input : input.subarray(0, end);
}

function strictest(a: ConnectionMode, b: ConnectionMode): ConnectionMode {
  if (a === 'close' || b === 'close') return 'close';
  if (a === 'server-close' || b === 'server-close') return 'server-close';
  return 'keep-alive';
}

const isConnectionHeader = (name: string): boolean => nameIs(name, 'connection') || nameIs(name, 'keep-alive') || nameIs(name, 'proxy-connection');
const keepAllHeaders = (): boolean => false;

export interface HttpSessionContext {
  readonly frontend: FrontendRuntime;
  readonly ticker: DeadlineTicker;
  readonly gate: ConnectionGate;
  /** process-wide live connection count for logs (%ac) */
  readonly processConnections: { value: number };
}

export class HttpSession implements ServerConnectionOwner, Expirable, QueueWaiter {
  deadline = 0;
  /** this session's place in the deadline ticker's list */
  slot = -1;
  readonly #client: Socket;
  readonly #clientReader: SocketReader;
  readonly #frontend: FrontendRuntime;
  readonly #ticker: DeadlineTicker;
  readonly #gate: ConnectionGate;
  readonly #context: HttpSessionContext;
  readonly #view: RequestState;
  #phase: Phase = Phase.idle;
  /** client bytes not consumed yet (a partial head, or pipelined requests) */
  #in: Buffer | undefined;
  #clientPaused = false;

  // ---- the transaction in progress ----
  #request: RequestHead | undefined;
  #backend: BackendRuntime | undefined;
  #server: ServerRuntime | undefined;
  /** the last server tried, for the log (HAProxy names it even when the transaction failed) */
  #servedBy: ServerRuntime | undefined;
  #connection: ServerConnection | undefined;
  /** the request head as received, while it is held in `#pending` unchanged */
  #rawHead: Buffer | undefined;
  /** request bytes held until the server connection is up (head, then any body received) */
  readonly #pending = new HeldBytes();
  /** whether any request byte went to the server on the current connection (then no retry) */
  #sentToServer = false;
  #requestBodyRemaining = 0;
  #requestChunks: ChunkedScanner | undefined;
  #requestDone = true;
  #tried: Set<number> | undefined;
  #retries = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #responseBuffer: Buffer | undefined;
  #response: ResponseHead | undefined;
  #responseRemaining = 0;
  #responseChunks: ChunkedScanner | undefined;
  #responseUntilClose = false;
  #responseNoBody = false;
  #dechunk = false;
  #responseStarted = false;
  #closeAfter = false;
  #mode: ConnectionMode = 'keep-alive';
  #upgradeRequested = false;
  #serverPaused = false;

  // ---- figures for logs and stats ----
  readonly #acceptedAt = Date.now();
  #requestStartedAt = 0;
  #headDoneAt = 0;
  #queuedAt = 0;
  #connectStartAt = 0;
  #connectedAt = 0;
  #responseAt = 0;
  #status = -1;
  #bytesOut = 0;
  #bytesIn = 0;
  /** the request could not be parsed: the log shows `<BADREQ>` as its request line */
  #badRequest = false;
  /** timestamps are taken only when something logs them */
  readonly #timed: boolean;
  #termination = '--';
  #redispatched = false;
  #requests = 0;

  constructor(client: Socket, reader: SocketReader, context: HttpSessionContext) {
    this.#client = client;
    this.#clientReader = reader;
    this.#context = context;
    this.#frontend = context.frontend;
    this.#timed = context.frontend.log !== undefined;
    this.#ticker = context.ticker;
    this.#gate = context.gate;
    const ends = new ConnectionEnds(client);
    // the log needs the addresses when the connection ends, when the socket can no longer tell
    if (this.#timed) ends.resolve();
    this.#view = new RequestState(ends, context.frontend.name);
    client.setNoDelay(true);
    reader.sink = (chunk: Buffer) => {
      this.#onClientData(chunk);
      this.#keepClientBytes(chunk.buffer);
    };
    client.on('drain', () => this.#onClientDrain());
    client.on('error', () => this.#setTermination('C', this.#stateLetter()));
    client.on('end', () => this.#onClientEnd());
    client.on('close', () => this.#onClientClose());
    const fe = this.#frontend;
    fe.counters.enter(fe.base, Counter.sessionsCurrent, Counter.sessionsMax);
    fe.counters.add(fe.base, Counter.sessionsTotal);
    fe.counters.set(fe.base, Counter.lastSessionAt, this.#acceptedAt);
    context.processConnections.value++;
    this.#ticker.add(this);
    this.#arm(Phase.idle);
  }

  // ---- timeouts -----------------------------------------------------------------------------

  #arm(phase: Phase): void {
    this.#phase = phase;
    const t = this.#frontend.timeouts;
    const b = this.#backend?.timeouts;
    let ms = 0;
    switch (phase) {
      case Phase.idle:
        // HAProxy: http-keep-alive between requests, http-request for the first one
        ms = this.#requests === 0 ? t.httpRequest || t.client : t.httpKeepAlive || t.httpRequest || t.client;
        break;
      case Phase.head:
        ms = t.httpRequest || t.client;
        break;
      case Phase.queued:
        ms = b?.queue || b?.connect || 0;
        break;
      case Phase.connecting:
        ms = b?.connect ?? 0;
        break;
      case Phase.exchange:
        ms = this.#requestDone ? (b?.server ?? 0) : t.client;
        break;
      case Phase.tunnel:
        ms = b?.tunnel || Math.max(t.client, b?.server ?? 0);
        break;
      case Phase.service:
        ms = t.client;
        break;
    }
    this.deadline = this.#ticker.after(ms);
  }

  expire(): void {
    switch (this.#phase) {
      case Phase.idle:
        // between keep-alive requests the connection closes quietly; a first request that never
        // came gets HAProxy's 408 (what `option http-ignore-probes` would silence)
        this.#setTermination('c', 'R');
        if (this.#requests === 0) this.#answerAndClose(408);
        else this.#client.destroy();
        return;
      case Phase.head:
        this.#setTermination('c', 'R');
        this.#answerAndClose(408);
        return;
      case Phase.queued:
        this.#backend?.dequeue(this);
        this.#setTermination('s', 'Q');
        this.#answer(503, true);
        return;
      case Phase.connecting:
        this.#connection?.socket.destroy(new Error('Connection timeout'));
        return;
      case Phase.exchange:
        if (this.#requestDone) {
          this.#setTermination('s', this.#response === undefined ? 'H' : 'D');
          this.#count(this.#backend, Counter.responseErrors);
          this.#server?.observation?.note(AnalyzeStatus.readTimeout);
          if (!this.#responseStarted) this.#failTransaction(504);
          else this.#destroyAll();
        } else {
          this.#setTermination('c', 'D');
          this.#destroyAll();
        }
        return;
      case Phase.tunnel:
      case Phase.service:
        this.#destroyAll();
        return;
    }
  }

  // ---- client side --------------------------------------------------------------------------

  #onClientData(chunk: Buffer): void {
    this.#bytesIn += chunk.length;
    this.#frontend.counters.add(this.#frontend.base, Counter.bytesIn, chunk.length);
    switch (this.#phase) {
      case Phase.idle:
      case Phase.head:
        this.#in = this.#in === undefined ? chunk : Buffer.concat([this.#in, chunk]);
        this.#readHead();
        return;
      case Phase.tunnel:
        this.#toServer(chunk);
        this.#arm(Phase.tunnel);
        return;
      case Phase.closed:
        return;
      default:
        if (!this.#requestDone) {
          const used = this.#feedRequestBody(chunk, 0);
          if (used < chunk.length) this.#holdPipelined(chunk.subarray(used));
          if (this.#phase === Phase.exchange) this.#arm(Phase.exchange);
        } else {
          this.#holdPipelined(chunk);
        }
    }
  }

  /**
   * After a client read: what this session keeps of the read's memory (a partial head, pipelined
   * bytes, request bytes held while a server connection opens) is copied, because the next read,
   * on any socket of this thread, reuses that memory (socket-reader.ts). Views elsewhere are left
   * alone.
   */
  #keepClientBytes(memory: ArrayBufferLike): void {
    // the head's copy doubles as the copy of the head bytes held for the server (the same bytes)
    const headCopy = this.#request?.detach(memory);
    const input = this.#in;
    if (input !== undefined && input.buffer === memory) this.#in = retain(input);
    const pending = this.#pending;
    for (let i = 0; i < pending.count; i++) {
      const part = pending.at(i);
      if (part.buffer === memory) pending.replace(i, headCopy !== undefined && part === this.#rawHead ? headCopy : retain(part));
    }
    const body = this.#serviceBody;
    if (body !== undefined) {
      for (let i = 0; i < body.length; i++) {
        const part = body[i] as Buffer;
        if (part.buffer === memory) body[i] = retain(part);
      }
    }
  }

  /** keeps bytes of the next request(s) until this one is answered, pausing a client that floods */
  #holdPipelined(bytes: Buffer): void {
    this.#in = this.#in === undefined ? bytes : Buffer.concat([this.#in, bytes]);
    if (this.#in.length > maxPipelinedBytes && !this.#clientPaused) {
      this.#clientPaused = true;
      this.#client.pause();
    }
  }

  #onClientDrain(): void {
    if (this.#serverPaused && this.#connection !== undefined) {
      this.#serverPaused = false;
      this.#connection.socket.resume();
    }
    if (this.#phase === Phase.exchange) this.#arm(Phase.exchange);
  }

  /**
   * The client half-closed (sent FIN). Sessions are created with allowHalfOpen so a client that
   * writes its request and shuts down its side (`printf ... | nc`) still gets the answer; the
   * connection then ends after the transaction in progress.
   */
  #onClientEnd(): void {
    if (this.#phase === Phase.idle || this.#phase === Phase.head) {
      this.#phase = Phase.closed;
      this.#ticker.remove(this);
      this.#client.end();
      return;
    }
    this.#closeAfter = true;
  }

  #finalized = false;

  #onClientClose(): void {
    if (this.#finalized) return;
    this.#finalized = true;
    if (this.#phase !== Phase.idle && this.#phase !== Phase.closed && this.#termination === '--') this.#setTermination('C', this.#stateLetter());
    const inTransaction = this.#request !== undefined;
    this.#phase = Phase.closed;
    this.#ticker.remove(this);
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    if (this.#backend !== undefined) this.#backend.dequeue(this);
    if (this.#connection !== undefined) {
      // the server's answer has nowhere to go; its connection cannot be reused mid-response
      this.#count(this.#backend, Counter.clientAborts);
      const connection = this.#connection;
      this.#connection = undefined;
      connection.owner = undefined;
      connection.socket.destroy();
    }
    if (inTransaction) this.#endTransaction(false);
    const fe = this.#frontend;
    fe.counters.leave(fe.base, Counter.sessionsCurrent);
    this.#context.processConnections.value--;
    this.#gate.done();
  }

  // ---- request head -------------------------------------------------------------------------

  #readHead(): void {
    const input = this.#in;
    if (input === undefined || input.length === 0) return;
    if (this.#phase === Phase.idle) {
      if (this.#timed) this.#requestStartedAt = Date.now();
      this.#arm(Phase.head);
    }
    const end = findHeadEnd(input);
    if (end === -1) {
      if (input.length > this.#frontend.maxHeadBytes || hasBareLf(input)) {
        this.#count(undefined, Counter.requestErrors);
        this.#setTermination('P', 'R');
        this.#badRequest = true;
        this.#answerAndClose(400);
      }
      return;
    }
    const head = parseRequestHead(input, 0, end);
    this.#requests++;
    if (this.#timed) this.#headDoneAt = Date.now();
    if (!head.ok) {
      this.#count(undefined, Counter.requestErrors);
      this.#setTermination('P', 'R');
      this.#badRequest = true;
      this.#answerAndClose(400);
      return;
    }
    // the whole read is one head, the common case: no view of it to make
    const whole = end === input.length;
    this.#in = whole ? undefined : input.subarray(end);
    this.#startTransaction(head, whole ? input : input.subarray(0, end));
  }

  #startTransaction(head: RequestHead, rawHead: Buffer): void {
    const fe = this.#frontend;
    const http = fe.http;
    if (http === undefined) return;
    fe.counters.add(fe.base, Counter.requestsTotal);
    this.#request = head;
    const view = this.#view;
    view.show(head);
    this.#requestDone = head.contentLength <= 0 && !head.chunked;
    this.#requestBodyRemaining = head.contentLength > 0 ? head.contentLength : 0;
    this.#requestChunks = head.chunked ? new ChunkedScanner() : undefined;
    this.#upgradeRequested = head.upgrade !== undefined;
    this.#closeAfter = head.wantsClose;
    this.#mode = fe.connectionMode;

    const front = http.frontendRequest(view);
    if (front.verdict.kind === 'response') {
      this.#count(undefined, Counter.deniedRequests);
      this.#answerVerdict(front.verdict.bytes, front.verdict.close, front.verdict.status);
      return;
    }
    const stats = fe.stats;
    if (stats !== undefined && stats.matches(view.target)) {
      this.#serveStats(stats);
      return;
    }
    const backend = http.chooseBackend(view);
    if (backend === undefined) {
      this.#setTermination('P', 'R');
      this.#answer(503, false);
      return;
    }
    this.#backend = backend;
    backend.active++;
    this.#mode = strictest(fe.connectionMode, backend.connectionMode);
    if (this.#mode === 'close') this.#closeAfter = true;
    const back = http.backendRequest(backend, view);
    if (back.verdict.kind === 'response') {
      this.#count(backend, Counter.deniedRequests);
      this.#answerVerdict(back.verdict.bytes, back.verdict.close, back.verdict.status);
      return;
    }
    // the head goes out untouched unless a rule, the connection mode or framing asks otherwise;
    // an upgrade keeps its Connection header whatever the mode, or it could not happen
    const serverShouldClose = this.#mode !== 'keep-alive' && !this.#upgradeRequested;
    // Connection is hop-by-hop (RFC 9110 section 7.6.1): a client closing its own connection
    // must not close the pooled server connection too, or nothing would ever be reused
    const hideClientClose = head.wantsClose && head.version === 11 && !serverShouldClose && !this.#upgradeRequested;
    // HAProxy talks HTTP/1.1 to servers whatever the client spoke: an HTTP/1.0 request sent on
    // as 1.0 makes the server close after answering, so every such request (ab without -k)
    // would cost a new server connection; its Connection header only concerns the client side
    const toHttp11 = head.version === 10 && head.host !== undefined && !serverShouldClose && !this.#upgradeRequested;
    const dropConnection = serverShouldClose || hideClientClose || toHttp11;
    const reframe = head.lengthConflict || head.lengthRepeated;
    const rewrite = front.modified || back.modified || dropConnection || reframe;
    let outgoing = rawHead;
    if (rewrite && !front.modified && !back.modified && !reframe) {
      // only connection handling changes: splice the received bytes
      outgoing = head.withConnection(toHttp11, serverShouldClose ? 'Connection: close\r\n' : '');
    } else if (rewrite) {
      const startLine = `${view.method} ${view.target} HTTP/1.${head.version === 11 || toHttp11 ? 1 : 0}`;
      const drop = reframe
        ? (name: string): boolean => nameIs(name, 'content-length') || (dropConnection && isConnectionHeader(name))
        : dropConnection
          ? isConnectionHeader
          : keepAllHeaders;
      // a repeated Content-Length goes out once; with Transfer-Encoding it goes not at all
      const length = head.lengthRepeated ? `Content-Length: ${head.contentLength}\r\n` : '';
      outgoing = serializeHead(startLine, view.headers, drop, `${length}${serverShouldClose ? 'Connection: close\r\n' : ''}`);
    }
    this.#pending.push(outgoing);
    this.#rawHead = outgoing === rawHead ? rawHead : undefined;
    // body bytes that arrived with the head
    if (!this.#requestDone && this.#in !== undefined) {
      const input = this.#in;
      const used = this.#feedRequestBody(input, 0);
      this.#in = used < input.length ? input.subarray(used) : undefined;
    }
    this.#retries = 0;
    this.#tried = undefined;
    this.#connect();
  }

  /** takes request body bytes from `chunk[start..]`; returns the index where this body ended */
  #feedRequestBody(chunk: Buffer, start: number): number {
    let end = chunk.length;
    if (this.#requestChunks !== undefined) {
      const used = this.#requestChunks.scan(chunk, start, end);
      end = start + used;
      if (this.#requestChunks.error !== undefined) {
        this.#count(this.#backend, Counter.requestErrors);
        this.#setTermination('P', 'D');
        if (!this.#responseStarted && !this.#sentToServer) this.#answerAndClose(400);
        else this.#destroyAll();
        return chunk.length;
      }
      if (this.#requestChunks.done) this.#requestDone = true;
    } else {
      const take = Math.min(this.#requestBodyRemaining, end - start);
      end = start + take;
      this.#requestBodyRemaining -= take;
      if (this.#requestBodyRemaining === 0) this.#requestDone = true;
    }
    if (end > start) {
      const part = start === 0 && end === chunk.length ? chunk : chunk.subarray(start, end);
      if (this.#serviceBody !== undefined) this.#serviceBody.push(part);
      else this.#toServer(part);
    }
    if (this.#requestDone && this.#phase === Phase.exchange) this.#arm(Phase.exchange);
    if (this.#requestDone && this.#phase === Phase.service) this.#finishService();
    return end;
  }

  /** request bytes toward the server: written when connected, held while connecting */
  #toServer(bytes: Buffer): void {
    const connection = this.#connection;
    if (connection === undefined || !connection.connected) {
      this.#pending.push(bytes);
      return;
    }
    this.#sentToServer = true;
    if (this.#backend !== undefined) this.#backend.counters.add(this.#backend.base, Counter.bytesIn, bytes.length);
    this.#writeToServer(connection, bytes);
  }

  /** a write toward the server; client bytes it still points at after the call are lent */
  #writeToServer(connection: ServerConnection, bytes: Buffer): void {
    const socket = connection.socket;
    if (!socket.write(bytes) && !this.#clientPaused) {
      // the server reads slower than the client sends: stop reading the client until it drains
      this.#clientPaused = true;
      this.#client.pause();
    }
    if (socket.writableLength !== 0) this.#clientReader.lend(socket);
  }

  onServerDrain(): void {
    if (this.#clientPaused && (this.#in === undefined || this.#in.length <= maxPipelinedBytes)) {
      this.#clientPaused = false;
      this.#client.resume();
    }
  }

  // ---- the stats page -----------------------------------------------------------------------

  #serviceBody: Buffer[] | undefined;
  #service: StatsService | undefined;

  /** the request goes to the stats page; its body (admin forms) is read first, bounded */
  #serveStats(service: StatsService): void {
    const request = this.#request;
    if (request === undefined) return;
    if (request.contentLength > maxStatsBody) {
      this.#answer(413, true);
      return;
    }
    this.#service = service;
    this.#serviceBody = [];
    this.#arm(Phase.service);
    if (!this.#requestDone && this.#in !== undefined) {
      const input = this.#in;
      const used = this.#feedRequestBody(input, 0);
      this.#in = used < input.length ? input.subarray(used) : undefined;
      return;
    }
    if (this.#requestDone) this.#finishService();
  }

  #finishService(): void {
    const service = this.#service;
    const parts = this.#serviceBody ?? [];
    this.#service = undefined;
    this.#serviceBody = undefined;
    if (service === undefined) return;
    const view = this.#view;
    const body = Buffer.concat(parts);
    if (body.length > maxStatsBody) {
      this.#answer(413, true);
      return;
    }
    const close = this.#closeAfter;
    void service
      .handle({ frontend: this.#frontend.name, method: view.method, target: view.target, headers: view.headers, source: view.source, sourcePort: view.sourcePort, body })
      .then((bytes) => {
        if (this.#phase !== Phase.service) return;
        const answer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        // the status code sits at bytes 9..11 of "HTTP/1.1 200 ..."
        const status = Number(answer.toString('latin1', 9, 12)) || 200;
        this.#answerVerdict(answer, close, status);
      });
  }

  // ---- server side --------------------------------------------------------------------------

  #connect(): void {
    const backend = this.#backend;
    if (backend === undefined) return;
    const server = backend.choose(this.#view, this.#tried);
    if (server === undefined) {
      if (backend.hasCapacityLater() && backend.enqueue(this)) {
        if (this.#queuedAt === 0) this.#queuedAt = Date.now();
        this.#arm(Phase.queued);
        return;
      }
      this.#setTermination('s', 'C');
      this.#failTransaction(503);
      return;
    }
    this.#server = server;
    this.#servedBy = server;
    backend.acquire(server);
    if (this.#timed) this.#connectStartAt = Date.now();
    // an idle pooled connection saves a handshake; if it turns out closed before answering,
    // the request is replayed on a fresh one (see onServerClose)
    const idle = this.#upgradeRequested ? undefined : server.takeIdle();
    if (idle !== undefined) {
      idle.owner = this;
      idle.uses++;
      this.#connection = idle;
      server.counters.add(server.base, Counter.connectionsReused);
      this.#onConnected(idle);
      return;
    }
    this.#open(server);
  }

  #open(server: ServerRuntime): void {
    const connection = server.connect(this);
    this.#connection = connection;
    connection.socket.once('connect', () => {
      if (connection !== this.#connection || connection.closed) return;
      connection.connected = true;
      connection.uses++;
      server.observation?.note(AnalyzeStatus.l4Ok);
      this.#onConnected(connection);
    });
    this.#arm(Phase.connecting);
  }

  wake(): void {
    if (this.#phase !== Phase.queued) return;
    this.#connect();
  }

  #onConnected(connection: ServerConnection): void {
    if (this.#timed) this.#connectedAt = Date.now();
    this.#sentToServer = false;
    this.#arm(Phase.exchange);
    const pending = this.#pending;
    if (pending.count === 0) return;
    this.#sentToServer = true;
    if (this.#backend !== undefined) this.#backend.counters.add(this.#backend.base, Counter.bytesIn, pending.bytes);
    // keep the bytes for a replay until the server has started answering
    const replayable = connection.uses > 1 && this.#requestDone;
    if (pending.count === 1 || pending.bytes <= joinedBytes) {
      const bytes = pending.joined();
      pending.clear();
      if (replayable) pending.push(bytes);
      this.#writeToServer(connection, bytes);
      return;
    }
    for (let i = 0; i < pending.count; i++) this.#writeToServer(connection, pending.at(i));
    if (!replayable) pending.clear();
  }

  onServerClose(connection: ServerConnection, error: Error | undefined): void {
    if (connection !== this.#connection) return;
    this.#connection = undefined;
    const backend = this.#backend;
    const server = this.#server;
    if (backend === undefined || server === undefined) return;
    if (this.#phase === Phase.connecting || (this.#phase === Phase.exchange && !connection.connected)) {
      this.#count(backend, Counter.connectionErrors);
      server.counters.add(server.base, Counter.connectionErrors);
      server.observation?.note(AnalyzeStatus.l4Error);
      this.#retryConnect(error);
      return;
    }
    if (this.#phase === Phase.tunnel) {
      this.#client.end();
      return;
    }
    if (this.#phase !== Phase.exchange) return;
    if (this.#response === undefined && this.#responseBuffer === undefined && connection.uses > 1 && this.#pending.count > 0) {
      // a pooled connection the server had closed: the request never reached it, send it again
      backend.release(server);
      this.#server = undefined;
      this.#connect();
      return;
    }
    if (this.#responseUntilClose && this.#response !== undefined) {
      this.#responseDone = true;
      this.#closeAfter = true;
      this.#finishTransaction();
      return;
    }
    this.#setTermination('S', this.#response === undefined ? 'H' : 'D');
    this.#count(backend, Counter.responseErrors);
    server.counters.add(server.base, Counter.serverAborts);
    server.observation?.note(error === undefined ? AnalyzeStatus.brokenPipe : AnalyzeStatus.readError);
    if (!this.#responseStarted) this.#failTransaction(502);
    else this.#destroyAll();
  }

  #retryConnect(error: Error | undefined): void {
    const backend = this.#backend;
    const server = this.#server;
    if (backend === undefined || server === undefined) return;
    backend.release(server);
    this.#server = undefined;
    if (this.#retries >= backend.retries) {
      this.#setTermination(error?.message === 'Connection timeout' ? 's' : 'S', 'C');
      this.#failTransaction(503);
      return;
    }
    this.#retries++;
    this.#count(backend, Counter.retries);
    server.counters.add(server.base, Counter.retries);
    const redispatch = backend.redispatchOn(this.#retries);
    if (redispatch) {
      (this.#tried ??= new Set()).add(server.index);
      this.#redispatched = true;
      this.#count(backend, Counter.redispatches);
      this.#connect();
      return;
    }
    // HAProxy waits min(timeout connect, 1s) before retrying the same server, so a server that
    // is restarting is not hammered; the session stays in the connecting phase meanwhile
    const delay = Math.min(backend.timeouts.connect || 1000, 1000);
    this.#arm(Phase.connecting);
    this.deadline = 0;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#phase !== Phase.connecting) return;
      (this.#tried ??= new Set()).delete(server.index);
      this.#connectSame(server);
    }, delay);
  }

  /** a retry on the same server (no redispatch) */
  #connectSame(server: ServerRuntime): void {
    const backend = this.#backend;
    if (backend === undefined) return;
    if (!server.serving) {
      // it was marked down meanwhile: pick again rather than insist
      this.#connect();
      return;
    }
    this.#server = server;
    this.#servedBy = server;
    backend.acquire(server);
    if (this.#timed) this.#connectStartAt = Date.now();
    this.#open(server);
  }

  onServerData(connection: ServerConnection, chunk: Buffer): void {
    if (connection !== this.#connection) return;
    this.#onServerBytes(chunk);
    // a partial response head, or the head of a response still in progress, is kept past this
    // read: copy it (socket-reader.ts)
    const partial = this.#responseBuffer;
    if (partial !== undefined && partial.buffer === chunk.buffer) this.#responseBuffer = retain(partial);
    this.#response?.detach(chunk.buffer);
  }

  #onServerBytes(chunk: Buffer): void {
    const backend = this.#backend;
    if (backend !== undefined) backend.counters.add(backend.base, Counter.bytesOut, chunk.length);
    if (this.#phase === Phase.tunnel) {
      this.#toClient(chunk);
      this.#arm(Phase.tunnel);
      return;
    }
    if (this.#phase !== Phase.exchange) return;
    // the server answers: the copy kept for a replay is no longer needed
    if (this.#pending.count > 0) this.#pending.clear();
    if (this.#response === undefined) {
      this.#responseBuffer = this.#responseBuffer === undefined ? chunk : Buffer.concat([this.#responseBuffer, chunk]);
      this.#readResponseHead();
    } else {
      this.#feedResponseBody(chunk, 0);
    }
    if (this.#phase === Phase.exchange) this.#arm(Phase.exchange);
  }

  #readResponseHead(): void {
    for (;;) {
      const input = this.#responseBuffer;
      if (input === undefined) return;
      const end = findHeadEnd(input);
      if (end === -1) {
        if (input.length > this.#frontend.maxHeadBytes) this.#badResponse();
        return;
      }
      const head = parseResponseHead(input, 0, end);
      if (!head.ok) {
        this.#badResponse();
        return;
      }
      if (head.status >= 100 && head.status < 200 && head.status !== 101) {
        // interim responses (100 Continue, 103 Early Hints) go to the client as they are
        this.#toClient(input.subarray(0, end));
        this.#responseBuffer = end < input.length ? input.subarray(end) : undefined;
        continue;
      }
      this.#responseBuffer = undefined;
      this.#startResponse(head, input, end);
      return;
    }
  }

  #badResponse(): void {
    const backend = this.#backend;
    this.#count(backend, Counter.responseErrors);
    if (this.#server !== undefined) this.#server.counters.add(this.#server.base, Counter.responseErrors);
    this.#server?.observation?.note(AnalyzeStatus.httpHeaders);
    this.#setTermination('S', 'H');
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection !== undefined) {
      connection.owner = undefined;
      connection.socket.destroy();
    }
    this.#failTransaction(502);
  }

  /**
   * The response head is `input[0, end)`; what follows it in `input` is body. Views of the two are
   * made only where they go apart: a head sent on unchanged with the body that came with it is
   * written as the one view the read gave (each view is an object of about 100 bytes, and a
   * small keep-alive request made three of them here).
   */
  #startResponse(head: ResponseHead, input: Buffer, end: number): void {
    const request = this.#request;
    const backend = this.#backend;
    const http = this.#frontend.http;
    if (request === undefined || backend === undefined || http === undefined) return;
    this.#response = head;
    if (this.#timed) this.#responseAt = Date.now();
    this.#status = head.status;
    const observation = this.#server?.observation;
    if (observation !== undefined) observation.note(statusVerdict(head.status));
    this.#responseNoBody = responseHasNoBody(head.status, request.method);
    const upgrading = head.status === 101 && this.#upgradeRequested;
    this.#responseUntilClose = !this.#responseNoBody && !upgrading && head.contentLength < 0 && !head.chunked;
    this.#responseRemaining = this.#responseNoBody ? 0 : Math.max(0, head.contentLength);
    this.#responseChunks = !this.#responseNoBody && head.chunked ? new ChunkedScanner() : undefined;
    // an HTTP/1.0 client cannot read chunked framing: strip it and close at the end instead
    this.#dechunk = request.version === 10 && this.#responseChunks !== undefined;
    if (this.#responseUntilClose || this.#dechunk) this.#closeAfter = true;

    let modified = false;
    let responseView: ResponseView | undefined;
    if (http.hasResponseRules(backend)) {
      responseView = {
        status: head.status,
        reason: head.reason,
        version: head.version,
        headers: head.headers,
        request: this.#view,
        backend: backend.name,
        ...(this.#server === undefined ? {} : { server: this.#server.name }),
      };
      const outcome = http.response(backend, responseView);
      if (outcome.verdict.kind === 'response') {
        this.#count(backend, Counter.deniedResponses);
        const connection = this.#connection;
        this.#connection = undefined;
        if (connection !== undefined) {
          connection.owner = undefined;
          connection.socket.destroy();
        }
        this.#releaseServer();
        this.#answerVerdict(outcome.verdict.bytes, outcome.verdict.close, outcome.verdict.status);
        return;
      }
      modified = outcome.modified;
    }
    this.#countStatus(this.#status);

    // what the client must be told about the connection, when the server's head does not say it
    const client10KeepAlive = request.version === 10 && !this.#closeAfter;
    const announceClose = this.#closeAfter && !head.wantsClose && !upgrading;
    // the server closes its side, but the client's connection goes on: its `close` must not reach
    // the client, which would otherwise wait for an end that never comes (HAProxy rewrites it too)
    const hideServerClose = head.wantsClose && !this.#closeAfter && !upgrading;
    const reframe = head.lengthConflict || head.lengthRepeated;
    const needsRewrite = modified || client10KeepAlive || announceClose || hideServerClose || this.#dechunk || reframe;
    // undefined: the head goes as received
    let out: Buffer | undefined;
    if (needsRewrite && !modified && !this.#dechunk && !reframe) {
      // only connection handling changes: splice the received bytes
      const extra = this.#closeAfter ? 'connection: close\r\n' : request.version === 10 ? 'connection: keep-alive\r\n' : '';
      out = head.withConnection(head.version === 10, extra);
    } else if (needsRewrite) {
      const status = responseView?.status ?? head.status;
      const reason = responseView?.reason ?? head.reason;
      const headers = responseView?.headers ?? head.headers;
      const startLine = `HTTP/1.1 ${status}${reason === '' ? '' : ` ${reason}`}`;
      const dechunk = this.#dechunk;
      const drop = (name: string): boolean =>
        isConnectionHeader(name) || (dechunk && nameIs(name, 'transfer-encoding')) || (reframe && nameIs(name, 'content-length'));
      const length = head.lengthRepeated ? `content-length: ${head.contentLength}\r\n` : '';
      const extra = `${length}${this.#closeAfter ? 'connection: close\r\n' : request.version === 10 ? 'connection: keep-alive\r\n' : ''}`;
      out = serializeHead(startLine, headers, drop, extra);
    }
    this.#responseStarted = true;
    const restLength = input.length - end;
    if (upgrading) {
      this.#toClient(out ?? headOf(input, end));
      this.#startTunnel(restLength > 0 ? input.subarray(end) : undefined);
      return;
    }
    // no body to wait for: a bodiless status, a HEAD, or `Content-Length: 0`
    const emptyBody = !this.#responseUntilClose && this.#responseChunks === undefined && this.#responseRemaining === 0;
    if (this.#responseNoBody || (emptyBody && restLength === 0)) {
      this.#responseDone = true;
      this.#toClient(out ?? headOf(input, end));
      this.#finishTransaction();
      return;
    }
    this.#responseDone = false;
    if (restLength === 0) {
      this.#toClient(out ?? input);
      return;
    }
    if (
      !this.#dechunk &&
      !this.#responseUntilClose &&
      this.#responseChunks === undefined &&
      restLength <= this.#responseRemaining &&
      (out === undefined || restLength <= maxJoinedBodyBytes)
    ) {
      // the common case: head and body arrived together: one write. Unchanged, the bytes go as
      // received; a rewritten head is joined with a small body rather than cost a second system
      // call
      this.#responseRemaining -= restLength;
      this.#toClient(out === undefined ? input : Buffer.concat([out, input.subarray(end)]));
      if (this.#responseRemaining === 0) {
        this.#responseDone = true;
        this.#finishTransaction();
      }
      return;
    }
    this.#toClient(out ?? input.subarray(0, end));
    this.#feedResponseBody(input, end);
  }

  #feedResponseBody(chunk: Buffer, start: number): void {
    let end = chunk.length;
    if (this.#responseUntilClose) {
      this.#toClient(start === 0 ? chunk : chunk.subarray(start));
      return;
    }
    if (this.#responseChunks !== undefined) {
      const scanner = this.#responseChunks;
      const used = this.#dechunk
        ? scanner.scan(chunk, start, end, (data) => this.#toClient(data))
        : scanner.scan(chunk, start, end);
      end = start + used;
      if (scanner.error !== undefined) {
        this.#setTermination('S', 'D');
        this.#count(this.#backend, Counter.responseErrors);
        this.#server?.observation?.note(AnalyzeStatus.httpResponse);
        this.#destroyAll();
        return;
      }
      if (!this.#dechunk && end > start) this.#toClient(start === 0 && end === chunk.length ? chunk : chunk.subarray(start, end));
      if (scanner.done) this.#responseDone = true;
    } else {
      const take = Math.min(this.#responseRemaining, end - start);
      end = start + take;
      this.#responseRemaining -= take;
      if (take > 0) this.#toClient(start === 0 && end === chunk.length ? chunk : chunk.subarray(start, end));
      if (this.#responseRemaining === 0) this.#responseDone = true;
    }
    if (end < chunk.length) {
      // bytes after the response: the server broke framing, never reuse this connection
      this.#closeServerAfter = true;
    }
    if (this.#responseDone) this.#finishTransaction();
  }

  #closeServerAfter = false;
  #responseDone = false;

  #toClient(bytes: Buffer): void {
    this.#bytesOut += bytes.length;
    this.#frontend.counters.add(this.#frontend.base, Counter.bytesOut, bytes.length);
    const client = this.#client;
    const connection = this.#connection;
    if (!client.write(bytes) && connection !== undefined && !this.#serverPaused) {
      // the client reads slower than the server sends: stop reading the server until it drains
      this.#serverPaused = true;
      connection.socket.pause();
    }
    // the kernel did not take it all: the pending write may point into the server's read memory
    if (connection !== undefined && client.writableLength !== 0) connection.reader.lend(client);
  }

  #startTunnel(rest: Buffer | undefined): void {
    this.#phase = Phase.tunnel;
    if (rest !== undefined) this.#toClient(rest);
    const pipelined = this.#in;
    this.#in = undefined;
    if (pipelined !== undefined) this.#toServer(pipelined);
    if (this.#clientPaused) {
      this.#clientPaused = false;
      this.#client.resume();
    }
    this.#arm(Phase.tunnel);
  }

  // ---- end of a transaction -----------------------------------------------------------------

  #finishTransaction(): void {
    if (!this.#requestDone) {
      // the server answered before the request body ended (an early 413, say): the rest of the
      // body cannot be told from the next request, so this connection ends after the answer
      this.#closeAfter = true;
    }
    const connection = this.#connection;
    this.#connection = undefined;
    const server = this.#server;
    const reusable =
      connection !== undefined &&
      server !== undefined &&
      this.#mode === 'keep-alive' &&
      this.#requestDone &&
      this.#response !== undefined &&
      !this.#response.wantsClose &&
      !this.#responseUntilClose &&
      !this.#closeServerAfter;
    if (connection !== undefined) {
      if (this.#serverPaused) {
        this.#serverPaused = false;
        connection.socket.resume();
      }
      if (reusable && server !== undefined) server.keepIdle(connection);
      else {
        connection.owner = undefined;
        connection.socket.destroy();
      }
    }
    // a client that asked for the close (HTTP/1.0, `Connection: close`) and sent nothing more has
    // nothing left to say: once the answer is flushed the socket closes at once, as HAProxy does,
    // instead of waiting for the client's FIN (a wake-up and a read per connection)
    const closeWhenFlushed = this.#request?.wantsClose === true && this.#requestDone && this.#in === undefined;
    this.#endTransaction(true);
    if (this.#closeAfter) {
      this.#phase = Phase.closed;
      this.#ticker.remove(this);
      const client = this.#client;
      // an answer the kernel took whole closes the socket now: its FIN follows the data, as
      // HAProxy's close does; end() would first shut the write side down through a libuv
      // request, one more turn of the loop per connection
      if (closeWhenFlushed && client.writableLength === 0) client.destroy();
      else if (closeWhenFlushed) client.end(() => client.destroy());
      else client.end();
      return;
    }
    this.#arm(Phase.idle);
    if (this.#clientPaused) {
      this.#clientPaused = false;
      this.#client.resume();
    }
    if (this.#in !== undefined) this.#readHead();
  }

  #releaseServer(): void {
    if (this.#backend !== undefined && this.#server !== undefined) this.#backend.release(this.#server);
    this.#server = undefined;
  }

  /** logs, counts and resets per-request state; `complete` is false when the client went away */
  #endTransaction(complete: boolean): void {
    this.#releaseServer();
    if (this.#backend !== undefined) this.#backend.active--;
    this.#log();
    if (!complete) return;
    this.#request = undefined;
    this.#response = undefined;
    this.#responseBuffer = undefined;
    this.#responseChunks = undefined;
    this.#requestChunks = undefined;
    this.#responseStarted = false;
    this.#responseDone = false;
    this.#responseUntilClose = false;
    this.#closeServerAfter = false;
    this.#dechunk = false;
    this.#requestDone = true;
    this.#pending.clear();
    this.#rawHead = undefined;
    this.#backend = undefined;
    this.#servedBy = undefined;
    this.#tried = undefined;
    this.#retries = 0;
    this.#redispatched = false;
    this.#status = -1;
    this.#queuedAt = 0;
    this.#connectStartAt = 0;
    this.#connectedAt = 0;
    this.#responseAt = 0;
    this.#termination = '--';
    this.#bytesIn = 0;
    this.#bytesOut = 0;
  }

  /** the transaction cannot be served: answer with HAProxy's page and keep the client if we can */
  #failTransaction(status: number): void {
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection !== undefined) {
      connection.owner = undefined;
      connection.socket.destroy();
    }
    this.#answer(status, !this.#requestDone || this.#closeAfter);
  }

  /** sends one of the proxy's own pages as the response to the current request */
  #answer(status: number, close: boolean): void {
    const bytes = this.#frontend.errorPages.get(status, close);
    const closing = close || this.#frontend.errorPages.isOverridden(status) || !this.#requestDone;
    this.#answerVerdict(bytes, closing, status);
  }

  #answerAndClose(status: number): void {
    this.#answerVerdict(this.#frontend.errorPages.get(status, true), true, status);
  }

  #answerVerdict(bytes: Buffer, close: boolean, status: number): void {
    this.#status = status;
    this.#countStatus(status);
    this.#responseStarted = true;
    this.#responseDone = true;
    this.#response = undefined;
    // a request body we have not read would be taken for the next request: close instead
    if (close || !this.#requestDone) this.#closeAfter = true;
    this.#bytesOut += bytes.length;
    this.#frontend.counters.add(this.#frontend.base, Counter.bytesOut, bytes.length);
    if (this.#closeAfter) {
      this.#endTransaction(true);
      this.#phase = Phase.closed;
      this.#ticker.remove(this);
      this.#client.end(bytes);
      return;
    }
    this.#client.write(bytes);
    this.#endTransaction(true);
    this.#arm(Phase.idle);
    if (this.#in !== undefined) this.#readHead();
  }

  #destroyAll(): void {
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection !== undefined) {
      connection.owner = undefined;
      connection.socket.destroy();
    }
    this.#client.destroy();
  }

  // ---- bookkeeping --------------------------------------------------------------------------

  #count(backend: BackendRuntime | undefined, counter: Counter): void {
    const fe = this.#frontend;
    if (counter === Counter.requestErrors || counter === Counter.deniedRequests) fe.counters.add(fe.base, counter);
    if (backend !== undefined) backend.counters.add(backend.base, counter);
  }

  #countStatus(status: number): void {
    const counter =
      status >= 500 ? Counter.http5xx : status >= 400 ? Counter.http4xx : status >= 300 ? Counter.http3xx : status >= 200 ? Counter.http2xx : status >= 100 ? Counter.http1xx : Counter.httpOther;
    const fe = this.#frontend;
    fe.counters.add(fe.base, counter);
    const backend = this.#backend;
    if (backend !== undefined) backend.counters.add(backend.base, counter);
    const server = this.#server;
    if (server !== undefined) server.counters.add(server.base, counter);
  }

  #setTermination(cause: string, state: string): void {
    if (this.#termination === '--') this.#termination = `${cause}${state}`;
  }

  #stateLetter(): string {
    switch (this.#phase) {
      case Phase.idle:
      case Phase.head:
        return 'R';
      case Phase.queued:
        return 'Q';
      case Phase.connecting:
        return 'C';
      case Phase.exchange:
        return this.#response === undefined ? 'H' : 'D';
      default:
        return 'D';
    }
  }

  #log(): void {
    const log = this.#frontend.log;
    if (log === undefined) return;
    const request = this.#request;
    const requestLine = this.#badRequest ? '<BADREQ>' : request === undefined ? '' : `${request.method} ${request.target} HTTP/1.${request.version === 11 ? 1 : 0}`;
    if (this.#frontend.dontLogNull && requestLine === '' && this.#bytesIn === 0) return;
    const now = Date.now();
    const start = this.#requestStartedAt || this.#acceptedAt;
    const backend = this.#backend;
    const server = this.#servedBy;
    const since = (t: number, from: number): number => (t === 0 || from === 0 ? -1 : t - from);
    const context: LogContext = {
      clientIp: this.#view.source,
      clientPort: this.#view.sourcePort,
      frontendIp: this.#view.destination,
      frontendPort: this.#view.destinationPort,
      acceptDate: this.#acceptedAt,
      requestDate: start,
      frontend: this.#frontend.name,
      frontendTransport: this.#frontend.name,
      backend: backend?.name ?? this.#frontend.name,
      server: server?.name ?? '<NOSRV>',
      serverIp: server?.host ?? '-',
      serverPort: server?.port ?? 0,
      timeRequest: since(this.#headDoneAt, start),
      timeQueue: this.#queuedAt === 0 ? (this.#connectStartAt === 0 ? -1 : 0) : since(this.#connectStartAt, this.#queuedAt),
      timeConnect: since(this.#connectedAt, this.#connectStartAt),
      timeResponse: since(this.#responseAt, this.#connectedAt),
      timeActive: now - (this.#headDoneAt || start),
      timeTotal: now - this.#acceptedAt,
      timeHandshake: 0,
      timeIdle: start - this.#acceptedAt,
      status: this.#status,
      bytesRead: this.#bytesOut,
      bytesUploaded: this.#bytesIn,
      terminationState: this.#termination,
      terminationStateCookie: `${this.#termination}--`,
      capturedRequestCookie: '-',
      capturedResponseCookie: '-',
      activeConnections: this.#context.processConnections.value,
      frontendConnections: this.#gate.active,
      backendConnections: backend?.active ?? 0,
      serverConnections: server?.active ?? 0,
      retries: this.#retries,
      redispatched: this.#redispatched,
      serverQueue: 0,
      backendQueue: backend?.queueLength ?? 0,
      capturedRequestHeaders: [],
      capturedResponseHeaders: [],
      requestLine,
      method: this.#request?.method ?? '',
      uri: this.#request?.target ?? '',
      httpVersion: this.#request === undefined ? '' : this.#request.version === 11 ? 'HTTP/1.1' : 'HTTP/1.0',
      uniqueId: '',
      processId: process.pid,
      hostname: '',
    };
    log(context);
  }
}
