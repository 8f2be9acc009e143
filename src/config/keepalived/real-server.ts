// real_server ADDRESS [PORT] { }: one backend of a virtual server and its checkers.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import { KeywordTable, markSupported, type Keyword, type KeywordLine } from '../keywords.ts';
import { flagArg, integerArg, ipToken, portToken, scriptArg, stringArg, type LoadState } from './args.ts';
import { checkerKeywords } from './checkers/registry.ts';
import { connectTimeoutKeyword, timingKeywords, type CheckerOwner } from './checkers/common.ts';
import { lvsMethodArg } from './lvs-method.ts';
import type { RealServer, VirtualServer } from './model.ts';
import { recognised } from './recognised.ts';

export interface RealServerContext extends CheckerOwner {
  readonly virtualServer: VirtualServer;
}

type Entry = Keyword<RealServerContext>;

const entries: Entry[] = [
  {
    name: 'weight',
    status: 'supported',
    summary: 'share of new connections relative to the other real servers (default 1)',
    args: { min: 1, max: 1 },
    handle: ({ realServer }, line, diag) => {
      const weight = integerArg(line, diag, { min: 0, max: 65535 }, 'weight');
      if (weight !== undefined) realServer.weight = weight;
    },
  },
  {
    name: 'lvs_method',
    aliases: ['lb_kind'],
    status: 'parsed',
    note: 'the kernel data path uses the virtual server\'s method for all its real servers (and warns); the user-space path relays',
    summary: 'forwarding method of this server: NAT, DR or TUN (default: the virtual server\'s)',
    args: { min: 1, max: 6 },
    handle: ({ realServer }, line, diag) => {
      const method = lvsMethodArg(line, diag);
      if (method !== undefined) realServer.method = method;
    },
  },
  {
    name: 'inhibit_on_failure',
    status: 'supported',
    summary: 'on failure set the weight to 0 instead of removing the server',
    args: { max: 1 },
    handle: ({ realServer }, line, diag) => {
      const value = flagArg(line, diag);
      if (value !== undefined) realServer.inhibitOnFailure = value;
    },
  },
  {
    name: 'notify_up',
    status: 'supported',
    note: 'run as vigil\'s own user: a user and group after the command are ignored',
    summary: 'script run when the server comes up',
    args: { min: 1, max: 3 },
    handle: ({ state, realServer }, line, diag) => {
      const command = scriptArg(line, diag, state);
      if (command !== undefined) realServer.notifyUp = command;
    },
  },
  {
    name: 'notify_down',
    status: 'supported',
    note: 'run as vigil\'s own user: a user and group after the command are ignored',
    summary: 'script run when the server goes down',
    args: { min: 1, max: 3 },
    handle: ({ state, realServer }, line, diag) => {
      const command = scriptArg(line, diag, state);
      if (command !== undefined) realServer.notifyDown = command;
    },
  },
  {
    name: 'uthreshold',
    status: 'parsed',
    note: 'not wired to the data paths yet',
    summary: 'most connections the server takes',
    args: { min: 1, max: 1 },
    handle: ({ realServer }, line, diag) => {
      const limit = integerArg(line, diag, { min: 0 }, 'upper threshold');
      if (limit !== undefined) realServer.upperThreshold = limit;
    },
  },
  {
    name: 'lthreshold',
    status: 'parsed',
    note: 'not wired to the data paths yet',
    summary: 'connections below which the server takes new ones again',
    args: { min: 1, max: 1 },
    handle: ({ realServer }, line, diag) => {
      const limit = integerArg(line, diag, { min: 0 }, 'lower threshold');
      if (limit !== undefined) realServer.lowerThreshold = limit;
    },
  },
  {
    name: 'smtp_alert',
    status: 'parsed',
    summary: 'mail the notification_email list when the server changes state',
    args: { max: 1 },
    handle: ({ realServer }, line, diag) => {
      const value = flagArg(line, diag);
      if (value !== undefined) realServer.smtpAlert = value;
    },
  },
  {
    name: 'virtualhost',
    status: 'supported',
    summary: 'Host header of HTTP_GET and SSL_GET checks of this server',
    args: { min: 1, max: 1 },
    handle: ({ realServer }, line) => {
      const host = stringArg(line);
      if (host !== undefined) realServer.virtualhost = host;
    },
  },
  connectTimeoutKeyword<RealServerContext>(({ realServer }) => realServer),
  ...timingKeywords<RealServerContext>(({ realServer }) => realServer, { oldRetryName: false }),
  ...checkerKeywords,
  ...recognised<RealServerContext>('real server setting', ['snmp_name', 'track_file']),
];

/**
 * The helper-made entries the checks (src/check/from-keepalived.ts) act on: the timing defaults
 * of the server's checkers and the checker types vigil runs. UDP_CHECK, PING_CHECK and
 * FILE_CHECK stay `parsed`: vigil run logs that it cannot run them.
 */
const honouredRealServer: Readonly<Record<string, true | string>> = {
  connect_timeout: true,
  retry: true,
  delay_before_retry: true,
  warmup: 'a real server\'s checkers share one warmup: the shortest of theirs',
  delay_loop: true,
  alpha: true,
  TCP_CHECK: true,
  HTTP_GET: true,
  SSL_GET: 'no client certificate is presented (the SSL block)',
  MISC_CHECK: true,
  DNS_CHECK: true,
  SMTP_CHECK: true,
};

export const realServerTable = new KeywordTable<RealServerContext>({ section: 'keepalived real_server' }, markSupported(entries, honouredRealServer));

/** `real_server ADDRESS [PORT]`; the port may be left out only where the virtual server has none */
export function enterRealServer(ctx: { readonly state: LoadState; readonly virtualServer: VirtualServer }, line: KeywordLine, diag: Diagnostics): RealServerContext | undefined {
  const [addressToken, portText, extra] = line.args;
  if (addressToken === undefined) return undefined;
  if (extra !== undefined) {
    diag.error(extra, line.fullName, `"real_server" takes an address and a port, got "${extra.text}" too`, { code: DiagnosticCode.arity });
    return undefined;
  }
  const address = ipToken(addressToken, line, diag, 'real server address');
  const port = portText === undefined ? undefined : portToken(portText, line, diag, 'port');
  const valid = address !== undefined && (portText === undefined || port !== undefined);
  const realServer: RealServer = {
    address: address ?? { address: addressToken.text, family: 4 },
    ...(port === undefined ? {} : { port }),
    at: { file: addressToken.file, line: addressToken.line, column: addressToken.column },
    checkers: [],
  };
  // a server with a bad header stays out of the model, but its block is still checked
  if (valid) ctx.virtualServer.realServers.push(realServer);
  return { state: ctx.state, virtualServer: ctx.virtualServer, realServer };
}
