// Writing to marginalia.json from the editor: server commands that turn a verdict, a source, a new
// entity, an alias or a rename into one format-preserving workspace edit, and the diagnostics of the
// annotation file itself (parse/schema errors, orphaned annotations).
import type { Corpus } from "../corpus/corpus";
import type { AnnotationFolder, WorkspaceAnnotations } from "../corpus/annotations";
import { ANNOTATION_FILE } from "../corpus/annotations";
import { LineIndex } from "../analysis/lines";
import { addAlias, addAnnotation, addEntity, addSource, clearVerdict, createSelector, makeAnnotation, renameEntity, updateAnnotationBody, type TextEdit } from "../annotations";
import { findNodeAtLocation, parseTree } from "../annotations/jsonc";
import type { Location, Range, Severity } from "./protocolTypes";
import { ENTITY_TYPES, VERDICTS, type EntityType, type Verdict } from "../annotations/types";

export const ServerCommand = {
  annotate: "marginalia.server.annotate",
  addSource: "marginalia.server.addSource",
  clearVerdict: "marginalia.server.clearVerdict",
  addEntity: "marginalia.server.addEntity",
  addAlias: "marginalia.server.addAlias",
} as const;
export type ServerCommand = (typeof ServerCommand)[keyof typeof ServerCommand];

/** Arguments of the server commands (the client fills in what it asked the user). */
export interface EditRequest {
  uri?: string;
  range?: Range;
  annotationId?: string;
  verdict?: Verdict;
  note?: string;
  source?: string;
  /** Selected text, for new entities and aliases. */
  text?: string;
  name?: string;
  type?: EntityType;
  entityId?: string;
  /** For addAlias from the editor: a mention of the entity (the symbol the user picked). */
  at?: { uri: string; position: { line: number; character: number } };
}

export interface WriteAccess {
  /** The current text of the file: the editor's copy when open, else the disk's ("" if missing). */
  readText(f: AnnotationFolder): Promise<string>;
  fileExists(f: AnnotationFolder): Promise<boolean>;
  /** The editor's version of an open document, or null. */
  openVersion(uri: string): number | null;
}

export interface WorkspaceEditRequest {
  label: string;
  fileUri: string;
  edit: {
    documentChanges: Array<
      | { kind: "create"; uri: string; options: { ignoreIfExists: boolean } }
      | { textDocument: { uri: string; version: number | null }; edits: Array<{ range: Range; newText: string }> }
    >;
  };
}

/** Builds the workspace edit for one command, against the file's current text; throws a clear message to refuse. */
export async function runServerCommand(command: string, a: EditRequest, ctx: WriteAccess & { annotations: WorkspaceAnnotations; corpus: Corpus }): Promise<WorkspaceEditRequest> {
  const folder = (a.uri && ctx.annotations.folderOf(a.uri)) || [...ctx.annotations.folders.values()][0];
  if (!folder) throw new Error("no workspace folder to keep marginalia.json in");
  const make = (text: string): { label: string; edits: TextEdit[] } => {
    switch (command) {
      case ServerCommand.annotate:
      case ServerCommand.addSource: {
        const verdict = command === ServerCommand.annotate ? a.verdict : undefined;
        if (command === ServerCommand.annotate && (!verdict || !VERDICTS.includes(verdict))) throw new Error(`unknown verdict "${String(verdict)}"`);
        if (command === ServerCommand.addSource && !a.source) throw new Error("no source URL given");
        if (a.annotationId && findAnnotation(folder, a.annotationId)) {
          if (command === ServerCommand.addSource) return { label: "Add source", edits: addSource(text, a.annotationId, a.source!) };
          const patch: Parameters<typeof updateAnnotationBody>[2] = { verdict };
          if (a.note !== undefined && a.note !== "") patch.note = a.note;
          const body = findAnnotation(folder, a.annotationId)!.body;
          if (a.source) patch.sources = [...new Set([...(body.sources ?? []), a.source])];
          return { label: `Mark claim as ${verdict}`, edits: updateAnnotationBody(text, a.annotationId, patch) };
        }
        const { source, selector } = target(ctx, folder, a);
        const annotation = makeAnnotation({ source, selector, verdict, note: a.note || undefined, sources: a.source ? [a.source] : undefined });
        return { label: verdict ? `Mark claim as ${verdict}` : "Add source", edits: addAnnotation(text, annotation) };
      }
      case ServerCommand.clearVerdict:
        if (!a.annotationId) throw new Error("no annotation to clear");
        return { label: "Clear verdict", edits: clearVerdict(text, a.annotationId) };
      case ServerCommand.addEntity: {
        const name = (a.name ?? a.text ?? "").trim();
        if (!name) throw new Error("an entity needs a name");
        const type = a.type && ENTITY_TYPES.includes(a.type) ? a.type : "concept";
        const aliases = [...new Set([a.text?.trim(), name].filter((x): x is string => !!x))];
        return { label: `New entity ${name}`, edits: addEntity(text, { id: uniqueId(ctx.corpus, folder, name), name, type, aliases }) };
      }
      case ServerCommand.addAlias: {
        const alias = (a.text ?? "").trim();
        let entityId = a.entityId;
        if (!entityId && a.at) {
          const d = ctx.corpus.get(a.at.uri);
          const m = d && ctx.corpus.mentionAt(d.uri, d.lines.offsetAt(a.at.position));
          entityId = m ? ctx.corpus.canonical(m.entityId) : undefined;
        }
        if (!alias || !entityId) throw new Error("an alias needs a name and an entity");
        if (entityId.startsWith("learned:")) {
          const info = ctx.corpus.entity(entityId);
          const names = info ? [...info.names.en, ...info.names["zh-Hans"], ...info.names["zh-Hant"], ...info.names.other] : [];
          return { label: `Add alias ${alias}`, edits: addEntity(text, { id: uniqueId(ctx.corpus, folder, info?.name ?? alias), name: info?.name ?? alias, type: (info?.type as EntityType) ?? "concept", aliases: [...new Set([...names, alias])] }) };
        }
        return { label: `Add alias ${alias}`, edits: addAlias(text, entityId, alias) };
      }
      default:
        throw new Error(`unknown command ${command}`);
    }
  };
  return editFile(folder, ctx, make);
}

/** Rename of an entity: changes its canonical name in marginalia.json (adding an override for a built-in one). */
export async function renameEdits(annotations: WorkspaceAnnotations, corpus: Corpus, folder: AnnotationFolder, entityId: string, newName: string, access: WriteAccess) {
  const name = newName.trim();
  if (!name) throw new Error("the new name is empty");
  const info = corpus.entity(entityId);
  const r = await editFile(folder, access, (text) => {
    if (entityId.startsWith("learned:")) {
      // A learned entity becomes a user entity with the new name and the names the corpus knows.
      const names = info ? [...info.names.en, ...info.names["zh-Hans"], ...info.names["zh-Hant"], ...info.names.other] : [];
      return { label: `Rename to ${name}`, edits: addEntity(text, { id: uniqueId(corpus, folder, name), name, type: (info?.type as EntityType) ?? "concept", aliases: [...new Set(names)] }) };
    }
    return { label: `Rename to ${name}`, edits: renameEntity(text, entityId, name, { oldName: info?.name }) };
  });
  void annotations;
  return r.edit;
}

async function editFile(folder: AnnotationFolder, access: WriteAccess, make: (text: string) => { label: string; edits: TextEdit[] }): Promise<WorkspaceEditRequest> {
  const text = await access.readText(folder);
  // Never write over a file that does not parse or validate: the user's text wins.
  const check = folder.store.update(text);
  if (!check.ok) throw new Error(`${ANNOTATION_FILE} has errors; fix them before Marginalia writes to it (${check.problems[0]?.message ?? "invalid"}).`);
  const { label, edits } = make(text);
  const lines = new LineIndex(text);
  const lspEdits = edits.map((e) => ({ range: { start: lines.positionAt(e.offset), end: lines.positionAt(e.offset + e.length) }, newText: e.content }));
  const exists = await access.fileExists(folder);
  const version = access.openVersion(folder.fileUri);
  const changes: WorkspaceEditRequest["edit"]["documentChanges"] = [];
  if (!exists && version === null) changes.push({ kind: "create", uri: folder.fileUri, options: { ignoreIfExists: true } });
  changes.push({ textDocument: { uri: folder.fileUri, version }, edits: lspEdits });
  return { label, fileUri: folder.fileUri, edit: { documentChanges: changes } };
}

function findAnnotation(folder: AnnotationFolder, id: string) {
  return folder.store.annotation(id);
}

function target(ctx: { annotations: WorkspaceAnnotations; corpus: Corpus }, folder: AnnotationFolder, a: EditRequest) {
  if (!a.uri || !a.range) throw new Error("no claim given");
  const doc = ctx.corpus.get(a.uri);
  if (!doc) throw new Error("the document is not indexed");
  const source = ctx.annotations.sourceOf(a.uri);
  if (!source || ctx.annotations.folderOf(a.uri) !== folder) throw new Error("the document is not inside the workspace folder");
  const start = doc.lines.offsetAt(a.range.start);
  const end = doc.lines.offsetAt(a.range.end);
  if (end <= start) throw new Error("the claim's range is empty");
  return { source, selector: createSelector(doc.text, start, end) };
}

function uniqueId(corpus: Corpus, folder: AnnotationFolder, name: string): string {
  const base =
    name
      .toLowerCase()
      .normalize("NFKC")
      .replace(/[\s_·•]+/g, "-")
      .replace(/[^\p{L}\p{N}-]+/gu, "")
      .replace(/-+/g, "-")
      .replace(/^-|-$/g, "") || "entity";
  let id = base;
  for (let i = 2; corpus.catalog.get(id) || folder.store.entity(id); i++) id = `${base}-${i}`;
  return id;
}

// ---- diagnostics of marginalia.json itself

export interface FileDiagnostic {
  range: Range;
  severity: Severity;
  code: string;
  source: "marginalia";
  message: string;
}

export function annotationFileDiagnostics(annotations: WorkspaceAnnotations, folder: AnnotationFolder, corpus: Corpus): FileDiagnostic[] {
  const text = folder.store.currentText;
  const lines = new LineIndex(text);
  const range = (offset: number, length: number): Range => ({ start: lines.positionAt(offset), end: lines.positionAt(offset + Math.max(length, 1)) });
  if (!folder.store.writable) {
    return folder.store.problems.map((p) => ({
      range: range(p.offset, p.length),
      severity: 1,
      code: "annotation-file",
      source: "marginalia",
      message: `${p.message} Marginalia keeps using the last valid version and will not write to ${ANNOTATION_FILE} until this is fixed.`,
    }));
  }
  const tree = parseTree(text);
  return annotations.orphans(folder, (uri) => corpus.get(uri)).map((o) => {
    const node = tree && (findNodeAtLocation(tree, ["annotations", o.index, "target", "source"]) ?? findNodeAtLocation(tree, ["annotations", o.index]));
    const quote = o.annotation.target.selector.find((s) => s.type === "TextQuoteSelector") as { exact?: string } | undefined;
    return {
      range: node ? range(node.offset, node.type === "string" ? node.length : 1) : range(0, 1),
      severity: 2,
      code: "orphan-annotation",
      source: "marginalia" as const,
      message: `Orphaned annotation: ${o.reason}.${quote?.exact ? ` It quoted “${quote.exact.slice(0, 80)}${quote.exact.length > 80 ? "…" : ""}”.` : ""} It is kept as it is.`,
    };
  });
}

/** The user's entry for an entity in marginalia.json, for go to definition. */
export function entityEntryLocation(annotations: WorkspaceAnnotations, entityId: string): Location | undefined {
  const e = annotations.entityEntry(entityId);
  if (!e) return undefined;
  const text = e.folder.store.goodText;
  const tree = parseTree(text);
  const node = tree && findNodeAtLocation(tree, ["entities", e.index]);
  if (!node) return undefined;
  const lines = new LineIndex(text);
  return { uri: e.folder.fileUri, range: { start: lines.positionAt(node.offset), end: lines.positionAt(node.offset + node.length) } };
}
