// `balance hdr(<name>) [use_domain_only]`: the value of one request header picks the server. The
// registry reads `hdr(Host)` as this algorithm with the header name as the first argument (see
// `parenthesised`), so `build` receives args ["Host"] or ["Host", "use_domain_only"]. A request
// without the header, or with it empty, is balanced round robin, as in HAProxy.
//
// use_domain_only keeps only the label before the last dot: "haproxy.1wt.eu" hashes "1wt", so
// every host name of one domain lands on one server. A port stays outside it ("www.example.com:8080"
// hashes "example"); a value without a dot hashes whole.
import type { BalanceAlgorithm, BalanceRequest } from './balancer.ts';
import { HashBalancer, NO_KEY, hashText, type RequestKeyHash } from './hash.ts';
import { SmoothWeightedRoundRobin } from './roundrobin.ts';

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The header is asked for in lower case, the form Node's parsers store header names in */
function headerKey(name: string, domainOnly: boolean): RequestKeyHash {
  const lowerName = name.toLowerCase();
  if (!domainOnly) {
    return (request: BalanceRequest): number => {
      const value = request.header(lowerName);
      return value === undefined || value.length === 0 ? NO_KEY : hashText(value);
    };
  }
  return (request: BalanceRequest): number => {
    const value = request.header(lowerName);
    if (value === undefined || value.length === 0) return NO_KEY;
    const end = value.lastIndexOf('.');
    if (end < 0) return hashText(value);
    const start = end === 0 ? 0 : value.lastIndexOf('.', end - 1) + 1;
    return hashText(value, start, end);
  };
}

export const hdr: BalanceAlgorithm = {
  name: 'hdr',
  usesRequest: true,
  parenthesised: 'required',
  validate(args) {
    const name = args[0];
    if (name === undefined || name.length === 0) return 'Cannot use hdr() without a header name, as in hdr(Host)';
    if (!HEADER_NAME.test(name)) return `Cannot use "${name}" as a header name`;
    const rest = args.slice(1);
    if (rest.length === 0 || (rest.length === 1 && rest[0] === 'use_domain_only')) return undefined;
    return `Cannot use "${rest.join(' ')}": hdr takes only use_domain_only`;
  },
  build(servers, options) {
    const name = options.args[0] ?? '';
    const domainOnly = options.args[1] === 'use_domain_only';
    return new HashBalancer(servers, options.hashType, headerKey(name, domainOnly), new SmoothWeightedRoundRobin(servers));
  },
};
