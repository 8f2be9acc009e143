// The raw VRRP socket against the real thing: keepalived 2.2.7 on one lab host, vigil's addon
// socket on another, one switch between them. Proves the wire format both ways: we receive
// keepalived's adverts byte for byte (protocol 112, TTL 255, TOS 0xc0, 224.0.0.18), and an advert
// we send with a higher priority makes keepalived step down and drop its VIP. Then the addon
// against itself for what keepalived cannot show: IPv6, unicast, a chosen source address.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { LinuxVrrpSocketPort } from '../../src/netctl/vrrp-socket-linux.ts';
import { NetctlErrorCode, type NetctlError } from '../../src/netctl/errors.ts';
import type { ReceivedVrrpPacket, VrrpSocket } from '../../src/netctl/vrrp-socket.ts';
import { decodeAdvertisement, encodeAdvertisement } from '../../src/vrrp/codec.ts';
import { AuthType } from '../../src/vrrp/constants.ts';
import { commandExists } from '../lib/command.ts';
import { withLab } from '../lib/lab-fixture.ts';
import type { Host, Lab } from '../lib/netns.ts';
import { requireRoot } from '../lib/root.ts';
import { waitFor } from '../lib/wait.ts';

const VIP = '198.51.100.80';
const HOST_A = '198.51.100.5';
const HOST_B = '198.51.100.6';

/** The RFC 1071 checksum, written out here so the test does not trust the code it checks. */
function checksum(bytes: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** keepalived's v2 advert for VRID 51, priority 100, one VIP, PASS "1111", as FACTS.md lists it. */
function expectedAdvert(vip: string): number[] {
  const bytes = [0x21, 0x33, 0x64, 0x01, 0x01, 0x01, 0, 0, ...vip.split('.').map(Number), 0x31, 0x31, 0x31, 0x31, 0, 0, 0, 0];
  const sum = checksum(bytes);
  bytes[6] = sum >> 8;
  bytes[7] = sum & 0xff;
  return bytes;
}

test('the local checksum reproduces the advert keepalived sent in FACTS.md', () => {
  assert.equal(Buffer.from(expectedAdvert('198.51.100.15')).toString('hex'), '21336401010' + '1ed24c633640f' + '3131313100000000');
});

function keepalivedConf(): string {
  return `global_defs {
  router_id vigil_netctl_a
  vrrp_garp_master_delay 0
}
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass 1111
  }
  virtual_ipaddress {
    ${VIP}/24 dev eth0
  }
}
`;
}

/** Packets arriving on a socket, with a bounded wait for the next one that matches. */
class Inbox {
  readonly packets: Array<ReceivedVrrpPacket & { readonly at: number }> = [];
  readonly errors: NetctlError[] = [];
  #waiters = new Set<() => void>();

  constructor(socket: VrrpSocket) {
    socket.on('packet', (packet) => {
      this.packets.push({ ...packet, at: performance.now() });
      for (const wake of this.#waiters) wake();
    });
    socket.on('error', (error) => this.errors.push(error));
  }

  next(match: (packet: ReceivedVrrpPacket) => boolean, timeoutMs: number, since = 0): Promise<ReceivedVrrpPacket> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.packets.find((packet) => packet.at >= since && match(packet));
        if (found === undefined) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`No matching VRRP packet within ${timeoutMs} ms (received ${this.packets.length})`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }
}

function openOn(t: TestContext, host: Host, options: { readonly family: 4 | 6; readonly multicast?: boolean }): VrrpSocket {
  const socket = new LinuxVrrpSocketPort({ netns: host.netns }).open({ interface: 'eth0', ...options });
  t.after(() => socket.close());
  return socket;
}

async function twoHosts(lab: Lab): Promise<{ a: Host; b: Host }> {
  const lan = lab.switch('lan');
  const a = lab.host('a').link(lan, { ifname: 'eth0', addresses: [`${HOST_A}/24`] });
  const b = lab.host('b').link(lan, { ifname: 'eth0', addresses: [`${HOST_B}/24`] });
  await lab.up();
  return { a, b };
}

test('keepalived 2.2 and the addon socket understand each other', { timeout: 60_000 }, async (t) => {
  if (!requireRoot(t)) return;
  if (!commandExists('keepalived')) return t.skip('keepalived is not installed (scripts/test.sh installs it)');
  const dir = await mkdtemp(join(tmpdir(), 'vigil-netctl-keepalived-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'keepalived.conf'), keepalivedConf());

  await withLab(t, 'netctl-keepalived', async (lab) => {
    const { a, b } = await twoHosts(lab);
    const socket = openOn(t, b, { family: 4 });
    const inbox = new Inbox(socket);

    // Pid files in the temp dir: keepalived never touches the machine's /run/keepalived.
    const keepalived = a.spawn(
      ['keepalived', '-n', '-l', '-D', '-G', '-P', '-f', join(dir, 'keepalived.conf'), '-p', join(dir, 'keepalived.pid'), '-r', join(dir, 'vrrp.pid')],
      { name: 'keepalived' },
    );
    await keepalived.waitForOutput('Entering MASTER STATE', { timeoutMs: 10_000 });

    // keepalived's adverts, as the wire carries them.
    const advert = await inbox.next((packet) => packet.from === HOST_A, 5_000);
    assert.equal(advert.to, '224.0.0.18');
    assert.equal(advert.ttl, 255);
    assert.equal(advert.interface, 'eth0');
    assert.ok(advert.ipHeader !== undefined);
    assert.equal(advert.ipHeader[9], 112, 'IP protocol');
    assert.equal(advert.ipHeader[1], 0xc0, 'TOS');
    assert.equal(Buffer.from(advert.data).toString('hex'), Buffer.from(expectedAdvert(VIP)).toString('hex'));
    const decoded = decodeAdvertisement(advert.data, { family: 4 });
    assert.ok(decoded.ok && decoded.checksumOk);
    assert.deepEqual({ ...decoded.advert }, { version: 2, vrid: 51, priority: 100, addresses: [VIP], intervalCs: 100, authType: AuthType.simple, authPassword: '1111' });
    assert.ok((await a.addresses('eth0')).includes(`${VIP}/24`), 'keepalived holds the VIP');

    // A priority-200 advert from b, once a second as a master would: keepalived must yield.
    const ours = encodeAdvertisement({ version: 2, vrid: 51, priority: 200, addresses: [VIP], intervalCs: 100, authType: AuthType.simple, authPassword: '1111' });
    const send = (): void => {
      const sent = socket.send(ours, '224.0.0.18');
      assert.ok(sent.ok, sent.ok ? '' : sent.error.message);
      assert.equal(sent.bytes, 20);
    };
    send();
    const advertising = setInterval(send, 1_000);
    t.after(() => clearInterval(advertising));
    const yielded = performance.now();
    await keepalived.waitForOutput('Entering BACKUP STATE', { timeoutMs: 3_000 });
    await waitFor(async () => !(await a.addresses('eth0')).includes(`${VIP}/24`), { timeoutMs: 3_000, description: 'VIP removed from a' });
    t.diagnostic(`keepalived yielded and dropped the VIP ${Math.round(performance.now() - yielded)} ms after our first advert`);

    // While we advertise, keepalived stays quiet; once we stop, it takes over again
    // (Master_Down_Interval = 3 x 1 s + (256 - 100) / 256 s).
    const quietSince = performance.now() + 200;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.equal(inbox.packets.filter((packet) => packet.from === HOST_A && packet.at > quietSince).length, 0, 'keepalived sent adverts while backup');
    clearInterval(advertising);
    const stopped = performance.now();
    const resumed = await inbox.next((packet) => packet.from === HOST_A, 6_000, stopped);
    t.diagnostic(`keepalived became master again ${Math.round(performance.now() - stopped)} ms after we stopped advertising`);
    assert.equal(Buffer.from(resumed.data).toString('hex'), Buffer.from(expectedAdvert(VIP)).toString('hex'));

    // Our own multicast never loops back to us (IP_MULTICAST_LOOP 0), and nothing failed.
    assert.equal(inbox.packets.filter((packet) => packet.from === HOST_B).length, 0);
    assert.deepEqual(inbox.errors, []);
  });
});

test('the addon talks VRRPv3 over IPv6, unicast and from a chosen source', { timeout: 30_000 }, async (t) => {
  if (!requireRoot(t)) return;
  await withLab(t, 'netctl-addon', async (lab) => {
    const { a, b } = await twoHosts(lab);
    // Link-local addresses must finish duplicate address detection before they can be sources.
    for (const host of [a, b]) {
      await waitFor(async () => {
        const result = await host.exec(['ip', '-6', 'addr', 'show', 'dev', 'eth0', 'scope', 'link']);
        return result.stdout.includes('inet6') && !result.stdout.includes('tentative');
      }, { timeoutMs: 5_000, description: `${host.name} link-local address ready` });
    }

    // IPv6: the kernel fills in the v3 checksum (we send zeros) and checks it on receipt.
    const a6 = openOn(t, a, { family: 6 });
    const b6 = new Inbox(openOn(t, b, { family: 6 }));
    const v3 = encodeAdvertisement({ version: 3, vrid: 7, priority: 150, addresses: ['2001:db8::80'], intervalCs: 100, authType: AuthType.none, authPassword: '' }, { source: '::', destination: 'ff02::12' });
    v3[6] = 0;
    v3[7] = 0;
    const sent6 = a6.send(v3, 'ff02::12');
    assert.ok(sent6.ok, sent6.ok ? '' : sent6.error.message);
    const got6 = await b6.next(() => true, 3_000);
    assert.equal(got6.to, 'ff02::12');
    assert.equal(got6.ttl, 255);
    assert.match(got6.from, /^fe80:/);
    assert.equal(got6.ipHeader, undefined);
    const decoded6 = decodeAdvertisement(got6.data, { family: 6, source: got6.from, destination: got6.to });
    assert.ok(decoded6.ok && decoded6.checksumOk, 'kernel-computed VRRPv3 checksum verifies');
    assert.equal(decoded6.advert.vrid, 7);

    // IPv4 unicast peers, without joining the group; a secondary address as the chosen source.
    await a.exec(['ip', 'addr', 'add', '198.51.100.7/24', 'dev', 'eth0']);
    const a4 = openOn(t, a, { family: 4, multicast: false });
    const b4 = new Inbox(openOn(t, b, { family: 4, multicast: false }));
    const v2 = encodeAdvertisement({ version: 2, vrid: 9, priority: 100, addresses: [VIP], intervalCs: 100, authType: AuthType.none, authPassword: '' });
    assert.ok(a4.send(v2, HOST_B).ok);
    assert.ok(a4.send(v2, HOST_B, '198.51.100.7').ok);
    const plain = await b4.next((packet) => packet.from === HOST_A, 3_000);
    assert.deepEqual([plain.to, plain.ttl], [HOST_B, 255]);
    const chosen = await b4.next((packet) => packet.from === '198.51.100.7', 3_000);
    assert.equal(Buffer.from(chosen.data).toString('hex'), Buffer.from(v2).toString('hex'));
    // Not joined: a multicast advert does not reach it.
    const since = performance.now();
    assert.ok(a4.send(v2, '224.0.0.18').ok);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(b4.packets.filter((packet) => packet.at >= since).length, 0);

    // A closed socket refuses politely.
    a4.close();
    const refused = a4.send(v2, HOST_B);
    assert.ok(!refused.ok && refused.error.code === NetctlErrorCode.closed);
  });
});

test('opening on a missing interface reports ENODEV', (t) => {
  if (!requireRoot(t)) return;
  assert.throws(
    () => new LinuxVrrpSocketPort().open({ interface: 'vgtnone0', family: 4 }),
    (error: NetctlError) => error.code === NetctlErrorCode.socket && error.errno === 'ENODEV' && /vgtnone0/.test(error.message),
  );
});

test('a closed socket lets the process exit', { timeout: 15_000 }, async (t) => {
  if (!requireRoot(t)) return;
  const script = `
    import { LinuxVrrpSocketPort } from './src/netctl/vrrp-socket-linux.ts';
    const socket = new LinuxVrrpSocketPort().open({ interface: 'lo', family: 4 });
    setTimeout(() => { socket.close(); console.log('closed'); }, 100);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The process did not exit within 5 s of closing its socket; output: ${output}`));
    }, 5_000);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  assert.equal(code, 0, output);
  assert.match(output, /closed/);
});
