// The runtime API's commands, one group per file.
import { CommandRegistry } from '../cli.ts';
import { infoCommands } from './info.ts';
import { serverCommands } from './server.ts';
import { sessionCommands } from './session.ts';
import { sourceCommands } from './sources.ts';
import { statCommands } from './stat.ts';

export function createCommandRegistry(): CommandRegistry {
  const registry = new CommandRegistry();
  return registry.add(...infoCommands, ...statCommands, ...serverCommands, ...sourceCommands, ...sessionCommands(registry));
}
