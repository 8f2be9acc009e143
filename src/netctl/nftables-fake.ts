// An NftablesPort for tests: records every transaction's script and every list call, answers
// lists from a handler the test provides, and can be told to fail the next calls.
import { NetctlError, NetctlErrorCode } from './errors.ts';
import { fail, ok, type HostResult } from './result.ts';
import type { NftObject, NftablesPort } from './nftables.ts';

export class FakeNftablesPort implements NftablesPort {
  /** Scripts of the transactions that succeeded, oldest first */
  readonly transactions: string[] = [];
  readonly lists: (readonly string[])[] = [];
  /** Answers `list` calls; by default nothing is installed */
  onList: (args: readonly string[]) => NftObject[] = () => [];
  readonly #failures: NetctlError[] = [];

  /** Makes the next call (of either kind) fail with `error`; queue several for several calls */
  failNext(error: NetctlError = new NetctlError(NetctlErrorCode.command, 'Injected failure')): void {
    this.#failures.push(error);
  }

  get lastTransaction(): string | undefined {
    return this.transactions.at(-1);
  }

  transaction(script: string): Promise<HostResult<void>> {
    const error = this.#failures.shift();
    if (error !== undefined) return Promise.resolve(fail(error));
    this.transactions.push(script);
    return Promise.resolve(ok());
  }

  list(args: readonly string[]): Promise<HostResult<NftObject[]>> {
    this.lists.push(args);
    const error = this.#failures.shift();
    if (error !== undefined) return Promise.resolve(fail(error));
    return Promise.resolve(ok(this.onList(args)));
  }
}
