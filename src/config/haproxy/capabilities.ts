// HAProxy lets each proxy keyword appear only where it means something: `bind` needs a frontend,
// `server` a backend. Outside its place a keyword is an error in `defaults` and, in a proxy that
// lacks the capability, a warning and ignored (HAProxy's warnifnotcap), so old configs still load.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import type { KeywordLine } from '../keywords.ts';
import type { ProxyContext } from './context.ts';
import type { ProxyKind } from './model.ts';

export interface Where {
  /** may appear in a `defaults` section */
  readonly defaults: boolean;
  /** needs this side of a proxy; undefined: either side */
  readonly needs?: 'frontend' | 'backend';
}

export const anywhere: Where = { defaults: true };
export const frontendOnly: Where = { defaults: false, needs: 'frontend' };
export const backendOnly: Where = { defaults: false, needs: 'backend' };
export const frontendOrDefaults: Where = { defaults: true, needs: 'frontend' };
export const backendOrDefaults: Where = { defaults: true, needs: 'backend' };
export const proxiesOnly: Where = { defaults: false };

export function hasCapability(kind: ProxyKind | 'defaults', side: 'frontend' | 'backend'): boolean {
  return kind === 'defaults' || kind === 'listen' || kind === side;
}

/** True when the keyword may act here; otherwise reports why and returns false */
export function allowedHere(ctx: ProxyContext, line: KeywordLine, diag: Diagnostics, where: Where): boolean {
  const { section } = ctx;
  if (section.kind === 'defaults') {
    if (where.defaults) return true;
    diag.error(line.keyword, line.fullName, `"${line.fullName}" is not allowed in a defaults section`, { code: DiagnosticCode.structure });
    return false;
  }
  if (where.needs === undefined || hasCapability(section.kind, where.needs)) return true;
  diag.warning(
    line.keyword,
    line.fullName,
    `"${line.fullName}" is ignored: ${section.kind} "${section.name}" has no ${where.needs} capability`,
    { code: DiagnosticCode.structure, hint: `move it to a ${where.needs === 'frontend' ? 'frontend or listen' : 'backend or listen'} section` },
  );
  return false;
}

/** Wraps a handler so it only runs where the keyword is allowed */
export function onlyIn(
  where: Where,
  handle: (ctx: ProxyContext, line: KeywordLine, diag: Diagnostics) => void,
): (ctx: ProxyContext, line: KeywordLine, diag: Diagnostics) => void {
  return (ctx, line, diag) => {
    if (allowedHere(ctx, line, diag, where)) handle(ctx, line, diag);
  };
}
