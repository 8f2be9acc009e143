// Commands about the CLI session itself: help, prompt, quit, and lowering the level.
import { levelRank, type CliCommand, type CliLevel, type CommandRegistry } from '../cli.ts';

function lower(to: CliLevel): CliCommand {
  return {
    words: [to],
    usage: to,
    help: `lower the level of the current CLI session to ${to}`,
    run: (_args, session) => {
      if (levelRank[to] < levelRank[session.level]) session.level = to;
      return '';
    },
  };
}

export function sessionCommands(registry: CommandRegistry): CliCommand[] {
  return [
    {
      words: ['help'],
      usage: 'help [<command>]',
      help: 'list matching or all commands',
      run: (args) => {
        const lines = registry.helpLines((c) => args.every((word, i) => c.words[i] === undefined || c.words[i]?.startsWith(word)));
        return `The following commands are valid at this level:\n${lines}`;
      },
    },
    {
      words: ['prompt'],
      usage: 'prompt',
      help: 'toggle interactive mode with prompt',
      run: (_args, session) => {
        session.prompt = !session.prompt;
        return '';
      },
    },
    {
      words: ['quit'],
      usage: 'quit',
      help: 'disconnect',
      run: (_args, session) => {
        session.quit = true;
        return '';
      },
    },
    lower('operator'),
    lower('user'),
    { words: ['show', 'cli', 'level'], usage: 'show cli level', help: 'display the level of the current CLI session', run: (_args, session) => `${session.level}\n` },
  ];
}
