// npm run docs: rewrites docs/keywords.md from the keyword tables
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderKeywordMarkdown } from '../src/docs/keyword-table.ts';

const target = fileURLToPath(new URL('../docs/keywords.md', import.meta.url));
writeFileSync(target, renderKeywordMarkdown());
console.log(`wrote ${target}`);
