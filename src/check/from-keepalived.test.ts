// keepalived.conf to monitored servers: ids, inherited timings, keepalived 2.2.7's per-type
// defaults (as `keepalived -d` printed them), checker specs, and unsupported checkers reported.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { loadText } from '../config/keepalived/testing.ts';
import { keepalivedChecks } from './from-keepalived.ts';
import { RetryHealth } from './health.ts';
import type { ProbeConfig } from './engine.ts';

function checksOf(text: string) {
  const loaded = loadText(text);
  assert.deepEqual(loaded.errors.map((e) => e.message), []);
  return keepalivedChecks(loaded.config);
}

/** What a RetryHealth does: time to DOWN from UP after refusals, and the gaps it waits */
function timing(probe: ProbeConfig | undefined): { loop: number; retryDelay: number; retries: number; up: boolean } {
  assert.ok(probe);
  const policy = probe.policy;
  assert.ok(policy instanceof RetryHealth);
  const up = policy.up;
  const loop = policy.nextDelayMs();
  if (!up) return { loop, retryDelay: Number.NaN, retries: Number.NaN, up };
  let retries = 0;
  policy.record({ ok: false, status: 'L4CON', info: '', durationMs: 0 });
  const retryDelay = policy.nextDelayMs();
  while (policy.up) {
    retries++;
    policy.record({ ok: false, status: 'L4CON', info: '', durationMs: 0 });
  }
  return { loop, retryDelay, retries, up };
}

const seed = `
virtual_server 198.51.100.15 80 {
  delay_loop 6
  lb_algo rr
  lb_kind DR
  protocol TCP
  real_server 198.51.100.100 80 {
    weight 1
    TCP_CHECK {
      connect_timeout 3
      nb_get_retry 3
      delay_before_retry 3
    }
  }
  real_server 198.51.100.200 80 {
    weight 1
    TCP_CHECK {
      connect_timeout 3
      nb_get_retry 3
      delay_before_retry 3
    }
  }
}
`;

describe('keepalivedChecks', () => {
  it('builds seed case 2: one TCP probe per real server, ids and group from the virtual server', () => {
    const checks = checksOf(seed);
    assert.deepEqual(checks.servers.map((s) => [s.id, s.group, s.name, s.weight, s.warmupMs]), [
      ['vs:198.51.100.15:80/198.51.100.100:80', 'vs:198.51.100.15:80', '198.51.100.100:80', 1, 6000],
      ['vs:198.51.100.15:80/198.51.100.200:80', 'vs:198.51.100.15:80', '198.51.100.200:80', 1, 6000],
    ]);
    const probe = checks.servers[0]?.probes[0];
    assert.equal(probe?.checker.kind, 'tcp-connect');
    assert.deepEqual(probe?.target, { host: '198.51.100.100', port: 80 });
    assert.deepEqual(probe?.timeouts, { connectMs: 3000, totalMs: 3000 });
    assert.deepEqual(timing(probe), { loop: 6000, retryDelay: 3000, retries: 3, up: true });
  });

  it('applies keepalived 2.2.7 defaults per checker type', () => {
    const checks = checksOf(`
virtual_server 198.51.100.15 80 {
  real_server 198.51.100.200 80 {
    TCP_CHECK {
    }
    HTTP_GET {
      url {
        path /
      }
    }
    MISC_CHECK {
      misc_path /bin/true
    }
    DNS_CHECK {
    }
    SMTP_CHECK {
    }
  }
}
`);
    const probes = checks.servers[0]?.probes ?? [];
    assert.deepEqual(probes.map((p) => p.checker.kind), ['tcp-connect', 'http', 'misc', 'dns', 'smtp']);
    // delay_loop 60 s; retry 1/1/0/3/1; delay_before_retry 1 s, 3 s for HTTP, delay_loop for DNS
    assert.deepEqual(probes.map((p) => timing(p)), [
      { loop: 60000, retryDelay: 1000, retries: 1, up: true },
      { loop: 60000, retryDelay: 3000, retries: 1, up: true },
      { loop: 60000, retryDelay: 60000, retries: 0, up: true },
      { loop: 60000, retryDelay: 60000, retries: 3, up: true },
      { loop: 60000, retryDelay: 1000, retries: 1, up: true },
    ]);
    assert.equal(probes[0]?.timeouts.connectMs, 5000);
    assert.equal(checks.servers[0]?.warmupMs, 60000);
    assert.match(probes[3]?.checker.description ?? '', /SOA/);
  });

  it('inherits timings from real and virtual server, and alpha starts the server down', () => {
    const checks = checksOf(`
virtual_server 198.51.100.15 80 {
  delay_loop 2
  alpha
  retry 4
  real_server 198.51.100.100 8080 {
    delay_before_retry 0.5
    connect_timeout 2
    warmup 0
    TCP_CHECK {
      connect_ip 198.51.100.101
      connect_port 81
      bindto 198.51.100.5
      bind_port 5000
    }
  }
}
`);
    const server = checks.servers[0];
    const probe = server?.probes[0];
    assert.equal(server?.id, 'vs:198.51.100.15:80/198.51.100.100:8080');
    assert.equal(server?.warmupMs, 0);
    assert.deepEqual(probe?.target, { host: '198.51.100.101', port: 81, localAddress: '198.51.100.5', localPort: 5000 });
    assert.equal(probe?.timeouts.connectMs, 2000);
    assert.equal(probe?.policy.up, false);
    probe?.policy.record({ ok: true, status: 'L4OK', info: '', durationMs: 0 });
    assert.deepEqual(timing(probe), { loop: 2000, retryDelay: 500, retries: 4, up: true });
  });

  it('turns HTTP_GET url blocks into GET requests with Host, protocol, status ranges and digest', async (t) => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} HTTP/${req.httpVersion} host=${req.headers.host} connection=${req.headers.connection}`);
      res.writeHead(req.url === '/health' ? 302 : 200);
      res.end('hello\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    const checks = checksOf(`
virtual_server 127.0.0.15 80 {
  virtualhost www.example.test
  real_server 127.0.0.1 ${port} {
    HTTP_GET {
      http_protocol 1.0C
      url {
        path /health
        status_code 200 300-399
      }
      url {
        path /other
        virtualhost other.example.test
        digest b1946ac92492d2347c6235b4d2611184
      }
    }
  }
}
`);
    const probe = checks.servers[0]?.probes[0];
    assert.ok(probe);
    assert.equal(probe.checker.description, 'HTTP GET /health (+1 more)');
    assert.deepEqual(probe.timeouts, { connectMs: 5000, totalMs: 20000 });
    const outcome = await probe.checker.run(probe.target, probe.timeouts, new AbortController().signal);
    assert.equal(outcome.ok, true, outcome.info);
    assert.equal(outcome.info, 'MD5 digest matched');
    assert.deepEqual(seen, [
      'GET /health HTTP/1.0 host=www.example.test connection=close',
      'GET /other HTTP/1.0 host=other.example.test connection=close',
    ]);
  });

  it('gives MISC_CHECK the global script_user and enable_script_security', () => {
    const checks = checksOf(`
global_defs {
  enable_script_security
  script_user nobody
}
virtual_server 198.51.100.15 80 {
  delay_loop 3
  real_server 198.51.100.100 80 {
    weight 4
    MISC_CHECK {
      misc_path "/usr/local/bin/check web"
      misc_dynamic
    }
  }
}
`);
    const probe = checks.servers[0]?.probes[0];
    assert.equal(probe?.checker.description, 'MISC_CHECK /usr/local/bin/check web');
    // misc_timeout unset: the script may run for one delay_loop
    assert.equal(probe?.timeouts.totalMs, 3000);
  });

  it('reports PING_CHECK and UDP_CHECK as unsupported instead of skipping them silently', () => {
    const checks = checksOf(`
virtual_server 198.51.100.15 80 {
  protocol UDP
  real_server 198.51.100.100 80 {
    PING_CHECK {
    }
    UDP_CHECK {
    }
    TCP_CHECK {
    }
  }
}
`);
    assert.deepEqual(checks.unsupported.map((u) => [u.serverId, u.type]), [
      ['vs:udp:198.51.100.15:80/198.51.100.100:80', 'PING_CHECK'],
      ['vs:udp:198.51.100.15:80/198.51.100.100:80', 'UDP_CHECK'],
    ]);
    assert.match(checks.unsupported[0]?.reason ?? '', /raw ICMP socket/);
    assert.equal(checks.servers[0]?.probes.length, 1);
  });

  it('names IPv6 and fwmark services', () => {
    const checks = checksOf(`
virtual_server 2001:db8::15 443 {
  real_server 2001:db8::100 443 {
  }
}
virtual_server fwmark 7 {
  real_server 198.51.100.100 {
  }
}
`);
    assert.deepEqual(checks.servers.map((s) => s.id), ['vs:[2001:db8::15]:443/[2001:db8::100]:443', 'vs:fwmark:7/198.51.100.100']);
  });
});
