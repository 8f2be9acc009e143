import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { unlinkClosedSocket } from './closed-socket.ts';

test('a closed socket keeps no listener of ours, the other close listeners still run, and a late error is harmless', async () => {
  const server = createServer((s) => s.end('bye'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const socket: Socket = connect(port, '127.0.0.1');
  const seen: string[] = [];
  socket.on('data', () => seen.push('data'));
  socket.on('close', () => unlinkClosedSocket(socket));
  socket.on('close', () => seen.push('second close listener'));
  await once(socket, 'close');
  assert.deepEqual(seen, ['data', 'second close listener']);
  assert.deepEqual(socket.eventNames(), ['error']);
  assert.equal(socket.listenerCount('close'), 0);
  assert.doesNotThrow(() => socket.emit('error', new Error('late')));
  server.close();
});
