import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChoice, parseDecimal, parseInteger, parseIpPrefix, parsePort, parseSize, parseTime } from './values.ts';

test('times take HAProxy units and the keyword\'s default unit', () => {
  assert.deepEqual(parseTime('300000'), { ok: true, value: 300000 });
  assert.deepEqual(parseTime('30s'), { ok: true, value: 30000 });
  assert.deepEqual(parseTime('2m'), { ok: true, value: 120000 });
  assert.deepEqual(parseTime('1h'), { ok: true, value: 3600000 });
  assert.deepEqual(parseTime('1d'), { ok: true, value: 86400000 });
  assert.deepEqual(parseTime('500us'), { ok: true, value: 0.5 });
  assert.deepEqual(parseTime('3', 's'), { ok: true, value: 3000 });
  assert.deepEqual(parseTime('0.5', 's'), { ok: true, value: 500 });
});

test('a time with an unknown unit is refused, quoting the value', () => {
  const result = parseTime('2x');
  assert.equal(result.ok, false);
  assert.match(!result.ok ? result.message : '', /"2x"/);
  assert.equal(parseTime('').ok, false);
  assert.equal(parseTime('-5s').ok, false);
  const near = parseTime('5sec');
  assert.equal(near.ok, false);
});

test('ports are 0..65535 and whole numbers', () => {
  assert.deepEqual(parsePort('80'), { ok: true, value: 80 });
  const high = parsePort('70000');
  assert.equal(high.ok, false);
  assert.match(!high.ok ? high.message : '', /70000 is out of range 0\.\.65535/);
  assert.equal(parsePort('8o').ok, false);
});

test('integers and decimals are range-checked', () => {
  assert.equal(parseInteger('300', { min: 1, max: 255 }, 'priority').ok, false);
  assert.deepEqual(parseInteger('255', { min: 1, max: 255 }), { ok: true, value: 255 });
  assert.deepEqual(parseDecimal('0.5', { min: 0 }), { ok: true, value: 0.5 });
  assert.equal(parseDecimal('1.2.3').ok, false);
});

test('sizes take k, m and g as powers of 1024', () => {
  assert.deepEqual(parseSize('16k'), { ok: true, value: 16384 });
  assert.deepEqual(parseSize('1m'), { ok: true, value: 1048576 });
  assert.equal(parseSize('1t').ok, false);
});

test('a choice suggests the nearest spelling', () => {
  const algorithms = ['roundrobin', 'static-rr', 'leastconn', 'first', 'source'] as const;
  const result = parseChoice('roundrobbin', algorithms, 'balance algorithm');
  assert.equal(result.ok, false);
  assert.equal(!result.ok ? result.hint : '', "did you mean 'roundrobin'?");
  assert.deepEqual(parseChoice('leastconn', algorithms, 'x'), { ok: true, value: 'leastconn' });
  const far = parseChoice('zzz', algorithms, 'x');
  assert.equal(!far.ok ? far.hint : 'x', undefined);
});

test('addresses with prefixes and netmasks', () => {
  assert.deepEqual(parseIpPrefix('192.168.4.80/24'), { ok: true, value: { address: '192.168.4.80', family: 4, prefix: 24, explicitPrefix: true } });
  assert.deepEqual(parseIpPrefix('10.0.0.1/255.255.255.0'), { ok: true, value: { address: '10.0.0.1', family: 4, prefix: 24, explicitPrefix: true } });
  assert.deepEqual(parseIpPrefix('2001:db8::1'), { ok: true, value: { address: '2001:db8::1', family: 6, prefix: 128, explicitPrefix: false } });
  assert.equal(parseIpPrefix('192.168.4.300/24').ok, false);
  assert.equal(parseIpPrefix('192.168.4.1/33').ok, false);
  assert.equal(parseIpPrefix('10.0.0.1/255.0.255.0').ok, false);
});
