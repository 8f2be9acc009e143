// Summarises a V8 .cpuprofile (what `node --cpu-prof` writes, one file per thread): self time
// and total time per function, over the samples' time deltas. Run on its own:
//   node bench/e2e/cpuprofile.ts FILE.cpuprofile [top]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface FunctionTime {
  readonly name: string;
  readonly where: string;
  /** milliseconds spent in the function itself */
  self: number;
  /** milliseconds with the function anywhere on the stack (counted once per sample) */
  total: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** samples outside JavaScript: the thread waiting in epoll */
  readonly idleMs: number;
  readonly functions: FunctionTime[];
}

function keyOf(frame: CallFrame, root: string): { key: string; name: string; where: string } {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  let file = frame.url.replace(/^file:\/\//, '');
  if (file.startsWith(root)) file = relative(root, file);
  const where = file === '' ? '' : `${file}:${frame.lineNumber + 1}`;
  return { key: `${name}@${where}`, name, where };
}

export function summariseProfile(profile: CpuProfile, root = process.cwd()): ProfileSummary {
  const nodes = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    nodes.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const selfByNode = new Map<number, number>();
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    const delta = profile.timeDeltas[i] ?? 0;
    totalUs += delta;
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + delta);
  }
  const functions = new Map<string, FunctionTime>();
  let idleUs = 0;
  for (const [id, us] of selfByNode) {
    const node = nodes.get(id);
    if (node === undefined) continue;
    if (node.callFrame.functionName === '(idle)') idleUs += us;
    // self time goes to the sampled function; total time to every distinct function on its stack
    const seen = new Set<string>();
    let current: number | undefined = id;
    let first = true;
    while (current !== undefined) {
      const frame = nodes.get(current)?.callFrame;
      if (frame === undefined) break;
      const { key, name, where } = keyOf(frame, root);
      let entry = functions.get(key);
      if (entry === undefined) {
        entry = { name, where, self: 0, total: 0 };
        functions.set(key, entry);
      }
      if (first) entry.self += us / 1000;
      if (!seen.has(key)) {
        entry.total += us / 1000;
        seen.add(key);
      }
      first = false;
      current = parent.get(current);
    }
  }
  return { totalMs: totalUs / 1000, idleMs: idleUs / 1000, functions: [...functions.values()] };
}

export function renderProfile(summary: ProfileSummary, top = 25): string {
  const busy = summary.totalMs - summary.idleMs;
  const pct = (v: number): string => `${((100 * v) / Math.max(busy, 1)).toFixed(1)}%`;
  const lines = [
    `sampled ${summary.totalMs.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms, busy ${busy.toFixed(0)} ms (percentages of busy)`,
    '',
    '| self | total | function | where |',
    '|---:|---:|---|---|',
  ];
  const skip = new Set(['(idle)', '(root)', '(program)']);
  const bySelf = summary.functions.filter((f) => !skip.has(f.name)).sort((a, b) => b.self - a.self);
  for (const f of bySelf.slice(0, top)) lines.push(`| ${pct(f.self)} | ${pct(f.total)} | ${f.name} | ${f.where} |`);
  const program = summary.functions.find((f) => f.name === '(program)');
  const gc = summary.functions.find((f) => f.name === '(garbage collector)');
  lines.push('', `(program) ${pct(program?.self ?? 0)}, (garbage collector) ${pct(gc?.self ?? 0)}`);
  return lines.join('\n');
}

export function summariseFile(path: string, top = 25, root = process.cwd()): string {
  return renderProfile(summariseProfile(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile, root), top);
}

if (import.meta.main) {
  const [file, top] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: node bench/e2e/cpuprofile.ts FILE.cpuprofile [top]');
    process.exit(2);
  }
  console.log(summariseFile(file, top === undefined ? 25 : Number(top)));
}
