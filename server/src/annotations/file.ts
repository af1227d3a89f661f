// Parsing marginalia.json (JSON with comments; trailing commas are reported) and keeping the last
// good version of it (DESIGN.md §6: if the file fails to parse, features keep working from the last
// good version, and nothing writes to the file until it parses again).

import { findNodeAtLocation, isTrivia, parseTree, printParseErrorCode, Tok, tokensFrom, type Node, type ParseError } from "./jsonc";
import { validate, type Problem } from "./schema";
import { emptyAnnotationFile, type Annotation, type AnnotationFile, type JsonPath, type UserEntity } from "./types";

/** A problem located in the file text (UTF-16 offsets), ready to become a diagnostic. */
export interface FileProblem {
  message: string;
  offset: number;
  length: number;
  /** JSON path of the offending node for schema problems; undefined for syntax errors. */
  path?: JsonPath;
  /** `syntax` for parse errors, otherwise the schema keyword or semantic rule (`enum`, `required`, `duplicate-id`…). */
  code: string;
}

export type ParseResult =
  | { ok: true; data: AnnotationFile; tree: Node | undefined }
  | { ok: false; problems: FileProblem[]; tree: Node | undefined };

const SYNTAX_MESSAGES: Record<string, string> = {
  InvalidSymbol: "Invalid symbol.",
  InvalidNumberFormat: "Invalid number format.",
  PropertyNameExpected: "Property name expected.",
  ValueExpected: "Value expected.",
  ColonExpected: "Colon expected.",
  CommaExpected: "Comma expected.",
  CloseBraceExpected: "Closing brace '}' expected.",
  CloseBracketExpected: "Closing bracket ']' expected.",
  EndOfFileExpected: "End of file expected.",
  InvalidCommentToken: "Invalid comment token.",
  UnexpectedEndOfComment: "Unexpected end of comment.",
  UnexpectedEndOfString: "Unexpected end of string.",
  UnexpectedEndOfNumber: "Unexpected end of number.",
  InvalidUnicode: "Invalid unicode sequence in string.",
  InvalidEscapeCharacter: "Invalid escape character in string.",
  InvalidCharacter: "Invalid character in string (control characters must be escaped).",
};

/** True when the text is empty or only whitespace: the file does not exist yet / has no content. */
export function isBlank(text: string): boolean {
  return /^[\s\uFEFF]*$/.test(text);
}

/**
 * Finds the comma of a trailing comma before the `]` / `}` at `closeOffset` (skipping whitespace
 * and comments), or -1.
 */
function trailingCommaBefore(text: string, closeOffset: number): number {
  let lastComma = -1;
  let lastSignificant = -1;
  // Scan forward; fine for the sizes of this file (only done when there are errors).
  for (const t of tokensFrom(text, 0)) {
    if (t.offset >= closeOffset) break;
    if (isTrivia(t.kind)) continue;
    lastSignificant = t.kind;
    if (t.kind === Tok.Comma) lastComma = t.offset;
  }
  return lastSignificant === Tok.Comma ? lastComma : -1;
}

function syntaxProblems(text: string, errors: ParseError[]): FileProblem[] {
  const out: FileProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const code = printParseErrorCode(e.error);
    let { offset, length } = e;
    let message = SYNTAX_MESSAGES[code] ?? code;
    // With allowTrailingComma=false, `[1,]` and `{"a":1,}` report "value/property expected" at the
    // closing bracket: say what it is, at the comma.
    const ch = text[offset];
    if ((code === "ValueExpected" || code === "PropertyNameExpected") && (ch === "]" || ch === "}")) {
      const comma = trailingCommaBefore(text, offset);
      if (comma >= 0) {
        offset = comma;
        length = 1;
        message = "Trailing comma.";
      }
    }
    const key = `${offset}:${message}`;
    if (seen.has(key)) continue; // `{"a":1,}` reports two errors at the same place
    seen.add(key);
    out.push({ message, offset, length, code: "syntax" });
  }
  return out;
}

/**
 * The text range to highlight for a schema problem: the value (or property name) at its path;
 * for a missing property, the property name of the object lacking it (or its opening brace).
 */
export function problemRange(tree: Node | undefined, problem: Problem): { offset: number; length: number } {
  if (!tree) return { offset: 0, length: 0 };
  // Find the deepest node that exists along the path.
  let node: Node | undefined;
  let path = problem.path;
  for (;;) {
    node = findNodeAtLocation(tree, path);
    if (node || path.length === 0) break;
    path = path.slice(0, -1);
  }
  node ??= tree;
  const exact = path.length === problem.path.length;
  const keyNode = node.parent?.type === "property" ? node.parent.children?.[0] : undefined;
  if (exact && problem.kind === "key" && keyNode) {
    return { offset: keyNode.offset, length: keyNode.length };
  }
  if (problem.kind === "missing" || !exact) {
    if (keyNode) return { offset: keyNode.offset, length: keyNode.length };
    if (node.type === "object" || node.type === "array") return { offset: node.offset, length: 1 };
  }
  return { offset: node.offset, length: node.length };
}

/** Fills the optional top-level arrays so that consumers can rely on them. */
function normalize(value: Partial<AnnotationFile>): AnnotationFile {
  return { ...value, entities: value.entities ?? [], annotations: value.annotations ?? [] } as AnnotationFile;
}

/**
 * Parses and validates marginalia.json. Comments are allowed; trailing commas are errors (the file
 * must stay readable by strict JSON tools). Blank text (missing file) is a valid empty file.
 * On failure, returns every syntax error and (if the text parses) every schema problem, each with
 * its exact offset and length.
 */
export function parseAnnotationFile(text: string): ParseResult {
  if (isBlank(text)) return { ok: true, data: emptyAnnotationFile(), tree: undefined };
  const errors: ParseError[] = [];
  // A byte order mark becomes a space: same length, so offsets stay those of `text`.
  if (text.charCodeAt(0) === 0xfeff) text = " " + text.slice(1);
  const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: false, allowEmptyContent: false });
  if (errors.length > 0) return { ok: false, problems: syntaxProblems(text, errors), tree };
  const value = jsonValue(tree);
  const problems = validate(value);
  if (problems.length > 0) {
    return {
      ok: false,
      tree,
      problems: problems.map((p) => ({ message: p.message, ...problemRange(tree, p), path: p.path, code: p.keyword })),
    };
  }
  return { ok: true, data: normalize(value as Partial<AnnotationFile>), tree };
}

/** Value of a parse tree (like jsonc's getNodeValue, but with own-property semantics for "__proto__"). */
function jsonValue(node: Node | undefined): unknown {
  if (!node) return undefined;
  switch (node.type) {
    case "object": {
      const obj: Record<string, unknown> = {};
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (k) Object.defineProperty(obj, k.value as string, { value: jsonValue(v), enumerable: true, writable: true, configurable: true });
      }
      return obj;
    }
    case "array":
      return (node.children ?? []).map(jsonValue);
    default:
      return node.value;
  }
}

/** Line and column (0-based, UTF-16) of an offset: for messages. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 0, lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart };
}

/** "line 3, column 7: Trailing comma. (and 2 more problems)" */
export function describeProblems(text: string, problems: FileProblem[]): string {
  if (problems.length === 0) return "no problems";
  const p = problems[0];
  const { line, column } = lineColumn(text, p.offset);
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : "";
  return `line ${line + 1}, column ${column + 1}: ${p.message}${more}`;
}

export interface StoreUpdate {
  /** Whether the new text is valid (and is now the served data). */
  ok: boolean;
  /** Whether the served data changed (false when the text is invalid or unchanged). */
  changed: boolean;
  problems: FileProblem[];
}

/**
 * Holds the last good version of marginalia.json. `update(text)` with invalid text keeps serving
 * the previous good data, exposes `problems` (for diagnostics) and sets `writable = false`: nothing
 * may write to the file until it is valid again.
 */
export class AnnotationStore {
  /** The last good data (empty until a valid text was seen). */
  data: AnnotationFile = emptyAnnotationFile();
  /** The text the `data` came from ("" for a missing file). */
  goodText = "";
  /** The text most recently passed to `update` (valid or not). */
  currentText = "";
  /** Problems of `currentText` (empty when it is valid). */
  problems: FileProblem[] = [];
  /** Counts changes of the served data. */
  version = 0;
  private byId?: Map<string, Annotation>;
  private bySource?: Map<string, Annotation[]>;
  private entityById?: Map<string, UserEntity>;

  constructor(text?: string) {
    if (text !== undefined) this.update(text);
  }

  /** True when the current text is valid, i.e. edits may be computed against it and written. */
  get writable(): boolean {
    return this.problems.length === 0;
  }

  /** Feeds a new version of the file's text (`""` when the file was deleted or does not exist). */
  update(text: string): StoreUpdate {
    this.currentText = text;
    const r = parseAnnotationFile(text);
    if (!r.ok) {
      this.problems = r.problems;
      return { ok: false, changed: false, problems: r.problems };
    }
    this.problems = [];
    const changed = text !== this.goodText || this.version === 0;
    if (changed) {
      this.goodText = text;
      this.data = r.data;
      this.version++;
      this.byId = this.bySource = this.entityById = undefined;
    }
    return { ok: true, changed, problems: [] };
  }

  /** Throws unless the current text is valid; returns it (the text edits must be computed against). */
  assertWritable(): string {
    if (!this.writable) {
      throw new Error(`marginalia.json has errors (${describeProblems(this.currentText, this.problems)}); fix them before Marginalia writes to it.`);
    }
    return this.currentText;
  }

  get annotations(): readonly Annotation[] {
    return this.data.annotations;
  }

  get entities(): readonly UserEntity[] {
    return this.data.entities;
  }

  annotation(id: string): Annotation | undefined {
    this.byId ??= new Map(this.data.annotations.map((a) => [a.id, a]));
    return this.byId.get(id);
  }

  /** Annotations whose target is `source` (workspace-relative, forward slashes), in file order. */
  annotationsFor(source: string): readonly Annotation[] {
    if (!this.bySource) {
      this.bySource = new Map();
      for (const a of this.data.annotations) {
        const list = this.bySource.get(a.target.source);
        if (list) list.push(a);
        else this.bySource.set(a.target.source, [a]);
      }
    }
    return this.bySource.get(source) ?? [];
  }

  entity(id: string): UserEntity | undefined {
    this.entityById ??= new Map(this.data.entities.map((e) => [e.id, e]));
    return this.entityById.get(id);
  }
}
