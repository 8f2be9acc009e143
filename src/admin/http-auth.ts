// HTTP Basic authentication of the stats page (`stats auth user:password`, `stats realm`). Every
// configured user is compared, always all of them, through fixed-length digests and
// timingSafeEqual, so neither the time taken nor an early exit tells which part was wrong.
import { lazyCrypto } from '../core/lazy-builtins.ts';
import type { StatsAuth } from '../config/haproxy/model.ts';
import { buildErrorResponse } from '../proxy/http/error-pages.ts';

/** HAProxy's realm when `stats realm` is not set (STATS_DEFAULT_REALM) */
export const defaultRealm = 'HAProxy Statistics';

function digest(text: string): Buffer {
  return lazyCrypto().createHash('sha256').update(text, 'utf8').digest();
}

/** the value of the first header called `name` (case-insensitive) in a flat [name, value, ...] list */
export function headerValue(headers: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if ((headers[i] as string).toLowerCase() === name) return headers[i + 1];
  }
  return undefined;
}

/** the `user:password` an Authorization header carries, or undefined */
export function basicCredentials(headers: readonly string[]): string | undefined {
  const value = headerValue(headers, 'authorization')?.trim();
  if (value === undefined) return undefined;
  const match = /^basic\s+([A-Za-z0-9+/=]+)$/i.exec(value);
  if (match === null) return undefined;
  return Buffer.from(match[1] as string, 'base64').toString('utf8');
}

/** true when no user is configured, or the request carries one of the configured users */
export function authorized(headers: readonly string[], users: readonly StatsAuth[]): boolean {
  if (users.length === 0) return true;
  const given = basicCredentials(headers);
  const presented = digest(given ?? '');
  let ok = false;
  for (const user of users) {
    // no short-circuit: every user is compared whatever the earlier results were
    const match = lazyCrypto().timingSafeEqual(presented, digest(`${user.user}:${user.password}`));
    ok = match || ok;
  }
  return ok && given !== undefined;
}

/** HAProxy's 401 page with the realm to ask for */
export function unauthorizedResponse(realm: string | undefined): Buffer {
  const quoted = (realm ?? defaultRealm).replaceAll('\\', '\\\\').replaceAll('"', '\\"');
  return buildErrorResponse(401, false, `www-authenticate: Basic realm="${quoted}"\r\n`);
}
