// `vigil ctl <command...> [-s SOCKET] [-f CONFIG]`: one runtime API command, as
// `echo "<command>" | socat stdio <socket>` would send it, and its answer printed.
//
// The socket: -s PATH (or host:port); else the first `stats socket` of the haproxy.cfg given with
// -f; else /run/vigil/admin.sock. Exit status 1 when the socket cannot be reached or the answer is
// a refusal ("Permission denied", "Unknown command", "No such server." ...).
import { describeTarget, defaultAdminSocket, firstStatsSocket, isFailure, parseSocketTarget, sendCommand, type SocketTarget } from '../admin/client.ts';
import { loadConfigs } from '../config/load.ts';
import { ExitCode, type CliIo, type Command } from './command.ts';

export interface SocketArgs {
  readonly target: SocketTarget;
  readonly words: readonly string[];
}

/** -s/--socket and -f/--config anywhere; every other word belongs to the command (`-1` too) */
export function parseSocketArgs(args: readonly string[], io: CliIo, name: string): SocketArgs | string {
  const words: string[] = [];
  let socket: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-s' || arg === '--socket' || arg === '-f' || arg === '--config') {
      const value = args[++i];
      if (value === undefined) return `vigil ${name}: ${arg} needs a value`;
      if (arg === '-s' || arg === '--socket') socket = value;
      else files.push(value);
    } else {
      words.push(arg);
    }
  }
  if (socket !== undefined) return { target: parseSocketTarget(socket), words };
  if (files.length > 0) {
    const loaded = loadConfigs(files, { env: io.env });
    const found = firstStatsSocket(loaded.haproxy?.model);
    if (found === undefined) return `vigil ${name}: no "stats socket" vigil can use in ${files.join(', ')}`;
    return { target: found, words };
  }
  return { target: { path: defaultAdminSocket }, words };
}

export function createCtlCommand(): Command {
  return {
    name: 'ctl',
    summary: 'Send one command to the runtime API (stats socket) and print the answer',
    usage: [
      'vigil ctl <command...> [-s SOCKET] [-f CONFIG]',
      '  -s SOCKET   unix socket path, or host:port for a TCP stats socket',
      `  -f CONFIG   use the first "stats socket" of this haproxy.cfg (default socket: ${defaultAdminSocket})`,
      '  examples: vigil ctl show info; vigil ctl set server web/app1 state maint; vigil ctl help',
    ].join('\n'),
    run: async (args, io) => {
      const parsed = parseSocketArgs(args, io, 'ctl');
      if (typeof parsed === 'string') {
        io.err(parsed);
        return ExitCode.usage;
      }
      if (parsed.words.length === 0) {
        io.err('vigil ctl: no command given (try: vigil ctl help)');
        return ExitCode.usage;
      }
      let answer: string;
      try {
        answer = await sendCommand(parsed.target, parsed.words.join(' '));
      } catch (error) {
        io.err(`vigil ctl: cannot reach the runtime API at "${describeTarget(parsed.target)}": ${(error as Error).message}`);
        return ExitCode.failed;
      }
      // the protocol's empty line after the answer is not part of it
      const text = answer.endsWith('\n\n') ? answer.slice(0, -2) : answer.replace(/\n$/, '');
      if (text !== '') io.out(text);
      return isFailure(answer) ? ExitCode.failed : ExitCode.ok;
    },
  };
}
