import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Balancer } from './balancer.ts';
import { pathStart, uri } from './uri.ts';
import { makeOptions, makeRequest, makeServers } from './testing.ts';

const servers = makeServers(new Array<number>(16).fill(1));

function balancer(args: readonly string[]): Balancer {
  assert.equal(uri.validate(args), undefined);
  return uri.build(servers, makeOptions({ args }));
}

function serverFor(b: Balancer, target: string): string | undefined {
  return b.pick(makeRequest({ uri: target }))?.name;
}

/** For 100 groups of targets: does every target of a group go to the same server as the first? */
function groupsStayTogether(b: Balancer, group: (i: number) => readonly string[]): boolean {
  for (let i = 0; i < 100; i++) {
    const [head, ...others] = group(i);
    const expected = serverFor(b, head!);
    if (others.some((target) => serverFor(b, target) !== expected)) return false;
  }
  return true;
}

describe('balance uri', () => {
  it('ignores the query string unless `whole` is given', () => {
    const variants = (i: number) => [`/doc/${i}`, `/doc/${i}?a=1`, `/doc/${i}?a=2&b=3`];
    assert.equal(groupsStayTogether(balancer([]), variants), true);
    assert.equal(groupsStayTogether(balancer(['whole']), variants), false);
  });

  it('hashes only the first `len` characters', () => {
    const variants = (i: number) => [`/p${String(i).padStart(3, '0')}/x`, `/p${String(i).padStart(3, '0')}/yy`];
    assert.equal(groupsStayTogether(balancer(['len', '5']), variants), true);
    assert.equal(groupsStayTogether(balancer([]), variants), false);
  });

  it('hashes only the first `depth` directory levels', () => {
    const variants = (i: number) => [`/a${i}/b/one.png`, `/a${i}/b/two/three.png`, `/a${i}/b`];
    assert.equal(groupsStayTogether(balancer(['depth', '2']), variants), true);
    assert.equal(groupsStayTogether(balancer(['depth', '3']), variants), false);
  });

  it('combines len, depth and whole', () => {
    const b = balancer(['len', '10', 'depth', '2', 'whole']);
    assert.equal(groupsStayTogether(b, (i) => [`/${i}/b/c`, `/${i}/b/d?q=1`]), true);
  });

  it('with `path-only`, hashes the path of an absolute-form target without its authority', () => {
    const variants = (i: number) => [`/x/${i}`, `http://one.example/x/${i}`, `https://two.example:8443/x/${i}`];
    assert.equal(groupsStayTogether(balancer(['path-only']), variants), true);
    assert.equal(groupsStayTogether(balancer([]), variants), false);
  });

  it('finds where the path starts in each request-target form', () => {
    assert.equal(pathStart('/a/b'), 0);
    assert.equal(pathStart('http://h.example:80/a/b?x'), 'http://h.example:80'.length);
    assert.equal(pathStart('http://h.example'), 'http://h.example'.length);
    assert.equal(pathStart('*'), 1);
  });

  it('rejects unknown arguments and bad numbers', () => {
    assert.match(uri.validate(['deep', '2']) ?? '', /Unknown uri argument "deep"/);
    assert.match(uri.validate(['len']) ?? '', /without a number/);
    assert.match(uri.validate(['len', '0']) ?? '', /positive integer/);
    assert.match(uri.validate(['depth', 'x']) ?? '', /Cannot use "x" as uri depth/);
    assert.equal(uri.validate(['len', '10', 'depth', '2', 'whole', 'path-only']), undefined);
  });
});
