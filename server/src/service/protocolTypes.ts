// Plain shapes that match the LSP's JSON (so the server passes them through unchanged) without
// importing the protocol packages: the service stays usable from the CLI and plain unit tests.
import type { Position } from "../analysis/lines";
import type { CorpusDocument } from "../corpus/corpus";

export type { Position };

export interface Range {
  start: Position;
  end: Position;
}

export interface Location {
  uri: string;
  range: Range;
}

/** LSP DiagnosticSeverity: Error, Warning, Information, Hint. */
export type Severity = 1 | 2 | 3 | 4;

export interface Hover {
  contents: { kind: "markdown"; value: string };
  range: Range;
}

export const SymbolKind = { Namespace: 3, Class: 5, Constant: 14, String: 15, Number: 16, Object: 19, Event: 24, Field: 8, Interface: 11, Module: 2 } as const;
export type SymbolKindValue = (typeof SymbolKind)[keyof typeof SymbolKind];

export function rangeOf(doc: CorpusDocument, start: number, end: number): Range {
  return { start: doc.lines.positionAt(start), end: doc.lines.positionAt(end) };
}

export function locationOf(doc: CorpusDocument, start: number, end: number): Location {
  return { uri: doc.uri, range: rangeOf(doc, start, end) };
}
