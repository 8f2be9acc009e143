#!/usr/bin/env node
// vigil's command line: `vigil <command> ...`, plus the habits of the tools it replaces:
// `vigil -c -f haproxy.cfg` (haproxy's check mode) and `vigil -t -f keepalived.conf`
// (keepalived's config test) both mean `vigil check`, and `vigil -f FILE` means `vigil run`.
import { ExitCode, type CliIo, type Command } from './command.ts';

/**
 * Each command's module is loaded only when it runs: `vigil run` pulls in every subsystem,
 * which `vigil check` or `vigil ctl` do not need, and start-up time counts (a VRRP node that
 * restarts is back in the election sooner).
 */
interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

const commands: readonly CommandEntry[] = [
  { name: 'run', summary: 'Run configurations in the foreground (the built-in demo without -f)', load: async () => (await import('./run.ts')).createRunCommand() },
  { name: 'check', summary: 'Validate configuration files and report every problem at once', load: async () => (await import('./check.ts')).createCheckCommand() },
  { name: 'ctl', summary: 'Send a command to a running vigil\'s runtime API', load: async () => (await import('./ctl.ts')).createCtlCommand() },
  { name: 'lvs', summary: 'Show L4 virtual servers as ipvsadm -Ln does', load: async () => (await import('./lvs.ts')).createLvsCommand() },
];

const habits: Readonly<Record<string, string>> = { '-c': 'check', '--check': 'check', '-t': 'check', '--config-test': 'check' };

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first.startsWith('-')) {
    if (first === '-h' || first === '--help') return help(io);
    if (first === '-v' || first === '--version') return version(io);
    const habit = first === undefined ? undefined : habits[first];
    if (habit !== undefined) return dispatch(habit, rest, io);
    return dispatch('run', argv, io);
  }
  if (first === 'help') return help(io);
  if (first === 'version') return version(io);
  return dispatch(first, rest, io);
}

async function dispatch(name: string, args: readonly string[], io: CliIo): Promise<number> {
  const entry = commands.find((c) => c.name === name);
  if (entry === undefined) {
    io.err(`vigil: unknown command "${name}"; commands: ${commands.map((c) => c.name).join(', ')}`);
    return ExitCode.usage;
  }
  const command = await entry.load();
  if (args.includes('-h') || args.includes('--help')) {
    io.out(`${command.summary}\n\nusage: ${command.usage}`);
    return ExitCode.ok;
  }
  return command.run(args, io);
}

function help(io: CliIo): number {
  io.out('usage: vigil <command> [options]\n');
  for (const c of commands) io.out(`  ${c.name.padEnd(8)} ${c.summary}`);
  io.out('\nAlso: vigil -c -f haproxy.cfg and vigil -t -f keepalived.conf check a config; vigil -f FILE runs it.');
  io.out('vigil <command> --help shows a command\'s options.');
  return ExitCode.ok;
}

async function version(io: CliIo): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  io.out(`vigil ${pkg.version} (node ${process.version})`);
  return ExitCode.ok;
}

if (import.meta.main) {
  const io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l), env: process.env };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`vigil: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = ExitCode.failed;
    },
  );
}
