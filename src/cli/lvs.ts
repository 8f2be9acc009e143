// `vigil lvs -Ln`: the L4 virtual servers as `ipvsadm -Ln` prints them, asked of the running
// vigil's runtime API (`show lvs`), so operators keep their habit. Takes -s/-f like `vigil ctl`.
import { describeTarget, sendCommand } from '../admin/client.ts';
import { ExitCode, type CliIo, type Command } from './command.ts';
import { parseSocketArgs } from './ctl.ts';

/** ipvsadm's listing options vigil accepts: -L/-l/--list, -n/--numeric, combined as -Ln */
const listing = /^-(?:[Lln]+)$|^--list$|^--numeric$/;

export function createLvsCommand(): Command {
  return {
    name: 'lvs',
    summary: "List the L4 virtual servers in ipvsadm -Ln's layout",
    usage: 'vigil lvs -Ln [-s SOCKET] [-f CONFIG]   (addresses are always numeric)',
    run: async (args: readonly string[], io: CliIo) => {
      const parsed = parseSocketArgs(args, io, 'lvs');
      if (typeof parsed === 'string') {
        io.err(parsed);
        return ExitCode.usage;
      }
      const unknown = parsed.words.find((w) => !listing.test(w));
      if (unknown !== undefined) {
        io.err(`vigil lvs: cannot use "${unknown}": only listing (-Ln) is supported`);
        return ExitCode.usage;
      }
      let answer: string;
      try {
        answer = await sendCommand(parsed.target, 'show lvs');
      } catch (error) {
        io.err(`vigil lvs: cannot reach the runtime API at "${describeTarget(parsed.target)}": ${(error as Error).message}`);
        return ExitCode.failed;
      }
      if (!answer.startsWith('IP Virtual Server')) {
        io.err(`vigil lvs: ${answer.trim()}`);
        return ExitCode.failed;
      }
      io.out(answer.replace(/\n\n$/, ''));
      return ExitCode.ok;
    },
  };
}
