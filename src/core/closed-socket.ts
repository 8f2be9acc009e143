// What a closed socket may still point at.
//
// An event with two or more listeners keeps them in an array that EventEmitter allocates at one
// place in its code, and V8 decides per allocation place whether to allocate in the old
// generation directly: long-lived sockets (listening ones, pooled server connections) make that
// place look long-lived (`--trace-pretenuring`: "dependent allocation site tenuring changed" for
// `_addListener`). A closed socket's listener arrays then sit in the old generation, and the
// young-generation collector keeps whatever an old object points at until a full collection has
// found that object dead: the listeners' closures, and through them the socket, the session, its
// heads and buffers. Measured with `--trace-gc-nvp` on a plain `net` server that answers and
// closes (ab -c 100, 16 MiB semi-spaces): a quarter of all allocation survived each scavenge;
// with the listeners removed at 'close' (which empties the arrays) or with
// `--no-allocation-site-pretenuring`, under 1%. vigil hangs about 3 KB a connection off its
// sockets.
//
// So once a socket has closed, its listeners go: 'close' is the last event a net.Socket emits,
// and EventEmitter calls the listeners of an event from a copy, so the 'close' listeners
// registered alongside the one that calls this still run.
import type { Socket } from 'node:net';

const ignoreError = (): void => {};

/** cuts a closed socket's links to the objects of its connection; call from a 'close' listener */
export function unlinkClosedSocket(socket: Socket): void {
  socket.removeAllListeners();
  // a socket with no 'error' listener throws on 'error'; a closed one emits none, and should one
  // ever come, it must not take the process down
  socket.on('error', ignoreError);
}
