// global_defs { }: the settings every VRRP instance and virtual server inherit.
import { DiagnosticCode } from '../diagnostics.ts';
import { KeywordTable, markSupported, type Keyword } from '../keywords.ts';
import { parseDecimal, parseInteger, parsePort } from '../values.ts';
import {
  flagArg,
  integerArg,
  ipArg,
  listItems,
  report,
  secondsArg,
  stringArg,
  userArgs,
  type LoadState,
} from './args.ts';
import type { GlobalDefs } from './model.ts';
import { recognised } from './recognised.ts';

type Entry = Keyword<LoadState>;

const defsOf = (state: LoadState): GlobalDefs => state.config.globalDefs;

/** a `vrrp_garp_*` timer in seconds, kept in milliseconds */
function garpSeconds(name: string, field: 'vrrpGarpMasterDelayMs' | 'vrrpGarpLowerPrioDelayMs' | 'vrrpGarpMasterRefreshMs', summary: string): Entry {
  return {
    name,
    status: 'parsed',
    summary,
    args: { min: 1, max: 1 },
    handle: (state, line, diag) => {
      const ms = secondsArg(line, diag, name);
      if (ms !== undefined) defsOf(state)[field] = ms;
    },
  };
}

function garpRepeat(name: string, field: 'vrrpGarpMasterRepeat' | 'vrrpGarpLowerPrioRepeat' | 'vrrpGarpMasterRefreshRepeat', summary: string): Entry {
  return {
    name,
    status: 'parsed',
    summary,
    args: { min: 1, max: 1 },
    handle: (state, line, diag) => {
      const count = integerArg(line, diag, { min: 0, max: 255 }, name);
      if (count !== undefined) defsOf(state)[field] = count;
    },
  };
}

type FlagField = 'smtpAlert' | 'smtpAlertVrrp' | 'smtpAlertChecker' | 'enableScriptSecurity' | 'vrrpStrict' | 'vrrpSkipCheckAdvAddr' | 'vrrpCheckUnicastSrc' | 'vrrpMinGarp' | 'lvsFlush';

function flag(name: string, field: FlagField, summary: string): Entry {
  return {
    name,
    status: 'parsed',
    summary,
    args: { max: 1 },
    handle: (state, line, diag) => {
      const value = flagArg(line, diag);
      if (value !== undefined) defsOf(state)[field] = value;
    },
  };
}

const entries: Entry[] = [
  {
    name: 'router_id',
    aliases: ['lvs_id'],
    status: 'parsed',
    summary: 'name of this machine in notifications (default: the host name)',
    args: { min: 1, max: 1 },
    handle: (state, line) => {
      const id = stringArg(line);
      if (id !== undefined) defsOf(state).routerId = id;
    },
  },
  {
    name: 'notification_email',
    status: 'parsed',
    summary: 'addresses that receive SMTP alerts, one a line',
    handle: (state, line, diag) => {
      for (const item of listItems(line, diag)) {
        defsOf(state).notificationEmail.push(...[item.keyword, ...item.args].map((token) => token.text));
      }
    },
  },
  {
    name: 'notification_email_from',
    status: 'parsed',
    summary: 'From: address of SMTP alerts',
    args: { min: 1, max: 1 },
    handle: (state, line) => {
      const from = stringArg(line);
      if (from !== undefined) defsOf(state).notificationEmailFrom = from;
    },
  },
  {
    name: 'smtp_server',
    status: 'parsed',
    summary: 'SMTP server for alerts, with an optional port (default 25)',
    args: { min: 1, max: 2 },
    handle: (state, line, diag) => {
      const [hostToken, portToken] = line.args;
      if (hostToken === undefined) return;
      const port = portToken === undefined ? 25 : report(parsePort(portToken.text), portToken, line, diag);
      if (port !== undefined) defsOf(state).smtpServer = { host: hostToken.text, port };
    },
  },
  {
    name: 'smtp_helo_name',
    status: 'parsed',
    summary: 'name sent in HELO (default: the host name)',
    args: { min: 1, max: 1 },
    handle: (state, line) => {
      const name = stringArg(line);
      if (name !== undefined) defsOf(state).smtpHeloName = name;
    },
  },
  {
    name: 'smtp_connect_timeout',
    status: 'parsed',
    summary: 'seconds to wait for the SMTP server',
    args: { min: 1, max: 1 },
    handle: (state, line, diag) => {
      const ms = secondsArg(line, diag, 'smtp_connect_timeout', { min: 0 });
      if (ms !== undefined) defsOf(state).smtpConnectTimeoutMs = ms;
    },
  },
  flag('smtp_alert', 'smtpAlert', 'default for every smtp_alert'),
  flag('smtp_alert_vrrp', 'smtpAlertVrrp', 'default smtp_alert of VRRP instances'),
  flag('smtp_alert_checker', 'smtpAlertChecker', 'default smtp_alert of checkers'),
  flag('enable_script_security', 'enableScriptSecurity', 'refuse scripts run as root that non-root users can change'),
  {
    name: 'script_user',
    status: 'parsed',
    summary: 'user (and group) scripts run as by default',
    args: { min: 1, max: 2 },
    handle: (state, line) => {
      const user = userArgs(line.args);
      if (user === undefined) return;
      defsOf(state).scriptUser = user;
      const at = line.args[0] ?? line.keyword;
      state.requirements.need('user', user.user, at, line.fullName);
      if (user.group !== undefined) state.requirements.need('group', user.group, at, line.fullName);
    },
  },
  {
    name: 'default_interface',
    status: 'parsed',
    summary: 'interface of static addresses that name none (default eth0)',
    args: { min: 1, max: 1 },
    handle: (state, line) => {
      const name = line.args[0];
      if (name === undefined) return;
      defsOf(state).defaultInterface = name.text;
      state.requirements.need('interface', name.text, name, line.fullName);
    },
  },
  {
    name: 'vrrp_mcast_group4',
    status: 'parsed',
    summary: 'IPv4 multicast group of adverts (default 224.0.0.18, RFC 5798 section 5.1.1.2)',
    args: { min: 1, max: 1 },
    handle: (state, line, diag) => {
      const address = ipArg(line, diag, 'multicast group');
      if (address !== undefined) defsOf(state).vrrpMcastGroup4 = address.address;
    },
  },
  {
    name: 'vrrp_mcast_group6',
    status: 'parsed',
    summary: 'IPv6 multicast group of adverts (default ff02::12, RFC 5798 section 5.1.2.2)',
    args: { min: 1, max: 1 },
    handle: (state, line, diag) => {
      const address = ipArg(line, diag, 'multicast group');
      if (address !== undefined) defsOf(state).vrrpMcastGroup6 = address.address;
    },
  },
  {
    name: 'vrrp_version',
    status: 'parsed',
    summary: 'default VRRP version, 2 (RFC 3768) or 3 (RFC 5798)',
    args: { min: 1, max: 1 },
    handle: (state, line, diag) => {
      const version = integerArg(line, diag, { min: 2, max: 3 }, 'VRRP version');
      if (version === 2 || version === 3) defsOf(state).vrrpVersion = version;
    },
  },
  flag('vrrp_strict', 'vrrpStrict', 'enforce strict RFC compliance'),
  {
    name: 'vrrp_iptables',
    status: 'parsed',
    summary: 'iptables chains for no_accept filtering (keepalived default INPUT/OUTPUT)',
    args: { max: 2 },
    handle: (state, line, diag) => {
      defsOf(state).vrrpIptables = line.args.map((token) => token.text);
      // keepalived 2.2.7 built without iptables rejects this seed keyword; say what it means here
      diag.note(line.keyword, line.fullName, 'vigil installs no firewall rules itself unless vrrp_strict is set, so vrrp_iptables has nothing to skip', {
        code: DiagnosticCode.notActive,
      });
    },
  },
  flag('vrrp_skip_check_adv_addr', 'vrrpSkipCheckAdvAddr', 'skip checking addresses of adverts from the same master'),
  flag('vrrp_check_unicast_src', 'vrrpCheckUnicastSrc', 'accept unicast adverts only from listed peers'),
  {
    name: 'vrrp_priority',
    status: 'supported',
    summary: 'nice value of the VRRP thread, -20..19 (vigil default -10, so adverts keep their schedule on a busy host)',
    args: { min: 1, max: 1 },
    handle: (state, line, diag) => {
      const value = integerArg(line, diag, { min: -20, max: 19 }, 'vrrp_priority');
      if (value !== undefined) defsOf(state).vrrpPriority = value;
    },
  },
  {
    name: 'vrrp_startup_delay',
    status: 'parsed',
    summary: 'seconds to wait before VRRP instances start',
    args: { min: 1, max: 1 },
    handle: (state, line, diag) => {
      const ms = secondsArg(line, diag, 'vrrp_startup_delay', { min: 0, max: 3600 });
      if (ms !== undefined) defsOf(state).vrrpStartupDelayMs = ms;
    },
  },
  garpSeconds('vrrp_garp_master_delay', 'vrrpGarpMasterDelayMs', 'seconds before the second burst of gratuitous ARPs after becoming master (0: none)'),
  garpRepeat('vrrp_garp_master_repeat', 'vrrpGarpMasterRepeat', 'gratuitous ARPs sent in a burst after becoming master'),
  garpSeconds('vrrp_garp_lower_prio_delay', 'vrrpGarpLowerPrioDelayMs', 'delay of the second gratuitous ARP burst after a lower priority advert'),
  garpRepeat('vrrp_garp_lower_prio_repeat', 'vrrpGarpLowerPrioRepeat', 'gratuitous ARPs sent after a lower priority advert'),
  garpSeconds('vrrp_garp_master_refresh', 'vrrpGarpMasterRefreshMs', 'seconds between gratuitous ARP refreshes while master (0: none)'),
  garpRepeat('vrrp_garp_master_refresh_repeat', 'vrrpGarpMasterRefreshRepeat', 'gratuitous ARPs sent at each refresh'),
  {
    name: 'vrrp_garp_interval',
    status: 'parsed',
    summary: 'seconds between gratuitous ARPs on one interface',
    args: { min: 1, max: 1 },
    handle: (state, line, diag) => {
      const token = line.args[0];
      if (token === undefined) return;
      const seconds = report(parseDecimal(token.text, { min: 0, max: 1 }, 'vrrp_garp_interval'), token, line, diag);
      if (seconds === undefined) return;
      defsOf(state).vrrpGarpIntervalMs = seconds * 1000;
      // keepalived 2.2.7 rejects 0; the seed uses it to mean "no pause"
      if (seconds === 0) {
        diag.note(token, line.fullName, 'An interval of 0 means no delay between gratuitous ARPs', { code: DiagnosticCode.notActive });
      }
    },
  },
  {
    name: 'vrrp_gna_interval',
    status: 'parsed',
    summary: 'seconds between unsolicited neighbour adverts on one interface',
    args: { min: 1, max: 1 },
    handle: (state, line, diag) => {
      const ms = secondsArg(line, diag, 'vrrp_gna_interval', { min: 0, max: 1 });
      if (ms !== undefined) defsOf(state).vrrpGnaIntervalMs = ms;
    },
  },
  flag('vrrp_min_garp', 'vrrpMinGarp', 'send one gratuitous ARP after becoming master and no second burst'),
  {
    name: 'lvs_sync_daemon',
    status: 'parsed',
    summary: 'IPVS connection sync daemon: interface [inst] VRRP_INSTANCE [id N] ...',
    args: { min: 1 },
    handle: (state, line, diag) => {
      const [interfaceToken, ...rest] = line.args;
      if (interfaceToken === undefined) return;
      state.requirements.need('interface', interfaceToken.text, interfaceToken, line.fullName);
      let instance: string | undefined;
      let syncId: number | undefined;
      for (let i = 0; i < rest.length; i++) {
        const word = rest[i];
        if (word === undefined) break;
        const value = rest[i + 1];
        if (word.text === 'id' && value !== undefined) {
          syncId = report(parseInteger(value.text, { min: 0, max: 255 }, 'sync id'), value, line, diag);
          i++;
        } else if (['maxlen', 'port', 'ttl', 'group'].includes(word.text)) {
          i++;
        } else if (word.text === 'inst' && value !== undefined) {
          instance = value.text;
          i++;
        } else if (instance === undefined) {
          instance = word.text;
        }
      }
      defsOf(state).lvsSyncDaemon = {
        interface: interfaceToken.text,
        ...(instance === undefined ? {} : { instance }),
        ...(syncId === undefined ? {} : { syncId }),
        at: interfaceToken,
      };
    },
  },
  {
    name: 'lvs_timeouts',
    status: 'parsed',
    summary: 'IPVS connection timeouts: [tcp SECS] [tcpfin SECS] [udp SECS]',
    args: { min: 2, max: 6 },
    handle: (state, line, diag) => {
      const timeouts: { tcpMs?: number; tcpFinMs?: number; udpMs?: number } = {};
      const fields = { tcp: 'tcpMs', tcpfin: 'tcpFinMs', udp: 'udpMs' } as const;
      for (let i = 0; i < line.args.length; i += 2) {
        const name = line.args[i];
        const value = line.args[i + 1];
        if (name === undefined) break;
        const field = Object.hasOwn(fields, name.text) ? fields[name.text as keyof typeof fields] : undefined;
        if (field === undefined || value === undefined) {
          diag.error(name, line.fullName, `Expected "tcp", "tcpfin" or "udp" and a number of seconds, got "${name.text}"`, { code: DiagnosticCode.badValue });
          return;
        }
        const seconds = report(parseInteger(value.text, { min: 0 }, `${name.text} timeout`), value, line, diag);
        if (seconds !== undefined) timeouts[field] = seconds * 1000;
      }
      defsOf(state).lvsTimeouts = timeouts;
    },
  },
  flag('lvs_flush', 'lvsFlush', 'flush IPVS at startup'),
  ...recognised<LoadState>('keepalived process, namespace and file settings', [
    'net_namespace', 'net_namespace_ipvs', 'namespace_with_ipsets', 'instance', 'use_pid_dir', 'linkbeat_use_polling', 'child_wait_time',
    'tmp_config_directory', 'config_save_dir', 'process_names', 'process_name', 'vrrp_process_name', 'checker_process_name',
    'bfd_process_name', 'use_symlink_paths', 'set_supplementary_groups', 'startup_script', 'startup_script_timeout',
    'shutdown_script', 'shutdown_script_timeout', 'umask', 'random_seed', 'reload_check_config', 'include_check',
    'reload_time_file', 'reload_repeat', 'reload_file', 'data_use_instance', 'state_file_location', 'stats_file_location',
    'json_file_location', 'json_version', 'iproute_usr_dir', 'iproute_etc_dir',
  ]),
  ...recognised<LoadState>('alert and notification settings', [
    'checker_log_all_failures', 'no_email_faults', 'no_checker_emails', 'rs_init_notifies', 'notify_fifo', 'notify_fifo_script',
    'vrrp_notify_fifo', 'vrrp_notify_fifo_script', 'lvs_notify_fifo', 'lvs_notify_fifo_script', 'fifo_write_vrrp_states_on_reload',
    'vrrp_notify_priority_changes',
  ]),
  ...recognised<LoadState>('VRRP tuning', [
    'vrrp_garp_extra_if', 'vrrp_down_timer_adverts', 'vrrp_lower_prio_no_advert', 'vrrp_higher_prio_send_advert', 'v3_checksum_as_v2', 'vrrp_ipsets',
    'disable_local_igmp', 'dynamic_interfaces', 'vrrp_rx_bufs_policy', 'vrrp_rx_bufs_multiplier', 'vrrp_delay_after_boot',
    'log_unknown_vrids', 'vmac_prefix', 'vmac_addr_prefix', 'vrrp_netlink_cmd_rcv_bufs', 'vrrp_netlink_cmd_rcv_bufs_force',
    'vrrp_netlink_monitor_rcv_bufs', 'vrrp_netlink_monitor_rcv_bufs_force', 'lvs_netlink_cmd_rcv_bufs',
    'lvs_netlink_cmd_rcv_bufs_force', 'lvs_netlink_monitor_rcv_bufs', 'lvs_netlink_monitor_rcv_bufs_force',
    'process_monitor_rcv_bufs', 'process_monitor_rcv_bufs_force', 'lvs_flush_on_stop',
  ]),
  ...recognised<LoadState>('firewall (nftables) settings', [
    'nftables', 'nftables_priority', 'nftables_counters', 'nftables_ifindex', 'nftables_ipvs', 'nftables_ipvs_priority',
    'nftables_ipvs_start_fwmark',
  ]),
  ...recognised<LoadState>('process priority, CPU and memory settings', [
    'max_auto_priority', 'min_auto_priority_delay', 'checker_priority', 'bfd_priority', 'vrrp_no_swap',
    'checker_no_swap', 'bfd_no_swap', 'vrrp_cpu_affinity', 'checker_cpu_affinity', 'bfd_cpu_affinity', 'vrrp_rt_priority',
    'checker_rt_priority', 'bfd_rt_priority', 'vrrp_rlimit_rttime', 'vrrp_rlimit_rtime', 'checker_rlimit_rttime',
    'checker_rlimit_rtime', 'bfd_rlimit_rttime', 'bfd_rlimit_rtime',
  ]),
  ...recognised<LoadState>('SNMP and DBus', [
    'snmp_socket', 'enable_snmp_vrrp', 'enable_snmp_keepalived', 'enable_snmp_checker', 'enable_snmp_rfc', 'enable_snmp_rfcv2',
    'enable_snmp_rfcv3', 'enable_traps', 'snmp_vs_stats_update_interval', 'snmp_rs_stats_update_interval', 'enable_dbus',
    'dbus_service_name', 'dbus_no_interface_name',
  ]),
];

/**
 * What the VRRP code (src/vrrp/from-keepalived.ts, router.ts) and the MISC_CHECK checker
 * (src/check/from-keepalived.ts) read; the rest (mail, LVS sync, firewall, multicast groups ...)
 * stays `parsed`.
 */
const honouredGlobalDefs: Readonly<Record<string, true | string>> = {
  script_user: 'MISC_CHECK scripts take the user and group; VRRP scripts the user only',
  enable_script_security: 'checks MISC_CHECK scripts only, not vrrp_script or notify scripts',
  default_interface: true,
  vrrp_version: true,
  vrrp_skip_check_adv_addr: true,
  vrrp_startup_delay: true,
  vrrp_garp_master_delay: true,
  vrrp_garp_master_repeat: true,
  vrrp_garp_master_refresh: true,
  vrrp_garp_master_refresh_repeat: true,
  vrrp_garp_interval: true,
};

export const globalDefsTable = new KeywordTable<LoadState>({ section: 'keepalived global_defs' }, markSupported(entries, honouredGlobalDefs));

