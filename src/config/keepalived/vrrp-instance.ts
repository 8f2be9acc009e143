// vrrp_instance NAME { }: one virtual router (RFC 3768 / RFC 5798) on one interface.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import { block, KeywordTable, markSupported, type Keyword, type KeywordLine } from '../keywords.ts';
import { addressList } from './addresses.ts';
import { choiceArg, flagArg, integerArg, ipArg, ipToken, listItems, rawListLines, report, secondsArg, type LoadState } from './args.ts';
import { authTypes, vrrpStates, type InstanceGarp, type NotifyScripts, type UnicastPeer, type VrrpInstance } from './model.ts';
import { notifyKeywords } from './notify.ts';
import { parseInteger } from '../values.ts';
import { recognised } from './recognised.ts';
import { trackedInterfaces, trackedNames, trackFileWeightRange, trackWeightRange } from './tracking.ts';

export interface VrrpInstanceContext {
  readonly state: LoadState;
  readonly instance: VrrpInstance;
  readonly notify: NotifyScripts;
}

type Entry = Keyword<VrrpInstanceContext>;

/** RFC 3768 section 5.3.10: only the first 8 octets of a simple-text password are sent */
const authPassLength = 8;

const authenticationTable = new KeywordTable<VrrpInstanceContext>({ section: 'keepalived authentication' }, [
  {
    name: 'auth_type',
    status: 'supported',
    note: 'AH is not implemented: an instance with auth_type AH sends and expects adverts without authentication',
    summary: 'PASS (simple password) or AH (IPsec AH)',
    args: { min: 1, max: 1 },
    handle: ({ instance }, line, diag) => {
      const type = choiceArg(line, diag, authTypes, 'authentication type');
      if (type !== undefined) instance.authentication = { ...instance.authentication, type };
    },
  },
  {
    name: 'auth_pass',
    status: 'supported',
    summary: 'the password; only the first 8 characters are used',
    args: { min: 1, max: 1 },
    handle: ({ instance }, line, diag) => {
      const token = line.args[0];
      if (token === undefined) return;
      let pass = token.text;
      if (pass.length > authPassLength) {
        pass = pass.slice(0, authPassLength);
        diag.warning(token, line.fullName, `Password "${token.text}" is longer than ${authPassLength} characters; only "${pass}" is used`, {
          code: DiagnosticCode.badValue,
          hint: 'keepalived truncates it the same way, so peers still agree',
        });
      }
      instance.authentication = { ...instance.authentication, pass };
    },
  },
]);

function garpDelay(name: string, field: 'masterDelayMs' | 'lowerPrioDelayMs' | 'masterRefreshMs', summary: string): Entry {
  return {
    name,
    status: 'parsed',
    summary,
    args: { min: 1, max: 1 },
    handle: ({ instance }, line, diag) => {
      const ms = secondsArg(line, diag, name);
      if (ms !== undefined) instance.garp[field] = ms;
    },
  };
}

function garpRepeat(name: string, field: keyof InstanceGarp & ('masterRepeat' | 'lowerPrioRepeat' | 'masterRefreshRepeat'), summary: string): Entry {
  return {
    name,
    status: 'parsed',
    summary,
    args: { min: 1, max: 1 },
    handle: ({ instance }, line, diag) => {
      const count = integerArg(line, diag, { min: 0, max: 255 }, name);
      if (count !== undefined) instance.garp[field] = count;
    },
  };
}

const entries: Entry[] = [
  {
    name: 'state',
    status: 'parsed',
    note: 'every instance starts as BACKUP unless its priority is 255, as keepalived 2.2 does',
    summary: 'initial state, MASTER or BACKUP',
    args: { min: 1, max: 1 },
    handle: ({ instance }, line, diag) => {
      const state = choiceArg(line, diag, vrrpStates, 'state');
      if (state !== undefined) instance.state = state;
    },
  },
  {
    name: 'interface',
    status: 'supported',
    summary: 'interface the adverts are sent and received on',
    args: { min: 1, max: 1 },
    handle: ({ state, instance }, line) => {
      const name = line.args[0];
      if (name === undefined) return;
      instance.interface = name.text;
      instance.interfaceAt = { file: name.file, line: name.line, column: name.column };
      state.requirements.need('interface', name.text, name, line.fullName);
    },
  },
  {
    name: 'virtual_router_id',
    status: 'supported',
    summary: 'VRID, 1..255 (RFC 5798 section 5.2.3), shared by the peers of this router',
    args: { min: 1, max: 1 },
    handle: ({ instance }, line, diag) => {
      const token = line.args[0];
      if (token === undefined) return;
      // recorded even when the value is bad, so the block does not also count as lacking one
      instance.virtualRouterIdAt = { file: token.file, line: token.line, column: token.column };
      const vrid = integerArg(line, diag, { min: 1, max: 255 }, 'virtual router id');
      if (vrid !== undefined) instance.virtualRouterId = vrid;
    },
  },
  {
    name: 'priority',
    status: 'supported',
    summary: 'election priority 1..255, 255 for the address owner (RFC 5798 section 5.2.4)',
    args: { min: 1, max: 1 },
    handle: ({ instance }, line, diag) => {
      const priority = integerArg(line, diag, { min: 1, max: 255 }, 'priority');
      if (priority !== undefined) instance.priority = priority;
    },
  },
  {
    name: 'advert_int',
    status: 'supported',
    summary: 'seconds between adverts, decimals allowed (default 1)',
    args: { min: 1, max: 1 },
    handle: ({ instance }, line, diag) => {
      // VRRPv3 counts centiseconds in 12 bits (RFC 5798 section 5.2.7), v2 whole seconds in 8
      const ms = secondsArg(line, diag, 'advert interval', { min: 0.01, max: 255 });
      if (ms !== undefined) instance.advertIntMs = ms;
    },
  },
  {
    name: 'authentication',
    status: 'supported',
    summary: 'VRRPv2 authentication (removed by RFC 3768; kept for old peers)',
    block: block(authenticationTable, (ctx: VrrpInstanceContext) => ctx),
  },
  {
    name: 'virtual_ipaddress',
    status: 'supported',
    note: 'address, dev, label, scope and brd: peer, no_track, use_vmac and the other flags (home, -nodad ...) are not applied',
    summary: 'the addresses this router owns while MASTER, one a line',
    handle: ({ state, instance }, line, diag) => {
      instance.virtualIpAddresses.push(...addressList(line, diag, state));
    },
  },
  {
    name: 'virtual_ipaddress_excluded',
    status: 'supported',
    note: 'address, dev, label, scope and brd: peer, no_track, use_vmac and the other flags (home, -nodad ...) are not applied',
    summary: 'addresses added while MASTER but not sent in adverts',
    handle: ({ state, instance }, line, diag) => {
      instance.virtualIpAddressesExcluded.push(...addressList(line, diag, state));
    },
  },
  {
    name: 'nopreempt',
    status: 'supported',
    summary: 'a higher priority router does not take over from a running master',
    args: { max: 0 },
    handle: ({ instance }) => {
      instance.noPreempt = true;
    },
  },
  {
    name: 'preempt',
    status: 'supported',
    summary: 'the default: a higher priority router takes over',
    args: { max: 0 },
    handle: ({ instance }) => {
      instance.noPreempt = false;
    },
  },
  {
    name: 'preempt_delay',
    status: 'supported',
    summary: 'seconds to wait before preempting, 0..1000',
    args: { min: 1, max: 1 },
    handle: ({ instance }, line, diag) => {
      const ms = secondsArg(line, diag, 'preempt delay', { min: 0, max: 1000 });
      if (ms !== undefined) instance.preemptDelayMs = ms;
    },
  },
  {
    name: 'unicast_src_ip',
    status: 'supported',
    summary: 'source address of unicast adverts',
    args: { min: 1, max: 1 },
    handle: ({ instance }, line, diag) => {
      const address = ipArg(line, diag, 'source address');
      if (address !== undefined) instance.unicastSrcIp = address;
    },
  },
  {
    name: 'mcast_src_ip',
    status: 'supported',
    summary: 'source address of multicast adverts',
    args: { min: 1, max: 1 },
    handle: ({ instance }, line, diag) => {
      const address = ipArg(line, diag, 'source address');
      if (address !== undefined) instance.mcastSrcIp = address;
    },
  },
  {
    name: 'unicast_peer',
    status: 'supported',
    note: 'min_ttl and max_ttl are not checked',
    summary: 'send adverts to these addresses instead of multicast, one a line',
    handle: ({ instance }, line, diag) => {
      for (const item of listItems(line, diag)) {
        const peer = parsePeer(item, diag);
        if (peer !== undefined) instance.unicastPeers.push(peer);
      }
    },
  },
  {
    name: 'track_interface',
    status: 'supported',
    summary: 'interfaces whose state changes this router: NAME [weight N [reverse]]',
    handle: ({ state, instance }, line, diag) => {
      instance.trackInterfaces.push(...trackedInterfaces(line, diag, state));
    },
  },
  {
    name: 'track_script',
    status: 'supported',
    summary: 'vrrp_scripts whose result changes this router: NAME [weight N [reverse]]',
    handle: ({ instance }, line, diag) => {
      instance.trackScripts.push(...trackedNames(line, diag, trackWeightRange));
    },
  },
  {
    name: 'track_file',
    status: 'supported',
    summary: 'track_files whose value changes this router: NAME [weight N [reverse]]',
    handle: ({ instance }, line, diag) => {
      instance.trackFiles.push(...trackedNames(line, diag, trackFileWeightRange));
    },
  },
  {
    name: 'track_backend',
    status: 'supported',
    summary:
      'vigil extension: backends of the haproxy.cfg vigil runs alongside; a backend with no server available counts as failed: NAME [weight N [reverse]] (weight 0: FAULT)',
    handle: ({ instance }, line, diag) => {
      instance.trackBackends.push(...trackedNames(line, diag, trackWeightRange));
    },
  },
  ...notifyKeywords<VrrpInstanceContext>(),
  {
    name: 'version',
    status: 'supported',
    summary: 'VRRP version 2 (RFC 3768) or 3 (RFC 5798)',
    args: { min: 1, max: 1 },
    handle: ({ instance }, line, diag) => {
      const version = integerArg(line, diag, { min: 2, max: 3 }, 'VRRP version');
      if (version === 2 || version === 3) instance.version = version;
    },
  },
  {
    name: 'accept',
    status: 'parsed',
    summary: 'accept packets for the virtual addresses when not their owner (RFC 5798 section 6.1)',
    args: { max: 0 },
    handle: ({ instance }) => {
      instance.accept = true;
    },
  },
  {
    name: 'no_accept',
    status: 'parsed',
    summary: 'drop packets for the virtual addresses when not their owner',
    args: { max: 0 },
    handle: ({ instance }) => {
      instance.accept = false;
    },
  },
  garpDelay('garp_master_delay', 'masterDelayMs', 'seconds before the second gratuitous ARP burst after becoming master'),
  garpRepeat('garp_master_repeat', 'masterRepeat', 'gratuitous ARPs in a burst after becoming master'),
  garpDelay('garp_lower_prio_delay', 'lowerPrioDelayMs', 'delay of the gratuitous ARP burst after a lower priority advert'),
  garpRepeat('garp_lower_prio_repeat', 'lowerPrioRepeat', 'gratuitous ARPs after a lower priority advert'),
  garpDelay('garp_master_refresh', 'masterRefreshMs', 'seconds between gratuitous ARP refreshes while master'),
  garpRepeat('garp_master_refresh_repeat', 'masterRefreshRepeat', 'gratuitous ARPs at each refresh'),
  {
    name: 'dont_track_primary',
    status: 'supported',
    summary: 'ignore faults of the instance interface',
    args: { max: 0 },
    handle: ({ instance }) => {
      instance.dontTrackPrimary = true;
    },
  },
  {
    name: 'use_vmac',
    status: 'parsed',
    summary: 'send and own the virtual MAC (RFC 5798 section 7.3) on a macvlan interface',
    args: { max: 6 },
    handle: ({ instance }, line) => {
      // `use_vmac [[name] NAME] [MAC] [netlink_notify_msg] [group ID]`: keep only the name
      const words = line.args.map((token) => token.text);
      const named = words[0] === 'name' ? words[1] : words[0];
      const isName = named !== undefined && !/^([0-9a-f]{2}:){4,5}[0-9a-f]{2}$/i.test(named) && named !== 'netlink_notify_msg' && named !== 'group';
      instance.useVmac = isName ? { name: named } : {};
    },
  },
  {
    name: 'virtual_routes',
    status: 'parsed',
    summary: 'routes added while MASTER, as `ip route add` arguments (kept as written)',
    handle: ({ instance }, line, diag) => {
      instance.virtualRoutes.push(...rawListLines(line, diag));
    },
  },
  {
    name: 'virtual_rules',
    status: 'parsed',
    summary: 'rules added while MASTER, as `ip rule add` arguments (kept as written)',
    handle: ({ instance }, line, diag) => {
      instance.virtualRules.push(...rawListLines(line, diag));
    },
  },
  {
    name: 'smtp_alert',
    status: 'parsed',
    summary: 'mail the notification_email list on transitions',
    args: { max: 1 },
    handle: ({ instance }, line, diag) => {
      const value = flagArg(line, diag);
      if (value !== undefined) instance.smtpAlert = value;
    },
  },
  {
    name: 'strict_mode',
    status: 'parsed',
    summary: 'this instance follows vrrp_strict',
    args: { max: 1 },
    handle: ({ instance }, line, diag) => {
      const value = flagArg(line, diag);
      if (value !== undefined) instance.strictMode = value;
    },
  },
  {
    name: 'skip_check_adv_addr',
    status: 'parsed',
    summary: 'skip checking addresses of adverts from the same master',
    args: { max: 1 },
    handle: ({ instance }, line, diag) => {
      const value = flagArg(line, diag);
      if (value !== undefined) instance.skipCheckAdvAddr = value;
    },
  },
  {
    name: 'lvs_sync_daemon_interface',
    status: 'parsed',
    summary: '1.x: interface of the IPVS sync daemon (now lvs_sync_daemon in global_defs)',
    args: { min: 1, max: 1 },
    handle: ({ state, instance }, line, diag) => {
      const name = line.args[0];
      if (name === undefined) return;
      instance.lvsSyncDaemonInterface = name.text;
      state.requirements.need('interface', name.text, name, line.fullName);
      diag.note(line.keyword, line.fullName, 'keepalived 2 moved this to "lvs_sync_daemon INTERFACE INSTANCE" in global_defs', {
        code: DiagnosticCode.deprecated,
      });
    },
  },
  ...recognised<VrrpInstanceContext>('VRRP instance setting', [
    'vrf', 'use_vmac_addr', 'vmac_xmit_base', 'use_ipvlan', 'native_ipv6', 'track_process', 'track_bfd', 'mcast_dst_ip',
    'track_src_ip', 'check_unicast_src', 'unicast_fault_no_peer', 'unicast_ttl', 'old_unicast_checksum', 'v3_checksum_as_v2',
    'garp_extra_if', 'down_timer_adverts', 'timer_expired_backup', 'lower_prio_no_advert', 'higher_prio_send_advert',
    'auth_hmac', 'no_virtual_ipaddress', 'promote_secondaries', 'debug', 'notify_deleted', 'notify_master_rx_lower_pri',
    'notify_priority_changes', 'kernel_rx_buf_size', 'linkbeat_use_polling',
  ]),
];

function parsePeer(item: KeywordLine, diag: Diagnostics): UnicastPeer | undefined {
  const address = ipToken(item.keyword, item, diag, 'peer address');
  if (address === undefined) return undefined;
  const peer: { -readonly [K in keyof UnicastPeer]: UnicastPeer[K] } = {
    address,
    at: { file: item.keyword.file, line: item.keyword.line, column: item.keyword.column },
  };
  for (let i = 0; i < item.args.length; i += 2) {
    const option = item.args[i];
    const value = item.args[i + 1];
    if (option === undefined) break;
    if ((option.text !== 'min_ttl' && option.text !== 'max_ttl') || value === undefined) {
      diag.error(option, item.fullName, `Expected "min_ttl N" or "max_ttl N" after the peer address, got "${option.text}"`, {
        code: DiagnosticCode.badValue,
      });
      return undefined;
    }
    const ttl = report(parseInteger(value.text, { min: 0, max: 255 }, option.text), value, item, diag);
    if (ttl === undefined) return undefined;
    if (option.text === 'min_ttl') peer.minTtl = ttl;
    else peer.maxTtl = ttl;
  }
  return peer;
}

/** the gratuitous ARP settings src/vrrp/from-keepalived.ts reads; the lower_prio ones stay `parsed` */
const honouredGarp = {
  garp_master_delay: true,
  garp_master_repeat: true,
  garp_master_refresh: true,
  garp_master_refresh_repeat: true,
} as const;

export const vrrpInstanceTable = new KeywordTable<VrrpInstanceContext>({ section: 'keepalived vrrp_instance' }, markSupported(entries, honouredGarp));

export function enterVrrpInstance(state: LoadState, line: KeywordLine, diag: Diagnostics): VrrpInstanceContext | undefined {
  const name = line.args[0];
  if (name === undefined) return undefined;
  if (state.config.vrrpInstances.some((existing) => existing.name === name.text)) {
    diag.error(name, line.fullName, `vrrp_instance "${name.text}" is defined twice`, { code: DiagnosticCode.reference });
    return undefined;
  }
  const instance: VrrpInstance = {
    name: name.text,
    at: { file: name.file, line: name.line, column: name.column },
    virtualIpAddresses: [],
    virtualIpAddressesExcluded: [],
    unicastPeers: [],
    trackInterfaces: [],
    trackScripts: [],
    trackFiles: [],
    trackBackends: [],
    notify: {},
    garp: {},
    virtualRoutes: [],
    virtualRules: [],
  };
  state.config.vrrpInstances.push(instance);
  return { state, instance, notify: instance.notify };
}

export function leaveVrrpInstance(_state: LoadState, { instance }: VrrpInstanceContext, line: KeywordLine, diag: Diagnostics): void {
  if (instance.virtualRouterIdAt === undefined) {
    diag.error(line.keyword, line.fullName, `vrrp_instance "${instance.name}" has no virtual_router_id`, {
      code: DiagnosticCode.structure,
      hint: 'add "virtual_router_id N" (1..255), the same on every peer of this router',
    });
  }
}
