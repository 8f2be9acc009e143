// The stats page's admin form (`stats admin if <cond>`): the checked servers of one backend, an
// action, posted back to the stats URI with HAProxy's field names (`s=<server>&s=...&action=
// maint&b=<backend>`). The outcome is one of HAProxy's codes, shown after the 303 redirect as
// `;st=DONE` ...
import type { AdminState } from '../check/server-state.ts';
import { findBackend, parseWeight, type AdminContext } from './context.ts';

export type ActionStatus = 'DONE' | 'PART' | 'NONE' | 'ERRP' | 'DENY';

type ServerAction = (context: AdminContext, id: string, form: URLSearchParams) => boolean;

const setAdmin =
  (admin: AdminState): ServerAction =>
  (context, id) => {
    context.servers.setAdmin(id, admin);
    return true;
  };

/** the form's actions by HAProxy's value; `weight` (with a `weight` field) is vigil's addition */
const actions: ReadonlyMap<string, ServerAction> = new Map<string, ServerAction>([
  ['ready', setAdmin('ready')],
  ['drain', setAdmin('drain')],
  ['maint', setAdmin('maint')],
  [
    'hdown',
    (context, id) => {
      // like HAProxy's "Health: force DOWN": down now, the checks bring it back
      context.servers.markDown(id, { ok: false, status: 'L4CON', info: 'forced down from the stats page', durationMs: 0 });
      return true;
    },
  ],
  [
    'weight',
    (context, id, form) => {
      const snapshot = context.servers.get(id);
      const weight = parseWeight(form.get('weight')?.trim() ?? '', snapshot?.configuredWeight ?? 1);
      if (typeof weight === 'string') return false;
      context.servers.setWeight(id, weight);
      return true;
    },
  ],
]);

export function applyFormAction(context: AdminContext, body: string): ActionStatus {
  const form = new URLSearchParams(body);
  const actionName = form.get('action') ?? '';
  const backendName = form.get('b') ?? '';
  const names = form.getAll('s');
  if (actionName === '' && names.length === 0) return 'NONE';
  const action = actions.get(actionName);
  const backend = findBackend(context, backendName);
  if (action === undefined || backend === undefined) return 'ERRP';
  if (names.length === 0) return 'NONE';
  let done = 0;
  for (const name of names) {
    const id = `${backend.name}/${name}`;
    if (context.servers.get(id) === undefined) continue;
    if (action(context, id, form)) done++;
  }
  if (done === 0) return 'ERRP';
  return done === names.length ? 'DONE' : 'PART';
}
