// Planted mistakes: each is reported at its word, named after its keyword, all in one pass.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadText, where } from './testing.ts';

const planted = `vrrp_script chk_haproxy {
    script "/usr/bin/killall -0 haproxy"
}
vrrp_instance VI_1 {
    state MASTR
    interface eth0
    virtual_router_id 0
    priority 300
    advert_int 2x
    priorty 100
    track_script {
        chk_haproxyy
    }
    virtual_ipaddress {
        10.0.0.1/24
    }
}
vrrp_instance VI_2 {
    interface eth0
    virtual_router_id 51
    virtual_ipaddress {
        10.0.0.2/24
    }
}
vrrp_instance VI_3 {
    interface eth0
    virtual_router_id 51
    virtual_ipaddress {
        10.0.0.3/24
    }
}
vrrp_sync_group G1 {
    group {
        VI_1
        VI_4
    }
}
virtual_server group VSG_X {
    lb_algo rrr
    real_server 10.0.0.10 70000 {
        TCP_CHECK {
            connect_timeout 3
        }
    }
}
`;

test('every planted error is reported at its line:column with its keyword', () => {
  const { errors } = loadText(planted);
  assert.deepEqual(where(errors), [
    '5:11 state',
    '7:23 virtual_router_id',
    '8:14 priority',
    '9:16 advert_int',
    '10:5 priorty',
    '39:13 lb_algo',
    '40:27 real_server',
    '12:9 track_script',
    '35:9 group',
    '38:22 virtual_server',
    '27:23 virtual_router_id',
  ]);
});

test('the messages say what is wrong and suggest the near word', () => {
  const { errors } = loadText(planted);
  const byKeyword = new Map(errors.map((d) => [`${d.at.line} ${d.keyword}`, d]));
  assert.match(byKeyword.get('5 state')?.hint ?? '', /did you mean 'MASTER'\?/);
  assert.match(byKeyword.get('7 virtual_router_id')?.message ?? '', /out of range 1\.\.255/);
  assert.match(byKeyword.get('8 priority')?.message ?? '', /300 is out of range 1\.\.255/);
  assert.match(byKeyword.get('9 advert_int')?.message ?? '', /"2x"/);
  assert.match(byKeyword.get('10 priorty')?.message ?? '', /Unknown keyword "priorty" in keepalived vrrp_instance/);
  assert.match(byKeyword.get('10 priorty')?.hint ?? '', /did you mean 'priority'\?/);
  assert.match(byKeyword.get('39 lb_algo')?.hint ?? '', /did you mean 'rr'\?/);
  assert.match(byKeyword.get('40 real_server')?.message ?? '', /70000 is out of range 0\.\.65535/);
  assert.match(byKeyword.get('12 track_script')?.hint ?? '', /did you mean 'chk_haproxy'\?/);
  assert.match(byKeyword.get('35 group')?.message ?? '', /No vrrp_instance named "VI_4"/);
  assert.match(byKeyword.get('38 virtual_server')?.message ?? '', /No virtual_server_group named "VSG_X"/);
  assert.match(byKeyword.get('27 virtual_router_id')?.message ?? '', /"VI_3" uses virtual_router_id 51 on eth0, as "VI_2" does/);
});

test('the same VRID on another interface or address family is fine', () => {
  const { errors } = loadText(`vrrp_instance A {
  interface eth0
  virtual_router_id 7
  virtual_ipaddress {
    10.0.0.1
  }
}
vrrp_instance B {
  interface eth1
  virtual_router_id 7
  virtual_ipaddress {
    10.0.1.1
  }
}
vrrp_instance C {
  interface eth0
  virtual_router_id 7
  virtual_ipaddress {
    2001:db8::1
  }
}
`);
  assert.deepEqual(errors, []);
});

test('a long auth_pass is truncated to 8 characters with a warning', () => {
  const { config, warnings } = loadText(`vrrp_instance A {
  interface eth0
  virtual_router_id 7
  authentication {
    auth_type PASS
    auth_pass verylongpassword
  }
}
`);
  assert.equal(config.vrrpInstances[0]?.authentication?.pass, 'verylong');
  assert.deepEqual(where(warnings), ['6:15 auth_pass']);
});

test('recognised keepalived keywords vigil does not read yet warn instead of failing', () => {
  const { errors, warnings } = loadText(`global_defs {
  enable_snmp_vrrp
  vrrp_no_swap
}
vrrp_instance A {
  interface eth0
  virtual_router_id 7
  use_vmac_addr
  track_process {
    haproxy
  }
}
bfd_instance b1 {
  neighbor_ip 10.0.0.2
}
`);
  assert.deepEqual(errors, []);
  assert.deepEqual(where(warnings), ['2:3 enable_snmp_vrrp', '3:3 vrrp_no_swap', '8:3 use_vmac_addr', '9:3 track_process', '13:1 bfd_instance']);
  assert.ok(warnings.every((d) => d.message === 'Not supported yet; this line is ignored'));
});

test('checker, real server and instance values are checked', () => {
  const { errors } = loadText(`virtual_server 10.0.0.1 80 {
  lb_kind DRR
  protocol TPC
  real_server 10.0.0.2 80 {
    weight x
    HTTP_GET {
      url {
        path /
        status_code 200-299 abc
        digest 1234
      }
      connect_port 99999
      http_protocol 1.2
    }
    MISC_CHECK {
      connect_ip 10.0.0.3
    }
  }
}
vrrp_instance A {
  interface eth0
  virtual_router_id 7
  virtual_ipaddress {
    10.0.0.300/24
    10.0.0.4/24 dve eth1
  }
  unicast_peer {
    10.0.0.x
  }
  track_interface {
    eth1 wieght 5
  }
}
`);
  assert.deepEqual(where(errors), [
    '2:11 lb_kind',
    '3:12 protocol',
    '5:12 weight',
    '9:29 status_code',
    '10:16 digest',
    '12:20 connect_port',
    '13:21 http_protocol',
    '16:7 connect_ip',
    '24:5 virtual_ipaddress',
    '25:17 virtual_ipaddress',
    '28:5 unicast_peer',
    '31:10 track_interface',
  ]);
  const suggestion = errors.find((d) => d.at.line === 25)?.hint;
  assert.equal(suggestion, "did you mean 'dev'?");
});
