// A part of vigil that runs from the loaded configuration (the proxy, VRRP, L4 virtual servers).
// The daemon starts every subsystem that claims a part of the config, in registry order.
import type { LoadedConfig } from '../config/load.ts';

export interface RunningSubsystem {
  /** stops cleanly (SIGTERM): VRRP sends priority 0, the proxy closes listeners */
  stop(): Promise<void>;
  /** SIGHUP: applies a new configuration, keeping the state of what did not change */
  reload?(config: LoadedConfig, log: (line: string) => void): Promise<void>;
}

export interface Subsystem {
  readonly name: string;
  /** true when the config has something for this subsystem to run */
  wants(config: LoadedConfig): boolean;
  start(config: LoadedConfig, log: (line: string) => void): Promise<RunningSubsystem>;
}

export interface DaemonOptions {
  /** data-path worker threads (`--workers`), overriding the config's nbthread */
  readonly workers?: number;
  /** `--socket PATH`: the runtime API socket of a vigil that runs no proxy */
  readonly socket?: string;
  /** `--l4 kernel|userspace`: the L4 data path (default: kernel when root with nftables) */
  readonly l4Path?: 'auto' | 'kernel' | 'userspace';
}
