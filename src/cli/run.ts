// `vigil run -f FILE...`: load, validate, then run in the foreground until SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { formatDiagnostic, sortDiagnostics } from '../config/diagnostics.ts';
import type { FormatName } from '../config/format.ts';
import { LinuxHostFacts, verifyRequirements } from '../config/host-facts.ts';
import { loadConfigs } from '../config/load.ts';
import { subsystems, type RunningSubsystem } from '../daemon/subsystem.ts';
import { ExitCode, type CliIo, type Command } from './command.ts';

export function createRunCommand(): Command {
  return {
    name: 'run',
    summary: 'Run the configuration in the foreground',
    usage: 'vigil run -f FILE [-f FILE ...] [--format haproxy|keepalived] [-i CONFIG_ID]',
    run: runDaemon,
  };
}

async function runDaemon(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        file: { type: 'string', short: 'f', multiple: true },
        format: { type: 'string' },
        'config-id': { type: 'string', short: 'i' },
      },
      allowPositionals: false,
    });
  } catch (error) {
    io.err(`vigil run: ${(error as Error).message}`);
    return ExitCode.usage;
  }
  const files = parsed.values.file ?? [];
  if (files.length === 0) {
    io.err('vigil run: no configuration file given (use -f FILE)');
    return ExitCode.usage;
  }
  const configId = parsed.values['config-id'];
  const format = parsed.values.format as FormatName | undefined;
  const config = loadConfigs(files, {
    env: io.env,
    ...(format === undefined ? {} : { format }),
    ...(configId === undefined ? {} : { configId }),
  });
  verifyRequirements(config.requirements.items, new LinuxHostFacts(), config.diagnostics);
  for (const d of sortDiagnostics(config.diagnostics.items)) {
    // a running daemon ignores what is not active yet, so say so as a warning, once per use
    (d.severity === 'error' ? io.err : io.out)(formatDiagnostic(d));
  }
  if (config.diagnostics.hasErrors()) {
    io.err('vigil run: configuration has errors; not starting');
    return ExitCode.failed;
  }
  const wanted = subsystems.filter((s) => s.wants(config));
  if (wanted.length === 0) {
    io.err('vigil run: nothing in this configuration can run in this version of vigil yet');
    return ExitCode.failed;
  }
  const running: RunningSubsystem[] = [];
  for (const subsystem of wanted) running.push(await subsystem.start(config, io.out));
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  for (const r of running.reverse()) await r.stop();
  return ExitCode.ok;
}
