// Facts about the host that a config depends on. Parsers record them; `vigil check` (without
// --syntax) verifies them through a HostFacts port, so the language can be checked on a laptop and
// the machine on the server.
import type { SourceLocation } from './token.ts';

export type RequirementKind = 'file' | 'directory' | 'executable' | 'user' | 'group' | 'interface';

export interface Requirement {
  readonly kind: RequirementKind;
  /** the path, user name, group name or interface name */
  readonly value: string;
  readonly at: SourceLocation;
  readonly keyword: string;
}

export class Requirements {
  readonly #items: Requirement[] = [];

  get items(): readonly Requirement[] {
    return this.#items;
  }

  need(kind: RequirementKind, value: string, at: SourceLocation, keyword: string): void {
    this.#items.push({ kind, value, at: { file: at.file, line: at.line, column: at.column }, keyword });
  }
}
