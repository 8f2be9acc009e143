// ACL condition evaluation, the per-request cost of every `use_backend ... if` and rule:
// `path_beg /api` AND `hdr(host) -i example.com`, 1e6 evaluations per case, ns/op.
// Run: node bench/acl.bench.ts
import { Diagnostics } from '../src/config/diagnostics.ts';
import { compileCondition } from '../src/proxy/acl/condition.ts';
import { condition, requestView, table } from '../src/proxy/acl/testing.ts';
import type { RequestView } from '../src/proxy/http/message-view.ts';
import { applyRequestRules, compileRequestRules } from '../src/proxy/rules/request-rules.ts';
import { rule } from '../src/proxy/acl/testing.ts';

const iterations = 1_000_000;
const headers = ['Host', 'Example.com', 'User-Agent', 'curl/8.0', 'Accept', '*/*', 'X-Forwarded-Proto', 'https'];
const hit = requestView({ target: '/api/v1/users?id=7', headers });
const miss = requestView({ target: '/static/app.js', headers });

function measure(name: string, run: (view: RequestView) => unknown, views: readonly RequestView[]): void {
  for (let i = 0; i < 100_000; i++) run(views[i & 1] as RequestView);
  const before = process.memoryUsage().heapUsed;
  const start = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < iterations; i++) if (run(views[i & 1] as RequestView)) sink++;
  const elapsed = Number(process.hrtime.bigint() - start);
  const grown = process.memoryUsage().heapUsed - before;
  console.log(`${name.padEnd(48)} ${(elapsed / iterations).toFixed(1).padStart(7)} ns/op  (matched ${sink}, heap +${(grown / 1024).toFixed(0)} KiB)`);
}

const diagnostics = new Diagnostics();
const acls = table(['acl api path_beg /api', 'acl host_ex hdr(host) -i example.com'], diagnostics);
const named = compileCondition(condition('if api host_ex'), acls, 'request', diagnostics, 'use_backend');
const anonymous = compileCondition(condition('if { path_beg /api } { hdr(host) -i example.com }'), acls, 'request', diagnostics, 'use_backend');
const wide = compileCondition(
  condition('if { src 10.0.0.0/8 192.168.0.0/16 2001:db8::/32 } || { hdr_end(host) -i .example.org .example.net } || { path_reg ^/v[0-9]+/ }'),
  acls,
  'request',
  diagnostics,
  'use_backend',
);
if (named === undefined || anonymous === undefined || wide === undefined || diagnostics.hasErrors()) throw new Error('bench conditions did not compile');

measure('named: api host_ex (hit/miss alternating)', named, [hit, miss]);
measure('anonymous: { path_beg } { hdr -i }', anonymous, [hit, miss]);
measure('three OR groups, src CIDR / hdr_end / path_reg', wide, [hit, miss]);

const rules = compileRequestRules(
  [rule('http-request deny if { path_beg /admin } !{ src 10.0.0.0/8 }'), rule('http-request return status 200 if { path /health }')],
  acls,
  diagnostics,
);
measure('two request rules, neither applies (continue)', (view) => applyRequestRules(rules, view).kind === 'continue', [hit, miss]);
