// A data-path worker thread's entry: the data path (data-path.ts) on this thread's parentPort.
// Health checks, VRRP and the admin side never run here, so traffic cannot delay them.
import { parentPort, workerData } from 'node:worker_threads';
import { runDataPath } from './data-path.ts';
import type { WorkerStartData } from './worker-protocol.ts';

if (parentPort === null) throw new Error('worker.ts runs as a worker thread');
const port = parentPort;
// a bug in one session must not take every other session down with the thread
process.on('uncaughtException', (error) => port.postMessage({ type: 'warning', message: `data path error: ${error.stack ?? error.message}` }));
runDataPath(port, workerData as WorkerStartData);
