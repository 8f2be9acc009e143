// The statistics page as HAProxy users know it: the process block with the colour legend and the
// display options, then one table per proxy with HAProxy's column groups (Queue, Session rate,
// Sessions, Bytes, Denied, Errors, Warnings, Server), its row colours (the class names and colours
// of HAProxy's stats page), the admin form per backend with `stats admin`, and vigil's VRRP and
// LVS sections when those subsystems run.
import { visibleProxies, type RenderContext, type StatsFormat } from './format.ts';
import type { FieldValue, ProxyStats, StatsRow, StatsSnapshot } from './model.ts';
import type { LvsVirtualServerStatus, VrrpInstanceStatus } from './sources.ts';

// HAProxy's class names and colours (its stats page CSS); the names are what users' own
// stylesheets and scrapers look for, so they are kept.
const style = `body { font-family: arial, helvetica, sans-serif; font-size: 12px; font-weight: normal; color: black; background: white; }
th, td { font-size: 10px; }
h1 { font-size: x-large; margin-bottom: 0.5em; }
h2 { font-family: helvetica, arial; font-size: x-large; font-weight: bold; font-style: italic; color: #6020a0; margin-top: 0em; margin-bottom: 0em; }
h3 { font-family: helvetica, arial; font-size: 16px; font-weight: bold; color: #b00040; background: #e8e8d0; margin-top: 0em; margin-bottom: 0em; }
li { margin-top: 0.25em; margin-right: 2em; }
.hr { margin-top: 0.25em; border-color: black; border-bottom-style: solid; }
.titre { background: #20D0D0; color: #000000; font-weight: bold; text-align: center; }
.total { background: #20D0D0; color: #ffff80; }
.frontend { background: #e8e8d0; }
.socket { background: #d0d0d0; }
.backend { background: #e8e8d0; }
.active_down { background: #ff9090; }
.active_going_up { background: #ffd020; }
.active_going_down { background: #ffffa0; }
.active_up { background: #c0ffc0; }
.active_nolb { background: #20a0ff; }
.active_draining { background: #20a0ff; }
.active_no_check { background: #e0e0e0; }
.backup_down { background: #ff9090; }
.backup_going_up { background: #ff80ff; }
.backup_going_down { background: #c060ff; }
.backup_up { background: #b0d0ff; }
.backup_nolb { background: #90b0e0; }
.backup_draining { background: #cc9900; }
.backup_no_check { background: #e0e0e0; }
.maintain { background: #c07820; }
.rls { letter-spacing: 0.2em; margin-right: 1px; }
a.px:link, a.px:visited { color: #ffff40; text-decoration: none; }
a.px:hover { color: #ffffff; text-decoration: none; }
a.lfsb:link, a.lfsb:visited { color: #000000; text-decoration: none; }
a.lfsb:hover { color: #505050; text-decoration: none; }
table.tbl { border-collapse: collapse; border-style: none; }
table.tbl td { text-align: right; border-width: 1px; border-style: solid; padding: 2px 3px; border-color: gray; white-space: nowrap; }
table.tbl td.ac { text-align: center; }
table.tbl td.al { text-align: left; }
table.tbl th { border-width: 1px; border-style: solid; border-color: gray; }
table.tbl th.pxname { background: #b00040; color: #ffff40; font-weight: bold; border-style: solid solid none solid; padding: 2px 3px; white-space: nowrap; }
table.tbl th.empty { border-style: none; empty-cells: hide; background: white; }
table.tbl th.desc { background: white; border-style: solid solid none solid; text-align: left; padding: 2px 3px; }
table.lgd { border-collapse: collapse; border-width: 1px; border-style: none none none solid; border-color: black; }
table.lgd td { border-width: 1px; border-style: solid; border-color: gray; padding: 2px; }
table.lgd td.noborder { border-style: none; padding: 2px; white-space: nowrap; }
u { text-decoration: none; border-bottom: 1px dotted black; }
div.tips { display: block; visibility: hidden; z-index: 2147483647; position: absolute; padding: 2px 4px 3px; background: #f0f060; color: #000000; border: 1px solid #7040c0; white-space: nowrap; font-style: normal; font-size: 11px; font-weight: normal; border-radius: 3px; box-shadow: gray 2px 2px 3px; }
u:hover div.tips { visibility: visible; }`;

/** the admin action outcomes HAProxy reports after its 303 (`;st=`), with its words */
const actionMessages: Readonly<Record<string, readonly [string, string]>> = {
  DONE: ['active_up', 'Action processed successfully.'],
  PART: ['active_going_down', 'Action partially processed.<br>Some server names are probably unknown or ambiguous (duplicated names in the backend).'],
  NONE: ['active_going_down', 'Nothing has changed.'],
  ERRP: [
    'active_down',
    'Action not processed because of invalid parameters.<ul><li>The action is maybe unknown.</li><li>Invalid key parameter (empty or too long).</li><li>The backend name is probably unknown or ambiguous (duplicated names).</li><li>Some server names are probably unknown or ambiguous (duplicated names in the backend).</li></ul>',
  ],
  EXCD: ['active_down', "<b>Action not processed : the buffer couldn't store all the data.<br>You should retry with less servers at a time.</b>"],
  DENY: ['active_down', '<b>Action denied.</b>'],
};

/** the admin actions of the per-backend form: HAProxy's values and words, plus vigil's "weight" */
export const formActions: readonly (readonly [string, string])[] = [
  ['ready', 'Set state to READY'],
  ['drain', 'Set state to DRAIN'],
  ['maint', 'Set state to MAINT'],
  ['hdown', 'Health: force DOWN'],
  ['weight', 'Set weight (below)'],
];

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/** HAProxy's U2H: thousands set apart by letter spacing, not commas, so values stay copyable */
function big(value: FieldValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return escapeHtml(value);
  const digits = String(Math.trunc(value));
  if (digits.length <= 3) return digits;
  const head = digits.length % 3 || 3;
  let out = `<span class="rls">${digits.slice(0, head)}</span>`;
  for (let i = head; i < digits.length; i += 3) {
    const group = digits.slice(i, i + 3);
    out += i + 3 < digits.length ? `<span class="rls">${group}</span>` : group;
  }
  return out;
}

/** HAProxy's human_time: 17s, 5m3s, 2h10m, 3d4h */
export function humanTime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600)}h`;
}

const td = (content: string, cls = ''): string => `<td${cls === '' ? '' : ` class=${cls}`}>${content}</td>`;
const f = (row: StatsRow, name: string): FieldValue | undefined => row.fields[name];
const n = (row: StatsRow, name: string): number => {
  const v = row.fields[name];
  return typeof v === 'number' ? v : 0;
};
const orDash = (value: FieldValue | undefined): string => (value === undefined || value === 0 ? '-' : big(value));

function tip(content: string, tipText: string, legends: boolean): string {
  return legends ? `<u>${content}<div class=tips>${tipText}</div></u>` : content;
}

function headerRows(admin: boolean, name: string): string {
  const check = admin
    ? `<th rowspan=2 width=1><input type="checkbox" onclick="for (const c of document.getElementsByClassName('${escapeHtml(name)}-checkbox')) c.checked = this.checked"></th>`
    : '<th rowspan=2></th>';
  return (
    `<tr class="titre">${check}<th rowspan=2></th><th colspan=3>Queue</th><th colspan=3>Session rate</th><th colspan=6>Sessions</th>` +
    '<th colspan=2>Bytes</th><th colspan=2>Denied</th><th colspan=3>Errors</th><th colspan=2>Warnings</th><th colspan=9>Server</th></tr>\n' +
    '<tr class="titre"><th>Cur</th><th>Max</th><th>Limit</th><th>Cur</th><th>Max</th><th>Limit</th><th>Cur</th><th>Max</th><th>Limit</th>' +
    '<th>Total</th><th>LbTot</th><th>Last</th><th>In</th><th>Out</th><th>Req</th><th>Resp</th><th>Req</th><th>Conn</th><th>Resp</th>' +
    '<th>Retr</th><th>Redis</th><th>Status</th><th>LastChk</th><th>Wght</th><th>Act</th><th>Bck</th><th>Chk</th><th>Dwn</th><th>Dwntme</th><th>Thrtle</th></tr>\n'
  );
}

function httpTip(row: StatsRow): string {
  return (
    `<table class=det><tr><th>Cum. sessions:</th><td>${n(row, 'stot')}</td></tr><tr><th>Cum. HTTP requests:</th><td>${n(row, 'req_tot')}</td></tr>` +
    ['1xx', '2xx', '3xx', '4xx', '5xx'].map((c) => `<tr><th>- HTTP ${c} responses:</th><td>${n(row, `hrsp_${c}`)}</td></tr>`).join('') +
    `<tr><th>- other responses:</th><td>${n(row, 'hrsp_other')}</td></tr></table>`
  );
}

function frontendRow(proxy: ProxyStats, row: StatsRow, legends: boolean): string {
  const name = escapeHtml(proxy.name);
  return (
    `<tr class="frontend"><td></td><td class=ac><a name="${name}/Frontend"></a><a class=lfsb href="#${name}/Frontend">Frontend</a></td>` +
    '<td colspan=3></td>' +
    td(big(f(row, 'rate'))) + td(big(f(row, 'rate_max'))) + td(orDash(f(row, 'rate_lim'))) +
    td(big(f(row, 'scur'))) + td(big(f(row, 'smax'))) + td(orDash(f(row, 'slim'))) +
    td(proxy.mode === 'http' ? tip(big(f(row, 'stot')), httpTip(row), legends) : big(f(row, 'stot'))) + td('') + td('') +
    td(big(f(row, 'bin'))) + td(big(f(row, 'bout'))) +
    td(big(f(row, 'dreq'))) + td(big(f(row, 'dresp'))) +
    td(big(f(row, 'ereq'))) + td('') + td('') +
    td('') + td('') +
    td(escapeHtml(String(f(row, 'status') ?? '')), 'ac') + '<td class=ac colspan=8></td></tr>\n'
  );
}

function serverRow(proxy: ProxyStats, row: StatsRow, admin: boolean, legends: boolean): string {
  const server = row.server;
  const name = escapeHtml(row.name);
  const cls = server === undefined ? 'active_no_check' : server.look === 'maintain' ? 'maintain' : `${server.backup ? 'backup' : 'active'}_${server.look}`;
  const checkbox = admin ? `<input class='${escapeHtml(proxy.name)}-checkbox' type="checkbox" name="s" value="${name}">` : '';
  const link = `<a name="${escapeHtml(proxy.name)}/${name}"></a><a class=lfsb href="#${escapeHtml(proxy.name)}/${name}">${name}</a>`;
  const status = String(f(row, 'status') ?? '');
  const statusText = status === 'no check' ? 'no check' : `${humanTime(n(row, 'lastchg'))} ${escapeHtml(status)}`;
  const checkStatus = f(row, 'check_status');
  const lastChk =
    checkStatus === undefined
      ? ''
      : tip(` ${escapeHtml(String(checkStatus))}${f(row, 'check_code') === undefined ? '' : `/${f(row, 'check_code')}`} in ${n(row, 'check_duration')}ms`, escapeHtml(String(f(row, 'check_desc') ?? '')), true);
  const lastsess = n(row, 'lastsess');
  const checked = server?.checked === true;
  return (
    `<tr class="${cls}">${td(checkbox)}<td class=ac>${tip(link, `${escapeHtml(server?.address ?? '')}, id: ${row.serverId}`, legends)}</td>` +
    td(big(f(row, 'qcur'))) + td(big(f(row, 'qmax'))) + td(orDash(f(row, 'qlimit'))) +
    td(big(f(row, 'rate'))) + td(big(f(row, 'rate_max'))) + td('') +
    td(big(f(row, 'scur'))) + td(big(f(row, 'smax'))) + td(orDash(f(row, 'slim'))) +
    td(proxy.mode === 'http' ? tip(big(f(row, 'stot')), httpTip(row), legends) : big(f(row, 'stot'))) + td(big(f(row, 'lbtot'))) + td(lastsess < 0 ? '?' : humanTime(lastsess)) +
    td(big(f(row, 'bin'))) + td(big(f(row, 'bout'))) +
    td('') + td(big(f(row, 'dresp'))) +
    td('') + td(big(f(row, 'econ'))) + td(big(f(row, 'eresp'))) +
    td(big(f(row, 'wretr'))) + td(big(f(row, 'wredis'))) +
    td(statusText, 'ac') + td(lastChk, 'ac') +
    td(`${n(row, 'weight')}/${n(row, 'uweight')}`, 'ac') +
    td(server?.backup === true ? '-' : 'Y', 'ac') + td(server?.backup === true ? 'Y' : '-', 'ac') +
    (checked
      ? td(tip(big(f(row, 'chkfail')), 'Failed Health Checks', legends)) + td(big(f(row, 'chkdown'))) + td(humanTime(n(row, 'downtime')))
      : '<td colspan=3></td>') +
    td('-', 'ac') + '</tr>\n'
  );
}

function backendRow(proxy: ProxyStats, row: StatsRow, legends: boolean): string {
  const name = escapeHtml(proxy.name);
  const lastsess = n(row, 'lastsess');
  const down = f(row, 'status') !== 'UP';
  return (
    `<tr class="backend"><td></td><td class=ac>${tip(`<a name="${name}/Backend"></a><a class=lfsb href="#${name}/Backend">Backend</a>`, `balancing: ${escapeHtml(proxy.algorithm ?? '')}`, legends)}</td>` +
    td(big(f(row, 'qcur'))) + td(big(f(row, 'qmax'))) + td('') +
    td(big(f(row, 'rate'))) + td(big(f(row, 'rate_max'))) + td('') +
    td(big(f(row, 'scur'))) + td(big(f(row, 'smax'))) + td(orDash(f(row, 'slim'))) +
    td(proxy.mode === 'http' ? tip(big(f(row, 'stot')), httpTip(row), legends) : big(f(row, 'stot'))) + td(big(f(row, 'lbtot'))) + td(lastsess < 0 ? '?' : humanTime(lastsess)) +
    td(big(f(row, 'bin'))) + td(big(f(row, 'bout'))) +
    td(big(f(row, 'dreq'))) + td(big(f(row, 'dresp'))) +
    td('') + td(big(f(row, 'econ'))) + td(big(f(row, 'eresp'))) +
    td(big(f(row, 'wretr'))) + td(big(f(row, 'wredis'))) +
    td(`${humanTime(n(row, 'lastchg'))} ${escapeHtml(String(f(row, 'status') ?? ''))}`, 'ac') + td('&nbsp;', 'ac') +
    td(`${n(row, 'weight')}/${n(row, 'uweight')}`, 'ac') + td(String(n(row, 'act')), 'ac') + td(String(n(row, 'bck')), 'ac') +
    td('&nbsp;', 'ac') + td(big(f(row, 'chkdown'))) + td(down ? humanTime(n(row, 'downtime')) : '&nbsp;') + td('') + '</tr>\n'
  );
}

function proxyTable(proxy: ProxyStats, context: RenderContext): string {
  const legends = context.settings.showLegends === true;
  // the form is per backend: a proxy with servers when the request may act on them
  const admin = context.admin && proxy.backend !== undefined && proxy.servers.length > 0;
  const name = escapeHtml(proxy.name);
  let out = '';
  if (admin) out += `<form method="post" action="${escapeHtml(context.uri)}">`;
  out += `<table class="tbl" width="100%">\n<tr class="titre"><th class="pxname" width="10%"><a name="${name}"></a>${tip(`<a class=px href="#${name}">${name}</a>`, `cap: ${proxy.kind === 'listen' ? 'proxy' : proxy.kind}, mode: ${proxy.mode}, id: ${proxy.id}`, legends)}</th><th class="empty" width="90%"></th></tr>\n</table>\n`;
  out += `<table class="tbl" width="100%">\n${headerRows(admin, proxy.name)}`;
  if (proxy.frontend !== undefined) out += frontendRow(proxy, proxy.frontend, legends);
  for (const server of proxy.servers) {
    if (context.hideDown && server.server !== undefined && !server.server.up) continue;
    out += serverRow(proxy, server, admin, legends);
  }
  if (proxy.backend !== undefined) out += backendRow(proxy, proxy.backend, legends);
  out += '</table>';
  if (admin) {
    out +=
      'Choose the action to perform on the checked servers : <select name=action><option value=""></option>' +
      formActions.map(([value, words]) => `<option value="${value}">${words}</option>`).join('') +
      `</select> weight: <input type="text" name="weight" size="4" maxlength="5"><input type="hidden" name="b" value="${name}">&nbsp;<input type="submit" value="Apply"></form>`;
  }
  return `${out}<p>\n`;
}

function legend(): string {
  return (
    '<table class="lgd"><tr>\n' +
    '<td class="active_up">&nbsp;</td><td class="noborder">active UP </td><td class="backup_up">&nbsp;</td><td class="noborder">backup UP </td></tr><tr>\n' +
    '<td class="active_going_down"></td><td class="noborder">active UP, going down </td><td class="backup_going_down"></td><td class="noborder">backup UP, going down </td></tr><tr>\n' +
    '<td class="active_going_up"></td><td class="noborder">active DOWN, going up </td><td class="backup_going_up"></td><td class="noborder">backup DOWN, going up </td></tr><tr>\n' +
    '<td class="active_down"></td><td class="noborder">active or backup DOWN &nbsp;</td><td class="active_no_check"></td><td class="noborder">not checked </td></tr><tr>\n' +
    '<td class="maintain"></td><td class="noborder" colspan="3">active or backup DOWN for maintenance (MAINT) &nbsp;</td></tr><tr>\n' +
    '<td class="active_draining"></td><td class="noborder" colspan="3">active or backup SOFT STOPPED for maintenance &nbsp;</td></tr></table>\n' +
    'Note: "NOLB"/"DRAIN" = UP with load-balancing disabled.'
  );
}

function processBlock(snapshot: StatsSnapshot, context: RenderContext): string {
  const p = snapshot.process;
  const uri = escapeHtml(context.uri);
  const node = context.settings.showNode === undefined ? '' : `<b>node = </b> ${escapeHtml(context.settings.showNode === true ? p.node : context.settings.showNode)}<br>\n`;
  const desc = context.settings.showDesc === undefined ? '' : `<b>description = </b> ${escapeHtml(context.settings.showDesc === true ? (p.description ?? '') : context.settings.showDesc)}<br>\n`;
  return (
    '<h3>&gt; General process information</h3>\n' +
    '<table border=0><tr><td align="left" nowrap width="1%">\n' +
    `<p>${node}${desc}<b>pid = </b> ${p.pid} (process #1, nbproc = 1, nbthread = ${p.nbthread})<br>\n` +
    `<b>uptime = </b> ${uptime(p.uptimeSec)}<br>\n` +
    `<b>system limits:</b> memmax = unlimited; ulimit-n = ${p.ulimitN ?? 'unset'}<br>\n` +
    `<b>maxconn = </b> ${p.maxconn ?? 'unset'}<br>\n` +
    `current conns = ${p.currentConnections}; conn rate = ${p.sessionRate}/sec<br>\n` +
    '</td><td align="center" nowrap>\n' +
    legend() +
    '</td><td align="left" valign="top" nowrap width="1%"><b>Display option:</b><ul style="margin-top: 0.25em;">' +
    `<li><form method="GET" action="${uri}">Scope : <input value="${escapeHtml(context.scope ?? '')}" name="scope" size="8" maxlength="20" tabindex="1"/></form>\n` +
    (context.hideDown ? `<li><a href="${uri}">Show all servers</a><br>\n` : `<li><a href="${uri};up">Hide 'DOWN' servers</a><br>\n`) +
    (context.settings.refreshMs === undefined ? '' : context.refresh ? `<li><a href="${uri};norefresh">Disable refresh</a><br>\n` : `<li><a href="${uri}">Enable refresh</a><br>\n`) +
    `<li><a href="${uri}">Refresh now</a><br>\n` +
    `<li><a href="${uri};csv;norefresh">CSV export</a><br>\n` +
    `<li><a href="${uri};json;norefresh">JSON export</a><br>\n` +
    `<li><a href="${uri === '/' ? '' : uri}/metrics">Prometheus metrics</a><br>\n` +
    '</ul></td></tr></table>\n'
  );
}

/** HAProxy's uptime: `0d 0h00m21s` */
function uptime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${d}d ${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`;
}

const vrrpClass: Readonly<Record<VrrpInstanceStatus['state'], string>> = {
  MASTER: 'active_up',
  BACKUP: 'backup_up',
  FAULT: 'active_down',
  INIT: 'active_no_check',
  STOP: 'maintain',
};

function wallTime(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function vrrpSection(instances: readonly VrrpInstanceStatus[]): string {
  let out =
    '<h3>&gt; VRRP instances</h3>\n<table class="tbl" width="100%">\n<tr class="titre"><th>Instance</th><th>State</th><th>Interface</th><th>VRID</th>' +
    '<th>Priority</th><th>Effective</th><th>Virtual addresses</th><th>Master since</th><th>Last transition</th></tr>\n';
  for (const i of instances) {
    const t = i.lastTransition;
    out +=
      `<tr class="${vrrpClass[i.state]}">${td(escapeHtml(i.name), 'al')}${td(i.state, 'ac')}${td(escapeHtml(i.interface), 'ac')}${td(String(i.virtualRouterId))}` +
      `${td(String(i.priority))}${td(String(i.effectivePriority))}${td(i.virtualAddresses.map(escapeHtml).join('<br>'), 'al')}${td(wallTime(i.masterSince), 'ac')}` +
      `${td(t === undefined ? '-' : `${wallTime(t.at)}: ${t.from} &rarr; ${t.to}${t.reason === undefined ? '' : ` (${escapeHtml(t.reason)})`}`, 'al')}</tr>\n`;
  }
  return `${out}</table><p>\n`;
}

/** `TCP  192.0.2.15:80 rr`, as ipvsadm names a virtual server */
export function lvsServiceName(vs: LvsVirtualServerStatus): string {
  return vs.fwmark !== undefined ? `FWM  ${vs.fwmark}` : `${vs.protocol}  ${vs.address ?? ''}:${vs.port ?? 0}`;
}

function lvsSection(services: readonly LvsVirtualServerStatus[]): string {
  let out = '<h3>&gt; LVS virtual servers</h3>\n';
  for (const vs of services) {
    const flags = [...(vs.persistenceTimeoutSec === undefined ? [] : [`persistent ${vs.persistenceTimeoutSec}`]), ...vs.flags].join(' ');
    out +=
      `<table class="tbl" width="100%">\n<tr class="titre"><th class="pxname" width="10%">${escapeHtml(lvsServiceName(vs))} ${escapeHtml(vs.scheduler)}${flags === '' ? '' : ` ${escapeHtml(flags)}`}</th><th class="empty" width="90%"></th></tr>\n</table>\n` +
      '<table class="tbl" width="100%">\n<tr class="titre"><th>Real server</th><th>Forward</th><th>Weight</th><th>ActiveConn</th><th>InActConn</th><th>Status</th></tr>\n';
    for (const rs of vs.realServers) {
      const cls = rs.up === false ? 'active_down' : rs.weight === 0 ? 'active_draining' : rs.up === true ? 'active_up' : 'active_no_check';
      out += `<tr class="${cls}">${td(`${escapeHtml(rs.address)}:${rs.port}`, 'al')}${td(rs.forward, 'ac')}${td(String(rs.weight))}${td(big(rs.activeConnections))}${td(big(rs.inactiveConnections))}${td(rs.up === undefined ? 'no check' : rs.up ? 'UP' : 'DOWN', 'ac')}</tr>\n`;
    }
    out += '</table><p>\n';
  }
  return out;
}

export function renderHtml(snapshot: StatsSnapshot, context: RenderContext): string {
  const p = snapshot.process;
  const title = `Statistics Report for pid ${p.pid}`;
  const version = context.settings.hideVersion === true ? '' : ` version ${escapeHtml(p.version)}`;
  let body = `<h1>${escapeHtml(p.name)}${version}</h1>\n<h2>${title}</h2>\n<hr width="100%" class="hr">\n`;
  body += processBlock(snapshot, context);
  const message = context.actionStatus === undefined ? undefined : (actionMessages[context.actionStatus] ?? ['active_no_check', 'Unexpected result.']);
  if (message !== undefined) {
    body += `<p><div class=${message[0]}><a class=lfsb href="${escapeHtml(context.uri)}" title="Remove this message">[X]</a> ${message[1]}</div>\n`;
  }
  for (const proxy of visibleProxies(snapshot, context)) body += proxyTable(proxy, context);
  if (snapshot.vrrp !== undefined) body += vrrpSection(snapshot.vrrp);
  if (snapshot.lvs !== undefined) body += lvsSection(snapshot.lvs);
  return (
    '<!DOCTYPE html>\n<html><head><title>' + title + '</title>\n<link rel="icon" href="data:,">\n' +
    '<meta http-equiv="content-type" content="text/html; charset=utf-8">\n' +
    `<style type="text/css">\n${style}\n</style></head>\n<body>${body}</body></html>\n`
  );
}

export const htmlFormat: StatsFormat = {
  name: 'html',
  contentType: 'text/html; charset=utf-8',
  render: renderHtml,
};
