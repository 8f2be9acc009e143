// track_file NAME { file PATH; weight N [reverse]; init_file [VALUE] [overwrite] }: a file holding a
// number that instances (track_file) and real servers (FILE_CHECK) follow.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import { KeywordTable, type KeywordLine } from '../keywords.ts';
import type { SourceLocation } from '../token.ts';
import { weightArgs, type LoadState } from './args.ts';
import type { TrackFile } from './model.ts';

export interface TrackFileContext {
  readonly state: LoadState;
  readonly trackFile: TrackFile;
  /** keepalived creates the file itself when init_file is given, so it need not exist yet */
  createsFile: boolean;
  /** where the path was written, for the machine check */
  fileAt?: SourceLocation;
}

export const trackFileTable = new KeywordTable<TrackFileContext>({ section: 'keepalived track_file' }, [
  {
    name: 'file',
    status: 'supported',
    summary: 'path of the file to follow',
    args: { min: 1, max: 1 },
    handle: (ctx, line) => {
      const path = line.args[0];
      if (path === undefined) return;
      ctx.trackFile.file = path.text;
      ctx.fileAt = { file: path.file, line: path.line, column: path.column };
    },
  },
  {
    name: 'weight',
    status: 'supported',
    summary: 'multiplier of the value read; reverse flips its sign',
    args: { min: 1, max: 2 },
    handle: ({ trackFile }, line, diag) => {
      const weight = weightArgs(line.args, line, diag, { min: -2147483647, max: 2147483647 });
      if (weight?.weight === undefined) return;
      trackFile.weight = weight.weight;
      trackFile.weightReverse = weight.reverse;
    },
  },
  {
    name: 'init_file',
    status: 'parsed',
    note: 'vigil does not create the file yet',
    summary: 'create the file with VALUE (default 0) at startup; overwrite replaces an existing one',
    args: { max: 2 },
    handle: (ctx) => {
      ctx.createsFile = true;
    },
  },
]);

export function enterTrackFile(state: LoadState, line: KeywordLine, diag: Diagnostics): TrackFileContext | undefined {
  const name = line.args[0];
  if (name === undefined) return undefined;
  if (state.config.trackFiles.some((existing) => existing.name === name.text)) {
    diag.error(name, line.fullName, `track_file "${name.text}" is defined twice`, { code: DiagnosticCode.reference });
    return undefined;
  }
  const trackFile: TrackFile = { name: name.text, at: { file: name.file, line: name.line, column: name.column } };
  state.config.trackFiles.push(trackFile);
  return { state, trackFile, createsFile: false };
}

export function leaveTrackFile(state: LoadState, ctx: TrackFileContext, line: KeywordLine, diag: Diagnostics): void {
  const { trackFile } = ctx;
  if (trackFile.file === undefined) {
    diag.error(line.keyword, line.fullName, `track_file "${trackFile.name}" has no "file" line`, { code: DiagnosticCode.structure });
    return;
  }
  if (!ctx.createsFile) state.requirements.need('file', trackFile.file, ctx.fileAt ?? trackFile.at, 'file');
}
