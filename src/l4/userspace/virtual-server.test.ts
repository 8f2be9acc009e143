import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadText } from '../../config/keepalived/testing.ts';
import { userspaceSpecFromKeepalived } from './virtual-server.ts';

function firstVirtualServer(text: string) {
  const { config, errors } = loadText(text);
  assert.deepEqual(errors, []);
  return config.virtualServers[0]!;
}

it('turns a keepalived virtual_server into a user-space spec with its flags and persistence', () => {
  const spec = userspaceSpecFromKeepalived(
    firstVirtualServer(`virtual_server 198.51.100.15 80 {
  lvs_sched sh
  sh-port
  lvs_method NAT
  protocol TCP
  persistence_timeout 50
  persistence_granularity 255.255.255.0
  real_server 198.51.100.100 80 {
    weight 1
  }
}
`),
  );
  assert.deepEqual(spec, {
    address: '198.51.100.15',
    port: 80,
    protocol: 'TCP',
    flags: ['sh-port'],
    persistence: { timeoutMs: 50_000, granularity: '255.255.255.0' },
  });
});

it('refuses what a user-space listener cannot run: fwmark services and SCTP', () => {
  assert.throws(
    () => userspaceSpecFromKeepalived(firstVirtualServer('virtual_server fwmark 1 {\n  lvs_sched rr\n}\n')),
    (error: Error & { code?: string }) => error.code === 'VIGIL_ERR_CONFIG_INVALID' && /needs an address and port/.test(error.message),
  );
  assert.throws(
    () => userspaceSpecFromKeepalived(firstVirtualServer('virtual_server 198.51.100.15 80 {\n  protocol SCTP\n}\n')),
    /SCTP is not supported/,
  );
});
