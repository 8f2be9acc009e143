// An AddressPort for tests: an in-memory address table that records every call, and can be
// told to fail the next calls.
import { NetctlError, NetctlErrorCode } from './errors.ts';
import { fail, ok, type HostResult } from './result.ts';
import { familyOf, prefixLengthOf, type AddressChange, type AddressPort, type AddressSpec, type ConfiguredAddress } from './address.ts';

export type AddressCall = { readonly op: 'add' | 'remove'; readonly spec: AddressSpec } | { readonly op: 'list'; readonly interface: string | undefined };

export class FakeAddressPort implements AddressPort {
  readonly calls: AddressCall[] = [];
  readonly #addresses: ConfiguredAddress[] = [];
  readonly #failures: NetctlError[] = [];

  constructor(initial: readonly AddressSpec[] = []) {
    for (const spec of initial) this.#addresses.push(configured(spec));
  }

  /** Makes the next call (of any kind) fail with `error`; queue several for several calls. */
  failNext(error: NetctlError = new NetctlError(NetctlErrorCode.command, 'Injected failure')): void {
    this.#failures.push(error);
  }

  /** The table now, as "address/length" per interface: { eth0: ["198.51.100.80/24"] }. */
  snapshot(): Record<string, string[]> {
    const table: Record<string, string[]> = {};
    for (const entry of this.#addresses) (table[entry.interface] ??= []).push(`${entry.address}/${String(entry.prefixLength)}`);
    return table;
  }

  has(address: string, interfaceName?: string): boolean {
    return this.#addresses.some((entry) => entry.address === address && (interfaceName === undefined || entry.interface === interfaceName));
  }

  add(spec: AddressSpec): Promise<HostResult<AddressChange>> {
    this.calls.push({ op: 'add', spec });
    const error = this.#failures.shift();
    if (error !== undefined) return Promise.resolve(fail(error));
    if (this.#find(spec) !== -1) return Promise.resolve(ok({ changed: false }));
    this.#addresses.push(configured(spec));
    return Promise.resolve(ok({ changed: true }));
  }

  remove(spec: AddressSpec): Promise<HostResult<AddressChange>> {
    this.calls.push({ op: 'remove', spec });
    const error = this.#failures.shift();
    if (error !== undefined) return Promise.resolve(fail(error));
    const index = this.#find(spec);
    if (index === -1) return Promise.resolve(ok({ changed: false }));
    this.#addresses.splice(index, 1);
    return Promise.resolve(ok({ changed: true }));
  }

  list(interfaceName?: string): Promise<HostResult<ConfiguredAddress[]>> {
    this.calls.push({ op: 'list', interface: interfaceName });
    const error = this.#failures.shift();
    if (error !== undefined) return Promise.resolve(fail(error));
    return Promise.resolve(ok(this.#addresses.filter((entry) => interfaceName === undefined || entry.interface === interfaceName)));
  }

  #find(spec: AddressSpec): number {
    const length = prefixLengthOf(spec);
    return this.#addresses.findIndex((entry) => entry.interface === spec.interface && entry.address === spec.address && entry.prefixLength === length);
  }
}

function configured(spec: AddressSpec): ConfiguredAddress {
  return {
    interface: spec.interface,
    family: familyOf(spec.address),
    address: spec.address,
    prefixLength: prefixLengthOf(spec),
    scope: spec.scope ?? 'global',
    ...(spec.label === undefined ? {} : { label: spec.label }),
    secondary: false,
  };
}
