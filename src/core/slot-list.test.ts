import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SlotList } from './slot-list.ts';

interface Item {
  slot: number;
  name: string;
}

const item = (name: string): Item => ({ slot: -1, name });
const names = (list: SlotList<Item>): string[] => list.toArray().map((i) => i.name).sort();

test('add, remove and has keep the list and the slots consistent', () => {
  const list = new SlotList<Item>();
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(item) as [Item, Item, Item, Item];
  for (const i of [a, b, c, d]) list.add(i);
  list.add(b); // twice: still once
  assert.equal(list.size, 4);
  list.remove(b); // the last (d) takes b's slot
  assert.equal(d.slot, 1);
  assert.equal(b.slot, -1);
  assert.equal(list.has(b), false);
  assert.deepEqual(names(list), ['a', 'c', 'd']);
  list.remove(b); // not in it: nothing happens
  list.remove(d);
  list.remove(a);
  assert.deepEqual(names(list), ['c']);
  assert.equal(c.slot, 0);
  list.remove(c);
  assert.equal(list.size, 0);
  list.add(a);
  assert.equal(a.slot, 0);
});

test('an item of another list with the same slot number is not removed by mistake', () => {
  const one = new SlotList<Item>();
  const two = new SlotList<Item>();
  const a = item('a');
  const b = item('b');
  one.add(a);
  two.add(b);
  one.remove(b);
  assert.equal(one.size, 1);
  assert.equal(two.has(b), true);
});

test('a walk visits every item while the visitor removes and adds', () => {
  const list = new SlotList<Item>();
  const items = Array.from({ length: 50 }, (_, i) => item(`i${i}`));
  for (const i of items) list.add(i);
  const seen = new Set<string>();
  let added = 0;
  list.forEachBackward((i) => {
    seen.add(i.name);
    const n = Number(i.name.slice(1));
    if (n % 3 === 0) list.remove(i); // itself
    if (n % 7 === 0) {
      // and a visited one, which moves the last item (visited) into its slot
      const other = items[49];
      if (other !== undefined) list.remove(other);
    }
    if (n % 10 === 0 && added < 3) {
      added++;
      list.add(item(`new${added}`));
    }
  });
  for (const i of items) assert.ok(seen.has(i.name) || i.name === 'i49', `${i.name} visited`);
  assert.ok(![...seen].some((name) => name.startsWith('new')), 'items added during the walk wait for the next');
  for (const i of items) assert.equal(list.has(i), Number(i.name.slice(1)) % 3 !== 0 && i.name !== 'i49', i.name);
  assert.equal(list.size, list.toArray().length);
  list.toArray().forEach((i, at) => assert.equal(i.slot, at));
});
