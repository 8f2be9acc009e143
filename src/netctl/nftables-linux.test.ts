import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NetctlErrorCode } from './errors.ts';
import { vigilTables } from './nftables.ts';
import { parseNftJson } from './nftables-linux.ts';

test('nft JSON: the metainfo entry is dropped and vigil tables are told from others', () => {
  const objects = parseNftJson(
    '{"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}}, {"table": {"family": "ip", "name": "vigil_lvs", "handle": 1}}, {"table": {"family": "inet", "name": "filter", "handle": 2}}]}',
  );
  assert.equal(objects.length, 2);
  assert.deepEqual(vigilTables(objects), [{ family: 'ip', name: 'vigil_lvs' }]);
  assert.deepEqual(parseNftJson(''), []);
});

test('nft JSON that does not parse is a command error naming nft', () => {
  assert.throws(() => parseNftJson('not json'), (error: { code?: string; message?: string }) => error.code === NetctlErrorCode.command && /JSON of nft/.test(error.message ?? ''));
});
