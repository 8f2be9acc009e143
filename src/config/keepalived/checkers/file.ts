// FILE_CHECK { }: the server's state or weight follows a number in a track_file.
import { KeywordTable } from '../../keywords.ts';
import { flagArg, weightArgs } from '../args.ts';
import type { FileCheck } from '../model.ts';
import { checkerKeyword, type CheckerContext } from './common.ts';

type Context = CheckerContext<FileCheck>;

const table = new KeywordTable<Context>({ section: 'keepalived FILE_CHECK' }, [
  {
    name: 'track_file',
    aliases: ['file'],
    status: 'parsed',
    summary: 'name of the track_file block to follow',
    args: { min: 1, max: 1 },
    handle: ({ checker }, line) => {
      const name = line.args[0];
      if (name === undefined) return;
      checker.trackFile = name.text;
      checker.trackFileAt = { file: name.file, line: name.line, column: name.column };
    },
  },
  {
    name: 'dynamic',
    status: 'parsed',
    summary: 'the value read changes the weight',
    args: { max: 1 },
    handle: ({ checker }, line, diag) => {
      const value = flagArg(line, diag);
      if (value !== undefined) checker.dynamic = value;
    },
  },
  {
    name: 'weight',
    status: 'parsed',
    summary: 'multiplier of the value read; reverse flips its sign',
    args: { min: 1, max: 2 },
    handle: ({ checker }, line, diag) => {
      const weight = weightArgs(line.args, line, diag, { min: -2147483647, max: 2147483647 });
      if (weight?.weight === undefined) return;
      checker.weight = weight.weight;
      checker.weightReverse = weight.reverse;
    },
  },
]);

export const fileCheckKeyword = checkerKeyword('FILE_CHECK', 'follow the value in a track_file', table, (at): FileCheck => ({ type: 'FILE_CHECK', at }));
