// The reader: keepalived's words, comments, braces, includes, parameters and conditional lines.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Diagnostics } from '../diagnostics.ts';
import type { ConfigNode } from '../keywords.ts';
import { readConfig } from './read.ts';
import { nodeSource } from './source.ts';
import { loadText, memorySource, where } from './testing.ts';

function read(text: string, configId = 'test-host'): { nodes: ConfigNode[]; diag: Diagnostics } {
  const diag = new Diagnostics();
  const nodes = readConfig(['/k.conf'], { configId, env: {}, source: memorySource({ '/k.conf': text }) }, diag);
  return { nodes, diag };
}

/** a tree as nested arrays of words, easy to compare */
function shape(nodes: readonly ConfigNode[]): unknown[] {
  return nodes.map((node) => {
    const words = [node.keyword.text, ...node.args.map((token) => token.text)].join(' ');
    return node.children === undefined ? words : [words, shape(node.children)];
  });
}

test('words, quotes, comments and glued braces', () => {
  const { nodes, diag } = read(`vrrp_script chk{   # a comment
  script "/usr/bin/killall -0 haproxy"   ! another
  weight -2#not-a-comment
}
virtual_ipaddress{ 10.0.0.1/24 dev eth0 }
`);
  assert.deepEqual(diag.items, []);
  assert.deepEqual(shape(nodes), [
    ['vrrp_script chk', ['script /usr/bin/killall -0 haproxy', 'weight -2#not-a-comment']],
    ['virtual_ipaddress', ['10.0.0.1/24 dev eth0']],
  ]);
  const script = nodes[0]?.children?.[0];
  assert.equal(script?.args[0]?.quoted, true);
  assert.deepEqual([script?.args[0]?.line, script?.args[0]?.column], [2, 10]);
});

test('a brace on its own line opens the block of the line above', () => {
  const { nodes, diag } = read('vrrp_instance VI_1\n{\n  priority 100\n}\n');
  assert.deepEqual(diag.items, []);
  assert.deepEqual(shape(nodes), [['vrrp_instance VI_1', ['priority 100']]]);
});

test('unbalanced braces are errors at the brace', () => {
  const extra = read('global_defs {\n  router_id a\n}\n}\n');
  assert.deepEqual(where(extra.diag.items), ['4:1 }']);
  assert.match(extra.diag.items[0]?.message ?? '', /no block to close/);

  const unclosed = read('vrrp_instance VI_1 {\n  authentication {\n    auth_type PASS\n}\n');
  assert.deepEqual(where(unclosed.diag.items), ['1:20 vrrp_instance']);
  assert.match(unclosed.diag.items[0]?.message ?? '', /Block "vrrp_instance" is not closed/);
});

test('$NAME=value parameters are substituted, ${NAME} anywhere and $NAME before a space', () => {
  const { config, errors } = loadText(`$PRIO=150
$NET=10.0.\${SUB}
$SUB=7
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 9
  priority $PRIO
  virtual_ipaddress {
    \${NET}.1/24
  }
  notify_master "/bin/echo $1 \${_HASH}"
}
`);
  assert.deepEqual(errors, []);
  const instance = config.vrrpInstances[0];
  assert.equal(instance?.priority, 150);
  assert.equal(instance?.virtualIpAddresses[0]?.address.address, '10.0.7.1');
  assert.equal(instance?.notify.master?.command, '/bin/echo $1 #', 'shell $1 is left alone; ${_HASH} is a # that starts no comment');
});

test('a multi-line parameter expands into lines of its own', () => {
  const { config, errors } = loadText(`$INSTANCE= \\
vrrp_instance VI_\${NUM} { \\
  interface eth0 \\
  virtual_router_id \${NUM} \\
  @test-host priority 200 \\
}
$NUM=1
$INSTANCE
$NUM=2
$INSTANCE
`);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    config.vrrpInstances.map((i) => [i.name, i.virtualRouterId, i.priority]),
    [
      ['VI_1', 1, 200],
      ['VI_2', 2, 200],
    ],
  );
});

test('an undefined parameter is an error naming it, at the $', () => {
  const { errors } = loadText('vrrp_instance VI_1 {\n  interface $IFACE\n  virtual_router_id 1\n}\n');
  assert.deepEqual(where(errors), ['2:13 $IFACE']);
  assert.match(errors[0]?.message ?? '', /Parameter "IFACE" is not defined/);
});

test('columns after a substitution still point at what was written', () => {
  const { errors } = loadText('$P=300\nvrrp_instance VI_1 {\n  virtual_router_id 1\n  priority ${P}\n  advert_int 2x\n}\n');
  assert.deepEqual(where(errors), ['4:12 priority', '5:14 advert_int']);
});

test('@id lines apply only when the config id matches, @^id when it does not', () => {
  const text = `vrrp_instance VI_0 {
  virtual_router_id 1
@high  priority 170
@low   priority 85
@^high advert_int 3
}
`;
  assert.equal(loadText(text, { configId: 'high' }).config.vrrpInstances[0]?.priority, 170);
  assert.equal(loadText(text, { configId: 'high' }).config.vrrpInstances[0]?.advertIntMs, undefined);
  assert.equal(loadText(text, { configId: 'low' }).config.vrrpInstances[0]?.priority, 85);
  assert.equal(loadText(text, { configId: 'low' }).config.vrrpInstances[0]?.advertIntMs, 3000);
  assert.equal(loadText(text, { configId: 'other' }).config.vrrpInstances[0]?.priority, undefined);
});

test('~SEQ lines and "..." lines are warnings, not errors', () => {
  const { diag } = read('~SEQ(N, 1, 3) router_id r$N\n...\n');
  assert.equal(diag.count('error'), 0);
  assert.deepEqual(where(diag.items), ['1:1 ~SEQ', '2:1 ...']);
});

test('include reads glob matches in sorted order, relative to the including file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-keepalived-'));
  try {
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'keepalived.conf'), 'global_defs {\n  router_id main\n}\ninclude conf.d/*.conf\ninclude missing/*.conf\ninclude nothere.conf\n');
    writeFileSync(join(dir, 'conf.d', 'b.conf'), 'vrrp_instance VI_B {\n  interface eth0\n  virtual_router_id 2\n}\n');
    writeFileSync(join(dir, 'conf.d', 'a.conf'), 'vrrp_instance VI_A {\n  interface eth0\n  virtual_router_id 1\n  priority 999\n}\n');
    writeFileSync(join(dir, 'conf.d', 'skip.txt'), 'not a config');
    const diag = new Diagnostics();
    const nodes = readConfig([join(dir, 'keepalived.conf')], { configId: 'x', env: {}, source: nodeSource }, diag);
    assert.deepEqual(
      nodes.map((node) => `${node.keyword.text} ${node.args[0]?.text ?? ''}`),
      ['global_defs ', 'vrrp_instance VI_A', 'vrrp_instance VI_B'],
    );
    assert.equal(nodes[1]?.keyword.file, join(dir, 'conf.d', 'a.conf'));
    assert.deepEqual(
      diag.items.map((d) => `${d.severity} ${d.at.line}:${d.at.column} ${d.message}`),
      [
        'warning 5:1 Pattern "missing/*.conf" matches no file; nothing included',
        `error 6:1 Cannot read included file "${join(dir, 'nothere.conf')}": ENOENT`,
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an include loop is an error, not a hang', () => {
  const diag = new Diagnostics();
  readConfig(['/a.conf'], { configId: 'x', env: {}, source: memorySource({ '/a.conf': 'include b.conf\n', '/b.conf': 'include /a.conf\n' }) }, diag);
  assert.deepEqual(where(diag.items), ['1:1 include']);
  assert.match(diag.items[0]?.message ?? '', /Include loop: "\/a.conf"/);
});

test('a missing main file is an error diagnostic, never an exception', () => {
  const diag = new Diagnostics();
  const nodes = readConfig(['/nope.conf'], { configId: 'x', env: {}, source: memorySource({}) }, diag);
  assert.deepEqual(nodes, []);
  assert.equal(diag.count('error'), 1);
  assert.match(diag.items[0]?.message ?? '', /Cannot read config file "\/nope.conf": ENOENT/);
});
