// The typed model of a keepalived.conf. Types only: the keyword tables in this folder fill it.
// Times are milliseconds (keepalived writes seconds, often with decimals); a field that is absent
// was not written, so later code applies keepalived's default and can tell "default" from "set".
import type { IpAddress, IpPrefix } from '../values.ts';
import type { SourceLocation } from '../token.ts';

export interface KeepalivedConfig {
  readonly globalDefs: GlobalDefs;
  readonly vrrpScripts: VrrpScript[];
  readonly vrrpInstances: VrrpInstance[];
  readonly syncGroups: SyncGroup[];
  readonly virtualServers: VirtualServer[];
  readonly virtualServerGroups: VirtualServerGroup[];
  readonly trackFiles: TrackFile[];
  readonly staticIpAddresses: VirtualAddress[];
  /** kept as written, like `ip route add` arguments */
  readonly staticRoutes: RawLine[];
  readonly staticRules: RawLine[];
  readonly ssl: SslContext;
}

/** A script keepalived runs: the command line (quoted words kept whole) and who runs it */
export interface ScriptCommand {
  /** the command as written, for example `/usr/local/bin/vrrp.sh MASTER VI_1` */
  readonly command: string;
  /** the executable: the first word of the command */
  readonly path: string;
  readonly args: readonly string[];
  readonly user?: string;
  readonly group?: string;
  readonly at: SourceLocation;
}

/** A line kept as its words, for things vigil does not interpret yet (routes, rules) */
export interface RawLine {
  readonly words: readonly string[];
  readonly at: SourceLocation;
}

export interface GlobalDefs {
  routerId?: string;
  notificationEmail: string[];
  notificationEmailFrom?: string;
  smtpServer?: { readonly host: string; readonly port: number };
  smtpHeloName?: string;
  smtpConnectTimeoutMs?: number;
  smtpAlert?: boolean;
  smtpAlertVrrp?: boolean;
  smtpAlertChecker?: boolean;
  enableScriptSecurity?: boolean;
  scriptUser?: { readonly user: string; readonly group?: string };
  defaultInterface?: string;
  vrrpMcastGroup4?: string;
  vrrpMcastGroup6?: string;
  vrrpVersion?: 2 | 3;
  vrrpStrict?: boolean;
  /** chain names as written; an empty list means keepalived's defaults (INPUT/OUTPUT) */
  vrrpIptables?: string[];
  vrrpSkipCheckAdvAddr?: boolean;
  vrrpCheckUnicastSrc?: boolean;
  vrrpStartupDelayMs?: number;
  /** nice value of the VRRP thread (keepalived's vrrp_priority) */
  vrrpPriority?: number;
  vrrpGarpMasterDelayMs?: number;
  vrrpGarpMasterRepeat?: number;
  vrrpGarpLowerPrioDelayMs?: number;
  vrrpGarpLowerPrioRepeat?: number;
  vrrpGarpMasterRefreshMs?: number;
  vrrpGarpMasterRefreshRepeat?: number;
  /** 0 means no delay between gratuitous ARPs */
  vrrpGarpIntervalMs?: number;
  vrrpGnaIntervalMs?: number;
  vrrpMinGarp?: boolean;
  lvsSyncDaemon?: LvsSyncDaemon;
  lvsTimeouts?: { tcpMs?: number; tcpFinMs?: number; udpMs?: number };
  lvsFlush?: boolean;
}

export interface LvsSyncDaemon {
  readonly interface: string;
  readonly instance?: string;
  readonly syncId?: number;
  readonly at: SourceLocation;
}

export interface VrrpScript {
  readonly name: string;
  readonly at: SourceLocation;
  script?: ScriptCommand;
  intervalMs?: number;
  timeoutMs?: number;
  weight?: number;
  weightReverse?: boolean;
  rise?: number;
  fall?: number;
  user?: { readonly user: string; readonly group?: string };
  initFail?: boolean;
}

export const vrrpStates = ['MASTER', 'BACKUP'] as const;
export type VrrpState = (typeof vrrpStates)[number];

export const authTypes = ['PASS', 'AH'] as const;
export type AuthType = (typeof authTypes)[number];

export interface VrrpInstance {
  readonly name: string;
  readonly at: SourceLocation;
  state?: VrrpState;
  interface?: string;
  interfaceAt?: SourceLocation;
  virtualRouterId?: number;
  virtualRouterIdAt?: SourceLocation;
  priority?: number;
  advertIntMs?: number;
  authentication?: { type?: AuthType; pass?: string };
  virtualIpAddresses: VirtualAddress[];
  virtualIpAddressesExcluded: VirtualAddress[];
  noPreempt?: boolean;
  preemptDelayMs?: number;
  unicastSrcIp?: IpAddress;
  mcastSrcIp?: IpAddress;
  unicastPeers: UnicastPeer[];
  trackInterfaces: TrackedInterface[];
  trackScripts: TrackedName[];
  trackFiles: TrackedName[];
  /** vigil extension: backends of vigil's own proxy (haproxy.cfg given with -f) to follow */
  trackBackends: TrackedName[];
  notify: NotifyScripts;
  version?: 2 | 3;
  /** true: accept, false: no_accept */
  accept?: boolean;
  garp: InstanceGarp;
  dontTrackPrimary?: boolean;
  useVmac?: { readonly name?: string };
  virtualRoutes: RawLine[];
  virtualRules: RawLine[];
  smtpAlert?: boolean;
  strictMode?: boolean;
  skipCheckAdvAddr?: boolean;
  /** the 1.x `lvs_sync_daemon_interface`, now `lvs_sync_daemon` in global_defs */
  lvsSyncDaemonInterface?: string;
}

export interface InstanceGarp {
  masterDelayMs?: number;
  masterRepeat?: number;
  lowerPrioDelayMs?: number;
  lowerPrioRepeat?: number;
  masterRefreshMs?: number;
  masterRefreshRepeat?: number;
}

export interface NotifyScripts {
  master?: ScriptCommand;
  backup?: ScriptCommand;
  fault?: ScriptCommand;
  stop?: ScriptCommand;
  /** `notify`: run on every transition with the state appended */
  any?: ScriptCommand;
}

export const addressScopes = ['site', 'link', 'host', 'nowhere', 'global'] as const;
export type AddressScope = (typeof addressScopes)[number];

/** One line of virtual_ipaddress, virtual_ipaddress_excluded or static_ipaddress */
export interface VirtualAddress {
  readonly address: IpPrefix;
  readonly dev?: string;
  readonly label?: string;
  readonly scope?: AddressScope;
  /** `brd` as written: an address, `+` or `-` */
  readonly broadcast?: string;
  readonly peer?: IpAddress;
  readonly noTrack: boolean;
  readonly useVmac: boolean;
  /** the remaining flags as written (home, -nodad, noprefixroute, ...) */
  readonly flags: readonly string[];
  readonly at: SourceLocation;
}

export interface UnicastPeer {
  readonly address: IpAddress;
  readonly minTtl?: number;
  readonly maxTtl?: number;
  readonly at: SourceLocation;
}

export interface TrackedInterface {
  readonly name: string;
  readonly weight?: number;
  readonly reverse: boolean;
  readonly at: SourceLocation;
}

/** A track_script or track_file line: the name of a vrrp_script/track_file and an optional weight */
export interface TrackedName {
  readonly name: string;
  readonly weight?: number;
  readonly reverse: boolean;
  readonly at: SourceLocation;
}

export interface SyncGroup {
  readonly name: string;
  readonly at: SourceLocation;
  readonly members: TrackedName[];
  notify: NotifyScripts;
  smtpAlert?: boolean;
  trackInterfaces: TrackedInterface[];
  trackScripts: TrackedName[];
  trackFiles: TrackedName[];
}

export interface TrackFile {
  readonly name: string;
  readonly at: SourceLocation;
  file?: string;
  weight?: number;
  weightReverse?: boolean;
}

export const lvsSchedulers = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos'] as const;
export type LvsScheduler = (typeof lvsSchedulers)[number];

export const schedulerFlags = ['flag-1', 'flag-2', 'flag-3', 'sh-port', 'sh-fallback', 'mh-port', 'mh-fallback'] as const;
export type SchedulerFlag = (typeof schedulerFlags)[number];

export const lvsMethods = ['NAT', 'DR', 'TUN'] as const;
export type LvsMethod = (typeof lvsMethods)[number];

export const lvsProtocols = ['TCP', 'UDP', 'SCTP'] as const;
export type LvsProtocol = (typeof lvsProtocols)[number];

/** `virtual_server ADDR [PORT]`, `virtual_server fwmark N` or `virtual_server group NAME` */
export type VirtualServerTarget =
  | { readonly kind: 'address'; readonly address: IpAddress; readonly port?: number }
  | { readonly kind: 'fwmark'; readonly fwmark: number }
  | { readonly kind: 'group'; readonly group: string; readonly groupAt: SourceLocation };

/** Defaults a virtual server gives its real servers, and a real server its checkers */
export interface CheckerDefaults {
  connectTimeoutMs?: number;
  retry?: number;
  delayBeforeRetryMs?: number;
  warmupMs?: number;
  delayLoopMs?: number;
  alpha?: boolean;
}

export interface VirtualServer extends CheckerDefaults {
  readonly target: VirtualServerTarget;
  readonly at: SourceLocation;
  scheduler?: LvsScheduler;
  schedulerFlags: SchedulerFlag[];
  method?: LvsMethod;
  protocol?: LvsProtocol;
  persistenceTimeoutS?: number;
  persistenceGranularity?: string;
  virtualhost?: string;
  sorryServer?: { readonly address: IpAddress; readonly port?: number };
  sorryServerInhibit?: boolean;
  omega?: boolean;
  quorum?: number;
  hysteresis?: number;
  quorumUp?: ScriptCommand;
  quorumDown?: ScriptCommand;
  ops?: boolean;
  inhibitOnFailure?: boolean;
  haSuspend?: boolean;
  smtpAlert?: boolean;
  ipFamily?: 'inet' | 'inet6';
  realServers: RealServer[];
}

export interface RealServer extends CheckerDefaults {
  readonly address: IpAddress;
  readonly port?: number;
  readonly at: SourceLocation;
  weight?: number;
  method?: LvsMethod;
  inhibitOnFailure?: boolean;
  notifyUp?: ScriptCommand;
  notifyDown?: ScriptCommand;
  upperThreshold?: number;
  lowerThreshold?: number;
  smtpAlert?: boolean;
  virtualhost?: string;
  checkers: Checker[];
}

export const checkerTypes = [
  'TCP_CHECK',
  'HTTP_GET',
  'SSL_GET',
  'MISC_CHECK',
  'DNS_CHECK',
  'SMTP_CHECK',
  'UDP_CHECK',
  'PING_CHECK',
  'FILE_CHECK',
] as const;
export type CheckerType = (typeof checkerTypes)[number];

/** The keywords every connecting checker shares (keepalived's install_checker_common_keywords) */
export interface CheckerConnection extends CheckerDefaults {
  connectIp?: IpAddress;
  connectPort?: number;
  bindTo?: IpAddress;
  bindPort?: number;
  bindInterface?: string;
  fwmark?: number;
  logAllFailures?: boolean;
}

interface CheckerBase extends CheckerConnection {
  readonly at: SourceLocation;
}

export interface TcpCheck extends CheckerBase {
  readonly type: 'TCP_CHECK';
}

export interface HttpUrl {
  readonly at: SourceLocation;
  path?: string;
  digest?: string;
  /** inclusive ranges; a single code is a range of one */
  statusCodes: { readonly from: number; readonly to: number }[];
  virtualhost?: string;
  regex?: string;
  regexNoMatch?: boolean;
}

export interface HttpCheck extends CheckerBase {
  readonly type: 'HTTP_GET' | 'SSL_GET';
  urls: HttpUrl[];
  virtualhost?: string;
  httpProtocol?: '1.0' | '1.0C' | '1.1';
  fastRecovery?: boolean;
  enableSni?: boolean;
  sniName?: string;
  tlsCompliant?: boolean;
}

export interface MiscCheck extends CheckerBase {
  readonly type: 'MISC_CHECK';
  script?: ScriptCommand;
  miscTimeoutMs?: number;
  dynamic?: boolean;
  user?: { readonly user: string; readonly group?: string };
}

export const dnsQueryTypes = ['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA'] as const;
export type DnsQueryType = (typeof dnsQueryTypes)[number];

export interface DnsCheck extends CheckerBase {
  readonly type: 'DNS_CHECK';
  queryType?: DnsQueryType;
  name?: string;
}

export interface SmtpCheck extends CheckerBase {
  readonly type: 'SMTP_CHECK';
  heloName?: string;
  /** 1.x `host {}` blocks: each is one more connection to check */
  hosts: (CheckerConnection & { readonly at: SourceLocation })[];
}

export interface UdpCheck extends CheckerBase {
  readonly type: 'UDP_CHECK';
  payload?: string;
  /** true: any reply, a string: hex the reply must match */
  requireReply?: boolean | string;
  minReplyLength?: number;
  maxReplyLength?: number;
}

export interface PingCheck extends CheckerBase {
  readonly type: 'PING_CHECK';
}

export interface FileCheck {
  readonly type: 'FILE_CHECK';
  readonly at: SourceLocation;
  trackFile?: string;
  trackFileAt?: SourceLocation;
  dynamic?: boolean;
  weight?: number;
  weightReverse?: boolean;
}

export type Checker = TcpCheck | HttpCheck | MiscCheck | DnsCheck | SmtpCheck | UdpCheck | PingCheck | FileCheck;

/** One line of a virtual_server_group */
export type VirtualServerGroupMember =
  | {
      readonly kind: 'address';
      readonly address: IpAddress;
      /** the last address of a range such as `192.168.200.3-10` (same as address when no range) */
      readonly lastAddress: IpAddress;
      readonly port?: number;
      readonly at: SourceLocation;
    }
  | { readonly kind: 'fwmark'; readonly fwmark: number; readonly family?: 'inet' | 'inet6'; readonly at: SourceLocation };

export interface VirtualServerGroup {
  readonly name: string;
  readonly at: SourceLocation;
  readonly members: VirtualServerGroupMember[];
}

export interface SslContext {
  password?: string;
  ca?: string;
  certificate?: string;
  key?: string;
}
