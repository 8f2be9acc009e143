import assert from 'node:assert/strict';
import { it } from 'node:test';
import { foldAddress, granularityPrefix, maskAddress, parseIpv6 } from './address.ts';

it('folds addresses as the kernel does: IPv4 value, IPv6 words XORed, mapped IPv4 as IPv4', () => {
  assert.equal(foldAddress('192.0.2.1'), 0xc0000201);
  assert.equal(foldAddress('::ffff:192.0.2.1'), 0xc0000201);
  assert.equal(foldAddress('2001:db8::1'), (0x20010db8 ^ 0 ^ 0 ^ 1) >>> 0);
  assert.equal(foldAddress('not an address'), 0);
});

it('parses IPv6 text with and without a gap or an IPv4 tail', () => {
  assert.deepEqual(Array.from(parseIpv6('2001:db8::1')!), [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(Array.from(parseIpv6('::ffff:1.2.3.4')!), [0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
  assert.equal(parseIpv6('1::2::3'), undefined);
  assert.equal(parseIpv6('1:2:3'), undefined);
});

it('reads a granularity as a netmask or a prefix length, and masks clients with it', () => {
  assert.equal(granularityPrefix('255.255.255.0'), 24);
  assert.equal(granularityPrefix('255.0.255.0'), undefined);
  assert.equal(granularityPrefix('64'), 64);
  assert.equal(maskAddress('198.51.100.77', 24, 128), '198.51.100.0');
  assert.equal(maskAddress('::ffff:198.51.100.77', 32, 128), '198.51.100.77');
  assert.equal(maskAddress('2001:db8:1:2:3:4:5:6', 32, 64), '2001:db8:1:2:0:0:0:0');
});
