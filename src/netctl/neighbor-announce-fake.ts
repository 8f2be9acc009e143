// A NeighborAnnouncePort for tests: records every burst requested.
import { NetctlError } from './errors.ts';
import { fail, ok, type HostResult } from './result.ts';
import { DEFAULT_ANNOUNCE_COUNT, type AnnounceOutcome, type AnnounceSpec, type NeighborAnnouncePort } from './neighbor-announce.ts';

export class FakeNeighborAnnouncePort implements NeighborAnnouncePort {
  readonly calls: AnnounceSpec[] = [];
  readonly #failures: NetctlError[] = [];

  failNext(error: NetctlError): void {
    this.#failures.push(error);
  }

  /** Bursts requested for `address`. */
  burstsFor(address: string): AnnounceSpec[] {
    return this.calls.filter((call) => call.address === address);
  }

  announce(spec: AnnounceSpec): Promise<HostResult<AnnounceOutcome>> {
    this.calls.push(spec);
    const error = this.#failures.shift();
    if (error !== undefined) return Promise.resolve(fail(error));
    return Promise.resolve(ok({ sent: spec.count ?? DEFAULT_ANNOUNCE_COUNT }));
  }
}
