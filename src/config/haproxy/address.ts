// HAProxy socket addresses (its str2sa_range): `[prefix@]host[:port]`, `[v6]:port`, `*:80`, `:80`,
// `/unix/path`, `fd@3`, port ranges on binds, `+N`/`-N` port offsets on servers.
import { isIP } from 'node:net';
import type { Token } from '../token.ts';
import { fail, ok, type Parsed, parseInteger, parsePort } from '../values.ts';
import type { AddressFamily, AddressTransport, PortRange, SocketAddress } from './model.ts';

export type AddressPurpose = 'bind' | 'server' | 'log';

interface PrefixSpec {
  /** forced family; undefined: taken from the host */
  readonly family?: AddressFamily;
  readonly transport: AddressTransport;
  /** the part after `@` is a path or name, not host:port */
  readonly opaque?: boolean;
}

const prefixes: Readonly<Record<string, PrefixSpec>> = {
  ipv4: { family: 'ipv4', transport: 'stream' },
  ipv6: { family: 'ipv6', transport: 'stream' },
  tcp: { transport: 'stream' },
  tcp4: { family: 'ipv4', transport: 'stream' },
  tcp6: { family: 'ipv6', transport: 'stream' },
  udp: { transport: 'dgram' },
  udp4: { family: 'ipv4', transport: 'dgram' },
  udp6: { family: 'ipv6', transport: 'dgram' },
  quic4: { family: 'ipv4', transport: 'quic' },
  quic6: { family: 'ipv6', transport: 'quic' },
  mptcp: { transport: 'mptcp' },
  mptcp4: { family: 'ipv4', transport: 'mptcp' },
  mptcp6: { family: 'ipv6', transport: 'mptcp' },
  unix: { family: 'unix', transport: 'stream', opaque: true },
  uxst: { family: 'unix', transport: 'stream', opaque: true },
  uxdg: { family: 'unix', transport: 'dgram', opaque: true },
  abns: { family: 'abns', transport: 'stream', opaque: true },
  abnsz: { family: 'abns', transport: 'stream', opaque: true },
  fd: { family: 'fd', transport: 'stream', opaque: true },
  sockpair: { family: 'sockpair', transport: 'stream', opaque: true },
  rhttp: { family: 'rhttp', transport: 'stream', opaque: true },
  ring: { family: 'ring', transport: 'stream', opaque: true },
};

export const addressPrefixes: readonly string[] = Object.keys(prefixes);

const hostnamePattern = /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;

/** One address; a bind's comma-separated list goes through parseBindAddresses */
export function parseAddress(token: Token, purpose: AddressPurpose, text = token.text): Parsed<SocketAddress> {
  const at = { file: token.file, line: token.line, column: token.column };
  const atSign = text.indexOf('@');
  const prefixName = atSign > 0 && /^[a-z0-9]+$/.test(text.slice(0, atSign)) ? text.slice(0, atSign) : undefined;
  const spec = prefixName === undefined ? undefined : prefixes[prefixName];
  if (prefixName !== undefined && spec === undefined) {
    return fail(`Unknown address prefix "${prefixName}@" in "${text}"`, `expected one of ${addressPrefixes.map((p) => `${p}@`).join(', ')}`);
  }
  const rest = prefixName === undefined ? text : text.slice(atSign + 1);
  const withPrefix = prefixName === undefined ? {} : { prefix: prefixName };
  if (spec?.opaque === true) {
    if (rest === '') return fail(`Cannot parse address "${text}": nothing after "${prefixName}@"`);
    return ok({ text, ...withPrefix, family: spec.family ?? 'unix', transport: spec.transport, host: rest, at });
  }
  // a bare path is a unix socket (binds, stats sockets, /dev/log)
  if (prefixName === undefined && (rest.startsWith('/') || rest.startsWith('./'))) {
    return ok({ text, family: 'unix', transport: purpose === 'log' ? 'dgram' : 'stream', host: rest, at });
  }
  const split = splitHostPort(rest);
  if (!split.ok) return fail(`Cannot parse address "${text}": ${split.message}`);
  const { host, port } = split.value;
  const family = familyOf(host, spec?.family);
  if (family === undefined) return fail(`Cannot parse address "${text}": "${host}" is neither an IP address nor a host name`);
  if (spec?.family !== undefined && family !== spec.family && family !== 'hostname') {
    return fail(`Cannot parse address "${text}": "${host}" is not an ${spec.family === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
  }
  const transport = spec?.transport ?? (purpose === 'log' ? 'dgram' : 'stream');
  const base = { text, ...withPrefix, family, transport, host, at };
  if (purpose === 'bind') {
    if (port === undefined || port === '') return fail(`Cannot parse address "${text}": missing port`, 'write it as ADDRESS:PORT, for example *:80');
    const ports = parsePortRange(port);
    if (!ports.ok) return ports;
    return ok({ ...base, ports: ports.value });
  }
  if (port === undefined || port === '') return ok(base);
  if (purpose === 'server' && (port.startsWith('+') || port.startsWith('-'))) {
    const offset = parseInteger(port, { min: -65535, max: 65535 }, 'port offset');
    if (!offset.ok) return offset;
    return ok({ ...base, portOffset: offset.value });
  }
  const single = parsePort(port);
  if (!single.ok) return single;
  return ok({ ...base, ports: { from: single.value, to: single.value } });
}

/** `bind` takes `addr1,addr2,...` in one word */
export function parseBindAddresses(token: Token): Parsed<SocketAddress[]> {
  const result: SocketAddress[] = [];
  for (const part of token.text.split(',')) {
    const parsed = parseAddress(token, 'bind', part);
    if (!parsed.ok) return parsed;
    result.push(parsed.value);
  }
  return ok(result);
}

function splitHostPort(text: string): Parsed<{ host: string; port?: string }> {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return fail('missing "]"');
    const after = text.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return fail(`unexpected "${after}" after "]"`);
    return ok(after === '' ? { host: text.slice(1, close) } : { host: text.slice(1, close), port: after.slice(1) });
  }
  // HAProxy takes the last colon as the port separator, so `:::80` is `::` port 80
  const colon = text.lastIndexOf(':');
  if (colon === -1) return ok({ host: text });
  return ok({ host: text.slice(0, colon), port: text.slice(colon + 1) });
}

function familyOf(host: string, forced: AddressFamily | undefined): AddressFamily | undefined {
  if (host === '' || host === '*') return forced ?? 'ipv4';
  const ip = isIP(host);
  if (ip === 4) return 'ipv4';
  if (ip === 6) return 'ipv6';
  return hostnamePattern.test(host) ? 'hostname' : undefined;
}

function parsePortRange(text: string): Parsed<PortRange> {
  const dash = text.indexOf('-');
  const fromText = dash === -1 ? text : text.slice(0, dash);
  const toText = dash === -1 ? text : text.slice(dash + 1);
  const from = parseInteger(fromText, { min: 1, max: 65535 }, 'port');
  if (!from.ok) return from;
  const to = parseInteger(toText, { min: 1, max: 65535 }, 'port');
  if (!to.ok) return to;
  if (to.value < from.value) return fail(`Port range "${text}" ends before it starts`);
  return ok({ from: from.value, to: to.value });
}
