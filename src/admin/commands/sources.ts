// `show vrrp` and `show lvs`: the VRRP instances and LVS virtual servers of the subsystems that
// registered a status source. `show lvs` answers in `ipvsadm -Ln`'s layout (what `vigil lvs -Ln`
// prints); `show vrrp` in HAProxy's style: a `# field ...` header, then one line per instance,
// `-` for an empty field.
import type { CliCommand } from '../cli.ts';
import { renderIpvsadm } from '../ipvsadm-format.ts';
import type { VrrpInstanceStatus } from '../sources.ts';

const vrrpHeader = '# name state interface vrid priority effective_priority virtual_addresses master_since last_transition_at last_transition reason';

const iso = (ms: number | undefined): string => (ms === undefined ? '-' : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z'));

export function vrrpLines(instances: readonly VrrpInstanceStatus[]): string {
  let out = `${vrrpHeader}\n`;
  for (const i of instances) {
    const t = i.lastTransition;
    out +=
      [
        i.name, i.state, i.interface, i.virtualRouterId, i.priority, i.effectivePriority,
        i.virtualAddresses.length === 0 ? '-' : i.virtualAddresses.join(','),
        iso(i.masterSince), iso(t?.at), t === undefined ? '-' : `${t.from}>${t.to}`, t?.reason ?? '-',
      ].join(' ') + '\n';
  }
  return out;
}

export const sourceCommands: readonly CliCommand[] = [
  {
    words: ['show', 'vrrp'],
    usage: 'show vrrp',
    help: 'report the VRRP instances: state, priority, virtual addresses',
    run: (_args, session) => vrrpLines(session.context.sources.snapshot('vrrp') ?? []),
  },
  {
    words: ['show', 'lvs'],
    usage: 'show lvs',
    help: "report the LVS virtual servers in ipvsadm -Ln's layout",
    run: (_args, session) => renderIpvsadm(session.context.sources.snapshot('lvs') ?? []),
  },
];
