// A word of a config file and where it stood, so every diagnostic can point at file:line:column.
export interface SourceLocation {
  readonly file: string;
  /** 1-based */
  readonly line: number;
  /** 1-based, counted in characters of the original line */
  readonly column: number;
}

export interface Token extends SourceLocation {
  readonly text: string;
  /** true when the word was written inside quotes (an empty quoted word is still a word) */
  readonly quoted: boolean;
}

export function locationOf(token: SourceLocation): SourceLocation {
  return { file: token.file, line: token.line, column: token.column };
}

export function formatLocation(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.column}`;
}
