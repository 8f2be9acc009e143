// A ConntrackPort for tests: answers with the entries the test sets.
import { ok, type HostResult } from './result.ts';
import type { ConntrackEntry, ConntrackPort } from './conntrack.ts';

export class FakeConntrackPort implements ConntrackPort {
  entries: ConntrackEntry[] = [];

  list(): Promise<HostResult<ConntrackEntry[]>> {
    return Promise.resolve(ok([...this.entries]));
  }
}
