import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import { acceptWithReaders } from './accept.ts';
import { freeLargeBuffers, retain, sharedSlice, SocketReader } from './socket-reader.ts';

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

/**
 * Echoes 8 MiB to each of `clients` clients through a server that writes what it reads without
 * copying and lends the read memory when a write stays pending; the clients read slowly at first
 * so the writes back up. With `pause`, the server stops reading while its writes back up, as the
 * proxy's sessions do.
 */
async function echoThroughReader(pause: boolean, clients: number): Promise<{ intact: boolean; lent: number; reused: number }> {
  const server = createServer({ allowHalfOpen: true });
  const port = await listening(server);
  let lent = 0;
  // large read buffers lent before and read into again once their writes were done
  const lentLarge = new Set<ArrayBufferLike>();
  let reused = 0;
  acceptWithReaders(server, true, (socket, reader) => {
    reader.sink = (bytes) => {
      const large = bytes.buffer.byteLength === 64 * 1024;
      if (large && lentLarge.has(bytes.buffer)) reused++;
      if (!socket.write(bytes) && pause) {
        socket.pause();
        socket.once('drain', () => socket.resume());
      }
      if (socket.writableLength !== 0) {
        reader.lend(socket);
        lent++;
        if (large) lentLarge.add(bytes.buffer);
      }
    };
    socket.on('end', () => socket.end());
  });
  const echo = async (): Promise<boolean> => {
    const payload = randomBytes(8 * 1024 * 1024);
    const client: Socket = connect(port, '127.0.0.1');
    const received = await new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      client.on('data', (chunk: Buffer) => {
        parts.push(chunk);
        if (parts.length < 40) {
          client.pause();
          setTimeout(() => client.resume(), 2);
        }
      });
      client.on('end', () => resolve(Buffer.concat(parts)));
      client.end(payload);
    });
    return received.length === payload.length && sha(received) === sha(payload);
  };
  // several at once, so that read buffers pass from socket to socket while writes are pending
  const intact = await Promise.all(Array.from({ length: clients }, echo));
  server.close();
  return { intact: intact.every(Boolean), lent, reused };
}

test('echoes through readers to four clients at once stay intact when the peers read slowly and writes stay pending', async () => {
  const { intact, lent } = await echoThroughReader(false, 4);
  assert.ok(intact, 'every byte arrives as sent');
  assert.ok(lent > 0, 'the test made some writes stay pending');
});

test('echoes that pause on backpressure read into lent buffers again once written, intact', async () => {
  const { intact, lent, reused } = await echoThroughReader(true, 4);
  assert.ok(intact, 'every byte arrives as sent');
  assert.ok(lent > 0, 'the test made some writes stay pending');
  assert.ok(reused > 0, 'some lent buffers were read into again after their writes finished');
});

test('small echoes to many slow clients stay intact while reads land in slices that pending writes still point at', async () => {
  const server = createServer({ allowHalfOpen: true });
  const port = await listening(server);
  acceptWithReaders(server, true, (socket, reader) => {
    // written without a copy and never paused: once a client stops reading, every write of the
    // read's view stays pending and guards the slice it was read into
    reader.sink = (bytes) => {
      socket.write(bytes);
      if (socket.writableLength !== 0) reader.lend(socket);
    };
    socket.on('end', () => socket.end());
  });
  const copiedBefore = sharedSlice().copiedReads;
  const echo = async (seed: number): Promise<boolean> => {
    const parts = Array.from({ length: 1000 }, (_, i) => randomBytes(1 + ((seed * 7919 + i * 104729) % 12000)));
    const payload = Buffer.concat(parts);
    const client: Socket = connect(port, '127.0.0.1');
    client.pause();
    const received = new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      client.on('data', (chunk: Buffer) => chunks.push(chunk));
      client.on('end', () => resolve(Buffer.concat(chunks)));
    });
    // one small write per turn, so the server reads them one by one between other clients' reads
    for (const part of parts) {
      client.write(part);
      await new Promise((resolve) => setImmediate(resolve));
    }
    client.end();
    // the server's writes have backed up into its kernel buffers and its write queue by now
    setTimeout(() => client.resume(), 50);
    const bytes = await received;
    return bytes.length === payload.length && sha(bytes) === sha(payload);
  };
  const intact = await Promise.all(Array.from({ length: 6 }, (_, i) => echo(i)));
  server.close();
  assert.ok(intact.every(Boolean), 'every byte arrives as sent');
  assert.ok(sharedSlice().copiedReads > copiedBefore, 'some reads landed in a slice a pending write still pointed at');
});

// Buffers below are compared with ===: a failed assert.equal on two 64 KiB buffers takes minutes
// to print its diff.

/** a socket's write counters, as a reader sees them through `lend` */
class FakeBorrower {
  bytesWritten = 0;
  writableLength = 0;
  destroyed = false;
  write(bytes: number): void {
    this.bytesWritten += bytes;
    this.writableLength += bytes;
  }
  flush(bytes: number): void {
    this.writableLength -= bytes;
  }
}

/** `text` as a socket's read into `slice`, the way libuv puts it there before the callback */
function readInto(reader: SocketReader, slice: Buffer, text: string): void {
  const bytes = slice.write(text, 0, 'latin1');
  reader.onread.callback(bytes, slice);
}

test('every socket of a thread reads into one slice, until a write of its bytes stays pending', () => {
  const client = new FakeBorrower();
  const seen: string[] = [];
  const first = new SocketReader((bytes) => {
    seen.push(bytes.toString('latin1'));
    // the bytes go to a client whose kernel buffer is full: the write stays pending
    client.write(bytes.length);
    first.lend(client);
  });
  const second = new SocketReader((bytes) => seen.push(`${bytes.toString('latin1')}${bytes.buffer === shared.buffer ? ' in place' : ' copied'}`));
  const shared = first.onread.buffer();
  assert.equal(shared.length, 16 * 1024);
  assert.ok(second.onread.buffer() === shared, 'both read into the same slice');
  const guardsBefore = sharedSlice().guards;
  readInto(first, shared, 'GET /pending');
  assert.ok(sharedSlice().slice !== shared, 'the slice is retired');
  assert.equal(sharedSlice().guards, guardsBefore + 1);
  assert.ok(first.onread.buffer() === sharedSlice().slice, 'the lender moves to the new slice');
  // the second socket's next read was fixed before: it lands in the retired slice
  const copiedBefore = sharedSlice().copiedReads;
  readInto(second, shared, 'GET /other-request');
  assert.deepEqual(seen, ['GET /pending', 'GET /other-request copied']);
  assert.equal(sharedSlice().copiedReads, copiedBefore + 1);
  assert.equal(shared.toString('latin1', 0, 12), 'GET /pending', 'the pending bytes are back where the write points');
  assert.ok(second.onread.buffer() === sharedSlice().slice, 'and the second socket moves too');
  // once the write is done, a read into the old slice is an ordinary one
  client.flush(12);
  assert.equal(sharedSlice().guards, guardsBefore);
  const third = new SocketReader((bytes) => seen.push(`${bytes.toString('latin1')}${bytes.buffer === shared.buffer ? ' in place' : ' copied'}`));
  readInto(third, shared, 'GET /later');
  assert.equal(seen[2], 'GET /later in place');
  for (const reader of [first, second, third]) reader.release();
});

test('a lend outside a delivery, or after writes to a destroyed socket, guards nothing', () => {
  const reader = new SocketReader(() => {});
  const slice = reader.onread.buffer();
  const guardsBefore = sharedSlice().guards;
  // held bytes written once a server connection is up are copies: the slice is not involved
  reader.lend({ bytesWritten: 10, writableLength: 10, destroyed: false });
  assert.ok(sharedSlice().slice === slice);
  assert.equal(sharedSlice().guards, guardsBefore);
  const client = new FakeBorrower();
  reader.sink = (bytes) => {
    client.write(bytes.length);
    reader.lend(client);
  };
  readInto(reader, slice, 'abc');
  assert.equal(sharedSlice().guards, guardsBefore + 1);
  // libuv closes the descriptor as Node destroys the socket: the pending write never reads the memory again
  client.destroyed = true;
  assert.equal(sharedSlice().guards, guardsBefore);
  reader.release();
});

/** a reader moved to large buffers, as after a read that filled its slice */
function largeReader(): SocketReader {
  const reader = new SocketReader(() => {});
  const slice = reader.onread.buffer();
  reader.onread.callback(slice.length, slice);
  return reader;
}

test('a lent large buffer is read into again once its bytes are written, and never before', () => {
  const reader = largeReader();
  const client = new FakeBorrower();
  const first = reader.onread.buffer();
  assert.equal(first.length, 64 * 1024);
  // each read is written to the client and stays pending there
  client.write(first.length);
  reader.lend(client);
  const second = reader.onread.buffer();
  assert.ok(second !== first);
  client.write(second.length);
  reader.lend(client);
  const third = reader.onread.buffer();
  assert.ok(third !== first && third !== second, 'nothing is written yet: a buffer of its own');
  client.write(third.length);
  reader.lend(client);
  // the first write is done, the later two are not
  client.flush(first.length);
  const fourth = reader.onread.buffer();
  assert.ok(fourth === first, 'the buffer whose write finished is read into again');
  client.write(fourth.length);
  reader.lend(client);
  const fifth = reader.onread.buffer();
  assert.ok(fifth !== first && fifth !== second && fifth !== third, 'writes of the others still pending');
  reader.release();
});

test('a lent large buffer whose bytes went to two sockets, or to a destroyed one, is not read into again', () => {
  const reader = largeReader();
  const one = new FakeBorrower();
  const two = new FakeBorrower();
  const first = reader.onread.buffer();
  one.write(100);
  reader.lend(one);
  two.write(100);
  reader.lend(two);
  const second = reader.onread.buffer();
  one.write(100);
  reader.lend(one);
  const third = reader.onread.buffer();
  // every write is done, but the first buffer's two borrowers cannot be followed
  one.flush(200);
  two.flush(100);
  assert.ok(third !== first && third !== second);
  one.write(100);
  reader.lend(one);
  const fourth = reader.onread.buffer();
  assert.ok(fourth === second, 'the buffer lent to one socket is read into again');
  assert.ok(fourth !== first, 'the buffer lent to two sockets is never reused');
  // `third` is the spare now, its write pending on `one`, which is destroyed before it finishes
  one.write(100);
  reader.lend(one);
  one.destroyed = true;
  const fifth = reader.onread.buffer();
  assert.ok(fifth !== third && fifth !== fourth);
  one.flush(200);
  reader.lend(one);
  const sixth = reader.onread.buffer();
  assert.ok(sixth !== third, 'the buffer lent to the destroyed socket was dropped');
  reader.release();
});

test('a large buffer goes back after a read that leaves room in it, and the next socket to fill its slice reads into it', () => {
  const first = new SocketReader(() => {});
  const slice = first.onread.buffer();
  first.onread.callback(slice.length, slice);
  const large = first.onread.buffer();
  assert.equal(large.length, 64 * 1024);
  // a full read: the burst goes on, the socket keeps the buffer
  first.onread.callback(large.length, large);
  assert.ok(first.onread.buffer() === large);
  // a read that leaves room: back to the shared slice, the buffer to the pool
  first.onread.callback(100, large);
  assert.ok(first.onread.buffer() === slice, 'the socket reads into the shared slice again');
  const second = new SocketReader(() => {});
  const secondSlice = second.onread.buffer();
  second.onread.callback(secondSlice.length, secondSlice);
  assert.ok(second.onread.buffer() === large, 'the most recently pooled buffer is the next one taken');
  // a closing socket gives back what it read into
  const pooled = freeLargeBuffers();
  second.release();
  assert.equal(freeLargeBuffers(), pooled + 1);
  first.release();
});

test('a stream that keeps filling the large buffer keeps it through a read that leaves room, not one that fits the slice', () => {
  const burst = largeReader();
  const first = burst.onread.buffer();
  // an answer of some 64 KiB: its first read into the large buffer leaves room, the burst is over
  burst.onread.callback(40 * 1024, first);
  assert.equal(burst.onread.buffer().length, 16 * 1024);
  burst.release();
  const stream = largeReader();
  const large = stream.onread.buffer();
  for (let i = 0; i < 2; i++) {
    stream.onread.callback(large.length, large);
    assert.ok(stream.onread.buffer() === large);
  }
  stream.onread.callback(40 * 1024, large);
  assert.ok(stream.onread.buffer() === large, 'a pause in a stream keeps the buffer');
  stream.onread.callback(1000, large);
  assert.equal(stream.onread.buffer().length, 16 * 1024, 'a read that fits the slice ends the stream');
  stream.release();
});

test('a lent large buffer never goes to the pool while its write is pending, and does once it is written', () => {
  const client = new FakeBorrower();
  const first = largeReader();
  const large = first.onread.buffer();
  first.onread.callback(100, large);
  client.write(100);
  first.lend(client);
  const slice = first.onread.buffer();
  assert.equal(slice.length, 16 * 1024, 'the burst is over: back to the slice');
  const others = Array.from({ length: 4 }, () => largeReader());
  const taken = others.map((reader) => reader.onread.buffer());
  assert.ok(taken.every((buffer) => buffer !== large), 'no other socket reads into the lent buffer');
  for (const reader of others) reader.release();
  // its write finishes; when the socket closes, the buffer is free for others
  client.flush(100);
  first.release();
  const next = largeReader();
  assert.ok(next.onread.buffer() === large);
  next.release();
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

