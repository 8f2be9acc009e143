import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fillBuckets, sh, SourceHashScheduler } from './sh.ts';
import { foldAddress } from './address.ts';
import { FakeCounts, flow, makeOptions, makeServers, tally } from './testing.ts';

it('sh fills its 256 buckets walking the servers, each taking weight buckets in a row', () => {
  const buckets = Array.from(fillBuckets(makeServers([2, 1, 0]), 256, true).slice(0, 8));
  // a quiesced server still takes one bucket (the kernel's d_count test), where its clients strand
  assert.deepEqual(buckets, [0, 0, 1, 2, 0, 0, 1, 2]);
});

it('sh looks clients up with the kernel\'s hash_32(port + address, 8)', () => {
  // hash_32(0xc0000201, 8) = (0xc0000201 * 0x61c88647) >>> 24
  const expected = Number((0xc0000201n * 0x61c88647n) & 0xffffffffn) >>> 24;
  assert.equal(SourceHashScheduler.bucket(foldAddress('192.0.2.1'), 0, 0), expected);
  const servers = makeServers(Array.from({ length: 256 }, () => 1));
  assert.equal(sh.build(servers, makeOptions()).schedule(flow({ sourceAddress: '192.0.2.1' }))?.id, `s${expected}`);
});

it('sh keeps a client on one server whatever its port, unless sh-port is set', () => {
  const servers = makeServers([1, 1, 1, 1]);
  const ports = Array.from({ length: 400 }, (_, i) => flow({ sourceAddress: '192.0.2.7', sourcePort: 30000 + i }));
  const plain = sh.build(servers, makeOptions());
  assert.equal(new Set(ports.map((f) => plain.schedule(f)?.id)).size, 1);
  const withPort = sh.build(servers, makeOptions({ flags: ['sh-port'] }));
  assert.equal(tally(ports.map((f) => withPort.schedule(f)?.id)).size, 4);
});

it('sh-fallback (or flag-1) moves only the clients of an unavailable server', () => {
  const servers = makeServers([1, 1, 1]);
  const counts = new FakeCounts();
  const clients = Array.from({ length: 600 }, (_, i) => flow({ sourceAddress: `10.1.${i >> 8}.${i & 255}` }));
  const before = clients.map((f) => sh.build(servers, makeOptions({ counts })).schedule(f)?.id);
  counts.overload('s1');
  for (const flags of [['sh-fallback'], ['flag-1']] as const) {
    const scheduler = sh.build(servers, makeOptions({ counts, flags }));
    clients.forEach((f, i) => {
      const now = scheduler.schedule(f)?.id;
      if (before[i] === 's1') assert.ok(now === 's0' || now === 's2');
      else assert.equal(now, before[i]);
    });
  }
});
