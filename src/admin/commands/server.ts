// Commands that read or change one server: `get weight`, `set server <b>/<s> state|weight|health`,
// and the older `enable server`, `disable server`, `set weight`. Changing commands need level
// admin, as in HAProxy; answers and errors are HAProxy's words.
import type { AdminState } from '../../check/server-state.ts';
import type { CliCommand } from '../cli.ts';
import { findBackend, parseWeight, type AdminContext } from '../context.ts';

type Resolved = { id: string; context: AdminContext } | { error: string };

/** `backend/server` to the engine's id, or HAProxy's error text */
function resolve(context: AdminContext, arg: string | undefined): Resolved {
  const slash = arg?.indexOf('/') ?? -1;
  if (arg === undefined || slash <= 0) return { error: "Require 'backend/server'.\n" };
  const backend = findBackend(context, arg.slice(0, slash));
  if (backend === undefined) return { error: 'No such backend.\n' };
  const id = `${backend.name}/${arg.slice(slash + 1)}`;
  if (context.servers.get(id) === undefined) return { error: 'No such server.\n' };
  return { id, context };
}

function setWeight(r: { id: string; context: AdminContext }, text: string | undefined): string {
  const snapshot = r.context.servers.get(r.id);
  const weight = parseWeight(text ?? '', snapshot?.configuredWeight ?? 1);
  if (typeof weight === 'string') return `${weight}\n`;
  r.context.servers.setWeight(r.id, weight);
  return '';
}

const states: ReadonlySet<string> = new Set<AdminState>(['ready', 'drain', 'maint']);

export const serverCommands: readonly CliCommand[] = [
  {
    words: ['get', 'weight'],
    usage: 'get weight <bk>/<srv>',
    help: "report a server's current weight",
    run: (args, session) => {
      const r = resolve(session.context, args[0]);
      if ('error' in r) return r.error;
      const s = r.context.servers.get(r.id);
      return `${s?.weight ?? 0} (initial ${s?.configuredWeight ?? 0})\n`;
    },
  },
  {
    words: ['set', 'server'],
    usage: 'set server <bk>/<srv> [opts]',
    help: "change a server's state or weight",
    level: 'admin',
    run: (args, session) => {
      const r = resolve(session.context, args[0]);
      if ('error' in r) return r.error;
      const [, what, value] = args;
      if (what === 'state') {
        if (value === undefined || !states.has(value)) return "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n";
        r.context.servers.setAdmin(r.id, value as AdminState);
        return '';
      }
      if (what === 'weight') return setWeight(r, value);
      if (what === 'health' && value === 'down') {
        r.context.servers.markDown(r.id, { ok: false, status: 'L4CON', info: 'forced down from the runtime API', durationMs: 0 });
        return '';
      }
      return 'usage: set server <backend>/<server> state | weight | health down\n';
    },
  },
  {
    words: ['set', 'weight'],
    usage: 'set weight <bk>/<srv>  (DEPRECATED)',
    help: "change a server's weight (use 'set server' instead)",
    level: 'admin',
    run: (args, session) => {
      const r = resolve(session.context, args[0]);
      return 'error' in r ? r.error : setWeight(r, args[1]);
    },
  },
  {
    words: ['disable', 'server'],
    usage: 'disable server (DEPRECATED)',
    help: "disable a server for maintenance (use 'set server' instead)",
    level: 'admin',
    run: (args, session) => {
      const r = resolve(session.context, args[0]);
      if ('error' in r) return r.error;
      r.context.servers.setAdmin(r.id, 'maint');
      return '';
    },
  },
  {
    words: ['enable', 'server'],
    usage: 'enable server  (DEPRECATED)',
    help: "enable a disabled server (use 'set server' instead)",
    level: 'admin',
    run: (args, session) => {
      const r = resolve(session.context, args[0]);
      if ('error' in r) return r.error;
      r.context.servers.setAdmin(r.id, 'ready');
      return '';
    },
  },
];
