// Format-preserving edits of marginalia.json.
//
// Every operation takes the current text of the file and returns text edits
// ({ offset, length, content }, UTF-16, relative to that text, sorted, non-overlapping) that the
// server turns into a WorkspaceEdit or the CLI applies with applyEditsToFile. Comments, key order,
// indentation style (spaces/tabs, width), inline-vs-multiline layout and line endings (LF/CRLF) of
// the untouched parts are kept; new members are placed in the canonical key order.
//
// Every operation refuses (throws) when the current text does not parse or validate, and when the
// result would not validate (e.g. a source that is not a URL). A blank text (the file does not
// exist yet) becomes a well-formatted skeleton.

import { createHash, randomBytes, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { describeProblems, isBlank, parseAnnotationFile } from "./file";
import { findNodeAtLocation, hasComment, isTrivia, nextSignificant, parseTree, Tok, tokensFrom, type Node } from "./jsonc";
import type { Annotation, AnnotationFile, ClaimReviewBody, JsonPath, Selector, TextEdit, UserEntity, Verdict } from "./types";

export type { TextEdit } from "./types";

export interface EditOptions {
  /** Timestamp for `modified` (default: now). */
  now?: Date | string;
}

// ---------------------------------------------------------------------------------------------
// Applying and composing edits

/** Applies edits (relative to `text`, non-overlapping, any order) to `text`. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.offset - b.offset);
  let out = "";
  let pos = 0;
  for (const e of sorted) {
    if (e.offset < pos || e.length < 0 || e.offset + e.length > text.length) throw new Error(`overlapping or out-of-range edit at ${e.offset}`);
    out += text.slice(pos, e.offset) + e.content;
    pos = e.offset + e.length;
  }
  return out + text.slice(pos);
}

/**
 * Composes sequential steps (each a list of edits relative to the text produced by the previous
 * steps) into one list of edits relative to `original`: sorted, non-overlapping, minimal.
 */
export function composeEdits(original: string, steps: readonly (readonly TextEdit[])[]): TextEdit[] {
  let acc: TextEdit[] = [];
  let cur = original;
  for (const step of steps) {
    // Applying a step's edits from the end keeps the offsets of the remaining ones valid.
    for (const n of [...step].sort((a, b) => b.offset - a.offset)) {
      const a = n.offset, b = n.offset + n.length;
      let delta = 0, deltaBefore = 0, deltaThrough = 0;
      let first = -1, last = -1, firstCurStart = 0, lastCurEnd = 0;
      for (let i = 0; i < acc.length; i++) {
        const cs = acc[i].offset + delta, ce = cs + acc[i].content.length;
        const d = acc[i].content.length - acc[i].length;
        if (cs <= b && a <= ce) {
          if (first < 0) {
            first = i;
            firstCurStart = cs;
            deltaBefore = delta;
          }
          last = i;
          lastCurEnd = ce;
          deltaThrough = delta + d;
        } else if (ce < a) {
          deltaBefore = delta + d;
        }
        delta += d;
      }
      const next = cur.slice(0, a) + n.content + cur.slice(b);
      if (first < 0) {
        const e = { offset: a - deltaBefore, length: n.length, content: n.content };
        const at = acc.findIndex((x) => x.offset > e.offset);
        acc.splice(at < 0 ? acc.length : at, 0, e);
      } else {
        const curStart = Math.min(a, firstCurStart), curEnd = Math.max(b, lastCurEnd);
        const origStart = a < firstCurStart ? a - deltaBefore : acc[first].offset;
        const origEnd = b > lastCurEnd ? b - deltaThrough : acc[last].offset + acc[last].length;
        const content = next.slice(curStart, curEnd + n.content.length - n.length);
        acc.splice(first, last - first + 1, { offset: origStart, length: origEnd - origStart, content });
      }
      cur = next;
    }
  }
  // Minimize: drop no-ops and trim what each edit leaves unchanged.
  acc = acc.flatMap((e) => {
    const old = original.slice(e.offset, e.offset + e.length);
    let p = 0;
    while (p < old.length && p < e.content.length && old.charCodeAt(p) === e.content.charCodeAt(p)) p++;
    let s = 0;
    while (s < old.length - p && s < e.content.length - p && old.charCodeAt(old.length - 1 - s) === e.content.charCodeAt(e.content.length - 1 - s)) s++;
    if (p === old.length && p === e.content.length) return [];
    return [{ offset: e.offset + p, length: old.length - p - s, content: e.content.slice(p, e.content.length - s) }];
  });
  return acc;
}

// ---------------------------------------------------------------------------------------------
// Formatting

interface Format {
  unit: string;
  eol: string;
}

/** Indentation unit and line ending used by the text (default: two spaces, LF). */
export function detectFormat(text: string): Format {
  const eol = /\r\n/.test(text) ? "\r\n" : "\n";
  let unit = "  ";
  const m = /^([ \t]+)\S/m.exec(text);
  if (m) unit = m[1].startsWith("\t") ? "\t" : " ".repeat(Math.min(8, m[1].length));
  return { unit, eol };
}

const INLINE_LIMIT = 80;

function isPrimitive(v: unknown): boolean {
  return v === null || typeof v !== "object";
}

/** JSON text of `value` for a place whose line is indented by `base`. */
function stringify(value: unknown, base: string, fmt: Format, inline = false): string {
  if (isPrimitive(value)) return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const flat = `[${value.map((x) => stringify(x, "", fmt, true)).join(", ")}]`;
    if (inline || (value.every(isPrimitive) && flat.length <= INLINE_LIMIT)) return flat;
    const ind = base + fmt.unit;
    return `[${fmt.eol}${value.map((x) => ind + stringify(x, ind, fmt)).join("," + fmt.eol)}${fmt.eol}${base}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return "{}";
  if (inline) return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${stringify(v, "", fmt, true)}`).join(", ")}}`;
  const ind = base + fmt.unit;
  return `{${fmt.eol}${entries.map(([k, v]) => `${ind}${JSON.stringify(k)}: ${stringify(v, ind, fmt)}`).join("," + fmt.eol)}${fmt.eol}${base}}`;
}

function lineStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== "\n" && text[i - 1] !== "\r") i--;
  return i;
}

function indentOfLine(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset), offset))![0];
}

function startsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, offset), offset));
}

function isMultiline(text: string, node: Node): boolean {
  const s = text.slice(node.offset, node.offset + node.length);
  return s.includes("\n") || s.includes("\r");
}

/** Indentation of the members of a container. */
function childIndent(text: string, container: Node, fmt: Format): string {
  const children = container.children ?? [];
  for (let i = children.length - 1; i >= 0; i--) {
    if (startsLine(text, children[i].offset)) return text.slice(lineStart(text, children[i].offset), children[i].offset);
  }
  return indentOfLine(text, container.offset) + fmt.unit;
}

/**
 * Offset of the line break ending the line of `offset`, when only whitespace and comments stand
 * between them; undefined when a significant token comes first.
 */
function lineEndAfter(text: string, offset: number): { offset: number; length: number } | undefined {
  for (const t of tokensFrom(text, offset)) {
    if (t.kind === Tok.LineBreak) return { offset: t.offset, length: t.length };
    if (!isTrivia(t.kind)) return undefined;
  }
  return { offset: text.length, length: 0 };
}

// ---------------------------------------------------------------------------------------------
// Canonical key order

const ORDERS: Record<string, string[]> = {
  root: ["$schema", "@context", "entities", "annotations"],
  entity: ["id", "name", "type", "aliases", "description", "parent", "wikidata"],
  annotation: ["@context", "id", "type", "created", "modified", "creator", "motivation", "target", "body"],
  target: ["source", "selector"],
  body: ["type", "verdict", "note", "sources", "author", "date"],
  quote: ["type", "exact", "prefix", "suffix"],
  position: ["type", "start", "end"],
};

function orderFor(path: JsonPath): string[] | undefined {
  const p = path.map((s) => (typeof s === "number" ? "#" : s)).join("/");
  switch (p) {
    case "":
      return ORDERS.root;
    case "entities/#":
      return ORDERS.entity;
    case "annotations/#":
      return ORDERS.annotation;
    case "annotations/#/target":
      return ORDERS.target;
    case "annotations/#/body":
      return ORDERS.body;
  }
  return undefined;
}

function ordered<T extends object>(obj: T, order: string[]): T {
  const out: Record<string, unknown> = {};
  const src = obj as Record<string, unknown>;
  for (const k of order) if (src[k] !== undefined) out[k] = src[k];
  for (const k of Object.keys(src)) if (!(k in out) && src[k] !== undefined) out[k] = src[k];
  return out as T;
}

function canonicalSelector(s: Selector): Selector {
  return ordered(s, s.type === "TextQuoteSelector" ? ORDERS.quote : ORDERS.position);
}

function canonicalAnnotation(a: Annotation): Annotation {
  return ordered(
    {
      ...a,
      target: ordered({ ...a.target, selector: a.target.selector.map(canonicalSelector) }, ORDERS.target),
      body: ordered(a.body, ORDERS.body),
    },
    ORDERS.annotation,
  );
}

function canonicalEntity(e: UserEntity): UserEntity {
  return ordered(e, ORDERS.entity);
}

// ---------------------------------------------------------------------------------------------
// The editor: structural operations on the current text, recorded as steps

class Editor {
  readonly steps: TextEdit[][] = [];
  constructor(public text: string, readonly fmt: Format) {}

  private root(): Node {
    const root = parseTree(this.text);
    if (!root) throw new Error("internal: empty document");
    return root;
  }

  private apply(edits: TextEdit[]): void {
    if (edits.length === 0) return;
    this.steps.push(edits);
    this.text = applyTextEdits(this.text, edits);
  }

  /** Sets the value at `path`, creating the property (and missing parents) when needed. */
  set(path: JsonPath, value: unknown): void {
    const root = this.root();
    const node = findNodeAtLocation(root, path);
    if (node) {
      const member = node.parent?.type === "property" ? node.parent : node;
      const container = member.parent;
      const inline = container ? !isMultiline(this.text, container) : false;
      const content = stringify(value, indentOfLine(this.text, member.offset), this.fmt, inline);
      this.apply([{ offset: node.offset, length: node.length, content }]);
      return;
    }
    const parentPath = path.slice(0, -1);
    const key = path[path.length - 1];
    const parent = findNodeAtLocation(root, parentPath);
    if (!parent) {
      this.set(parentPath, typeof key === "number" ? [value] : { [key]: value });
      return;
    }
    if (parent.type === "object" && typeof key === "string") {
      const keys = (parent.children ?? []).map((p) => p.children?.[0]?.value as string);
      this.insertMember(parent, insertionIndex(keys, key, orderFor(parentPath)), key, value);
    } else if (parent.type === "array" && typeof key === "number" && key === (parent.children?.length ?? 0)) {
      this.insertMember(parent, key, undefined, value);
    } else {
      throw new Error(`cannot set ${JSON.stringify(path)}`);
    }
  }

  /** Appends `value` to the array at `path`, creating the array when needed. */
  append(path: JsonPath, value: unknown): void {
    const node = findNodeAtLocation(this.root(), path);
    if (!node) return this.set(path, [value]);
    if (node.type !== "array") throw new Error(`${JSON.stringify(path)} is not an array`);
    this.insertMember(node, node.children?.length ?? 0, undefined, value);
  }

  /** Removes the property or array item at `path` (no-op when absent). */
  remove(path: JsonPath): void {
    const node = findNodeAtLocation(this.root(), path);
    if (!node) return;
    const member = node.parent?.type === "property" ? node.parent : node;
    const container = member.parent;
    if (!container) throw new Error("cannot remove the root");
    this.removeMember(container, (container.children ?? []).indexOf(member));
  }

  private insertMember(container: Node, index: number, key: string | undefined, value: unknown): void {
    const { text, fmt } = this;
    const children = container.children ?? [];
    const member = (base: string, inline: boolean) => (key !== undefined ? `${JSON.stringify(key)}: ` : "") + stringify(value, base, fmt, inline);
    const multi = isMultiline(text, container);

    if (children.length === 0) {
      const open = container.offset + 1, close = container.offset + container.length - 1;
      const comments = hasComment(text, open, close);
      const base = indentOfLine(text, container.offset);
      if (container.type === "array" && isPrimitive(value) && !comments) {
        this.apply([{ offset: open, length: close - open, content: member("", true) }]);
        return;
      }
      const ind = base + fmt.unit;
      const lead = comments ? text.slice(open, close).replace(/\s+$/, "") : "";
      this.apply([{ offset: open, length: close - open, content: `${lead}${fmt.eol}${ind}${member(ind, false)}${fmt.eol}${base}` }]);
      return;
    }

    const ind = childIndent(text, container, fmt);
    if (index >= children.length) {
      const last = children[children.length - 1];
      const end = last.offset + last.length;
      if (!multi) {
        this.apply([{ offset: end, length: 0, content: `, ${member("", true)}` }]);
        return;
      }
      // Follow the style of the previous item: one-line objects stay one-line when short enough.
      const oneLine = container.type === "array" && !isPrimitive(value) && !isMultiline(text, last) && member("", true).length + ind.length <= 2 * INLINE_LIMIT;
      let content = oneLine ? member("", true) : member(ind, false);
      if (oneLine && /^\{ /.test(text.slice(last.offset, last.offset + 2))) content = `{ ${content.slice(1, -1)} }`;
      const eolAt = lineEndAfter(text, end);
      if (!eolAt || eolAt.offset === end) {
        this.apply([{ offset: end, length: 0, content: `,${fmt.eol}${ind}${content}` }]);
      } else {
        // Keep a comment that follows the last member on its line: comma before it, new member after it.
        this.apply([
          { offset: end, length: 0, content: "," },
          { offset: eolAt.offset, length: 0, content: `${fmt.eol}${ind}${content}` },
        ]);
      }
      return;
    }

    // Insert before children[index].
    let after: number; // offset just past `{`/`[` or past the comma that follows the previous member
    if (index === 0) {
      after = container.offset + 1;
    } else {
      const prev = children[index - 1];
      const comma = nextSignificant(text, prev.offset + prev.length);
      if (!comma || comma.kind !== Tok.Comma) throw new Error("internal: comma expected");
      after = comma.offset + 1;
    }
    if (!multi) {
      this.apply([{ offset: after, length: 0, content: index === 0 ? `${member("", true)}, ` : ` ${member("", true)},` }]);
      return;
    }
    const eolAt = lineEndAfter(text, after);
    if (eolAt) {
      this.apply([{ offset: eolAt.offset, length: 0, content: `${fmt.eol}${ind}${member(ind, false)},` }]);
    } else {
      const next = children[index];
      this.apply([{ offset: next.offset, length: 0, content: `${member(ind, false)},${fmt.eol}${ind}` }]);
    }
  }

  private removeMember(container: Node, index: number): void {
    const { text } = this;
    const children = container.children ?? [];
    const m = children[index];
    const mEnd = m.offset + m.length;
    const open = container.offset + 1, close = container.offset + container.length - 1;

    if (children.length === 1 && !hasComment(text, open, close)) {
      this.apply([{ offset: open, length: close - open, content: "" }]);
      return;
    }
    const ownLineStart = startsLine(text, m.offset) ? lineStart(text, m.offset) : undefined;
    const after = nextSignificant(text, mEnd);
    if (after && after.kind === Tok.Comma) {
      // Not the last member: remove it with its comma.
      const eolAt = lineEndAfter(text, after.offset + 1);
      if (ownLineStart !== undefined && eolAt) {
        this.apply([{ offset: ownLineStart, length: eolAt.offset + eolAt.length - ownLineStart, content: "" }]);
      } else {
        const next = nextSignificant(text, after.offset + 1);
        const end = next ? next.offset : after.offset + 1;
        this.apply([{ offset: m.offset, length: end - m.offset, content: "" }]);
      }
      return;
    }
    // The last member: remove it and the comma after the previous member (if any).
    const edits: TextEdit[] = [];
    if (index > 0) {
      const prev = children[index - 1];
      const comma = nextSignificant(text, prev.offset + prev.length);
      if (!comma || comma.kind !== Tok.Comma) throw new Error("internal: comma expected");
      if (ownLineStart === undefined && !hasComment(text, comma.offset, m.offset)) {
        this.apply([{ offset: comma.offset, length: mEnd - comma.offset, content: "" }]);
        return;
      }
      edits.push({ offset: comma.offset, length: 1, content: "" });
    }
    const eolAt = lineEndAfter(text, mEnd);
    if (ownLineStart !== undefined && eolAt && eolAt.length > 0) {
      edits.push({ offset: ownLineStart, length: eolAt.offset + eolAt.length - ownLineStart, content: "" });
    } else {
      edits.push({ offset: m.offset, length: m.length, content: "" });
    }
    this.apply(edits);
  }
}

/** Where to insert `key` among `keys` so that the canonical `order` is respected. */
function insertionIndex(keys: string[], key: string, order: string[] | undefined): number {
  if (!order) return keys.length;
  const rank = (k: string) => {
    const i = order.indexOf(k);
    return i < 0 ? order.length : i;
  };
  const r = rank(key);
  for (let i = keys.length - 1; i >= 0; i--) if (rank(keys[i]) <= r) return i + 1;
  return keys.length > 0 && keys.every((k) => rank(k) > r) ? 0 : keys.length;
}

// ---------------------------------------------------------------------------------------------
// Running an operation

function skeleton(fmt: Format): string {
  return `{${fmt.eol}${fmt.unit}"entities": [],${fmt.eol}${fmt.unit}"annotations": []${fmt.eol}}${fmt.eol}`;
}

/** Parses and validates the current text, or throws a clear error. Blank text is an empty file. */
export function readValid(text: string): AnnotationFile {
  const r = parseAnnotationFile(text);
  if (!r.ok) {
    throw new Error(`marginalia.json has errors (${describeProblems(text, r.problems)}); fix them before Marginalia edits it.`);
  }
  return r.data;
}

function run(text: string, op: (ed: Editor, data: AnnotationFile) => void): TextEdit[] {
  if (text.charCodeAt(0) === 0xfeff) {
    // Keep a byte order mark where it is; edit what follows it.
    return run(text.slice(1), op).map((e) => ({ ...e, offset: e.offset + 1 }));
  }
  const data = readValid(text);
  const blank = isBlank(text);
  const fmt = blank ? { unit: "  ", eol: "\n" } : detectFormat(text);
  const ed = new Editor(blank ? skeleton(fmt) : text, fmt);
  const before = ed.text;
  op(ed, data);
  if (blank && ed.text === before) return []; // nothing to do: don't create the file
  const result = parseAnnotationFile(ed.text);
  if (!result.ok) {
    throw new Error(`Refusing to edit marginalia.json: the result would be invalid (${describeProblems(ed.text, result.problems)}).`);
  }
  if (blank) return [{ offset: 0, length: text.length, content: ed.text }];
  return composeEdits(text, ed.steps);
}

function isoNow(now?: Date | string): string {
  if (typeof now === "string") return now;
  return (now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function annotationIndex(data: AnnotationFile, id: string): number {
  const i = data.annotations.findIndex((a) => a.id === id);
  if (i < 0) throw new Error(`No annotation with id "${id}" in marginalia.json.`);
  return i;
}

function entityIndex(data: AnnotationFile, id: string): number {
  return data.entities.findIndex((e) => e.id === id);
}

/** Runs `change`; when it changed the text, also sets the annotation's `modified`. */
function touching(ed: Editor, index: number, options: EditOptions, change: () => void): void {
  const before = ed.text;
  change();
  if (ed.text !== before) ed.set(["annotations", index, "modified"], isoNow(options.now));
}

// ---------------------------------------------------------------------------------------------
// Operations

/** Parameters of a new claim-review annotation. */
export interface NewAnnotation {
  source: string;
  selector: Selector[];
  verdict?: Verdict;
  note?: string;
  sources?: string[];
  author?: string;
  creator?: string;
  /** Defaults to urn:uuid:<random>. */
  id?: string;
  /** Creation time (default now). */
  now?: Date | string;
}

/** Builds an annotation object (id, timestamps, motivation "assessing", ClaimReview body). */
export function makeAnnotation(p: NewAnnotation): Annotation {
  const now = isoNow(p.now);
  const body: ClaimReviewBody = { type: "ClaimReview" };
  if (p.verdict) body.verdict = p.verdict;
  if (p.note !== undefined) body.note = p.note;
  if (p.sources?.length) body.sources = [...p.sources];
  if (p.author) body.author = p.author;
  const a: Annotation = {
    id: p.id ?? `urn:uuid:${randomUUID()}`,
    type: "Annotation",
    created: now,
    modified: now,
    motivation: "assessing",
    target: { source: p.source, selector: p.selector },
    body,
  };
  if (p.creator) a.creator = p.creator;
  return canonicalAnnotation(a);
}

/** Appends an annotation. Throws if its id is already used. */
export function addAnnotation(text: string, annotation: Annotation): TextEdit[] {
  return run(text, (ed, data) => {
    if (data.annotations.some((a) => a.id === annotation.id)) throw new Error(`An annotation with id "${annotation.id}" already exists.`);
    ed.append(["annotations"], canonicalAnnotation(annotation));
  });
}

/** Removes an annotation. Throws if there is none with that id. */
export function removeAnnotation(text: string, id: string): TextEdit[] {
  return run(text, (ed, data) => ed.remove(["annotations", annotationIndex(data, id)]));
}

/** A change of an annotation body: `undefined` leaves a field alone, `null` removes it. */
export type BodyPatch = { [K in Exclude<keyof ClaimReviewBody, "type">]?: ClaimReviewBody[K] | null };

/** Changes fields of an annotation's body (and sets its `modified` when something changed). */
export function updateAnnotationBody(text: string, id: string, patch: BodyPatch, options: EditOptions = {}): TextEdit[] {
  return run(text, (ed, data) => {
    const i = annotationIndex(data, id);
    touching(ed, i, options, () => {
      for (const key of ORDERS.body) {
        if (key === "type" || !(key in patch)) continue;
        const v = patch[key as keyof BodyPatch];
        if (v === undefined) continue;
        if (v === null) ed.remove(["annotations", i, "body", key]);
        else ed.set(["annotations", i, "body", key], v);
      }
    });
  });
}

/** Removes the verdict of an annotation (the annotation and its note stay). */
export function removeVerdict(text: string, id: string, options: EditOptions = {}): TextEdit[] {
  return updateAnnotationBody(text, id, { verdict: null }, options);
}

/** Alias of {@link removeVerdict}. */
export const clearVerdict = removeVerdict;

/** Adds a source URL to an annotation's body (no edits when it is already there). */
export function addSource(text: string, id: string, url: string, options: EditOptions = {}): TextEdit[] {
  return run(text, (ed, data) => {
    const i = annotationIndex(data, id);
    if (data.annotations[i].body.sources?.includes(url)) return;
    touching(ed, i, options, () => ed.append(["annotations", i, "body", "sources"], url));
  });
}

/** Replaces the selectors of an annotation (after re-anchoring); `modified` is not changed. */
export function updateSelectors(text: string, id: string, selectors: Selector[]): TextEdit[] {
  return run(text, (ed, data) => {
    const i = annotationIndex(data, id);
    ed.set(["annotations", i, "target", "selector"], selectors.map(canonicalSelector));
  });
}

/** Appends an entity. Throws if an entity with that id is already in the file. */
export function addEntity(text: string, entity: UserEntity): TextEdit[] {
  return run(text, (ed, data) => {
    if (entityIndex(data, entity.id) >= 0) throw new Error(`An entity with id "${entity.id}" is already in marginalia.json.`);
    ed.append(["entities"], canonicalEntity(entity));
  });
}

/**
 * Adds an alias to an entity, creating an override entry `{ id, aliases: [alias] }` when the file
 * has none for that id (e.g. a built-in entity). No edits when the alias is already there.
 */
export function addAlias(text: string, entityId: string, alias: string): TextEdit[] {
  return run(text, (ed, data) => {
    const i = entityIndex(data, entityId);
    if (i < 0) return ed.append(["entities"], { id: entityId, aliases: [alias] });
    const e = data.entities[i];
    if (e.aliases?.includes(alias)) return;
    ed.append(["entities", i, "aliases"], alias);
  });
}

export interface RenameOptions {
  /**
   * Keep the old name as an alias so that the sources still match it (default true). The old name is
   * the entry's `name`, or `oldName` when the file has no name for the entity (a built-in one).
   */
  keepOldNameAsAlias?: boolean;
  oldName?: string;
}

/** Sets an entity's canonical name, creating an override entry `{ id, name }` when needed. */
export function renameEntity(text: string, entityId: string, newName: string, options: RenameOptions = {}): TextEdit[] {
  return run(text, (ed, data) => {
    const i = entityIndex(data, entityId);
    const entry = i >= 0 ? data.entities[i] : undefined;
    const old = entry?.name ?? options.oldName;
    const keep = options.keepOldNameAsAlias !== false && old !== undefined && old !== newName && !entry?.aliases?.includes(old);
    if (!entry) {
      ed.append(["entities"], keep ? { id: entityId, name: newName, aliases: [old] } : { id: entityId, name: newName });
      return;
    }
    ed.set(["entities", i, "name"], newName);
    if (keep) ed.append(["entities", i, "aliases"], old);
  });
}

// ---------------------------------------------------------------------------------------------
// Files (CLI)

/** Thrown by applyEditsToFile when the file changed between reading and writing. */
export class FileChangedError extends Error {
  constructor(readonly path: string) {
    super(`${path} changed while Marginalia was editing it; nothing was written. Try again.`);
    this.name = "FileChangedError";
  }
}

function tempPathFor(path: string): string {
  return nodePath.join(nodePath.dirname(path), `.${nodePath.basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

/** How long a writer waits for another one's lock, and when a lock is old enough to be a crash's leftover. */
const LOCK_WAIT_MS = 5000;
const LOCK_STALE_MS = 30_000;

/** Takes `<path>.lock` (exclusive create); returns its release. Throws if it stays taken. */
function lockFile(path: string): () => void {
  const lock = `${path}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lock, "wx"));
      return () => fs.rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    try {
      if (Date.now() - fs.statSync(lock).mtimeMs > LOCK_STALE_MS) fs.rmSync(lock, { force: true });
    } catch {
      // released meanwhile
    }
    if (Date.now() > deadline) throw new Error(`${path} is being written by another program (${nodePath.basename(lock)} exists); nothing was written. Try again.`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); // a synchronous 5 ms pause
  }
}

/**
 * Writes `text` to `path` atomically: a temporary file in the same directory, fsync, rename over
 * the target (then fsync of the directory, where supported). `beforeRename` runs just before the
 * rename, under a lock shared with other writers, and may throw to abort (the temporary file is removed). Keeps the mode of an existing file.
 */
export function writeFileAtomic(path: string, text: string, options: { beforeRename?: () => void } = {}): void {
  let mode = 0o666;
  try {
    mode = fs.statSync(path).mode & 0o7777;
  } catch {
    // new file
  }
  const tmp = tempPathFor(path);
  const fd = fs.openSync(tmp, "wx", mode);
  try {
    try {
      fs.writeFileSync(fd, text, "utf8");
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    // The check and the rename happen under a lock file, so that two writers who both read the
    // same version cannot both pass the check and the second rename silently drop the first edit.
    const release = options.beforeRename ? lockFile(path) : undefined;
    try {
      options.beforeRename?.();
      fs.renameSync(tmp, path);
    } finally {
      release?.();
    }
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
  try {
    const dfd = fs.openSync(nodePath.dirname(path), "r");
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // directories can't be fsynced everywhere (Windows)
  }
}

interface Snapshot {
  exists: boolean;
  text: string;
  hash: string;
  mtimeMs: number;
}

function snapshot(path: string): Snapshot {
  try {
    const buf = fs.readFileSync(path);
    const st = fs.statSync(path);
    return { exists: true, text: buf.toString("utf8"), hash: createHash("sha256").update(buf).digest("hex"), mtimeMs: st.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { exists: false, text: "", hash: "", mtimeMs: 0 };
    throw e;
  }
}

/**
 * Reads the file (a missing file is an empty one), checks that it is valid, computes edits with
 * `makeEdits`, applies them and writes the result atomically — refusing with FileChangedError when
 * the file was changed (content or existence) between the read and the rename. Returns the new text
 * and the edits (none: nothing written).
 */
export function applyEditsToFile(path: string, makeEdits: (text: string) => TextEdit[]): { changed: boolean; text: string; edits: TextEdit[] } {
  const before = snapshot(path);
  const bom = before.text.startsWith("\uFEFF") ? "\uFEFF" : "";
  const text = before.text.slice(bom.length);
  readValid(text);
  const edits = makeEdits(text);
  if (edits.length === 0) return { changed: false, text, edits };
  const next = applyTextEdits(text, edits);
  readValid(next);
  writeFileAtomic(path, bom + next, {
    beforeRename: () => {
      const now = snapshot(path);
      if (now.exists !== before.exists || now.hash !== before.hash || now.mtimeMs !== before.mtimeMs) throw new FileChangedError(path);
    },
  });
  return { changed: true, text: next, edits };
}
