import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { sendCommand } from './client.ts';
import { splitCommands } from './cli.ts';
import { createCommandRegistry } from './commands/index.ts';
import { RuntimeApi } from './runtime-api.ts';
import { adminFixture, fakeLvs, fakeVrrp, seedLikeConfig } from './testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function api(level: 'user' | 'operator' | 'admin' | undefined) {
  const path = join(dir, `${level ?? 'default'}-${Math.random().toString(36).slice(2)}.sock`);
  const config = `global\n    stats socket ${path} mode 600${level === undefined ? '' : ` level ${level}`}\n${seedLikeConfig.replace(/^\s*global\n/, '')}`;
  const f = adminFixture(config);
  const server = new RuntimeApi({ context: f.context, registry: createCommandRegistry(), sockets: f.config.global.statsSockets, timeoutMs: 2000 });
  await server.start();
  return { f, path, server, send: (command: string) => sendCommand({ path }, command) };
}

test('commands split at ; and blanks, \\; stays literal', () => {
  assert.deepEqual(splitCommands('show info;get weight a/b'), [['show', 'info'], ['get', 'weight', 'a/b']]);
  assert.deepEqual(splitCommands('  set  server a/b state maint ;; '), [['set', 'server', 'a/b', 'state', 'maint']]);
  assert.deepEqual(splitCommands('x a\\;b'), [['x', 'a;b']]);
});

test('level user: reading works, state changes get "Permission denied"', async () => {
  const { f, send, server } = await api('user');
  try {
    assert.equal(await send('get weight websrv/web1'), '1 (initial 1)\n\n');
    assert.equal(await send('set server websrv/web1 state maint'), 'Permission denied\n\n');
    assert.equal(await send('disable server websrv/web1'), 'Permission denied\n\n');
    assert.equal(await send('set server websrv/web1 weight 0'), 'Permission denied\n\n');
    assert.equal(f.engine.get('websrv/web1')?.admin, 'ready');
    assert.equal(await send('show cli level'), 'user\n\n');
  } finally {
    await server.stop();
  }
});

test('the default level is operator, as in HAProxy 2.x, and the socket gets its mode', async () => {
  const { send, server, path } = await api(undefined);
  try {
    assert.equal(await send('show cli level'), 'operator\n\n');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(await send('enable server websrv/web1'), 'Permission denied\n\n');
  } finally {
    await server.stop();
  }
});

test('level admin: state and weight changes, each answer followed by an empty line', async () => {
  const { f, send, server } = await api('admin');
  try {
    assert.equal(await send('set server websrv/web1 state maint;get weight websrv/web1'), '\n1 (initial 1)\n\n');
    assert.equal(f.engine.get('websrv/web1')?.admin, 'maint');
    assert.equal(await send('enable server websrv/web1'), '\n');
    assert.equal(f.engine.get('websrv/web1')?.admin, 'ready');
    assert.equal(await send('disable server websrv/web2'), '\n');
    assert.equal(f.engine.get('websrv/web2')?.admin, 'maint');
    assert.equal(await send('set server websrv/web1 weight 200%'), '\n');
    assert.equal(await send('get weight websrv/web1'), '2 (initial 1)\n\n');
    assert.equal(await send('set server websrv/web1 weight 999'), 'Absolute weight can only be between 0 and 256 inclusive.\n\n');
    assert.equal(await send('set server websrv/web1 state foo'), "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n\n");
    assert.equal(await send('get weight websrv/nope'), 'No such server.\n\n');
    assert.equal(await send('get weight nope/web1'), 'No such backend.\n\n');
    assert.equal(await send('get weight websrv'), "Require 'backend/server'.\n\n");
  } finally {
    await server.stop();
  }
});

test('show stat, show info and show servers state in HAProxy formats', async () => {
  const { send, server } = await api('admin');
  try {
    const csv = await send('show stat');
    assert.match(csv, /^# pxname,svname,qcur,/);
    assert.ok(csv.endsWith(',\n\n'));
    assert.match(await send('show stat typed'), /^F\.1\.0\.0\.pxname\.1:KNS:str:websrv$/m);
    assert.equal(JSON.parse(await send('show stat json'))[0][1].value.value, 'FRONTEND');
    const servers = (await send('show stat -1 4 -1')).trim().split('\n');
    assert.deepEqual(servers.slice(1).map((l) => l.split(',')[1]), ['web1', 'web2', 'spare']);
    assert.match(await send('show info'), /^Name: vigil\nVersion: 0\.1\.0\n/);
    const state = await send('show servers state websrv');
    assert.match(state, /^1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight /);
    assert.match(state, /^1 websrv 1 web1 127\.0\.0\.1 2 0 1 1 \d+ /m);
    assert.equal(await send('show servers state nope'), "Can't find backend.\n\n");
  } finally {
    await server.stop();
  }
});

test('unknown commands answer like HAProxy, help lists commands', async () => {
  const { send, server } = await api('user');
  try {
    const unknown = await send('show nothing');
    assert.match(unknown, /^Unknown command, but maybe one of the following ones is a better match:\n/);
    assert.match(unknown, /^ {2}show info {31}: report information about the running process$/m);
    assert.match(unknown, /^ {2}quit {36}: disconnect\n\n$/m);
    const help = await send('help');
    assert.match(help, /^The following commands are valid at this level:\n/);
    for (const c of ['show stat', 'show servers state', 'set server', 'get weight', 'show vrrp', 'show lvs']) assert.ok(help.includes(`  ${c}`), c);
  } finally {
    await server.stop();
  }
});

test('show vrrp and show lvs render the registered sources', async () => {
  const { f, send, server } = await api('user');
  try {
    assert.equal(await send('show lvs'), 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n\n');
    f.sources.register({ name: 'vrrp', snapshot: () => fakeVrrp });
    f.sources.register({ name: 'lvs', snapshot: () => fakeLvs });
    assert.match(await send('show lvs'), /^TCP {2}198\.51\.100\.15:80 rr\n {2}-> 198\.51\.100\.100:80 {12}Route {3}1 {6}0 {10}0 {9}\n/m);
    assert.match(await send('show vrrp'), /^VI_1 MASTER eth0 51 100 100 198\.51\.100\.15\/24 2023-11-14T22:13:20Z 2023-11-14T22:13:20Z BACKUP>MASTER master down timer expired$/m);
  } finally {
    await server.stop();
  }
});

test('prompt mode keeps the connection for several commands until quit', async () => {
  const { path, server } = await api('user');
  try {
    const { createConnection } = await import('node:net');
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = createConnection(path);
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
        if (text.endsWith('> ') && !text.includes('(initial')) socket.write('get weight websrv/web1\n');
        else if (text.includes('(initial') && text.endsWith('> ')) socket.write('quit\n');
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
      socket.write('prompt\n');
    });
    assert.equal(answer, '\n> 1 (initial 1)\n\n> \n');
  } finally {
    await server.stop();
  }
});

test('a socket still served by a running process is not taken over', async () => {
  const first = await api('user');
  try {
    const path = first.path;
    const f = adminFixture(`global\n    stats socket ${path}\n${seedLikeConfig.replace(/^\s*global\n/, '')}`);
    const second = new RuntimeApi({ context: f.context, registry: createCommandRegistry(), sockets: f.config.global.statsSockets });
    await assert.rejects(second.start(), /another process is serving it/);
    assert.equal(await first.send('show cli level'), 'user\n\n');
  } finally {
    await first.server.stop();
  }
});
