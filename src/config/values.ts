// Pure value parsers shared by both config formats. They never throw: a failure carries the
// message (sentence case, the value quoted) and, where one is near, a suggestion.
import { isIP } from 'node:net';
import { didYouMean } from './suggest.ts';

export type Parsed<T> = { readonly ok: true; readonly value: T } | ParseFailure;
export interface ParseFailure {
  readonly ok: false;
  readonly message: string;
  readonly hint?: string;
}

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function fail(message: string, hint?: string): ParseFailure {
  return hint === undefined ? { ok: false, message } : { ok: false, message, hint };
}

export interface IntegerRange {
  readonly min?: number;
  readonly max?: number;
}

const integerPattern = /^[+-]?\d+$/;

export function parseInteger(text: string, range: IntegerRange = {}, what = 'number'): Parsed<number> {
  if (!integerPattern.test(text)) return fail(`Cannot parse ${what} "${text}": expected a whole number`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) return fail(`Cannot parse ${what} "${text}": too large`);
  const { min, max } = range;
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    return fail(`${capitalise(what)} ${text} is out of range ${rangeText(range)}`);
  }
  return ok(value);
}

const decimalPattern = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export function parseDecimal(text: string, range: IntegerRange = {}, what = 'number'): Parsed<number> {
  if (!decimalPattern.test(text)) return fail(`Cannot parse ${what} "${text}": expected a number`);
  const value = Number(text);
  const { min, max } = range;
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    return fail(`${capitalise(what)} ${text} is out of range ${rangeText(range)}`);
  }
  return ok(value);
}

export function parsePort(text: string, what = 'port'): Parsed<number> {
  return parseInteger(text, { min: 0, max: 65535 }, what);
}

/** HAProxy time units; a bare number takes the keyword's default unit (milliseconds for timeouts) */
const timeUnitsMs: Readonly<Record<string, number>> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const timePattern = /^(\d+(?:\.\d+)?)([a-z]*)$/;

/** A duration in milliseconds; `defaultUnit` applies to a bare number */
export function parseTime(text: string, defaultUnit: 'ms' | 's' = 'ms', what = 'time'): Parsed<number> {
  const match = timePattern.exec(text);
  if (match === null) return fail(`Cannot parse ${what} "${text}": expected a number with an optional unit (us, ms, s, m, h, d)`);
  const [, digits = '', unit = ''] = match;
  const factor = unit === '' ? timeUnitsMs[defaultUnit] : timeUnitsMs[unit];
  if (factor === undefined) {
    const near = didYouMean(unit, Object.keys(timeUnitsMs));
    return fail(`Cannot parse ${what} "${text}": unknown unit "${unit}", expected us, ms, s, m, h or d`, near);
  }
  return ok(Number(digits) * factor);
}

const sizeUnits: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const sizePattern = /^(\d+)([a-zA-Z]?)$/;

/** HAProxy sizes: bytes with an optional k, m or g (powers of 1024) */
export function parseSize(text: string, what = 'size'): Parsed<number> {
  const match = sizePattern.exec(text);
  if (match === null) return fail(`Cannot parse ${what} "${text}": expected a number with an optional k, m or g`);
  const [, digits = '', unit = ''] = match;
  const factor = sizeUnits[unit.toLowerCase()];
  if (factor === undefined) return fail(`Cannot parse ${what} "${text}": unknown unit "${unit}", expected k, m or g`);
  return ok(Number(digits) * factor);
}

export function parseChoice<T extends string>(text: string, choices: readonly T[], what: string): Parsed<T> {
  const found = choices.find((c) => c === text);
  if (found !== undefined) return ok(found);
  return fail(`Unknown ${what} "${text}", expected one of ${choices.join(', ')}`, didYouMean(text, choices));
}

export type IpFamily = 4 | 6;
export interface IpAddress {
  readonly address: string;
  readonly family: IpFamily;
}

export function parseIp(text: string, what = 'address'): Parsed<IpAddress> {
  const family = isIP(text);
  if (family === 4 || family === 6) return ok({ address: text, family });
  return fail(`Cannot parse ${what} "${text}": not an IPv4 or IPv6 address`);
}

export interface IpPrefix extends IpAddress {
  /** prefix length; a bare address has the full length (32 or 128) */
  readonly prefix: number;
  readonly explicitPrefix: boolean;
}

/** `192.0.2.1`, `192.0.2.1/24`, `2001:db8::1/64` */
export function parseIpPrefix(text: string, what = 'address'): Parsed<IpPrefix> {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const address = parseIp(addressText, what);
  if (!address.ok) return address;
  const full = address.value.family === 4 ? 32 : 128;
  if (slash === -1) return ok({ ...address.value, prefix: full, explicitPrefix: false });
  const prefixText = text.slice(slash + 1);
  // keepalived and iproute2 also accept a dotted netmask after the slash
  if (address.value.family === 4 && prefixText.includes('.')) {
    const mask = netmaskToPrefix(prefixText);
    if (mask === undefined) return fail(`Cannot parse ${what} "${text}": "${prefixText}" is not a netmask`);
    return ok({ ...address.value, prefix: mask, explicitPrefix: true });
  }
  const prefix = parseInteger(prefixText, { min: 0, max: full }, 'prefix length');
  if (!prefix.ok) return fail(`Cannot parse ${what} "${text}": ${lowerFirst(prefix.message)}`);
  return ok({ ...address.value, prefix: prefix.value, explicitPrefix: true });
}

export function netmaskToPrefix(mask: string): number | undefined {
  const parts = mask.split('.');
  if (parts.length !== 4 || isIP(mask) !== 4) return undefined;
  const value = parts.reduce((acc, part) => acc * 256 + Number(part), 0);
  const bits = value.toString(2).padStart(32, '0');
  if (!/^1*0*$/.test(bits)) return undefined;
  return bits.indexOf('0') === -1 ? 32 : bits.indexOf('0');
}

export function parseBoolean(text: string, what = 'value'): Parsed<boolean> {
  const lower = text.toLowerCase();
  if (['on', 'yes', 'true', '1', 'enable', 'enabled'].includes(lower)) return ok(true);
  if (['off', 'no', 'false', '0', 'disable', 'disabled'].includes(lower)) return ok(false);
  return fail(`Cannot parse ${what} "${text}": expected on/off, yes/no or true/false`);
}

function rangeText(range: IntegerRange): string {
  const { min, max } = range;
  if (min !== undefined && max !== undefined) return `${min}..${max}`;
  if (min !== undefined) return `>= ${min}`;
  if (max !== undefined) return `<= ${max}`;
  return '';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
