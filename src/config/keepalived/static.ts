// static_ipaddress, static_routes and static_rules: host configuration keepalived sets up once and
// never moves. Addresses are typed; routes and rules are kept as written.
import type { Keyword } from '../keywords.ts';
import { addressList } from './addresses.ts';
import { rawListLines, type LoadState } from './args.ts';

export const staticKeywords: Keyword<LoadState>[] = [
  {
    name: 'static_ipaddress',
    status: 'parsed',
    summary: 'addresses always on this host, one a line like virtual_ipaddress',
    handle: (state, line, diag) => {
      state.config.staticIpAddresses.push(...addressList(line, diag, state));
    },
  },
  {
    name: 'static_routes',
    status: 'parsed',
    summary: 'routes always on this host, as `ip route add` arguments (kept as written)',
    handle: (state, line, diag) => {
      state.config.staticRoutes.push(...rawListLines(line, diag));
    },
  },
  {
    name: 'static_rules',
    status: 'parsed',
    summary: 'rules always on this host, as `ip rule add` arguments (kept as written)',
    handle: (state, line, diag) => {
      state.config.staticRules.push(...rawListLines(line, diag));
    },
  },
];
