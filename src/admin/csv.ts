// HAProxy's CSV statistics (`;csv` on the stats page, `show stat` on the runtime API): a header
// line `# pxname,svname,...` in HAProxy 2.6's field order, then one line per FRONTEND, server and
// BACKEND row. Every line ends with a comma and has the same number of fields; the ones vigil has
// no data for are empty, as HAProxy leaves fields empty that do not apply to an object.
import { statFields } from './fields.ts';
import { visibleProxies, type RenderContext, type StatsFormat } from './format.ts';
import { allRows, type FieldValue, type StatsRow, type StatsSnapshot } from './model.ts';

export const csvHeader = `# ${statFields.join(',')},`;

/** HAProxy's csv_enc: a value with a comma, quote or line break is quoted, quotes doubled */
function encode(value: FieldValue | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(row: StatsRow): string {
  let line = '';
  for (const field of statFields) line += `${encode(row.fields[field])},`;
  return line;
}

/** Filters of `show stat <iid> <type> <sid>`: -1 means any; type is a bit mask (1 FE, 2 BE, 4 SV) */
export interface RowFilter {
  readonly proxyId: number;
  readonly types: number;
  readonly serverId: number;
}

const typeBit = { frontend: 1, backend: 2, server: 4 } as const;

export function rowMatches(row: StatsRow, filter: RowFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (filter.proxyId !== -1 && row.proxyId !== filter.proxyId) return false;
  if ((filter.types & typeBit[row.kind]) === 0) return false;
  return filter.serverId === -1 || row.kind !== 'server' || row.serverId === filter.serverId;
}

/** hides DOWN servers (`;up`, `show stat up`) */
export function rowVisible(row: StatsRow, hideDown: boolean): boolean {
  return !hideDown || row.server === undefined || row.server.up;
}

export function renderCsv(snapshot: StatsSnapshot, rows: Iterable<StatsRow> = allRows(snapshot)): string {
  let out = `${csvHeader}\n`;
  for (const row of rows) out += `${csvLine(row)}\n`;
  return out;
}

export const csvFormat: StatsFormat = {
  name: 'csv',
  contentType: 'text/plain',
  render(snapshot: StatsSnapshot, context: RenderContext): string {
    const proxies = visibleProxies(snapshot, context);
    const rows = allRows({ ...snapshot, proxies });
    return renderCsv(snapshot, [...rows].filter((row) => rowVisible(row, context.hideDown)));
  },
};
