// `balance source`: the same client address goes to the same server while the server set stays
// the same (with `hash-type consistent`, mostly the same even when it changes). HAProxy hashes the
// address bytes; the proxy hands over text, so the text is hashed: same stickiness, other mapping.
import type { BalanceAlgorithm, BalanceRequest } from './balancer.ts';
import { HashBalancer, NO_KEY, hashText } from './hash.ts';
import { SmoothWeightedRoundRobin } from './roundrobin.ts';

/** A connection without an address (a UNIX socket) has no key and is balanced round robin */
function sourceKey(request: BalanceRequest): number {
  const source = request.source;
  return source.length === 0 ? NO_KEY : hashText(source);
}

export const source: BalanceAlgorithm = {
  name: 'source',
  usesRequest: true,
  validate(args) {
    return args.length === 0 ? undefined : `Cannot use "${args.join(' ')}": source takes no arguments`;
  },
  build(servers, options) {
    return new HashBalancer(servers, options.hashType, sourceKey, new SmoothWeightedRoundRobin(servers));
  },
};
