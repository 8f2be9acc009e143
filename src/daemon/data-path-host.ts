// Where a data path runs, as the control side sees it: a worker thread of its own, or this
// (control) thread. Both speak the same messages (proxy/worker-protocol.ts), so proxy-subsystem.ts
// starts, tells, asks and stops either the same way.
//
// A thread of its own is what keeps health checks and the L4 side on time while the proxy is
// saturated. When the control thread has none of that to do (one data path, no checks, no
// virtual_server), the extra thread buys nothing and costs a second V8 isolate and Node
// environment: about 11 MiB in a bare Node, and every module of the data path loaded and
// compiled twice. Then the data path runs here, as HAProxy's one thread runs everything.
import { MessageChannel, Worker } from 'node:worker_threads';
import { runDataPath } from '../proxy/data-path.ts';
import type { FromWorker, ToWorker, WorkerStartData } from '../proxy/worker-protocol.ts';

export interface DataPathHost {
  post(message: ToWorker): void;
  onMessage(listener: (message: FromWorker) => void): void;
  /** a failure the data path could not report itself (a worker that did not start) */
  onError(listener: (error: Error) => void): void;
  /** the data path has ended: a worker exited (with its code), or an inline one closed its port */
  onExit(listener: (code: number) => void): void;
  /** ends it without waiting for its sessions; resolves when it has ended */
  terminate(): Promise<void>;
}

export type DataPathPlacement = 'thread' | 'inline';

const workerUrl = new URL('../proxy/worker.ts', import.meta.url);

function threadHost(data: WorkerStartData): DataPathHost {
  // the young generation's size comes from bin/vigil's --max-semi-space-size, which applies
  // to every thread (it takes precedence over a Worker's resourceLimits)
  const thread = new Worker(workerUrl, { workerData: data });
  return {
    post: (message) => thread.postMessage(message),
    onMessage: (listener) => void thread.on('message', listener),
    onError: (listener) => void thread.on('error', listener),
    onExit: (listener) => void thread.on('exit', listener),
    terminate: async () => void (await thread.terminate()),
  };
}

function inlineHost(data: WorkerStartData): DataPathHost {
  const { port1: control, port2: dataPath } = new MessageChannel();
  let closed = false;
  const exits: ((code: number) => void)[] = [];
  // as in a worker (worker.ts): a bug in one session must not take the others, and here the
  // whole process, down with it
  const caught = (error: Error): void => dataPath.postMessage({ type: 'warning', message: `data path error: ${error.stack ?? error.message}` } satisfies FromWorker);
  process.on('uncaughtException', caught);
  control.on('close', () => {
    closed = true;
    process.off('uncaughtException', caught);
    for (const listener of exits) listener(0);
  });
  // the data path's own port gets its listener (and so starts) before this returns, and posts
  // nothing before the control side has listened: its first message waits for the next turn
  runDataPath(dataPath, data);
  return {
    post: (message) => control.postMessage(message),
    onMessage: (listener) => void control.on('message', listener),
    onError: () => {},
    onExit: (listener) => void exits.push(listener),
    // its listeners and connections live in this thread: only the graceful path (`stop`) ends them
    terminate: async () => {
      if (!closed) control.close();
    },
  };
}

const hosts: Readonly<Record<DataPathPlacement, (data: WorkerStartData) => DataPathHost>> = { thread: threadHost, inline: inlineHost };

export function hostDataPath(placement: DataPathPlacement, data: WorkerStartData): DataPathHost {
  return hosts[placement](data);
}
