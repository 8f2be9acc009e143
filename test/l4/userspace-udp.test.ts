// The user-space UDP virtual server end to end on loopback: echo real servers on 127.0.0.100 and
// 127.0.0.200, clients sending to the VIP 127.0.0.15 and getting answers from it.
import assert from 'node:assert/strict';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '../../src/core/clock.ts';
import { findLvsScheduler } from '../../src/l4/schedulers/registry.ts';
import { startUserspaceVirtualServer } from '../../src/l4/userspace/virtual-server.ts';
import { REAL_SERVER_ADDRESSES, VIP, startUdpRealServer, until, type UdpRealServer } from './userspace-harness.ts';

async function ask(port: number, payload: string, socket = createSocket('udp4')): Promise<{ text: string; from: RemoteInfo }> {
  const reply = once(socket, 'message') as Promise<[Buffer, RemoteInfo]>;
  socket.send(payload, port, VIP);
  const timer = setTimeout(() => socket.emit('error', new Error('no reply in 3 s')), 3000);
  try {
    const [message, from] = await reply;
    return { text: message.toString(), from };
  } finally {
    clearTimeout(timer);
  }
}

describe('user-space UDP virtual server', () => {
  let servers: UdpRealServer[] = [];
  before(async () => {
    servers = await Promise.all(REAL_SERVER_ADDRESSES.map((address) => startUdpRealServer(address)));
  });
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  const table = () => servers.map((server) => ({ id: server.address, address: server.address, port: server.port, weight: 1 }));
  const rr = () => {
    const lookup = findLvsScheduler('rr');
    assert.ok(lookup.ok);
    return lookup.algorithm;
  };

  it('relays datagrams per client flow and answers from the VIP address', async () => {
    const vs = await startUserspaceVirtualServer({ address: VIP, port: 0, protocol: 'UDP', realServers: table() }, rr());
    const clients = [createSocket('udp4'), createSocket('udp4')];
    try {
      const first = await ask(vs.port, 'one', clients[0]);
      assert.equal(first.from.address, VIP);
      assert.equal(first.from.port, vs.port);
      assert.equal(first.text, '127.0.0.100 one');
      // the same client (address and port) stays on its flow's server
      assert.equal((await ask(vs.port, 'two', clients[0])).text, '127.0.0.100 two');
      // another client port is another flow: rr moves on
      assert.equal((await ask(vs.port, 'three', clients[1])).text, '127.0.0.200 three');
      const stats = vs.stats();
      // IPVS counts UDP connections as inactive
      assert.deepEqual([stats.get('127.0.0.100')!.active, stats.get('127.0.0.100')!.inactive, stats.get('127.0.0.100')!.connections], [0, 1, 1]);
      assert.equal(stats.get('127.0.0.100')!.bytesIn, 6);
      assert.equal(stats.get('127.0.0.100')!.bytesOut, 'one'.length + 'two'.length + 2 * '127.0.0.100 '.length);
    } finally {
      for (const client of clients) client.close();
      await vs.stop();
    }
  });

  it('ends a flow after its idle timeout, and a removed server\'s flows at once', async () => {
    const clock = new FakeClock();
    const vs = await startUserspaceVirtualServer({ address: VIP, port: 0, protocol: 'UDP', realServers: table() }, rr(), {
      idleTimeoutMs: 500,
      now: () => clock.now(),
    });
    const client = createSocket('udp4');
    const other = createSocket('udp4');
    try {
      assert.equal((await ask(vs.port, 'a', client)).text, '127.0.0.100 a');
      assert.equal((await ask(vs.port, 'b', other)).text, '127.0.0.200 b');
      clock.advance(500);
      await until(() => vs.stats().get('127.0.0.100')!.inactive === 0, 3000, 'the idle sweep');
      // the client's next datagram opens a new flow, scheduled afresh by rr
      assert.equal((await ask(vs.port, 'c', client)).text, '127.0.0.100 c');
      vs.update(table().slice(0, 1));
      assert.equal((await ask(vs.port, 'd', other)).text, '127.0.0.100 d', 'the removed server\'s client is rescheduled');
    } finally {
      client.close();
      other.close();
      await vs.stop();
    }
  });
});
