// The entries of track_interface, track_script and track_file lists: a name, then optionally
// `weight N [reverse|noreverse]`.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import type { KeywordLine } from '../keywords.ts';
import type { IntegerRange } from '../values.ts';
import { listItems, weightArgs, type LoadState } from './args.ts';
import type { TrackedInterface, TrackedName } from './model.ts';

/** keepalived limits tracking weights so a priority stays within 1..254 */
export const trackWeightRange: IntegerRange = { min: -253, max: 253 };
export const trackFileWeightRange: IntegerRange = { min: -254, max: 254 };

export function trackedNames(line: KeywordLine, diag: Diagnostics, range: IntegerRange): TrackedName[] {
  const tracked: TrackedName[] = [];
  for (const item of listItems(line, diag)) {
    const [word, ...rest] = item.args;
    const at = { file: item.keyword.file, line: item.keyword.line, column: item.keyword.column };
    if (word === undefined) {
      tracked.push({ name: item.keyword.text, reverse: false, at });
      continue;
    }
    if (word.text !== 'weight') {
      diag.error(word, line.fullName, `Expected "weight" after "${item.keyword.text}", got "${word.text}"`, { code: DiagnosticCode.badValue });
      continue;
    }
    const weight = weightArgs(rest, { ...item, keyword: word }, diag, range);
    if (weight?.weight === undefined) continue;
    tracked.push({ name: item.keyword.text, weight: weight.weight, reverse: weight.reverse, at });
  }
  return tracked;
}

/** track_interface: the interfaces must exist on the host, so each becomes a requirement */
export function trackedInterfaces(line: KeywordLine, diag: Diagnostics, state: LoadState): TrackedInterface[] {
  const interfaces = trackedNames(line, diag, trackWeightRange);
  for (const tracked of interfaces) state.requirements.need('interface', tracked.name, tracked.at, line.fullName);
  return interfaces;
}
