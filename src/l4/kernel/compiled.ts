// What the compiler reports next to the ruleset: where each real server's counters and flow sets
// live, so the runtime can read them back (counters.ts) without knowing the naming scheme.
import type { LvsMethod, LvsScheduler } from '../../config/keepalived/model.ts';
import type { KernelProtocol, KernelVirtualServer } from './model.ts';
import type { NftFamily, Ruleset } from './ruleset.ts';

export interface CompiledRealServer {
  readonly id: string;
  readonly address: string;
  readonly port?: number;
  readonly weight: number;
  readonly family: NftFamily;
  readonly table: string;
  /** counts new flows sent to the server */
  readonly connectionsCounter: string;
  /** client → server packets */
  readonly inCounter: string;
  /** server → client packets (NAT only: in DR replies bypass the director) */
  readonly outCounter?: string;
  /** DR: the set of the server's live flows, and of those that have seen FIN or RST */
  readonly flowSet?: string;
  readonly closingSet?: string;
}

export interface CompiledVirtualServer {
  readonly label: string;
  readonly method: LvsMethod;
  /** as configured; `approximation` says what the kernel runs when it differs */
  readonly scheduler: LvsScheduler;
  readonly approximation?: string;
  readonly protocol: KernelProtocol;
  readonly source: KernelVirtualServer;
  readonly realServers: readonly CompiledRealServer[];
}

export interface Compilation {
  readonly ruleset: Ruleset;
  readonly virtualServers: readonly CompiledVirtualServer[];
  /** things a user must hear about: approximated schedulers, skipped servers, unsupported modes */
  readonly warnings: readonly string[];
}
