// The stats outputs by name: a request's `;csv`, `;json` or `/metrics` picks one, HTML otherwise.
import { csvFormat } from './csv.ts';
import type { StatsFormat } from './format.ts';
import { htmlFormat } from './html.ts';
import { jsonFormat } from './json.ts';
import { prometheusFormat } from './prometheus.ts';

export const statsFormats: ReadonlyMap<string, StatsFormat> = new Map([htmlFormat, csvFormat, jsonFormat, prometheusFormat].map((format) => [format.name, format] as const));

export function statsFormat(name: string): StatsFormat | undefined {
  return statsFormats.get(name);
}
