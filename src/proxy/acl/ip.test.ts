import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { networkTest, parseIpv4, parseIpv6, parseNetwork } from './ip.ts';

const v6 = (text: string): number[] | undefined => {
  const out = new Uint32Array(4);
  return parseIpv6(text, 0, text.length, out) ? [...out] : undefined;
};

describe('address parsing', () => {
  it('IPv4 rejects what is not four octets', () => {
    assert.equal(parseIpv4('10.0.0.1', 0, 8), 0x0a000001);
    for (const bad of ['10.0.0', '10.0.0.256', '1.2.3.4.5', '1..2.3', 'a.b.c.d', '']) assert.equal(parseIpv4(bad, 0, bad.length), -1, bad);
  });
  it('IPv6 handles ::, embedded IPv4 and zones', () => {
    assert.deepEqual(v6('::'), [0, 0, 0, 0]);
    assert.deepEqual(v6('::1'), [0, 0, 0, 1]);
    assert.deepEqual(v6('2001:db8::'), [0x20010db8, 0, 0, 0]);
    assert.deepEqual(v6('2001:db8::1:2'), [0x20010db8, 0, 0, 0x00010002]);
    assert.deepEqual(v6('::ffff:10.1.2.3'), [0, 0, 0xffff, 0x0a010203]);
    assert.deepEqual(v6('fe80::1%eth0'), [0xfe800000, 0, 0, 1]);
    assert.deepEqual(v6('1:2:3:4:5:6:7:8'), [0x00010002, 0x00030004, 0x00050006, 0x00070008]);
    for (const bad of [':', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', '1:2:3:4:5:6:7', 'g::1', '1:']) assert.equal(v6(bad), undefined, bad);
  });
  it('networks clear host bits and report bad masks', () => {
    assert.deepEqual(parseNetwork('10.1.2.3/8'), { family: 4, address: 0x0a000000, mask: 0xff000000 });
    assert.equal(typeof parseNetwork('10.0.0.0/33'), 'string');
    assert.equal(typeof parseNetwork('2001:db8::/129'), 'string');
    assert.equal(typeof parseNetwork('example.com'), 'string');
  });
  it('a /0 network matches everything of its family', () => {
    const any4 = networkTest([parseNetwork('0.0.0.0/0') as never]);
    assert.equal(any4('203.0.113.9', 0, 11), true);
    const any6 = networkTest([parseNetwork('::/0') as never]);
    assert.equal(any6('2001:db8::1', 0, 11), true);
  });
});
