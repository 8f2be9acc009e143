// Node's built-in modules that cost memory once loaded and that most configurations never use,
// loaded at their first use rather than at start. Loaded at start by the health checkers (TLS,
// digests, DNS query ids), the stats page's authentication and the demo's web servers, node:tls,
// node:crypto and node:http took an idle vigil running the bench's haproxy.cfg (no checks, no
// stats) from 91 to 102 MiB of RSS. `process.getBuiltinModule` loads a built-in synchronously, so
// the code that uses one stays as it was.

export const lazyCrypto = (): typeof import('node:crypto') => process.getBuiltinModule('node:crypto');
export const lazyTls = (): typeof import('node:tls') => process.getBuiltinModule('node:tls');
export const lazyHttp = (): typeof import('node:http') => process.getBuiltinModule('node:http');
