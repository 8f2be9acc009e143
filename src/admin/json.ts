// HAProxy's JSON statistics (`;json` on the stats page, `show stat json` on the runtime API) and
// the `typed` form: one entry per non-empty field, carrying its position, HAProxy's tags (origin,
// nature, scope) and value type, so tools written for HAProxy's output read vigil's.
import { fieldPosition, fieldType, statFields, tagNames, type ObjectType } from './fields.ts';
import { visibleProxies, type RenderContext, type StatsFormat } from './format.ts';
import { allRows, type StatsRow, type StatsSnapshot } from './model.ts';

const objectNames: Readonly<Record<ObjectType, string>> = { frontend: 'Frontend', backend: 'Backend', server: 'Server' };
const objectLetters: Readonly<Record<ObjectType, string>> = { frontend: 'F', backend: 'B', server: 'S' };

function spell(names: Readonly<Record<string, string>>, letter: string): string {
  return names[letter] ?? letter;
}

export interface JsonField {
  readonly objType: string;
  readonly proxyId: number;
  readonly id: number;
  readonly field: { readonly pos: number; readonly name: string };
  readonly processNum: number;
  readonly tags: { readonly origin: string; readonly nature: string; readonly scope: string };
  readonly value: { readonly type: string; readonly value: string | number };
}

export function jsonRow(row: StatsRow): JsonField[] {
  const out: JsonField[] = [];
  for (const name of statFields) {
    const value = row.fields[name];
    if (value === undefined || name === '-') continue;
    const { tags, type } = fieldType(name, row.kind, value);
    const [origin = 'M', nature = 'G', scope = 'P'] = tags;
    out.push({
      objType: objectNames[row.kind],
      proxyId: row.proxyId,
      id: row.serverId,
      field: { pos: fieldPosition.get(name) ?? 0, name },
      processNum: 1,
      tags: {
        origin: spell(tagNames.origin, origin),
        nature: spell(tagNames.nature, nature),
        scope: spell(tagNames.scope, scope),
      },
      value: { type, value },
    });
  }
  return out;
}

export function renderJson(rows: Iterable<StatsRow>): string {
  return `${JSON.stringify([...rows].map(jsonRow))}\n`;
}

/** `show stat typed`: `F.2.0.4.scur.1:MGP:u32:0`, one line per non-empty field */
export function renderTyped(rows: Iterable<StatsRow>): string {
  let out = '';
  for (const row of rows) {
    for (const name of statFields) {
      const value = row.fields[name];
      if (value === undefined || name === '-') continue;
      const { tags, type } = fieldType(name, row.kind, value);
      out += `${objectLetters[row.kind]}.${row.proxyId}.${row.serverId}.${fieldPosition.get(name) ?? 0}.${name}.1:${tags}:${type}:${value}\n`;
    }
  }
  return out;
}

export const jsonFormat: StatsFormat = {
  name: 'json',
  contentType: 'application/json',
  render(snapshot: StatsSnapshot, context: RenderContext): string {
    const rows = [...allRows({ ...snapshot, proxies: visibleProxies(snapshot, context) })];
    return renderJson(rows.filter((row) => !context.hideDown || row.server === undefined || row.server.up));
  },
};
