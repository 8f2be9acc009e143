// Checks HAProxy makes once the whole configuration is read (its check_config_validity):
// references between proxies, names used twice, ACLs used but never defined, modes that cannot
// work together, frontends with nothing to listen on, missing timeouts.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import { didYouMean } from '../suggest.ts';
import { formatLocation, type Token } from '../token.ts';
import { hasCapability } from './capabilities.ts';
import { predefinedAcls } from './condition.ts';
import type { Condition, DefaultsSection, HaproxyConfig, ProxySection, UseBackend } from './model.ts';

export function runChecks(config: HaproxyConfig, diag: Diagnostics): void {
  checkDuplicateProxies(config, diag);
  for (const proxy of config.proxies) {
    checkBinds(proxy, diag);
    checkBackendReferences(config, proxy, diag);
    checkAcls(proxy, diag);
    checkServers(proxy, diag);
    checkTimeouts(proxy, diag);
  }
  for (const section of config.defaults) checkAcls(section, diag);
}

/** Two proxies may share a name only when they do not overlap: a frontend and a backend */
function checkDuplicateProxies(config: HaproxyConfig, diag: Diagnostics): void {
  const seen: ProxySection[] = [];
  for (const proxy of config.proxies) {
    const clash = seen.find((other) => other.name === proxy.name && overlaps(other, proxy));
    seen.push(proxy);
    if (clash === undefined) continue;
    diag.error(proxy.at, proxy.kind, `${capitalise(proxy.kind)} "${proxy.name}" has the same name as ${clash.kind} "${clash.name}"`, {
      code: DiagnosticCode.reference,
      hint: `declared first at ${formatLocation(clash.at)}`,
    });
  }
}

function overlaps(a: ProxySection, b: ProxySection): boolean {
  return (hasCapability(a.kind, 'frontend') && hasCapability(b.kind, 'frontend')) || (hasCapability(a.kind, 'backend') && hasCapability(b.kind, 'backend'));
}

function checkBinds(proxy: ProxySection, diag: Diagnostics): void {
  if (proxy.binds.length > 0) return;
  const message = `${capitalise(proxy.kind)} "${proxy.name}" has no bind line, so it accepts no connections`;
  if (proxy.kind === 'frontend') {
    diag.error(proxy.at, proxy.kind, message, { code: DiagnosticCode.structure, hint: 'add a bind line, or declare it as a backend if that was meant' });
  } else if (proxy.kind === 'listen') {
    // HAProxy only warns here: a listen section without bind still serves as a backend
    diag.warning(proxy.at, proxy.kind, message, { code: DiagnosticCode.structure, hint: 'add a bind line, or declare it as a backend' });
  }
}

function checkBackendReferences(config: HaproxyConfig, proxy: ProxySection, diag: Diagnostics): void {
  if (!hasCapability(proxy.kind, 'frontend')) return;
  const references: UseBackend[] = [...proxy.useBackends];
  // a default_backend from a defaults section is checked where it takes effect
  if (proxy.settings.defaultBackend !== undefined) references.push(proxy.settings.defaultBackend);
  const backends = config.proxies.filter((p) => hasCapability(p.kind, 'backend'));
  for (const reference of references) {
    // a name built per request (`use_backend be_%[req.hdr(host)]`) is only known at run time
    if (reference.backend.includes('%[')) continue;
    const keyword = proxy.useBackends.includes(reference) ? 'use_backend' : 'default_backend';
    const target = backends.find((b) => b.name === reference.backend);
    if (target === undefined) {
      const frontendOnly = config.proxies.find((p) => p.name === reference.backend);
      diag.error(reference.nameAt, keyword, frontendOnly === undefined
        ? `No backend named "${reference.backend}"`
        : `"${reference.backend}" is a frontend, not a backend`, {
        code: DiagnosticCode.reference,
        ...hintOf(didYouMean(reference.backend, backends.map((b) => b.name))),
      });
      continue;
    }
    // HAProxy upgrades a TCP stream to HTTP for an HTTP backend, but cannot go the other way
    if (proxy.settings.mode === 'http' && target.settings.mode !== 'http') {
      diag.error(reference.nameAt, keyword, `HTTP ${proxy.kind} "${proxy.name}" cannot use ${target.settings.mode ?? 'tcp'} backend "${target.name}"`, {
        code: DiagnosticCode.reference,
        hint: `set "mode http" in backend "${target.name}", or "mode tcp" in ${proxy.kind} "${proxy.name}"`,
      });
    }
  }
}

function conditionsOf(section: ProxySection | DefaultsSection): Condition[] {
  const own = section.own;
  const conditions: (Condition | undefined)[] = [
    ...[own.httpRequest, own.httpResponse, own.httpAfterResponse, own.tcpRequest, own.tcpResponse].flat().map((r) => r.condition),
    ...own.stats.admin,
  ];
  if (section.kind !== 'defaults') {
    conditions.push(...section.useBackends.map((u) => u.condition), ...section.useServers.map((u) => u.condition), ...section.redirects.map((r) => r.condition));
  }
  return conditions.filter((c): c is Condition => c !== undefined);
}

function checkAcls(section: ProxySection | DefaultsSection, diag: Diagnostics): void {
  const defined = new Set(section.acls.map((a) => a.name));
  for (const condition of conditionsOf(section)) {
    for (const acl of condition.acls) {
      if (defined.has(acl.text) || predefinedAcls.has(acl.text)) continue;
      reportAcl(acl, section, [...defined, ...predefinedAcls], diag);
    }
  }
}

function reportAcl(acl: Token, section: ProxySection | DefaultsSection, known: readonly string[], diag: Diagnostics): void {
  const where = section.kind === 'defaults' ? `defaults section${section.name === '' ? '' : ` "${section.name}"`}` : `${section.kind} "${section.name}"`;
  diag.error(acl, acl.text, `ACL "${acl.text}" is used but not defined in ${where}`, {
    code: DiagnosticCode.reference,
    ...hintOf(didYouMean(acl.text, known)),
  });
}

function checkServers(proxy: ProxySection, diag: Diagnostics): void {
  const seen = new Map<string, ProxySection['servers'][number]>();
  for (const server of proxy.servers) {
    const first = seen.get(server.name);
    if (first === undefined) {
      seen.set(server.name, server);
      continue;
    }
    diag.error(server.at, 'server', `Server "${server.name}" is declared twice in ${proxy.kind} "${proxy.name}"`, {
      code: DiagnosticCode.reference,
      hint: `declared first at ${formatLocation(first.at)}`,
    });
  }
}

/** HAProxy's "missing timeouts" warning: without them, dead peers hold connections forever */
function checkTimeouts(proxy: ProxySection, diag: Diagnostics): void {
  const { mode = 'tcp', timeouts } = proxy.settings;
  if (mode === 'health') return;
  const missing: string[] = [];
  if (hasCapability(proxy.kind, 'frontend') && timeouts.client === undefined) missing.push('client');
  if (hasCapability(proxy.kind, 'backend') && timeouts.connect === undefined) missing.push('connect');
  if (hasCapability(proxy.kind, 'backend') && timeouts.server === undefined) missing.push('server');
  if (missing.length === 0) return;
  diag.warning(proxy.at, proxy.kind, `Missing timeouts for ${proxy.kind} "${proxy.name}": ${missing.map((m) => `timeout ${m}`).join(', ')}`, {
    code: DiagnosticCode.structure,
    hint: 'without them, connections to silent peers are held forever',
  });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function hintOf(hint: string | undefined): { hint?: string } {
  return hint === undefined ? {} : { hint };
}
