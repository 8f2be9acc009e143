// The subsystems `vigil run` can start, in start order. Each claims its part of the config.
import { createProxySubsystem } from './proxy-subsystem.ts';
import type { DaemonOptions, Subsystem } from './subsystem.ts';

export function subsystemsFor(options: DaemonOptions): Subsystem[] {
  return [createProxySubsystem(options.workers === undefined ? {} : { workers: options.workers })];
}
