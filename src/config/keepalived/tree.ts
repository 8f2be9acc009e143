// Turns keepalived's lines of words into a tree of ConfigNode: a statement ends at the end of its
// line, at `{` (which opens the statement's block) or at `}` (which closes the innermost block).
// So `virtual_ipaddress { 10.0.0.1 }` on one line and the usual one-word-per-line layout give the
// same tree, and a `{` alone on a line opens the block of the statement above it.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import type { ConfigNode } from '../keywords.ts';
import type { Token } from '../token.ts';

interface OpenNode {
  readonly keyword: Token;
  readonly args: readonly Token[];
  children?: OpenNode[];
}

interface OpenBlock {
  readonly owner: OpenNode | undefined;
  readonly brace: Token;
  readonly children: OpenNode[];
}

export function buildTree(lines: readonly (readonly Token[])[], diag: Diagnostics): ConfigNode[] {
  const root: OpenNode[] = [];
  const stack: OpenBlock[] = [];
  const current = (): OpenNode[] => stack.at(-1)?.children ?? root;
  // the statement that ended the previous line, which a `{` alone on the next line belongs to
  let lastOnPreviousLine: OpenNode | undefined;

  for (const tokens of lines) {
    let statement: Token[] = [];
    let lastOnThisLine: OpenNode | undefined;
    const flush = (): OpenNode | undefined => {
      const [keyword, ...args] = statement;
      statement = [];
      if (keyword === undefined) return undefined;
      const node: OpenNode = { keyword, args };
      current().push(node);
      lastOnThisLine = node;
      return node;
    };
    for (const token of tokens) {
      if (!token.quoted && token.text === '{') {
        let owner = flush();
        if (owner === undefined && lastOnThisLine === undefined && lastOnPreviousLine?.children === undefined) {
          owner = lastOnPreviousLine;
        }
        if (owner === undefined) {
          diag.error(token, '{', 'Block "{" has no keyword before it', { code: DiagnosticCode.structure });
        } else {
          owner.children = [];
        }
        stack.push({ owner, brace: token, children: owner?.children ?? [] });
        lastOnThisLine = undefined;
        continue;
      }
      if (!token.quoted && token.text === '}') {
        flush();
        if (stack.pop() === undefined) {
          diag.error(token, '}', 'Closing "}" has no block to close', {
            code: DiagnosticCode.structure,
            hint: 'remove it, or look for a missing "{" above',
          });
        }
        lastOnThisLine = undefined;
        continue;
      }
      statement.push(token);
    }
    flush();
    lastOnPreviousLine = lastOnThisLine;
  }

  for (const open of stack.reverse()) {
    const name = open.owner?.keyword.text ?? '{';
    diag.error(open.brace, name, `Block "${name}" is not closed: "}" is missing`, {
      code: DiagnosticCode.structure,
      hint: `the block opens at line ${open.brace.line}`,
    });
  }
  return root;
}
