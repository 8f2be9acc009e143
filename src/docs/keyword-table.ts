// docs/keywords.md, generated from the keyword tables themselves so it cannot drift from what the
// parser knows. `npm run docs` rewrites it; a test fails when the committed file is stale.
import { describeTable, type KeywordDoc, type KeywordStatus } from '../config/keywords.ts';
import { describeHaproxyOptions, haproxyFormat } from '../config/haproxy/format.ts';
import { keepalivedFormat } from '../config/keepalived/format.ts';

const statusText: Readonly<Record<KeywordStatus, string>> = {
  supported: 'supported',
  parsed: 'parsed, not active yet',
  unsupported: 'not supported yet (warning)',
};

export function keywordDocs(): KeywordDoc[] {
  const rows: KeywordDoc[] = [];
  for (const table of haproxyFormat.tables) rows.push(...describeTable('haproxy', table));
  rows.push(...describeHaproxyOptions());
  for (const table of keepalivedFormat.tables) rows.push(...describeTable('keepalived', table));
  return rows;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function renderKeywordMarkdown(rows: readonly KeywordDoc[] = keywordDocs()): string {
  const count = (format: string, status: KeywordStatus): number => rows.filter((r) => r.format === format && r.status === status).length;
  const lines = [
    '# Configuration keywords',
    '',
    'Every keyword of `haproxy.cfg` and `keepalived.conf` that vigil knows, with what it does with it.',
    'Generated from the keyword tables by `npm run docs`; a test fails when this file is stale.',
    '',
    '- **supported**: vigil acts on it.',
    '- **parsed, not active yet**: read and checked (bad values are errors), kept in the model, but not acted on',
    '  by this version; `vigil check --verbose` lists where a config uses one.',
    '- **not supported yet (warning)**: recognised, so it is not a typo, but neither checked nor run; `vigil check`',
    '  warns with its location.',
    '',
    'A keyword in no row is unknown: `vigil check` reports it as an error, with the nearest known spelling.',
    '',
    '| format | supported | parsed, not active yet | not supported yet |',
    '|---|---|---|---|',
    ...['haproxy', 'keepalived'].map((f) => `| ${f} | ${count(f, 'supported')} | ${count(f, 'parsed')} | ${count(f, 'unsupported')} |`),
    '',
    '| format | section | keyword | aliases | status | what it is |',
    '|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const summary = row.note === undefined ? row.summary : `${row.summary} (${row.note})`;
    lines.push(
      `| ${row.format} | ${cell(row.section)} | \`${cell(row.name)}\` | ${row.aliases.map((a) => `\`${cell(a)}\``).join(', ')} | ${statusText[row.status]} | ${cell(summary)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
