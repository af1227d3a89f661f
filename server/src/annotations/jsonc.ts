// jsonc-parser for the annotations layer, plus small helpers around its scanner.
//
// Imported from its ESM build: the package's "main" is a UMD bundle whose internal `require`s
// esbuild cannot follow (the bundle then fails with "Cannot find module './impl/format'"); the
// project's esbuild config uses the default main fields for platform=node ("main" first).
// jsonc-parser declares SyntaxKind as an ambient const enum, which `isolatedModules` forbids
// reading, so the token kinds we need are repeated here (values from jsonc-parser 3.x).

import { createScanner } from "jsonc-parser/lib/esm/main.js";
export { applyEdits, createScanner, findNodeAtLocation, parseTree, printParseErrorCode } from "jsonc-parser/lib/esm/main.js";
export type { Node, ParseError } from "jsonc-parser/lib/esm/main.js";

export const Tok = {
  OpenBrace: 1,
  CloseBrace: 2,
  OpenBracket: 3,
  CloseBracket: 4,
  Comma: 5,
  Colon: 6,
  LineComment: 12,
  BlockComment: 13,
  LineBreak: 14,
  Trivia: 15,
  EOF: 17,
} as const;

export interface Token {
  kind: number;
  offset: number;
  length: number;
}

export function isTrivia(kind: number): boolean {
  return kind === Tok.Trivia || kind === Tok.LineBreak || kind === Tok.LineComment || kind === Tok.BlockComment;
}

/** Tokens (trivia included) starting at `offset`, until `stop` returns true or EOF. */
export function* tokensFrom(text: string, offset: number): Generator<Token> {
  const scanner = createScanner(text, false);
  scanner.setPosition(offset);
  for (;;) {
    const kind = scanner.scan() as number;
    if (kind === Tok.EOF) return;
    yield { kind, offset: scanner.getTokenOffset(), length: scanner.getTokenLength() };
  }
}

/** The first non-trivia token at or after `offset`. */
export function nextSignificant(text: string, offset: number): Token | undefined {
  for (const t of tokensFrom(text, offset)) if (!isTrivia(t.kind)) return t;
  return undefined;
}

/** True when the text between `from` and `to` holds a comment. */
export function hasComment(text: string, from: number, to: number): boolean {
  for (const t of tokensFrom(text, from)) {
    if (t.offset >= to) return false;
    if (t.kind === Tok.LineComment || t.kind === Tok.BlockComment) return true;
  }
  return false;
}
