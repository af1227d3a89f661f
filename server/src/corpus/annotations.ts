// The user's annotation files, one marginalia.json per workspace folder (DESIGN.md §6): the last
// good version of each, the entities it adds, and its annotations anchored to the current text of
// the documents they target. Plain TypeScript: no protocol types, used by the server and the CLI.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { AnnotationStore, anchorAll, type Annotation, type AnchoredAnnotation, type FileProblem, type UserEntity } from "../annotations";
import type { UserEntity as CatalogUserEntity } from "../analysis/catalog";
import type { CorpusDocument } from "./corpus";

export const ANNOTATION_FILE = "marginalia.json";

export interface AnnotationFolder {
  rootUri: string;
  rootPath: string;
  fileUri: string;
  filePath: string;
  store: AnnotationStore;
}

export interface Orphan {
  folder: AnnotationFolder;
  annotation: Annotation;
  index: number;
  reason: string;
}

export class WorkspaceAnnotations {
  readonly folders = new Map<string, AnnotationFolder>();
  private anchors = new WeakMap<CorpusDocument, { version: number; anchored: AnchoredAnnotation[]; orphans: Annotation[] }>();

  addFolder(rootUri: string, text: string): AnnotationFolder {
    const rootPath = fileURLToPath(rootUri);
    const filePath = path.join(rootPath, ANNOTATION_FILE);
    const f: AnnotationFolder = { rootUri: rootUri.replace(/\/$/, ""), rootPath, fileUri: pathToFileURL(filePath).href, filePath, store: new AnnotationStore(text) };
    this.folders.set(f.rootUri, f);
    return f;
  }

  removeFolder(rootUri: string): void {
    this.folders.delete(rootUri.replace(/\/$/, ""));
  }

  /** The folder whose annotation file this uri is, if it is one. */
  fileFolder(uri: string): AnnotationFolder | undefined {
    for (const f of this.folders.values()) if (f.fileUri === uri) return f;
    return undefined;
  }

  /** The innermost folder containing a document. */
  folderOf(uri: string): AnnotationFolder | undefined {
    let best: AnnotationFolder | undefined;
    for (const f of this.folders.values()) if (uri.startsWith(f.rootUri + "/") && (!best || f.rootUri.length > best.rootUri.length)) best = f;
    return best;
  }

  /** A document's path relative to its folder, with forward slashes (target.source). */
  sourceOf(uri: string): string | undefined {
    const f = this.folderOf(uri);
    if (!f) return undefined;
    return path.relative(f.rootPath, fileURLToPath(uri)).split(path.sep).join("/");
  }

  /** The document uri a target.source names, or undefined when it points outside the folder. */
  resolveSource(f: AnnotationFolder, source: string): string | undefined {
    if (typeof source !== "string" || source.length === 0 || path.isAbsolute(source) || source.includes("\\")) return undefined;
    const abs = path.resolve(f.rootPath, source);
    const rel = path.relative(f.rootPath, abs);
    if (rel === "" || rel === ".." || rel.startsWith(".." + path.sep) || path.isAbsolute(rel)) return undefined;
    return pathToFileURL(abs).href;
  }

  /** Feeds a new text of one annotation file; says whether the served data changed. */
  update(fileUri: string, text: string): { folder: AnnotationFolder; changed: boolean; ok: boolean } | undefined {
    const f = this.fileFolder(fileUri);
    if (!f) return undefined;
    const before = f.store.version;
    const r = f.store.update(text);
    return { folder: f, changed: f.store.version !== before, ok: r.ok };
  }

  problems(f: AnnotationFolder): FileProblem[] {
    return f.store.problems;
  }

  /** User entities of every folder, in the catalog's shape. */
  userEntities(): CatalogUserEntity[] {
    const out: CatalogUserEntity[] = [];
    for (const f of this.folders.values()) for (const e of f.store.entities) out.push(toCatalogEntity(e));
    return out;
  }

  /** Where a user entity is defined in its marginalia.json (file uri and offset range). */
  entityEntry(entityId: string): { folder: AnnotationFolder; index: number } | undefined {
    for (const f of this.folders.values()) {
      const index = f.store.entities.findIndex((e) => e.id === entityId);
      if (index >= 0) return { folder: f, index };
    }
    return undefined;
  }

  /** Annotations of a document anchored to its current text; cached per document version. */
  anchored(doc: CorpusDocument): { anchored: AnchoredAnnotation[]; orphans: Annotation[] } {
    const f = this.folderOf(doc.uri);
    if (!f) return { anchored: [], orphans: [] };
    const cached = this.anchors.get(doc);
    if (cached && cached.version === f.store.version) return cached;
    const source = this.sourceOf(doc.uri)!;
    const list = f.store.annotationsFor(source);
    const r = list.length ? anchorAll(doc.text, list) : { anchored: [], orphans: [] };
    this.anchors.set(doc, { version: f.store.version, ...r });
    return r;
  }

  /** Annotations that cannot be anchored: their document is gone, outside the folder, or their text was deleted. */
  orphans(f: AnnotationFolder, docAt: (uri: string) => CorpusDocument | undefined): Orphan[] {
    const out: Orphan[] = [];
    f.store.annotations.forEach((annotation, index) => {
      const uri = this.resolveSource(f, annotation.target.source);
      if (!uri) return out.push({ folder: f, annotation, index, reason: `target.source "${annotation.target.source}" is outside the workspace folder; Marginalia only reads files inside it` });
      const doc = docAt(uri);
      if (!doc) return out.push({ folder: f, annotation, index, reason: `document "${annotation.target.source}" is not in the workspace (deleted, renamed or not a source)` });
      if (this.anchored(doc).orphans.includes(annotation)) out.push({ folder: f, annotation, index, reason: `the annotated text is no longer in "${annotation.target.source}"` });
    });
    return out;
  }
}

function toCatalogEntity(e: UserEntity): CatalogUserEntity {
  const description = typeof e.description === "string" ? e.description : (e.description?.en ?? e.description?.zh);
  return { id: e.id, name: e.name, type: e.type, aliases: e.aliases, description };
}
