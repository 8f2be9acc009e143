import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Token } from '../token.ts';
import { parseAddress, parseBindAddresses } from './address.ts';

const token = (text: string): Token => ({ file: 'a.cfg', line: 1, column: 1, text, quoted: false });
const bind = (text: string) => {
  const parsed = parseBindAddresses(token(text));
  return parsed.ok ? parsed.value.map((a) => [a.family, a.host, a.ports?.from, a.ports?.to, a.prefix]) : parsed.message;
};

describe('haproxy addresses', () => {
  it('reads the bind forms', () => {
    assert.deepEqual(bind('*:80'), [['ipv4', '*', 80, 80, undefined]]);
    assert.deepEqual(bind(':8181'), [['ipv4', '', 8181, 8181, undefined]]);
    assert.deepEqual(bind('0.0.0.0:8000-8005'), [['ipv4', '0.0.0.0', 8000, 8005, undefined]]);
    assert.deepEqual(bind(':::443'), [['ipv6', '::', 443, 443, undefined]]);
    assert.deepEqual(bind('[2001:db8::1]:443,ipv4@:80'), [
      ['ipv6', '2001:db8::1', 443, 443, undefined],
      ['ipv4', '', 80, 80, 'ipv4'],
    ]);
    assert.deepEqual(bind('unix@/run/a.sock'), [['unix', '/run/a.sock', undefined, undefined, 'unix']]);
    assert.deepEqual(bind('/run/haproxy.sock'), [['unix', '/run/haproxy.sock', undefined, undefined, undefined]]);
  });

  it('refuses binds without a port, bad ranges and unknown prefixes', () => {
    assert.match(String(bind('10.0.0.1')), /missing port/);
    assert.match(String(bind(':90-80')), /ends before it starts/);
    assert.match(String(bind(':70000')), /out of range/);
    assert.match(String(bind('ipv5@:80')), /Unknown address prefix "ipv5@"/);
    assert.match(String(bind('ipv6@10.0.0.1:80')), /not an IPv6 address/);
  });

  it('reads server addresses with optional ports, offsets and host names', () => {
    const server = (text: string) => {
      const parsed = parseAddress(token(text), 'server');
      return parsed.ok ? [parsed.value.family, parsed.value.host, parsed.value.ports?.from, parsed.value.portOffset] : parsed.message;
    };
    assert.deepEqual(server('192.0.2.1:80'), ['ipv4', '192.0.2.1', 80, undefined]);
    assert.deepEqual(server('0.0.0.0'), ['ipv4', '0.0.0.0', undefined, undefined]);
    assert.deepEqual(server('app.example.com:8080'), ['hostname', 'app.example.com', 8080, undefined]);
    assert.deepEqual(server('10.0.0.1:+1000'), ['ipv4', '10.0.0.1', undefined, 1000]);
    assert.match(String(server('10.0.0.1:70000')), /Port 70000 is out of range/);
    assert.match(String(server('bad host:80')), /neither an IP address nor a host name/);
  });
});
