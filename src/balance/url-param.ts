// `balance url_param <name>`: the value of one query-string parameter picks the server, so a
// user id or session id in the URL keeps a user on one server. A request without the parameter
// is balanced round robin. A parameter present with an empty value (`?userid=`) hashes the empty
// string, as HAProxy does.
import type { BalanceAlgorithm, BalanceRequest } from './balancer.ts';
import { HashBalancer, NO_KEY, hashText, type RequestKeyHash } from './hash.ts';
import { SmoothWeightedRoundRobin } from './roundrobin.ts';

const EQUALS = 0x3d;

/**
 * Scans the query string in place: a parameter matches only as a whole name followed by `=`
 * (`xuserid=1` is not `userid`), and its value runs to the next `&`.
 */
function urlParamKey(name: string): RequestKeyHash {
  const nameLength = name.length;
  return (request: BalanceRequest): number => {
    const uri = request.uri;
    const query = uri.indexOf('?');
    if (query < 0) return NO_KEY;
    let at = query + 1;
    while (uri.length - at > nameLength) {
      if (uri.charCodeAt(at + nameLength) === EQUALS && uri.startsWith(name, at)) {
        const valueStart = at + nameLength + 1;
        const ampersand = uri.indexOf('&', valueStart);
        return hashText(uri, valueStart, ampersand < 0 ? uri.length : ampersand);
      }
      const next = uri.indexOf('&', at);
      if (next < 0) return NO_KEY;
      at = next + 1;
    }
    return NO_KEY;
  };
}

export const urlParam: BalanceAlgorithm = {
  name: 'url_param',
  usesRequest: true,
  validate(args) {
    const name = args[0];
    if (name === undefined || name.length === 0) return 'Cannot use url_param without a parameter name';
    if (args[1] === 'check_post') {
      // the balancer sees the request line and headers only; accepting the option would quietly
      // send POSTs that carry the parameter in their body to round-robin servers
      return `Cannot use url_param "check_post": parameters in request bodies are not supported`;
    }
    if (args.length > 1) return `Cannot use "${args.slice(1).join(' ')}": url_param takes one parameter name`;
    return undefined;
  },
  build(servers, options) {
    const name = options.args[0] ?? '';
    return new HashBalancer(servers, options.hashType, urlParamKey(name), new SmoothWeightedRoundRobin(servers));
  },
};
