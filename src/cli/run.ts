// `vigil run -f FILE...`: load, validate, then run in the foreground until SIGTERM/SIGINT.
// Without -f it runs the built-in demo (two web servers of its own behind a balancer).
import { parseArgs } from 'node:util';
import { formatDiagnostic, sortDiagnostics } from '../config/diagnostics.ts';
import type { FormatName } from '../config/format.ts';
import { LinuxHostFacts, verifyRequirements } from '../config/host-facts.ts';
import { loadConfigs } from '../config/load.ts';
import { demoConfigPath, startDemoBackends } from '../daemon/demo/backends.ts';
import { dropPrivileges } from '../daemon/privileges.ts';
import { subsystemsFor } from '../daemon/registry.ts';
import type { RunningSubsystem } from '../daemon/subsystem.ts';
import { ExitCode, type CliIo, type Command } from './command.ts';

export function createRunCommand(): Command {
  return {
    name: 'run',
    summary: 'Run configurations in the foreground (the built-in demo without -f)',
    usage: [
      'vigil run [-f FILE ...] [--format haproxy|keepalived] [-i CONFIG_ID] [--workers N] [--socket PATH] [--l4 kernel|userspace]',
      '  -f FILE      a haproxy.cfg or keepalived.conf (several may be given); none: the built-in demo',
      '  --workers N  data-path worker threads (default: the config\'s nbthread, else 1)',
      '  --socket P   runtime API socket when no haproxy.cfg declares one (default /run/vigil/admin.sock)',
      '  --l4 PATH    L4 virtual servers on the kernel (nftables) or in userspace (default: kernel when root)',
    ].join('\n'),
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
        workers: { type: 'string' },
        socket: { type: 'string' },
        l4: { type: 'string' },
      },
      allowPositionals: false,
    });
  } catch (error) {
    io.err(`vigil run: ${(error as Error).message}`);
    return ExitCode.usage;
  }
  const { values } = parsed;
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 64)) {
    io.err(`vigil run: --workers takes a whole number from 1 to 64, not "${values.workers}"`);
    return ExitCode.usage;
  }
  const l4Path = values.l4;
  if (l4Path !== undefined && l4Path !== 'kernel' && l4Path !== 'userspace' && l4Path !== 'auto') {
    io.err(`vigil run: --l4 takes kernel, userspace or auto, not "${l4Path}"`);
    return ExitCode.usage;
  }
  const demo = values.file === undefined || values.file.length === 0;
  const files = demo ? [demoConfigPath] : (values.file ?? []);
  const configId = values['config-id'];
  const format = values.format as FormatName | undefined;
  const config = loadConfigs(files, {
    env: io.env,
    ...(format === undefined ? {} : { format }),
    ...(configId === undefined ? {} : { configId }),
  });
  verifyRequirements(config.requirements.items, new LinuxHostFacts(), config.diagnostics);
  for (const d of sortDiagnostics(config.diagnostics.items)) {
    // notes about keywords vigil does not act on yet stay quiet here, as in `vigil check`
    if (d.severity === 'note' && d.code === 'VIGIL_CFG_NOT_ACTIVE') continue;
    io.err(formatDiagnostic(d));
  }
  if (config.diagnostics.hasErrors()) {
    io.err('vigil run: configuration has errors; not starting');
    return ExitCode.failed;
  }
  const wanted = subsystemsFor({
    ...(workers === undefined ? {} : { workers }),
    ...(values.socket === undefined ? {} : { socket: values.socket }),
    ...(l4Path === undefined ? {} : { l4Path }),
  }).filter((s) => s.wants(config));
  if (wanted.length === 0) {
    io.err('vigil run: nothing in this configuration can run in this version of vigil yet');
    return ExitCode.failed;
  }
  const running: RunningSubsystem[] = [];
  try {
    if (demo) running.push(await startDemoBackends(io.err));
    for (const subsystem of wanted) running.push(await subsystem.start(config, io.err));
  } catch (error) {
    io.err(`vigil run: cannot start: ${(error as Error).message}`);
    for (const r of running.reverse()) await r.stop();
    return ExitCode.failed;
  }
  const global = config.haproxy?.model.global;
  if (global !== undefined) dropPrivileges(global, config.keepalived !== undefined, io.err);
  if (demo) io.err(`[NOTICE]   (${process.pid}) : demo running: curl http://127.0.0.1:8080/ (Ctrl-C stops it)`);
  // SIGHUP re-reads the same files, like `systemctl reload` for keepalived and haproxy; a config
  // with errors is refused and the running one stays
  const reload = (): void => {
    io.err(`[NOTICE]   (${process.pid}) : reloading ${files.join(', ')}`);
    const next = loadConfigs(files, {
      env: io.env,
      ...(format === undefined ? {} : { format }),
      ...(configId === undefined ? {} : { configId }),
    });
    if (next.diagnostics.hasErrors()) {
      for (const d of sortDiagnostics(next.diagnostics.items)) if (d.severity === 'error') io.err(formatDiagnostic(d));
      io.err(`[ALERT]    (${process.pid}) : reload refused: the configuration has errors; still running the previous one`);
      return;
    }
    for (const r of running) {
      if (r.reload !== undefined) void r.reload(next, io.err);
    }
    if (next.haproxy !== undefined && config.haproxy !== undefined && JSON.stringify(next.haproxy.model) !== JSON.stringify(config.haproxy.model)) {
      io.err(`[WARNING]  (${process.pid}) : haproxy.cfg changes need a restart of vigil in this version; the proxy keeps the configuration it started with`);
    }
  };
  process.on('SIGHUP', reload);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  process.off('SIGHUP', reload);
  // in start order: VRRP first, so its priority-0 advert hands the VIP over while the rest stops
  for (const r of running) await r.stop();
  return ExitCode.ok;
}
