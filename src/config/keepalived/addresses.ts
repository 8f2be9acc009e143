// Lines of virtual_ipaddress, virtual_ipaddress_excluded and static_ipaddress, which read like
// `ip address add` arguments: `192.168.200.17/24 dev eth1 label eth1:1 scope link`.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import type { KeywordLine } from '../keywords.ts';
import { didYouMean } from '../suggest.ts';
import type { Token } from '../token.ts';
import { parseChoice, parseIp, parseIpPrefix, type IpAddress } from '../values.ts';
import { listItems, report, type LoadState } from './args.ts';
import { addressScopes, type AddressScope, type VirtualAddress } from './model.ts';

/** options followed by a value */
const valued = ['brd', 'dev', 'scope', 'label', 'peer', 'preferred_lft', 'track_group'] as const;
/** options standing alone */
const flags = ['use_vmac', 'home', '-nodad', 'mngtmpaddr', 'noprefixroute', 'autojoin', 'no_track'] as const;
const optionNames: readonly string[] = [...valued, ...flags];

export function addressList(line: KeywordLine, diag: Diagnostics, state: LoadState): VirtualAddress[] {
  const addresses: VirtualAddress[] = [];
  for (const item of listItems(line, diag)) {
    const address = parseAddressLine(item.keyword, item.args, line, diag, state);
    if (address !== undefined) addresses.push(address);
  }
  return addresses;
}

function parseAddressLine(
  first: Token,
  options: readonly Token[],
  line: KeywordLine,
  diag: Diagnostics,
  state: LoadState,
): VirtualAddress | undefined {
  const address = report(parseIpPrefix(first.text), first, line, diag);
  if (address === undefined) return undefined;
  let dev: string | undefined;
  let label: string | undefined;
  let scope: AddressScope | undefined;
  let broadcast: string | undefined;
  let peer: IpAddress | undefined;
  const rest: string[] = [];
  let noTrack = false;
  let useVmac = false;
  for (let i = 0; i < options.length; i++) {
    const option = options[i];
    if (option === undefined) break;
    const name = option.text;
    if ((valued as readonly string[]).includes(name)) {
      const value = options[i + 1];
      if (value === undefined) {
        diag.error(option, line.fullName, `"${name}" needs a value`, { code: DiagnosticCode.arity });
        return undefined;
      }
      i++;
      if (name === 'dev') {
        dev = value.text;
        state.requirements.need('interface', value.text, value, line.fullName);
      } else if (name === 'label') {
        label = value.text;
      } else if (name === 'scope') {
        const parsed = report(parseChoice(value.text, addressScopes, 'scope'), value, line, diag);
        if (parsed === undefined) return undefined;
        scope = parsed;
      } else if (name === 'brd') {
        if (value.text !== '+' && value.text !== '-' && report(parseIp(value.text, 'broadcast address'), value, line, diag) === undefined) return undefined;
        broadcast = value.text;
      } else if (name === 'peer') {
        peer = report(parseIp(value.text, 'peer address'), value, line, diag);
        if (peer === undefined) return undefined;
      } else {
        rest.push(name, value.text);
      }
      continue;
    }
    if (name === 'no_track') noTrack = true;
    else if (name === 'use_vmac') useVmac = true;
    else if ((flags as readonly string[]).includes(name)) rest.push(name);
    else {
      const hint = didYouMean(name, optionNames);
      diag.error(option, line.fullName, `Unknown address option "${name}"`, {
        code: DiagnosticCode.badValue,
        hint: hint ?? `expected one of ${optionNames.join(', ')}`,
      });
      return undefined;
    }
  }
  return {
    address,
    ...(dev === undefined ? {} : { dev }),
    ...(label === undefined ? {} : { label }),
    ...(scope === undefined ? {} : { scope }),
    ...(broadcast === undefined ? {} : { broadcast }),
    ...(peer === undefined ? {} : { peer }),
    noTrack,
    useVmac,
    flags: rest,
    at: { file: first.file, line: first.line, column: first.column },
  };
}
