import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Balancer } from './balancer.ts';
import { hdr } from './hdr.ts';
import { makeOptions, makeRequest, makeServers } from './testing.ts';

const servers = makeServers(new Array<number>(8).fill(1));

function balancer(args: readonly string[]): Balancer {
  assert.equal(hdr.validate(args), undefined);
  return hdr.build(servers, makeOptions({ args }));
}

const withHost = (host: string | undefined) => makeRequest(host === undefined ? {} : { headers: { host } });

describe('balance hdr', () => {
  it('keeps one header value on one server and spreads different values', () => {
    const b = balancer(['Host']);
    const used = new Set<string | undefined>();
    for (let i = 0; i < 400; i++) {
      const name = b.pick(withHost(`h${i}.example`))?.name;
      assert.equal(b.pick(withHost(`h${i}.example`))?.name, name);
      used.add(name);
    }
    assert.equal(used.size, servers.length);
  });

  it('asks for the header in lower case whatever case the config used', () => {
    const asked: string[] = [];
    const b = balancer(['X-Tenant-ID']);
    b.pick({
      source: '',
      uri: '/',
      header: (name) => {
        asked.push(name);
        return undefined;
      },
    });
    assert.deepEqual(asked, ['x-tenant-id']);
  });

  it('with use_domain_only, sends every host of a domain to one server', () => {
    const b = balancer(['Host', 'use_domain_only']);
    let split = false;
    for (let i = 0; i < 100; i++) {
      const expected = b.pick(withHost(`domain${i}.com`))?.name;
      for (const host of [`www.domain${i}.com`, `api.eu.domain${i}.net`, `a.domain${i}.org:8080`]) {
        assert.equal(b.pick(withHost(host))?.name, expected, host);
      }
      split ||= b.pick(withHost(`domain${i}.com`))?.name !== b.pick(withHost(`domain${i + 1}.com`))?.name;
    }
    assert.equal(split, true, 'different domains must not all share one server');
    // without the option the host names are hashed whole
    const whole = balancer(['Host']);
    const spread = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((n) => whole.pick(withHost(`w${n}.domain.com`))?.name));
    assert.ok(spread.size > 1);
  });

  it('falls back to round robin when the header is absent or empty', () => {
    const b = balancer(['Host']);
    const picks = [undefined, '', undefined, ''].map((host) => b.pick(withHost(host))?.name);
    assert.deepEqual(picks, ['s0', 's1', 's2', 's3']);
  });

  it('requires a header name and accepts only use_domain_only after it', () => {
    assert.match(hdr.validate([]) ?? '', /without a header name/);
    assert.match(hdr.validate(['']) ?? '', /without a header name/);
    assert.match(hdr.validate(['bad name']) ?? '', /Cannot use "bad name" as a header name/);
    assert.match(hdr.validate(['Host', 'use_domain']) ?? '', /takes only use_domain_only/);
  });
});
