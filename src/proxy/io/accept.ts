// Accepted connections with a SocketReader attached (see socket-reader.ts for why).
//
// Node offers `onread` for the sockets it builds from options (`new net.Socket`, `net.connect`)
// but not for those a net.Server accepts: the server builds them itself in its handle's accept
// callback, `onconnection(err, clientHandle)`, which Node has kept under that name since its
// first releases. This takes that callback over and builds the socket with `onread`, as the
// server would have built it without. Should a runtime lack it (another engine, a future Node),
// connections arrive through the 'connection' event as usual and the reader is fed from 'data':
// slower, never wrong.
import { Socket, type Server } from 'node:net';
import { ignoreBytes, SocketReader } from './socket-reader.ts';

export type AcceptPath = 'onread' | 'stream';

export type OnAccepted = (socket: Socket, reader: SocketReader) => void;

interface ListeningHandle {
  onconnection?: (error: number, clientHandle: unknown) => void;
}

/** The stream path: a socket the server built, its 'data' events fed to a reader */
function fromStream(socket: Socket, onAccepted: OnAccepted): void {
  const reader = new SocketReader(ignoreBytes);
  socket.on('data', (chunk: Buffer) => reader.sink(chunk));
  onAccepted(socket, reader);
}

/**
 * Hands every connection `server` accepts to `onAccepted` with a reader. Call it once `listen`
 * has succeeded (the listening handle exists from then on). Returns the path taken.
 */
export function acceptWithReaders(server: Server, allowHalfOpen: boolean, onAccepted: OnAccepted): AcceptPath {
  // connections accepted before the takeover, or all of them when it cannot happen
  server.on('connection', (socket: Socket) => fromStream(socket, onAccepted));
  const handle = (server as unknown as { _handle?: ListeningHandle | null })._handle;
  if (handle === null || handle === undefined || typeof handle.onconnection !== 'function') return 'stream';
  handle.onconnection = (error: number, clientHandle: unknown): void => {
    // accept errors (EMFILE and the like) are retried by libuv itself; nothing to build
    if (error !== 0 && error !== undefined) return;
    if (clientHandle === undefined || clientHandle === null) return;
    const reader = new SocketReader(ignoreBytes);
    const options = { handle: clientHandle, allowHalfOpen, readable: true, writable: true, onread: reader.onread };
    let socket: Socket;
    try {
      socket = new Socket(options as unknown as ConstructorParameters<typeof Socket>[0]);
    } catch {
      (clientHandle as { close?: () => void }).close?.();
      return;
    }
    onAccepted(socket, reader);
  };
  return 'onread';
}
