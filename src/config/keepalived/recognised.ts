// Keywords vigil knows keepalived accepts but does not read yet. Listing them keeps a valid
// keepalived.conf from failing as "unknown keyword"; the engine warns "Not supported yet" instead.
import type { Keyword } from '../keywords.ts';

export function recognised<C>(summary: string, names: readonly string[]): Keyword<C>[] {
  return names.map((name) => ({ name, status: 'unsupported', summary }));
}
