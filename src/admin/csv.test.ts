import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Counter } from '../proxy/counters.ts';
import { csvHeader, renderCsv } from './csv.ts';
import { statFields } from './fields.ts';
import { adminFixture, refused, seedLikeConfig } from './testing.ts';

/** the header line real haproxy 2.6.12 printed (the fixture says how it was captured) */
const capturedHeader = readFileSync(new URL('../../test/admin/fixtures/haproxy-2.6-csv-header.txt', import.meta.url), 'utf8')
  .split('\n')
  .find((line) => line.startsWith('# pxname'));

/** splits one CSV line the way HAProxy writes it (quoted fields may hold commas) */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (out.push(field), (field = ''));
    else field += c;
  }
  out.push(field);
  return out;
}

test("the CSV header is HAProxy 2.6's, byte for byte", () => {
  assert.ok(capturedHeader !== undefined);
  assert.equal(csvHeader, capturedHeader);
});

test('every CSV line has as many fields as the header, rows in HAProxy order', async () => {
  const f = adminFixture(seedLikeConfig);
  await f.advance(5000);
  const lines = renderCsv(f.context.snapshot()).trimEnd().split('\n');
  const width = splitCsv(lines[0] as string).length;
  assert.equal(width, statFields.length + 1, 'trailing comma like HAProxy');
  for (const line of lines) assert.equal(splitCsv(line).length, width, line);
  assert.deepEqual(
    lines.slice(1).map((l) => splitCsv(l).slice(0, 2).join('/')),
    ['websrv/FRONTEND', 'websrv/web1', 'websrv/web2', 'websrv/spare', 'websrv/BACKEND', 'stats/FRONTEND', 'stats/BACKEND'],
  );
});

test('server rows carry status, weights, check results and addresses', async () => {
  const f = adminFixture(seedLikeConfig);
  f.answer('websrv/web2', refused);
  await f.advance(15_000);
  f.count('s:websrv/web1', Counter.sessionsTotal, 3);
  const rows = renderCsv(f.context.snapshot()).trimEnd().split('\n').map(splitCsv);
  const header = (rows[0] as string[]).map((h) => h.replace(/^# /, ''));
  const get = (svname: string, field: string): string => (rows.find((r) => r[1] === svname) as string[])[header.indexOf(field)] as string;
  assert.equal(get('web1', 'status'), 'UP');
  assert.equal(get('web1', 'check_status'), 'L4OK');
  assert.equal(get('web1', 'addr'), '127.0.0.1:8081');
  assert.equal(get('web1', 'stot'), '3');
  assert.equal(get('web2', 'status'), 'DOWN');
  assert.equal(get('web2', 'check_status'), 'L4CON');
  assert.equal(get('web2', 'last_chk'), 'Connection refused');
  assert.equal(get('web2', 'check_desc'), 'Layer4 connection problem');
  assert.equal(get('spare', 'status'), 'no check');
  assert.equal(get('spare', 'bck'), '1');
  assert.equal(get('BACKEND', 'act'), '1');
  assert.equal(get('BACKEND', 'status'), 'UP');
  assert.equal(get('BACKEND', 'algo'), 'roundrobin');
  assert.equal(get('FRONTEND', 'status'), 'OPEN');
  assert.equal(get('FRONTEND', 'slim'), '2000');
  assert.equal(get('FRONTEND', '-'), '-');
});
