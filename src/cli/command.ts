// A subcommand of `vigil`. Commands register here so main.ts holds no chain of names.
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** resolves to the process exit code */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Exit codes: 0 ok, 1 the config or the operation failed, 2 the command line itself is wrong */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;
