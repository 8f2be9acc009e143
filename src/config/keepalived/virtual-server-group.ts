// virtual_server_group NAME { }: addresses, address ranges and fwmarks sharing one set of real
// servers (`virtual_server group NAME`).
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import type { KeywordLine } from '../keywords.ts';
import { parseChoice, parseInteger, parseIp, parseIpPrefix, parsePort, type IpAddress } from '../values.ts';
import { listItems, report, type LoadState } from './args.ts';
import type { VirtualServerGroupMember } from './model.ts';

/**
 * `192.168.200.3-10` (last IPv4 octet), `ae00::2-9` (last IPv6 group, hex),
 * `192.168.200.250-192.168.201.10` (two full addresses) or `192.168.202.8/29`.
 */
export function parseAddressRange(text: string): { readonly first: IpAddress; readonly last: IpAddress } | { readonly error: string } {
  const dash = text.lastIndexOf('-');
  if (dash === -1) {
    const prefix = parseIpPrefix(text, 'address');
    if (!prefix.ok) return { error: prefix.message };
    if (!prefix.value.explicitPrefix || prefix.value.family === 6) return { first: prefix.value, last: prefix.value };
    const base = ipv4ToNumber(prefix.value.address);
    const size = 2 ** (32 - prefix.value.prefix);
    const network = base - (base % size);
    return { first: { address: numberToIpv4(network), family: 4 }, last: { address: numberToIpv4(network + size - 1), family: 4 } };
  }
  const first = parseIp(text.slice(0, dash), 'address');
  if (!first.ok) return { error: first.message };
  const endText = text.slice(dash + 1);
  const endAddress = parseIp(endText);
  if (endAddress.ok) return { first: first.value, last: endAddress.value };
  const separator = first.value.family === 4 ? '.' : ':';
  const radix = first.value.family === 4 ? 10 : 16;
  const max = first.value.family === 4 ? 255 : 0xffff;
  const cut = first.value.address.lastIndexOf(separator);
  const start = Number.parseInt(first.value.address.slice(cut + 1) || '0', radix);
  const end = Number.parseInt(endText, radix);
  const digits = first.value.family === 4 ? /^\d+$/ : /^[0-9a-fA-F]+$/;
  if (!digits.test(endText) || end > max || end < start) {
    return { error: `Cannot parse address range "${text}": "${endText}" is not a last ${first.value.family === 4 ? 'octet' : 'group'} at or above ${start.toString(radix)}` };
  }
  return { first: first.value, last: { address: `${first.value.address.slice(0, cut + 1)}${end.toString(radix)}`, family: first.value.family } };
}

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function parseMember(item: KeywordLine, diag: Diagnostics): VirtualServerGroupMember | undefined {
  const at = { file: item.keyword.file, line: item.keyword.line, column: item.keyword.column };
  const [second, third] = item.args;
  if (item.keyword.text === 'fwmark') {
    if (second === undefined) {
      diag.error(item.keyword, item.fullName, '"fwmark" needs a number', { code: DiagnosticCode.arity });
      return undefined;
    }
    const fwmark = report(parseInteger(second.text, { min: 1, max: 0xffffffff }, 'fwmark'), second, item, diag);
    const family = third === undefined ? undefined : report(parseChoice(third.text, ['inet', 'inet6'] as const, 'address family'), third, item, diag);
    if (fwmark === undefined || (third !== undefined && family === undefined)) return undefined;
    return { kind: 'fwmark', fwmark, ...(family === undefined ? {} : { family }), at };
  }
  if (third !== undefined) {
    diag.error(third, item.fullName, `A group entry is an address (or range) and a port, got "${third.text}" too`, { code: DiagnosticCode.arity });
    return undefined;
  }
  const range = parseAddressRange(item.keyword.text);
  if ('error' in range) {
    diag.error(item.keyword, item.fullName, range.error, { code: DiagnosticCode.badValue });
    return undefined;
  }
  const port = second === undefined ? undefined : report(parsePort(second.text), second, item, diag);
  if (second !== undefined && port === undefined) return undefined;
  return { kind: 'address', address: range.first, lastAddress: range.last, ...(port === undefined ? {} : { port }), at };
}

/** The root handler of `virtual_server_group NAME { ... }`, whose lines are free-form members */
export function handleVirtualServerGroup(state: LoadState, line: KeywordLine, diag: Diagnostics): void {
  const name = line.args[0];
  const members = listItems({ ...line, args: [] }, diag)
    .map((item) => parseMember(item, diag))
    .filter((member) => member !== undefined);
  if (name === undefined) return;
  if (state.config.virtualServerGroups.some((group) => group.name === name.text)) {
    diag.error(name, line.fullName, `virtual_server_group "${name.text}" is defined twice`, { code: DiagnosticCode.reference });
    return;
  }
  state.config.virtualServerGroups.push({ name: name.text, at: { file: name.file, line: name.line, column: name.column }, members });
}
