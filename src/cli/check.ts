// `vigil check`: every diagnostic of every file at once; exit 0 when the config can run.
import { parseArgs } from 'node:util';
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from '../config/diagnostics.ts';
import type { FormatName } from '../config/format.ts';
import { LinuxHostFacts, verifyRequirements, type HostFacts } from '../config/host-facts.ts';
import { loadConfigs } from '../config/load.ts';
import { ExitCode, type CliIo, type Command } from './command.ts';

const formats: readonly FormatName[] = ['haproxy', 'keepalived'];

export function createCheckCommand(host: HostFacts = new LinuxHostFacts()): Command {
  return {
    name: 'check',
    summary: 'Validate configuration files and report every problem at once',
    usage: [
      'vigil check -f FILE [-f FILE ...] [--syntax] [--format haproxy|keepalived] [-i CONFIG_ID] [--verbose] [--json]',
      '  --syntax     check the language only (no look at this host\'s files, users, interfaces)',
      '  --format     read every file as this format instead of detecting it',
      '  -i ID        keepalived config id for @ID conditional lines (default: short host name)',
      '  --verbose    also list the keywords that are understood but not active yet',
      '  --json       print the diagnostics as JSON',
    ].join('\n'),
    run: (args, io) => runCheck(args, io, host),
  };
}

async function runCheck(args: readonly string[], io: CliIo, host: HostFacts): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        file: { type: 'string', short: 'f', multiple: true },
        syntax: { type: 'boolean', default: false },
        format: { type: 'string' },
        'config-id': { type: 'string', short: 'i' },
        verbose: { type: 'boolean', short: 'v', default: false },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
    });
  } catch (error) {
    io.err(`vigil check: ${(error as Error).message}`);
    return ExitCode.usage;
  }
  const { values, positionals } = parsed;
  const files = [...(values.file ?? []), ...positionals];
  if (files.length === 0) {
    io.err('vigil check: no configuration file given (use -f FILE)');
    return ExitCode.usage;
  }
  const format = values.format;
  if (format !== undefined && !formats.includes(format as FormatName)) {
    io.err(`vigil check: unknown format "${format}", expected haproxy or keepalived`);
    return ExitCode.usage;
  }
  const loaded = loadConfigs(files, {
    env: io.env,
    ...(format === undefined ? {} : { format: format as FormatName }),
    ...(values['config-id'] === undefined ? {} : { configId: values['config-id'] }),
  });
  if (!values.syntax) verifyRequirements(loaded.requirements.items, host, loaded.diagnostics);

  const all = sortDiagnostics(loaded.diagnostics.items);
  if (values.json) {
    io.out(JSON.stringify({ valid: !loaded.diagnostics.hasErrors(), diagnostics: all }, null, 2));
    return loaded.diagnostics.hasErrors() ? ExitCode.failed : ExitCode.ok;
  }
  report(all, values.verbose, io);
  return loaded.diagnostics.hasErrors() ? ExitCode.failed : ExitCode.ok;
}

function report(all: readonly Diagnostic[], verbose: boolean, io: CliIo): void {
  const notes = all.filter((d) => d.severity === 'note' && d.code === 'VIGIL_CFG_NOT_ACTIVE');
  for (const d of all) {
    if (!verbose && notes.includes(d)) continue;
    (d.severity === 'error' ? io.err : io.out)(formatDiagnostic(d));
  }
  const count = (severity: Diagnostic['severity'], domain?: Diagnostic['domain']): number =>
    all.filter((d) => d.severity === severity && (domain === undefined || d.domain === domain)).length;
  const errors = count('error');
  const parts = [
    `${errors} error${errors === 1 ? '' : 's'}`,
    `${count('warning')} warning${count('warning') === 1 ? '' : 's'}`,
  ];
  if (count('error', 'machine') > 0) parts.push(`${count('error', 'machine')} of the errors about this host`);
  io.out(`${errors === 0 ? 'Configuration is valid' : 'Configuration is invalid'}: ${parts.join(', ')}`);
  if (!verbose && notes.length > 0) {
    const names = [...new Set(notes.map((n) => n.keyword))];
    io.out(`note: ${names.length} keyword${names.length === 1 ? ' is' : 's are'} understood but not active in this version yet (--verbose lists where)`);
  }
}
