import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Diagnostics } from './diagnostics.ts';
import { block, describeTable, KeywordTable, markSupported, type ConfigNode } from './keywords.ts';
import type { Token } from './token.ts';

const tok = (text: string, line = 1, column = 1): Token => ({ text, line, column, file: 't.conf', quoted: false });

interface Ctx {
  mode?: string;
  inner: string[];
}

const inner = new KeywordTable<string[]>({ section: 'test inner' }, [
  { name: 'item', status: 'supported', summary: 'an item', args: { min: 1, max: 1 }, handle: (list, line) => void list.push(line.args[0]?.text ?? '') },
]);
const timeout = new KeywordTable<Ctx>({ section: 'test' }, [
  { name: 'client', status: 'parsed', summary: 'client timeout', args: { min: 1, max: 1 } },
]);
const root = new KeywordTable<Ctx>({ section: 'test root' }, [
  { name: 'mode', aliases: ['kind'], status: 'supported', summary: 'the mode', args: { min: 1, max: 1 }, handle: (ctx, line) => void (ctx.mode = line.args[0]?.text ?? '') },
  { name: 'timeout', status: 'supported', summary: 'timeouts', sub: timeout },
  { name: 'legacy', status: 'unsupported', summary: 'old thing' },
  { name: 'list', status: 'supported', summary: 'a block', block: block(inner, (ctx: Ctx) => ctx.inner) },
]);

test('dispatches by name and alias', () => {
  const ctx: Ctx = { inner: [] };
  const diag = new Diagnostics();
  root.dispatch(ctx, { keyword: tok('kind'), args: [tok('http', 1, 6)], fullName: 'kind' }, diag);
  assert.equal(ctx.mode, 'http');
  assert.equal(diag.items.length, 0);
});

test('an unknown keyword is an error with a suggestion and its location', () => {
  const diag = new Diagnostics();
  root.dispatch({ inner: [] }, { keyword: tok('mdoe', 3, 5), args: [], fullName: 'mdoe' }, diag);
  const [d] = diag.items;
  assert.equal(d?.severity, 'error');
  assert.equal(d?.code, 'VIGIL_CFG_UNKNOWN_KEYWORD');
  assert.deepEqual([d?.at.line, d?.at.column], [3, 5]);
  assert.equal(d?.hint, "did you mean 'mode'?");
});

test('arity errors point at the first extra argument', () => {
  const diag = new Diagnostics();
  root.dispatch({ inner: [] }, { keyword: tok('mode'), args: [tok('a', 1, 6), tok('b', 1, 8)], fullName: 'mode' }, diag);
  assert.equal(diag.items[0]?.code, 'VIGIL_CFG_ARITY');
  assert.equal(diag.items[0]?.at.column, 8);
});

test('unsupported keywords warn; parsed keywords leave a note; sub-tables join names', () => {
  const diag = new Diagnostics();
  root.dispatch({ inner: [] }, { keyword: tok('legacy'), args: [], fullName: 'legacy' }, diag);
  root.dispatch({ inner: [] }, { keyword: tok('timeout'), args: [tok('client'), tok('5s')], fullName: 'timeout' }, diag);
  assert.deepEqual(
    diag.items.map((d) => [d.severity, d.keyword]),
    [['warning', 'legacy'], ['note', 'timeout client']],
  );
});

test('blocks dispatch their children into the child context', () => {
  const ctx: Ctx = { inner: [] };
  const diag = new Diagnostics();
  const children: ConfigNode[] = [{ keyword: tok('item'), args: [tok('x')] }, { keyword: tok('itme', 4, 2), args: [] }];
  root.dispatchAll(ctx, [{ keyword: tok('list'), args: [], children }], diag);
  assert.deepEqual(ctx.inner, ['x']);
  assert.equal(diag.items[0]?.hint, "did you mean 'item'?");
  const missing = new Diagnostics();
  root.dispatchAll(ctx, [{ keyword: tok('list'), args: [] }], missing);
  assert.equal(missing.items[0]?.code, 'VIGIL_CFG_STRUCTURE');
});

test('describeTable lists every keyword with its full name', () => {
  const rows = describeTable('test', root as KeywordTable<never>);
  assert.deepEqual(rows.map((r) => r.name), ['mode', 'timeout client', 'legacy', 'list', 'item']);
});

test('markSupported flips the named entries, with their note, and refuses a name in no entry', () => {
  const entries = [
    { name: 'a', status: 'parsed', summary: 'a' },
    { name: 'b', status: 'parsed', summary: 'b' },
    { name: 'c', status: 'unsupported', summary: 'c' },
  ] as const;
  const marked = markSupported(entries, { a: true, b: 'only half of it' });
  assert.deepEqual(
    marked.map((e) => [e.name, e.status, 'note' in e ? e.note : undefined]),
    [['a', 'supported', undefined], ['b', 'supported', 'only half of it'], ['c', 'unsupported', undefined]],
  );
  assert.throws(() => markSupported(entries, { d: true }), /no entry "d"/);
});
