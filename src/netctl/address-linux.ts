// AddressPort over iproute2: `ip addr add|del` and `ip -json addr show`, spawned asynchronously
// with a time bound and serialised per interface.
import { isIP } from 'node:net';
import { commandFailure, runCommand } from './command.ts';
import { NetctlError, NetctlErrorCode } from './errors.ts';
import { inNamespace, type NamespaceOption } from './netns.ts';
import { fail, ok, type HostResult } from './result.ts';
import { SerialQueue } from './serial-queue.ts';
import { familyOf, prefixLengthOf, type AddressChange, type AddressPort, type AddressSpec, type ConfiguredAddress } from './address.ts';

export interface LinuxAddressPortOptions extends NamespaceOption {
  /** Per `ip` call. Default 5000 ms. */
  readonly timeoutMs?: number;
}

// "Already there" (EEXIST) and "not there" (EADDRNOTAVAIL), as iproute2 prints them: the
// kernel's extended ack text when it sends one (Linux 6.x), else strerror.
const alreadyPresent = /File exists|Address already assigned/;
const alreadyAbsent = /Cannot assign requested address|Address not found/;

export class LinuxAddressPort implements AddressPort {
  readonly #netns: string | undefined;
  readonly #timeoutMs: number;
  readonly #queue = new SerialQueue();

  constructor(options: LinuxAddressPortOptions = {}) {
    this.#netns = options.netns;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  add(spec: AddressSpec): Promise<HostResult<AddressChange>> {
    return this.#change('add', spec);
  }

  remove(spec: AddressSpec): Promise<HostResult<AddressChange>> {
    return this.#change('del', spec);
  }

  async list(interfaceName?: string): Promise<HostResult<ConfiguredAddress[]>> {
    const argv = inNamespace(this.#netns, ['ip', '-json', 'addr', 'show', ...(interfaceName === undefined ? [] : ['dev', interfaceName])]);
    try {
      const result = await runCommand(argv, { timeoutMs: this.#timeoutMs });
      if (result.code !== 0 || result.timedOut) return fail(commandFailure(`list the addresses${interfaceName === undefined ? '' : ` of "${interfaceName}"`}`, result));
      return ok(parseAddresses(result.stdout));
    } catch (error) {
      return fail(asNetctlError(error));
    }
  }

  #change(verb: 'add' | 'del', spec: AddressSpec): Promise<HostResult<AddressChange>> {
    const what = `${verb === 'add' ? 'add' : 'remove'} address "${spec.address}/${String(prefixLengthOf(spec))}" ${verb === 'add' ? 'to' : 'from'} "${spec.interface}"`;
    const invalid = validate(spec);
    if (invalid !== undefined) return Promise.resolve(fail(new NetctlError(NetctlErrorCode.invalid, `Cannot ${what}: ${invalid}`)));
    const argv = inNamespace(this.#netns, ['ip', ...addressArguments(verb, spec)]);
    return this.#queue.run(spec.interface, async () => {
      try {
        const result = await runCommand(argv, { timeoutMs: this.#timeoutMs });
        if (result.code === 0 && !result.timedOut) return ok({ changed: true });
        if (verb === 'add' && alreadyPresent.test(result.stderr)) return ok({ changed: false });
        if (verb === 'del' && alreadyAbsent.test(result.stderr)) return ok({ changed: false });
        return fail(commandFailure(what, result));
      } catch (error) {
        return fail(asNetctlError(error));
      }
    });
  }
}

/** The `ip` arguments for one change; exported for tests. */
export function addressArguments(verb: 'add' | 'del', spec: AddressSpec): string[] {
  const family = familyOf(spec.address);
  const argv = [family === 4 ? '-4' : '-6', 'addr', verb, `${spec.address}/${String(prefixLengthOf(spec))}`, 'dev', spec.interface];
  if (verb === 'del') return argv;
  if (spec.broadcast !== undefined && family === 4) argv.push('broadcast', spec.broadcast);
  if (spec.scope !== undefined) argv.push('scope', spec.scope);
  if (spec.label !== undefined && family === 4) argv.push('label', spec.label);
  // A VIP must answer at once, not sit "tentative" through duplicate address detection (which
  // would also fail it, the old master may still hold it): keepalived adds IPv6 VIPs nodad too.
  if (family === 6) argv.push('nodad');
  return argv;
}

function validate(spec: AddressSpec): string | undefined {
  const family = isIP(spec.address);
  if (family === 0) return `"${spec.address}" is not an IP address`;
  const length = prefixLengthOf(spec);
  if (!Number.isInteger(length) || length < 0 || length > (family === 4 ? 32 : 128)) return `prefix length ${String(length)} is out of range`;
  if (!/^[^\s/]{1,15}$/.test(spec.interface)) return `"${spec.interface}" is not an interface name`;
  if (spec.label !== undefined && !spec.label.startsWith(spec.interface)) return `label "${spec.label}" must start with the interface name`;
  if (spec.broadcast !== undefined && spec.broadcast !== '+' && spec.broadcast !== '-' && isIP(spec.broadcast) !== 4) return `broadcast "${spec.broadcast}" is not an IPv4 address`;
  return undefined;
}

interface IpAddrInfo {
  readonly family?: string;
  readonly local?: string;
  readonly prefixlen?: number;
  readonly scope?: string;
  readonly label?: string;
  readonly broadcast?: string;
  readonly secondary?: boolean;
}

/** Parses `ip -json addr show`; exported for tests. */
export function parseAddresses(json: string): ConfiguredAddress[] {
  const links = JSON.parse(json) as Array<{ ifname?: string; addr_info?: IpAddrInfo[] }>;
  const addresses: ConfiguredAddress[] = [];
  for (const link of links) {
    for (const info of link.addr_info ?? []) {
      if (link.ifname === undefined || info.local === undefined || info.prefixlen === undefined) continue;
      if (info.family !== 'inet' && info.family !== 'inet6') continue;
      addresses.push({
        interface: link.ifname,
        family: info.family === 'inet' ? 4 : 6,
        address: info.local,
        prefixLength: info.prefixlen,
        scope: info.scope ?? 'global',
        ...(info.label === undefined ? {} : { label: info.label }),
        ...(info.broadcast === undefined ? {} : { broadcast: info.broadcast }),
        secondary: info.secondary === true,
      });
    }
  }
  return addresses;
}

function asNetctlError(error: unknown): NetctlError {
  return error instanceof NetctlError ? error : new NetctlError(NetctlErrorCode.command, String(error), { cause: error });
}
