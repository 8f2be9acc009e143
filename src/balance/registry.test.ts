import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { balanceAlgorithms, findBalanceAlgorithm, resolveBalanceAlgorithm, type BalanceLookup } from './registry.ts';

function found(lookup: BalanceLookup): [string, readonly string[]] {
  if (!lookup.ok) assert.fail(lookup.error);
  return [lookup.algorithm.name, lookup.args];
}

function failed(lookup: BalanceLookup): string {
  if (lookup.ok) assert.fail(`expected an error, got ${lookup.algorithm.name}`);
  return lookup.error;
}

describe('balance registry', () => {
  it("holds HAProxy's algorithms by their config names", () => {
    assert.deepEqual(
      [...balanceAlgorithms.keys()].sort(),
      ['first', 'hdr', 'leastconn', 'random', 'roundrobin', 'source', 'static-rr', 'uri', 'url_param'],
    );
  });

  it('parses every form of the balance line', () => {
    assert.deepEqual(found(findBalanceAlgorithm(['roundrobin'])), ['roundrobin', []]);
    assert.deepEqual(found(findBalanceAlgorithm(['random'])), ['random', []]);
    assert.deepEqual(found(findBalanceAlgorithm(['random(3)'])), ['random', ['3']]);
    assert.deepEqual(found(findBalanceAlgorithm(['hdr(host)'])), ['hdr', ['host']]);
    assert.deepEqual(found(findBalanceAlgorithm(['hdr(Host)', 'use_domain_only'])), ['hdr', ['Host', 'use_domain_only']]);
    assert.deepEqual(found(findBalanceAlgorithm(['url_param', 'userid'])), ['url_param', ['userid']]);
    assert.deepEqual(found(findBalanceAlgorithm(['uri', 'len', '10', 'depth', '2', 'whole'])), [
      'uri',
      ['len', '10', 'depth', '2', 'whole'],
    ]);
  });

  it('suggests the closest name for a misspelt algorithm', () => {
    assert.equal(
      failed(findBalanceAlgorithm(['roundrobbin'])),
      `Unknown balance algorithm "roundrobbin"; did you mean 'roundrobin'?`,
    );
    assert.match(failed(findBalanceAlgorithm(['leastconns'])), /did you mean 'leastconn'\?/);
    assert.equal(failed(findBalanceAlgorithm(['fastest'])), 'Unknown balance algorithm "fastest"');
  });

  it('says which HAProxy algorithms vigil does not implement', () => {
    assert.match(failed(findBalanceAlgorithm(['rdp-cookie(mstshash)'])), /"rdp-cookie": not supported by vigil/);
    assert.match(failed(findBalanceAlgorithm(['hash', 'req.cookie(id)'])), /"hash": not supported by vigil/);
  });

  it('checks the parentheses against what each algorithm takes', () => {
    assert.match(failed(findBalanceAlgorithm(['hdr'])), /Cannot use "hdr" without an argument in parentheses/);
    assert.match(failed(findBalanceAlgorithm(['hdr()'])), /without a header name/);
    assert.match(failed(findBalanceAlgorithm(['roundrobin(2)'])), /roundrobin takes no argument in parentheses/);
    assert.match(failed(findBalanceAlgorithm(['random(3'])), /unbalanced parentheses/);
    assert.match(failed(findBalanceAlgorithm(['random(0)'])), /positive integer/);
  });

  it("passes the algorithm's own argument errors through", () => {
    assert.match(failed(findBalanceAlgorithm(['url_param'])), /without a parameter name/);
    assert.match(failed(findBalanceAlgorithm(['uri', 'len'])), /without a number/);
    assert.match(failed(findBalanceAlgorithm(['leastconn', 'now'])), /takes no arguments/);
    assert.match(failed(findBalanceAlgorithm([])), /without an algorithm name/);
  });

  it("resolves the config model's split form", () => {
    assert.deepEqual(found(resolveBalanceAlgorithm('hdr', ['host'])), ['hdr', ['host']]);
    assert.match(failed(resolveBalanceAlgorithm('hdr', [])), /without a header name/);
    assert.match(failed(resolveBalanceAlgorithm('sourc', [])), /did you mean 'source'\?/);
  });
});
