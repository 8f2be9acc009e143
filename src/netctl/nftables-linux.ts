// NftablesPort over the nft binary: `nft -f -` with the script on stdin, `nft -j list ...`,
// spawned asynchronously with a time bound (never spawnSync: VRRP adverts must keep flowing) and
// one at a time, so two transactions never interleave.
import { commandFailure, runCommand } from './command.ts';
import { NetctlError, NetctlErrorCode } from './errors.ts';
import { inNamespace, type NamespaceOption } from './netns.ts';
import { fail, ok, type HostResult } from './result.ts';
import { SerialQueue } from './serial-queue.ts';
import type { NftObject, NftablesPort } from './nftables.ts';

export interface LinuxNftablesPortOptions extends NamespaceOption {
  /** Per nft call. Default 10000 ms: a big ruleset with thousands of map slots takes a while */
  readonly timeoutMs?: number;
  /** The nft program. Default "nft" (from PATH) */
  readonly nft?: string;
}

export class LinuxNftablesPort implements NftablesPort {
  readonly #netns: string | undefined;
  readonly #timeoutMs: number;
  readonly #nft: string;
  readonly #queue = new SerialQueue();

  constructor(options: LinuxNftablesPortOptions = {}) {
    this.#netns = options.netns;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#nft = options.nft ?? 'nft';
  }

  transaction(script: string): Promise<HostResult<void>> {
    const argv = inNamespace(this.#netns, [this.#nft, '-f', '-']);
    return this.#queue.run('nft', async () => {
      try {
        const result = await runCommand(argv, { timeoutMs: this.#timeoutMs, input: script });
        if (result.code === 0 && !result.timedOut) return ok();
        return fail(commandFailure('apply the nftables ruleset', result));
      } catch (error) {
        return fail(asNetctlError(error));
      }
    });
  }

  list(args: readonly string[]): Promise<HostResult<NftObject[]>> {
    const argv = inNamespace(this.#netns, [this.#nft, '-j', 'list', ...args]);
    return this.#queue.run('nft', async () => {
      try {
        const result = await runCommand(argv, { timeoutMs: this.#timeoutMs });
        if (result.code !== 0 || result.timedOut) return fail(commandFailure(`list nftables ${args.join(' ')}`, result));
        return ok(parseNftJson(result.stdout));
      } catch (error) {
        return fail(asNetctlError(error));
      }
    });
  }
}

/** The objects of an `nft -j` answer, without the metainfo entry. Exported for tests */
export function parseNftJson(text: string): NftObject[] {
  if (text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new NetctlError(NetctlErrorCode.command, `Cannot parse the JSON of nft: ${(error as Error).message}`, { cause: error });
  }
  const list = (parsed as { nftables?: unknown }).nftables;
  if (!Array.isArray(list)) throw new NetctlError(NetctlErrorCode.command, 'Cannot parse the JSON of nft: no "nftables" array');
  return (list as NftObject[]).filter((object) => typeof object === 'object' && object !== null && !('metainfo' in object));
}

function asNetctlError(error: unknown): NetctlError {
  return error instanceof NetctlError ? error : new NetctlError(NetctlErrorCode.command, String(error), { cause: error });
}
