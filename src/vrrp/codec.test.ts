import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeAdvertisement, encodeAdvertisement, parseIpv4Packet } from './codec.ts';
import { AuthType } from './constants.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

test('encodes keepalived 2.2.7\'s v2 advert byte for byte (FACTS.md)', () => {
  // VRID 51, priority 100, VIP 198.51.100.15, advert_int 1, auth PASS "1111"
  const bytes = encodeAdvertisement({ version: 2, vrid: 51, priority: 100, addresses: ['198.51.100.15'], intervalCs: 100, authType: AuthType.simple, authPassword: '1111' });
  assert.equal(hex(bytes), '21336401010' + '1' + 'ed24' + 'c633640f' + '3131313100000000');
});

test('decodes it back, with a valid checksum', () => {
  const bytes = Buffer.from('21336401010' + '1ed24c633640f3131313100000000', 'hex');
  const result = decodeAdvertisement(bytes, { family: 4 });
  assert.ok(result.ok);
  assert.equal(result.checksumOk, true);
  assert.deepEqual(result.advert, { version: 2, vrid: 51, priority: 100, addresses: ['198.51.100.15'], intervalCs: 100, authType: 1, authPassword: '1111' });
});

test('a flipped bit fails the checksum; truncated and unknown packets are refused', () => {
  const bytes = Buffer.from('21336401010' + '1ed24c633640f3131313100000000', 'hex');
  bytes[2] = 101;
  const result = decodeAdvertisement(bytes, { family: 4 });
  assert.ok(result.ok && !result.checksumOk);
  assert.equal(decodeAdvertisement(bytes.subarray(0, 10), { family: 4 }).ok, false);
  const v5 = Buffer.from(bytes);
  v5[0] = 0x51;
  assert.equal(decodeAdvertisement(v5, { family: 4 }).ok, false);
});

test('v3 carries centiseconds and checksums a pseudo-header', () => {
  const options = { source: '198.51.100.5', destination: '224.0.0.18' };
  const bytes = encodeAdvertisement({ version: 3, vrid: 51, priority: 100, addresses: ['198.51.100.15'], intervalCs: 100, authType: AuthType.none, authPassword: '' }, options);
  assert.equal(hex(bytes.subarray(0, 6)), '313364010064');
  const decoded = decodeAdvertisement(bytes, { family: 4, ...options });
  assert.ok(decoded.ok && decoded.checksumOk && decoded.advert.intervalCs === 100);
  // the same bytes seen from another source do not check out
  const other = decodeAdvertisement(bytes, { family: 4, source: '198.51.100.6', destination: '224.0.0.18' });
  assert.ok(other.ok && !other.checksumOk);
});

test('v3 over IPv6', () => {
  const options = { source: 'fe80::1', destination: 'ff02::12' };
  const bytes = encodeAdvertisement({ version: 3, vrid: 7, priority: 200, addresses: ['2001:db8::80', 'fe80::80'], intervalCs: 50, authType: AuthType.none, authPassword: '' }, options);
  assert.equal(bytes.length, 8 + 32);
  const decoded = decodeAdvertisement(bytes, { family: 6, ...options });
  assert.ok(decoded.ok && decoded.checksumOk);
  assert.deepEqual(decoded.advert.addresses, ['2001:db8::80', 'fe80::80']);
  assert.equal(decoded.advert.intervalCs, 50);
});

test('splits a raw IPv4 packet', () => {
  const payload = Buffer.from('21336401010' + '1ed24c633640f3131313100000000', 'hex');
  const header = Buffer.from('45c00028000000 00ff70 0000 c6336405 e0000012'.replace(/ /g, ''), 'hex');
  header.writeUInt16BE(20 + payload.length, 2);
  const packet = parseIpv4Packet(Buffer.concat([header, payload]));
  assert.ok(packet !== undefined);
  assert.equal(packet.ttl, 255);
  assert.equal(packet.protocol, 112);
  assert.equal(packet.source, '198.51.100.5');
  assert.equal(packet.destination, '224.0.0.18');
  assert.equal(hex(packet.payload), hex(payload));
});
