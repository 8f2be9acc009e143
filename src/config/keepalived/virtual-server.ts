// virtual_server ADDRESS [PORT] | fwmark N | group NAME { }: an LVS service and its real servers.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import { block, KeywordTable, markSupported, type Keyword, type KeywordLine } from '../keywords.ts';
import { parseInteger, parseIp, parsePort } from '../values.ts';
import { choiceArg, flagArg, integerArg, ipToken, portToken, report, scriptArg, stringArg, type LoadState } from './args.ts';
import { connectTimeoutKeyword, timingKeywords } from './checkers/common.ts';
import { lvsMethodArg } from './lvs-method.ts';
import { lvsProtocols, lvsSchedulers, schedulerFlags, type SchedulerFlag, type VirtualServer, type VirtualServerTarget } from './model.ts';
import { enterRealServer, realServerTable } from './real-server.ts';
import { recognised } from './recognised.ts';

export interface VirtualServerContext {
  readonly state: LoadState;
  readonly virtualServer: VirtualServer;
}

type Entry = Keyword<VirtualServerContext>;

/** keepalived's default persistence when persistence_timeout has no value: 6 minutes */
const defaultPersistenceS = 360;

type FlagField = 'omega' | 'ops' | 'inhibitOnFailure' | 'haSuspend' | 'smtpAlert' | 'sorryServerInhibit';

function flag(name: string, field: FlagField, summary: string): Entry {
  return {
    name,
    status: 'parsed',
    summary,
    args: { max: 1 },
    handle: ({ virtualServer }, line, diag) => {
      const value = flagArg(line, diag);
      if (value !== undefined) virtualServer[field] = value;
    },
  };
}

function schedulerFlag(name: SchedulerFlag): Entry {
  return {
    name,
    status: 'parsed',
    summary: `scheduler flag ${name} (ipvsadm -b ${name})`,
    args: { max: 0 },
    handle: ({ virtualServer }) => {
      if (!virtualServer.schedulerFlags.includes(name)) virtualServer.schedulerFlags.push(name);
    },
  };
}

const entries: Entry[] = [
  {
    name: 'lvs_sched',
    aliases: ['lb_algo'],
    status: 'supported',
    note: 'some schedulers are approximated on the kernel data path, which says so when it starts',
    summary: 'IPVS scheduler: rr, wrr, lc, wlc, lblc, sh, mh, dh, fo, ovf, lblcr, sed, nq, twos',
    args: { min: 1, max: 1 },
    handle: ({ virtualServer }, line, diag) => {
      const scheduler = choiceArg(line, diag, lvsSchedulers, 'scheduler');
      if (scheduler !== undefined) virtualServer.scheduler = scheduler;
    },
  },
  ...schedulerFlags.map(schedulerFlag),
  {
    name: 'lvs_method',
    aliases: ['lb_kind'],
    status: 'supported',
    note: 'NAT and DR on the kernel data path (TUN is skipped there); the user-space path relays every method as a proxy',
    summary: 'forwarding method: NAT, DR or TUN (default NAT)',
    args: { min: 1, max: 6 },
    handle: ({ virtualServer }, line, diag) => {
      const method = lvsMethodArg(line, diag);
      if (method !== undefined) virtualServer.method = method;
    },
  },
  {
    name: 'protocol',
    status: 'supported',
    note: 'SCTP runs on the kernel data path only',
    summary: 'TCP, UDP or SCTP (default TCP)',
    args: { min: 1, max: 1 },
    handle: ({ virtualServer }, line, diag) => {
      const protocol = choiceArg(line, diag, lvsProtocols, 'protocol');
      if (protocol !== undefined) virtualServer.protocol = protocol;
    },
  },
  {
    name: 'persistence_timeout',
    status: 'supported',
    summary: 'seconds a client sticks to its real server (no value: 360)',
    args: { max: 1 },
    handle: ({ virtualServer }, line, diag) => {
      const seconds = line.args.length === 0 ? defaultPersistenceS : integerArg(line, diag, { min: 1, max: 2678400 }, 'persistence timeout');
      if (seconds !== undefined) virtualServer.persistenceTimeoutS = seconds;
    },
  },
  {
    name: 'persistence_granularity',
    status: 'supported',
    summary: 'netmask (IPv4) or prefix length (IPv6) grouping clients for persistence',
    args: { min: 1, max: 1 },
    handle: ({ virtualServer }, line, diag) => {
      const token = line.args[0];
      if (token === undefined) return;
      const valid = parseIp(token.text).ok || parseInteger(token.text, { min: 1, max: 128 }).ok;
      if (!valid) {
        diag.error(token, line.fullName, `Cannot parse granularity "${token.text}": expected a netmask or a prefix length`, { code: DiagnosticCode.badValue });
        return;
      }
      virtualServer.persistenceGranularity = token.text;
    },
  },
  {
    name: 'virtualhost',
    status: 'supported',
    summary: 'Host header of HTTP_GET and SSL_GET checks below',
    args: { min: 1, max: 1 },
    handle: ({ virtualServer }, line) => {
      const host = stringArg(line);
      if (host !== undefined) virtualServer.virtualhost = host;
    },
  },
  {
    name: 'sorry_server',
    status: 'supported',
    summary: 'server that takes the traffic when the quorum is lost',
    args: { min: 1, max: 2 },
    handle: ({ virtualServer }, line, diag) => {
      const [addressToken, portText] = line.args;
      if (addressToken === undefined) return;
      const address = ipToken(addressToken, line, diag, 'sorry server address');
      const port = portText === undefined ? undefined : portToken(portText, line, diag);
      if (address === undefined || (portText !== undefined && port === undefined)) return;
      virtualServer.sorryServer = { address, ...(port === undefined ? {} : { port }) };
    },
  },
  flag('sorry_server_inhibit', 'sorryServerInhibit', 'keep the sorry server with weight 0 instead of removing it'),
  flag('omega', 'omega', 'run quorum_down and notify_down scripts on shutdown too'),
  {
    name: 'quorum',
    status: 'supported',
    summary: 'least total weight of live real servers for the service to be up (default 1)',
    args: { min: 1, max: 1 },
    handle: ({ virtualServer }, line, diag) => {
      const quorum = integerArg(line, diag, { min: 1 }, 'quorum');
      if (quorum !== undefined) virtualServer.quorum = quorum;
    },
  },
  {
    name: 'hysteresis',
    status: 'supported',
    summary: 'weight tolerated around the quorum before it changes state (default 0)',
    args: { min: 1, max: 1 },
    handle: ({ virtualServer }, line, diag) => {
      const hysteresis = integerArg(line, diag, { min: 0 }, 'hysteresis');
      if (hysteresis !== undefined) virtualServer.hysteresis = hysteresis;
    },
  },
  {
    name: 'quorum_up',
    status: 'supported',
    note: 'run as vigil\'s own user: a user and group after the command are ignored',
    summary: 'script run when the quorum is reached',
    args: { min: 1, max: 3 },
    handle: ({ state, virtualServer }, line, diag) => {
      const command = scriptArg(line, diag, state);
      if (command !== undefined) virtualServer.quorumUp = command;
    },
  },
  {
    name: 'quorum_down',
    status: 'supported',
    note: 'run as vigil\'s own user: a user and group after the command are ignored',
    summary: 'script run when the quorum is lost',
    args: { min: 1, max: 3 },
    handle: ({ state, virtualServer }, line, diag) => {
      const command = scriptArg(line, diag, state);
      if (command !== undefined) virtualServer.quorumDown = command;
    },
  },
  flag('ops', 'ops', 'one-packet scheduling for UDP (ipvsadm -o)'),
  flag('inhibit_on_failure', 'inhibitOnFailure', 'real servers that fail keep weight 0 instead of being removed'),
  flag('ha_suspend', 'haSuspend', 'suspend checks while the virtual address is not on this host'),
  flag('smtp_alert', 'smtpAlert', 'mail the notification_email list on quorum changes'),
  {
    name: 'ip_family',
    status: 'parsed',
    summary: 'inet or inet6, for fwmark services whose real servers are all tunnelled',
    args: { min: 1, max: 1 },
    handle: ({ virtualServer }, line, diag) => {
      const family = choiceArg(line, diag, ['inet', 'inet6'] as const, 'address family');
      if (family !== undefined) virtualServer.ipFamily = family;
    },
  },
  connectTimeoutKeyword<VirtualServerContext>(({ virtualServer }) => virtualServer),
  ...timingKeywords<VirtualServerContext>(({ virtualServer }) => virtualServer, { oldRetryName: false }),
  {
    name: 'real_server',
    status: 'supported',
    summary: 'a backend: ADDRESS [PORT] { weight, checkers ... }',
    args: { min: 1, max: 2 },
    block: block(realServerTable, enterRealServer),
  },
  ...recognised<VirtualServerContext>('virtual server setting', [
    'persistence_engine', 'sorry_server_lvs_method', 'snmp_name', 'hashed', 'nat_mask',
  ]),
];

/**
 * The helper-made entries the L4 code (src/l4: virtual-server-state.ts, kernel/, userspace/) and
 * the checks (src/check/from-keepalived.ts, which the timing keywords default) act on; ops,
 * ha_suspend, smtp_alert and ip_family stay `parsed`.
 */
const honouredVirtualServer: Readonly<Record<string, true | string>> = {
  ...Object.fromEntries(schedulerFlags.map((name) => [name, true] as const)),
  sorry_server_inhibit: true,
  omega: true,
  inhibit_on_failure: true,
  connect_timeout: true,
  retry: true,
  delay_before_retry: true,
  warmup: 'a real server\'s checkers share one warmup: the shortest of theirs',
  delay_loop: true,
  alpha: true,
};

export const virtualServerTable = new KeywordTable<VirtualServerContext>({ section: 'keepalived virtual_server' }, markSupported(entries, honouredVirtualServer));

function parseTarget(line: KeywordLine, diag: Diagnostics): VirtualServerTarget | undefined {
  const [first, second, extra] = line.args;
  if (first === undefined) return undefined;
  if (extra !== undefined) {
    diag.error(extra, line.fullName, `"virtual_server" takes an address and a port, "fwmark N" or "group NAME", got "${extra.text}" too`, {
      code: DiagnosticCode.arity,
    });
    return undefined;
  }
  if (first.text === 'fwmark' || first.text === 'group') {
    if (second === undefined) {
      diag.error(first, line.fullName, `"virtual_server ${first.text}" needs a ${first.text === 'fwmark' ? 'number' : 'group name'}`, {
        code: DiagnosticCode.arity,
      });
      return undefined;
    }
    if (first.text === 'group') {
      return { kind: 'group', group: second.text, groupAt: { file: second.file, line: second.line, column: second.column } };
    }
    const fwmark = report(parseInteger(second.text, { min: 1, max: 0xffffffff }, 'fwmark'), second, line, diag);
    return fwmark === undefined ? undefined : { kind: 'fwmark', fwmark };
  }
  const address = ipToken(first, line, diag, 'virtual server address');
  const port = second === undefined ? undefined : report(parsePort(second.text), second, line, diag);
  if (address === undefined || (second !== undefined && port === undefined)) return undefined;
  return { kind: 'address', address, ...(port === undefined ? {} : { port }) };
}

export function enterVirtualServer(state: LoadState, line: KeywordLine, diag: Diagnostics): VirtualServerContext {
  const target = parseTarget(line, diag);
  const virtualServer: VirtualServer = {
    target: target ?? { kind: 'fwmark', fwmark: 0 },
    at: { file: line.keyword.file, line: line.keyword.line, column: line.keyword.column },
    schedulerFlags: [],
    realServers: [],
  };
  // a service with a bad header stays out of the model, but its block is still checked
  if (target !== undefined) state.config.virtualServers.push(virtualServer);
  return { state, virtualServer };
}
