import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import { acceptWithReaders } from './accept.ts';
import { freeSlices, retain, SocketReader } from './socket-reader.ts';

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

test('accepted connections are read through onread on the pinned Node, with half-close intact', async () => {
  const server = createServer({ allowHalfOpen: true });
  const port = await listening(server);
  const seen: Buffer[] = [];
  let sameMemory = true;
  let firstMemory: ArrayBufferLike | undefined;
  const path = acceptWithReaders(server, true, (socket, reader) => {
    reader.sink = (bytes) => {
      firstMemory ??= bytes.buffer;
      if (bytes.buffer !== firstMemory) sameMemory = false;
      seen.push(retain(bytes));
    };
    socket.on('end', () => socket.end(`got ${Buffer.concat(seen).toString()}`));
  });
  assert.equal(path, 'onread');
  const client = connect(port, '127.0.0.1');
  const answer = await new Promise<string>((resolve) => {
    let text = '';
    client.on('data', (chunk: Buffer) => (text += chunk.toString()));
    client.on('end', () => resolve(text));
    client.write('one ', () => setTimeout(() => client.end('two'), 20));
  });
  assert.equal(answer, 'got one two');
  assert.ok(sameMemory, 'every read of a connection lands in the same memory');
  server.close();
});

test('an echo through readers stays intact when the peer reads slowly and writes stay pending', async () => {
  // the server echoes what it reads without copying; when a write is left pending it lends the
  // read memory, so a slow reader on the other end must still get every byte as sent
  const server = createServer({ allowHalfOpen: true });
  const port = await listening(server);
  let lent = 0;
  acceptWithReaders(server, true, (socket, reader) => {
    reader.sink = (bytes) => {
      socket.write(bytes);
      if (socket.writableLength !== 0) {
        reader.lend();
        lent++;
      }
    };
    socket.on('end', () => socket.end());
  });
  const payload = randomBytes(8 * 1024 * 1024);
  const client: Socket = connect(port, '127.0.0.1');
  const received = await new Promise<Buffer>((resolve) => {
    const parts: Buffer[] = [];
    client.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      // read slowly at first so the server's writes back up
      if (parts.length < 40) {
        client.pause();
        setTimeout(() => client.resume(), 2);
      }
    });
    client.on('end', () => resolve(Buffer.concat(parts)));
    client.end(payload);
  });
  assert.equal(received.length, payload.length);
  assert.equal(sha(received), sha(payload));
  assert.ok(lent > 0, 'the test made some writes stay pending');
  server.close();
});

test('a released slice goes to the next socket; a lent one never does', () => {
  const first = new SocketReader(() => {});
  const slice = first.onread.buffer();
  assert.equal(slice.length, 16 * 1024);
  const before = freeSlices();
  first.release();
  assert.equal(freeSlices(), before + 1);
  const second = new SocketReader(() => {});
  assert.equal(second.onread.buffer(), slice, 'the next socket reads into the released slice');
  // bytes of this slice are still being written somewhere: it must not be handed out again
  second.lend();
  const next = second.onread.buffer();
  assert.notEqual(next, slice);
  const countBefore = freeSlices();
  second.release();
  assert.equal(freeSlices(), countBefore + 1, 'the fresh slice it moved to is given back');
  const third = new SocketReader(() => {});
  assert.notEqual(third.onread.buffer(), slice);
  third.release();
});

test('a read that fills its slice moves the socket to a large buffer', async () => {
  const sizes: number[] = [];
  const server = createServer((socket) => socket.end(Buffer.alloc(512 * 1024, 7)));
  const port = await listening(server);
  const reader = new SocketReader((bytes) => sizes.push(bytes.length));
  await new Promise<void>((resolve) => {
    const client = connect({ port, host: '127.0.0.1', onread: reader.onread });
    client.on('close', () => resolve());
  });
  assert.equal(sizes.reduce((a, b) => a + b, 0), 512 * 1024);
  assert.ok(Math.max(...sizes) > 16 * 1024, `some read exceeded the 16 KiB slice: ${Math.max(...sizes)}`);
  server.close();
});

test('slices cut one after another do not overlap and do not start at the same offset in a page', () => {
  const readers = Array.from({ length: 8 }, () => new SocketReader(() => {}));
  const slices = readers.map((reader) => reader.onread.buffer());
  const sameSlab = slices.filter((slice) => slice.buffer === slices[0]?.buffer);
  assert.ok(sameSlab.length >= 2, 'some slices come from one slab');
  const starts = sameSlab.map((slice) => slice.byteOffset).sort((a, b) => a - b);
  for (let i = 1; i < starts.length; i++) {
    const gap = (starts[i] as number) - (starts[i - 1] as number);
    assert.ok(gap >= 16 * 1024, `slices overlap: ${gap} bytes apart`);
  }
  // starts that all fall on the same offset within a 4 KiB page would compete for the same cache sets
  assert.ok(new Set(starts.map((start) => start % 4096)).size > 1, 'slice starts are spread over a page');
  for (const reader of readers) reader.release();
});
