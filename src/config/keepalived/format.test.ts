// keepalivedFormat as vigil's loader sees it: every corpus file loads without language errors,
// sniffing tells keepalived.conf from haproxy.cfg, and missing files are diagnostics.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Diagnostics, formatDiagnostic } from '../diagnostics.ts';
import { describeTable, type KeywordTable } from '../keywords.ts';
import { Requirements } from '../requirements.ts';
import { createKeepalivedFormat, keepalivedFormat } from './format.ts';
import { memorySource } from './testing.ts';

const corpus = '/work/shared/corpus/keepalived';

test('every keepalived corpus file loads without language errors', () => {
  const files = readdirSync(corpus).sort();
  assert.equal(files.length, 25);
  for (const name of files) {
    const diagnostics = new Diagnostics();
    keepalivedFormat.load([join(corpus, name)], { diagnostics, requirements: new Requirements(), env: {} });
    const errors = diagnostics.items.filter((d) => d.severity === 'error' && d.domain === 'language');
    assert.deepEqual(errors.map(formatDiagnostic), [], name);
  }
});

test('the corpus conditional config picks its lines by config id', () => {
  const file = join(corpus, 'keepalived.conf.conditional_conf');
  for (const [id, priority] of [
    ['high', 170],
    ['low', 85],
  ] as const) {
    const diagnostics = new Diagnostics();
    const config = createKeepalivedFormat({ configId: id }).load([file], { diagnostics, requirements: new Requirements(), env: {} });
    assert.equal(diagnostics.count('error'), 0);
    assert.equal(config.vrrpInstances[0]?.priority, priority);
    assert.equal(config.vrrpScripts[0]?.script?.path, `/etc/keepalived/scripts/check_${id}_VI_0.sh`);
  }
});

test('sniff scores keepalived block words high and haproxy sections low', () => {
  const keepalived = readFileSync(join(corpus, 'keepalived.conf.vrrp'), 'utf8');
  const haproxy = 'global\n  daemon\ndefaults\n  mode http\nfrontend www\n  bind :80\nbackend app\n  server a 10.0.0.1:80\n';
  assert.ok(keepalivedFormat.sniff(keepalived) >= 0.8);
  assert.equal(keepalivedFormat.sniff(haproxy), 0);
});

test('files after the first read as if included after it; a missing one is an error', () => {
  const format = createKeepalivedFormat({
    configId: 'x',
    source: memorySource({
      '/main.conf': 'vrrp_script chk {\n  script /bin/true\n}\n',
      '/more.conf': 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  track_script {\n    chk\n  }\n}\n',
    }),
  });
  const diagnostics = new Diagnostics();
  const config = format.load(['/main.conf', '/more.conf', '/gone.conf'], { diagnostics, requirements: new Requirements(), env: {} });
  assert.equal(config.vrrpInstances[0]?.trackScripts[0]?.name, 'chk');
  assert.deepEqual(
    diagnostics.items.filter((d) => d.severity === 'error').map((d) => `${d.at.file} ${d.message}`),
    ['/gone.conf Cannot read config file "/gone.conf": ENOENT'],
  );
});

test('machine requirements: scripts, users, interfaces and files', () => {
  const format = createKeepalivedFormat({
    configId: 'x',
    source: memorySource({
      '/k.conf': `global_defs {
  script_user keepalived_script
}
SSL {
  certificate /etc/ssl/client.pem
}
track_file tf {
  file /run/weight
}
vrrp_script chk {
  script "/usr/bin/killall -0 haproxy"
}
vrrp_instance VI_1 {
  interface eth1
  virtual_router_id 1
  notify_master "/usr/local/bin/vrrp.sh MASTER" root
  track_interface {
    eth2 weight 10
  }
}
virtual_server 10.0.0.1 80 {
  real_server 10.0.0.2 80 {
    MISC_CHECK {
      misc_path "/usr/local/bin/check.sh arg"
    }
  }
}
`,
    }),
  });
  const requirements = new Requirements();
  format.load(['/k.conf'], { diagnostics: new Diagnostics(), requirements, env: {} });
  assert.deepEqual(
    requirements.items.map((r) => `${r.kind} ${r.value} ${r.at.line}:${r.at.column} ${r.keyword}`),
    [
      'user keepalived_script 2:15 script_user',
      'file /etc/ssl/client.pem 5:15 certificate',
      'file /run/weight 8:8 file',
      'executable /usr/bin/killall 11:10 script',
      'interface eth1 14:13 interface',
      'executable /usr/local/bin/vrrp.sh 16:17 notify_master',
      'user root 16:49 notify_master',
      'interface eth2 18:5 track_interface',
      'executable /usr/local/bin/check.sh 24:17 misc_path',
    ],
  );
});

test('every block table is reachable from the root table for the keyword docs', () => {
  const rows = describeTable('keepalived', keepalivedFormat.tables[0] as KeywordTable<never>);
  const sections = new Set(rows.map((row) => row.section));
  for (const section of ['keepalived global_defs', 'keepalived vrrp_instance', 'keepalived authentication', 'keepalived TCP_CHECK', 'keepalived url', 'keepalived SMTP_CHECK host']) {
    assert.ok(sections.has(section), section);
  }
  const retry = rows.find((row) => row.section === 'keepalived TCP_CHECK' && row.name === 'retry');
  assert.deepEqual(retry?.aliases, ['nb_get_retry']);
  const sched = rows.find((row) => row.section === 'keepalived virtual_server' && row.name === 'lvs_sched');
  assert.deepEqual(sched?.aliases, ['lb_algo']);
});
