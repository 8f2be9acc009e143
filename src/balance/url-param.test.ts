import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { urlParam } from './url-param.ts';
import { makeOptions, makeRequest, makeServers } from './testing.ts';

const servers = makeServers(new Array<number>(8).fill(1));
const balancer = urlParam.build(servers, makeOptions({ args: ['userid'] }));
const serverFor = (target: string) => balancer.pick(makeRequest({ uri: target }))?.name;

describe('balance url_param', () => {
  it('keeps one parameter value on one server wherever it sits in the query', () => {
    for (let i = 0; i < 100; i++) {
      const expected = serverFor(`/a?userid=${i}`);
      assert.equal(serverFor(`/b/c?x=1&userid=${i}`), expected);
      assert.equal(serverFor(`/d?userid=${i}&y=2`), expected);
    }
  });

  it('spreads different values over the servers', () => {
    const used = new Set<string | undefined>();
    for (let i = 0; i < 400; i++) used.add(serverFor(`/a?userid=${i}`));
    assert.equal(used.size, servers.length);
  });

  it('falls back to round robin when the parameter is absent', () => {
    const fresh = urlParam.build(servers, makeOptions({ args: ['userid'] }));
    const picks = ['/a', '/a?other=1', '/a?xuserid=5', '/a?userid', '/a?user=1&x=2', '/a', '/a', '/a'].map(
      (target) => fresh.pick(makeRequest({ uri: target }))?.name,
    );
    assert.deepEqual(picks, ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7']);
  });

  it('matches the whole parameter name only', () => {
    // `xuserid=` and `userid2=` must not be read as `userid=`
    let differs = false;
    for (let i = 0; i < 50; i++) {
      const expected = serverFor(`/a?userid=${i}`);
      if (serverFor(`/a?userid2=9&userid=${i}`) !== expected) assert.fail('userid2 was read as userid');
      if (serverFor(`/a?xuserid=${i + 1000}&userid=${i}`) !== expected) assert.fail('xuserid was read as userid');
      differs ||= serverFor(`/a?userid=${i}&z=1`) !== serverFor(`/a?userid=${i + 1}`);
    }
    assert.equal(differs, true);
  });

  it('requires a name and refuses check_post, whose body it cannot see', () => {
    assert.match(urlParam.validate([]) ?? '', /without a parameter name/);
    assert.match(urlParam.validate(['userid', 'check_post']) ?? '', /check_post/);
    assert.match(urlParam.validate(['userid', 'extra']) ?? '', /takes one parameter name/);
    assert.equal(urlParam.validate(['userid']), undefined);
  });
});
