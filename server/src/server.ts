// The language server: wires the LSP to the corpus and the service. No analysis lives here.
// Run as `node dist/server.js --stdio` (how the VS Code client starts it; --node-ipc works too).
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceFolder,
  type Connection,
  ResponseError,
  ErrorCodes,
  LSPErrorCodes,
  type CancellationToken,
  type ReferenceParams,
  type PublishDiagnosticsParams,
  type ResultProgressReporter,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver/node";
import { TextDocument, type TextDocumentContentChangeEvent } from "vscode-languageserver-textdocument";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { EntityDef } from "./analysis/types";
import { Corpus } from "./corpus/corpus";
import { AnalysisPool } from "./corpus/pool";
import { discover, makeFilter, readSource, readDiscoveredSourceSync, isInside, DEFAULT_EXCLUDE, DEFAULT_INCLUDE } from "./corpus/sources";
import { hover, HOVER_DOCUMENTS } from "./service/hover";
import { entityDefinition, entityHighlights, entityReferenceChunks, entityReferences, figureOrClaimDefinition, figureOrClaimReferences } from "./service/navigation";
import type { Location } from "./service/protocolTypes";
import { documentDiagnostics, DiagnosticsCache, type Diagnostic, type DiagnosticCodeName, type SeverityName } from "./service/diagnostics";
import { mergeChanges, prepareSplice, spliceAnalysis, warmUpSplice, type OffsetChange, type TextChange } from "./analysis/incremental";
import { inlayHints } from "./service/inlayHints";
import { codeActions } from "./service/codeActions";
import { semanticTokens, TOKEN_MODIFIERS, TOKEN_TYPES } from "./service/semanticTokens";
import { codeLenses, resolveCodeLens, type CodeLens } from "./service/codeLens";
import { ServerCommand, annotationFileDiagnostics, runServerCommand, renameEdits, entityEntryLocation, type EditRequest } from "./service/annotate";
import { WorkspaceAnnotations, ANNOTATION_FILE, type AnnotationFolder } from "./corpus/annotations";
import { existsSync, promises as fsp, realpathSync } from "node:fs";
import { IndexCache, cacheKey } from "./corpus/indexCache";
import { FileStatter, type FileStats } from "./corpus/fileStats";
import { documentSymbols, workspaceSymbols } from "./service/symbols";
import builtinCatalog from "../data/entities.json";
import { PUBLISH_DIAGNOSTICS, ReusingJsonEncoder } from "./messageEncoder";
import { format } from "node:util";

interface Settings {
  include: string[];
  exclude: string[];
  maxFileSizeMB: number;
  inlayHints: { enabled: boolean };
  severity: Partial<Record<DiagnosticCodeName, SeverityName>>;
  /** Which sources get diagnostics: all of them, or those open in the editor (a very large workspace). */
  diagnostics: { scope: "workspace" | "openDocuments" };
}
const DEFAULTS: Settings = { include: DEFAULT_INCLUDE, exclude: DEFAULT_EXCLUDE, maxFileSizeMB: 32, inlayHints: { enabled: true }, severity: {}, diagnostics: { scope: "workspace" } };

/**
 * The corpus, with a generation number that changes whenever a document or the catalog changes,
 * except through the incremental update of an open document being edited (setEdited): the
 * diagnostics cache of that document stays valid across keystrokes, and is dropped once the edits
 * settle and a full analysis comes back.
 */
class TrackedCorpus extends Corpus {
  generation = 0;
  private quiet: string | undefined;
  override set(...args: Parameters<Corpus["set"]>): ReturnType<Corpus["set"]> {
    if (args[0] !== this.quiet) this.generation++;
    return super.set(...args);
  }
  override setPacked(...args: Parameters<Corpus["setPacked"]>): ReturnType<Corpus["setPacked"]> {
    this.generation++;
    return super.setPacked(...args);
  }
  override remove(uri: string): void {
    if (uri !== this.quiet) this.generation++;
    super.remove(uri);
  }
  override replaceCatalog(...args: Parameters<Corpus["replaceCatalog"]>): void {
    this.generation++;
    super.replaceCatalog(...args);
  }
  setEdited(...args: Parameters<Corpus["set"]>): ReturnType<Corpus["set"]> {
    this.quiet = args[0];
    try {
      return this.set(...args);
    } finally {
      this.quiet = undefined;
    }
  }
}

/** The last edit of each open document, recorded as the editor's changes are applied (see editedText). */
const lastEdit = new Map<string, { before: string; change: TextChange | undefined; receivedAt: number }>();
/** Set by the shutdown request: the exit code when the editor then closes our input. */
let shutdownRequested = false;
const stdioEncoder = new ReusingJsonEncoder();
const connection: Connection = process.argv.includes("--stdio") ? createStdioConnection() : createConnection(ProposedFeatures.all);

/**
 * Over stdio, the writer gets an encoder that reuses the JSON of unchanged related information
 * (messageEncoder.ts). What the library does for a plain `--stdio` is done here too: the process
 * ends with its input, and the console, which would write into the protocol's stream, goes to
 * standard error instead.
 */
function createStdioConnection(): Connection {
  const reader = new StreamMessageReader(process.stdin);
  const writer = new StreamMessageWriter(process.stdout, { charset: "utf-8", contentTypeEncoder: stdioEncoder });
  for (const event of ["end", "close"]) process.stdin.on(event, () => process.exit(shutdownRequested ? 0 : 1));
  const toStderr = (...args: unknown[]) => void process.stderr.write(format(...args) + "\n");
  for (const m of ["log", "info", "debug", "warn", "error", "trace", "dir"] as const) (console as unknown as Record<string, unknown>)[m] = toStderr;
  return createConnection(ProposedFeatures.all, reader, writer);
}
const documents = new TextDocuments({
  create: TextDocument.create,
  update(doc: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument {
    const receivedAt = performance.now();
    // Applied one at a time, so each change's offsets are taken in the text it applies to.
    const before = doc.getText();
    const offsets: OffsetChange[] = [];
    for (const c of changes) {
      if ("range" in c) offsets.push({ start: doc.offsetAt(c.range.start), end: doc.offsetAt(c.range.end), text: c.text });
      else offsets.length = 0;
      doc = TextDocument.update(doc, [c], version);
      if (!("range" in c)) offsets.push({ start: 0, end: before.length, text: "" }); // a full replacement: no usable change
    }
    const fullReplace = changes.some((c) => !("range" in c));
    lastEdit.set(doc.uri, { before, change: fullReplace ? undefined : mergeChanges(offsets), receivedAt });
    return doc;
  },
});
const builtin = builtinCatalog as EntityDef[];
const builtinHash = cacheKey(builtin);
const corpus = new TrackedCorpus(builtin);
const log = (msg: string) => connection.console.log(msg);
let pool: AnalysisPool;
let folders: WorkspaceFolder[] = [];
let settings: Settings = DEFAULTS;
let canConfigure = false;
let canWatchDynamically = false;
let canTrackFolders = false;
let canRefresh = { inlayHints: false, semanticTokens: false, codeLens: false };
/** Whether the client takes related information in diagnostics; without it, none is sent. */
let canRelate = true;
let indexing = false;
/** The persisted index (warm start), when the client gave a storage folder. */
let cache: IndexCache | undefined;
/** The start-up's stat thread (see indexFolders), until it is used. */
let statter: FileStatter | undefined;
let cacheTimer: NodeJS.Timeout | undefined;
/** Workspace trust: in an untrusted workspace Marginalia only reads (no writes, no writing actions). */
let trusted = true;
const annotations = new WorkspaceAnnotations();
/** Latest version we asked to analyse, per uri: older results are dropped when they arrive. */
const wanted = new Map<string, number>();
let diskVersion = 0;

connection.onInitialize((params: InitializeParams): InitializeResult => {
  folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: path.basename(fileURLToPath(params.rootUri)) }] : []);
  canConfigure = !!params.capabilities.workspace?.configuration;
  canWatchDynamically = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  canTrackFolders = !!params.capabilities.workspace?.workspaceFolders;
  const ws = params.capabilities.workspace;
  canRefresh = { inlayHints: !!ws?.inlayHint?.refreshSupport, semanticTokens: !!ws?.semanticTokens?.refreshSupport, codeLens: !!ws?.codeLens?.refreshSupport };
  canRelate = params.capabilities.textDocument?.publishDiagnostics?.relatedInformation === true;
  pool = new AnalysisPool(builtin, [], path.join(__dirname, "worker.js"), undefined, log, () => corpus.catalog);
  const options = params.initializationOptions as { trusted?: boolean; storagePath?: string } | undefined;
  trusted = options?.trusted !== false;
  const indexFile = typeof options?.storagePath === "string" && options.storagePath ? path.join(options.storagePath, "index-v5.bin") : undefined;
  if (indexFile) (cache = new IndexCache(indexFile, analysisKey())).prefetch();
  // With a persisted index, a thread will stat the files while the index is decoded: started now, it
  // loads while the server reads its settings and lists the files. Without one every file will be
  // analysed: the workers build their catalogs meanwhile instead.
  if (indexFile && existsSync(indexFile)) statter = new FileStatter(path.join(__dirname, "statWorker.js"));
  else pool.start();
  return {
    capabilities: {
      positionEncoding: "utf-16",
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      documentSymbolProvider: { label: "Marginalia" },
      workspaceSymbolProvider: true,
      inlayHintProvider: true,
      codeActionProvider: { codeActionKinds: ["quickfix", "refactor.rewrite", "refactor.extract"] },
      codeLensProvider: { resolveProvider: true },
      renameProvider: { prepareProvider: true },
      semanticTokensProvider: { legend: { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] }, full: true, range: false },
      executeCommandProvider: { commands: Object.values(ServerCommand) },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: "marginalia", version: "0.1.0" },
  };
});

connection.onInitialized(async () => {
  if (canWatchDynamically) {
    await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*" }] }).catch(() => undefined);
  }
  // Only clients that declare workspace folders send their changes (the library throws otherwise).
  if (canTrackFolders) connection.workspace.onDidChangeWorkspaceFolders(async (e) => {
    for (const f of e.removed) {
      const prefix = f.uri.endsWith("/") ? f.uri : f.uri + "/";
      for (const uri of corpus.uris()) if (uri.startsWith(prefix) && !documents.get(uri)) corpus.remove(uri);
    }
    folders = folders.filter((f) => !e.removed.some((r) => r.uri === f.uri)).concat(e.added);
    for (const f of e.removed) annotations.removeFolder(f.uri);
    await loadAnnotationFiles(e.added);
    await indexFolders(e.added);
  });
  settings = await loadSettings();
  await loadAnnotationFiles(folders);
  cache?.reset(analysisKey());
  await indexFolders(folders, true);
  statter?.dispose(); // not needed after all (no folder to index)
  statter = undefined;
});

// ---- marginalia.json: one per folder; a bad version is reported and never overwritten
async function readAnnotationText(f: AnnotationFolder): Promise<string> {
  const open = documents.get(f.fileUri);
  if (open) return open.getText();
  const read = () => fsp.readFile(f.filePath, "utf8").catch(() => ""); // no file yet: an empty annotation set
  // Another program may be writing the file right now (truncate, then write): read until two
  // reads agree, so a half-written file is never taken for the user's annotations.
  let text = await read();
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 25));
    const again = await read();
    if (again === text) break;
    text = again;
  }
  return text;
}

async function loadAnnotationFiles(list: WorkspaceFolder[]): Promise<void> {
  for (const wf of list) {
    if (!wf.uri.startsWith("file:")) continue;
    const f = annotations.addFolder(wf.uri, "");
    annotationTextChanged(f.fileUri, await readAnnotationText(f), false);
  }
}

/** A new text of a marginalia.json: update the store, the catalog if entities changed, and diagnostics. */
function annotationTextChanged(fileUri: string, text: string, reanalyze = true): void {
  const before = JSON.stringify(annotations.userEntities());
  const r = annotations.update(fileUri, text);
  if (!r) return;
  if (!r.ok) log(`${ANNOTATION_FILE} has errors; using its last good version and not writing to it until it is fixed`);
  const entitiesChanged = JSON.stringify(annotations.userEntities()) !== before;
  if (entitiesChanged) {
    pool.setUserEntities(annotations.userEntities());
    corpus.replaceCatalog(pool.catalog());
    cache?.reset(analysisKey());
    if (reanalyze)
      for (const d of corpus.documents()) {
        if (documents.get(d.uri) || d.hasText || !d.uri.startsWith("file:")) void analyzeAndStore(d.uri, d.text, d.version, !!documents.get(d.uri));
        else void reanalyzeFile(d.uri);
      }
  }
  schedulePublish([fileUri, ...(r.changed ? corpus.uris() : [])]);
}

async function loadSettings(): Promise<Settings> {
  if (!canConfigure) return DEFAULTS;
  try {
    const s = (await connection.workspace.getConfiguration("marginalia")) as Partial<Settings> | null;
    return {
      include: Array.isArray(s?.include) && s!.include.length ? s!.include : DEFAULTS.include,
      exclude: Array.isArray(s?.exclude) ? s!.exclude : DEFAULTS.exclude,
      maxFileSizeMB: typeof s?.maxFileSizeMB === "number" && s.maxFileSizeMB > 0 ? s.maxFileSizeMB : DEFAULTS.maxFileSizeMB,
      inlayHints: { enabled: s?.inlayHints?.enabled !== false },
      severity: s?.severity && typeof s.severity === "object" ? s.severity : {},
      diagnostics: { scope: s?.diagnostics?.scope === "openDocuments" ? "openDocuments" : "workspace" },
    };
  } catch {
    return DEFAULTS;
  }
}

connection.onDidChangeConfiguration(async () => {
  const before = JSON.stringify(settings);
  settings = await loadSettings();
  if (JSON.stringify(settings) !== before) {
    void connection.languages.inlayHint.refresh().catch(() => undefined);
    schedulePublish(corpus.uris());
    const accept = folderFilter();
    for (const uri of corpus.uris()) if (!documents.get(uri) && !accept(uri)) corpus.remove(uri);
    await indexFolders(folders);
  }
});

function folderFilter(): (uri: string) => boolean {
  const accept = makeFilter(settings);
  return (uri) => {
    const f = folderOf(uri);
    if (!f) return false;
    return accept(path.relative(fileURLToPath(f.uri), fileURLToPath(uri)));
  };
}

function folderOf(uri: string): WorkspaceFolder | undefined {
  // The innermost folder holding the uri (folders may nest).
  let best: WorkspaceFolder | undefined;
  for (const f of folders) if (uri.startsWith(f.uri.endsWith("/") ? f.uri : f.uri + "/") && (!best || f.uri.length > best.uri.length)) best = f;
  return best;
}

/** A folder's path on disk, without a trailing separator (worked out once per folder: labels need it per file). */
const folderPaths = new Map<string, string>();
function folderPathOf(f: WorkspaceFolder): string {
  let p = folderPaths.get(f.uri);
  if (p === undefined) {
    p = fileURLToPath(f.uri);
    if (p.length > 1 && p.endsWith(path.sep)) p = p.slice(0, -1);
    folderPaths.set(f.uri, p);
  }
  return p;
}

/**
 * Reads a source of a workspace folder; one that resolves (symbolic links) outside its folder is
 * refused unread. Files found by discover() were reached without following links: no check needed.
 */
function readFolderSource(file: string, discovered = false): ReturnType<typeof readSource> {
  const f = folderOf(pathToFileURL(file).href);
  return readSource(file, settings.maxFileSizeMB * 1048576, f && !discovered ? fileURLToPath(f.uri) : undefined);
}

function labelOf(uri: string): string {
  if (!uri.startsWith("file:")) return uri.slice(uri.lastIndexOf("/") + 1);
  try {
    const file = fileURLToPath(uri);
    const f = folderOf(uri);
    if (!f) return path.basename(file);
    const root = folderPathOf(f);
    const rel = file.startsWith(root + path.sep) ? file.slice(root.length + 1) : path.relative(root, file);
    return path.sep === "/" ? rel : rel.split(path.sep).join("/");
  } catch {
    return uri;
  }
}

/**
 * Indexes every source file under the folders, with $/progress, without blocking requests. At
 * start-up (`loadIndex`) the persisted index is loaded here, once the files are listed: a thread
 * stats them while this one decodes the index.
 */
async function indexFolders(list: WorkspaceFolder[], loadIndex = false): Promise<void> {
  if (list.length === 0) return;
  indexing = true;
  const progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
  const t0 = Date.now();
  try {
    progress?.begin("Marginalia: indexing", 0, "finding sources…", false);
    const files: string[] = [];
    for (const f of list) {
      if (!f.uri.startsWith("file:")) continue;
      files.push(...(await discover(fileURLToPath(f.uri), settings)));
    }
    let known: FileStats | undefined;
    if (loadIndex && cache) {
      const stats = statter?.stat(files); // in a thread, while this one decodes the index
      statter = undefined;
      if (await cache.load()) log(`persisted index: ${cache.size} documents`);
      else pool.start(); // everything will be analysed
      known = cache.size ? await stats : undefined;
    }
    let done = 0;
    let skipped = 0;
    let fromCache = 0;
    const reportEvery = Math.max(1, Math.floor(files.length / 100));
    const maxBytes = settings.maxFileSizeMB * 1048576;
    let lastStatus = 0;
    // Workers read and analyse the files; the main thread only stores what they send back. Enough
    // files in flight to keep every worker busy while the main thread handles a reply.
    await forEachLimit(files, Math.max(8, pool.threads * 4), async (file, i) => {
      const uri = pathToFileURL(file).href;
      if (!documents.get(uri)) {
        // Unchanged since the persisted index was written: no need to read or analyse it again.
        const cached = known ? cache?.lookup(uri, known.size[i], known.mtimeMs[i]) : cache?.lookupFile(uri, file);
        if (cached) {
          wanted.set(uri, --diskVersion);
          corpus.setPacked(uri, cached, undefined, diskVersion, labelOf(uri), diskText(file, true));
          fromCache++;
        } else {
          const version = --diskVersion;
          wanted.set(uri, version);
          const r = await pool.analyzeFile({ file, maxBytes }).catch((e: Error) => ({ ok: false as const, reason: `analysis failed (${e.message})` }));
          if (!r.ok) {
            skipped++;
            log(`skipped ${labelOf(uri)}: ${r.reason}`);
          } else if (wanted.get(uri) === version && !documents.get(uri) && folderOf(uri)) {
            const doc = corpus.setPacked(uri, r.packed, r.lines, version, labelOf(uri), diskText(file, true));
            cache?.put(uri, r.size, r.mtimeMs, r.packed, r.lines, doc.entities);
          }
        }
      }
      done++;
      if (done % reportEvery === 0 || done === files.length) {
        progress?.report(Math.round((done / files.length) * 100), `${done}/${files.length} documents`);
        // The status bar's counts, a few times a second at most (counting entities walks them all).
        if (performance.now() - lastStatus > 250) (sendStatus(), (lastStatus = performance.now()));
      }
    });
    log(`indexed ${files.length - skipped} documents (${skipped} skipped, ${fromCache} from the persisted index) in ${Date.now() - t0} ms`);
    if (cache?.changed) scheduleCacheSave(0);
  } catch (e) {
    log(`indexing failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  } finally {
    indexing = false;
    progress?.done();
    // Ready for the first edit (a warm start did not need them until now).
    setTimeout(() => pool.start(), 1000).unref?.();
    sendStatus();
    refreshViews();
    schedulePublish([...corpus.uris(), ...annotationFiles()]);
  }
}

/** Runs fn over items with at most `limit` in flight (bounded file handles and memory). */
async function forEachLimit<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  });
  await Promise.all(lanes);
}

function diskOf(r: { size?: number; mtimeMs?: number }): { size: number; mtimeMs: number } | undefined {
  return r.size !== undefined && r.mtimeMs !== undefined ? { size: r.size, mtimeMs: r.mtimeMs } : undefined;
}

/** Everything an analysis depends on besides the text: the catalog and the user's entities. */
function analysisKey(): string {
  return cacheKey(builtin.length, builtinHash, annotations.userEntities());
}

/** The write of the persisted index in progress: one at a time, and shutdown waits for it. */
let cacheSaving: Promise<void> = Promise.resolve();
function saveCache(): Promise<void> {
  cacheSaving = cacheSaving.then(() => cache?.save().catch((e) => log(`could not write the persisted index: ${e instanceof Error ? e.message : String(e)}`)));
  return cacheSaving;
}

function scheduleCacheSave(delayMs = 10_000): void {
  if (!cache) return;
  clearTimeout(cacheTimer);
  cacheTimer = setTimeout(() => {
    cacheTimer = undefined;
    void saveCache();
  }, delayMs);
  cacheTimer.unref?.();
}

/** Reads a closed document's text again when a feature needs it (the corpus keeps no copy). */
function diskText(file: string, discovered: boolean): () => string | undefined {
  return () => {
    if (!discovered) {
      const f = folderOf(pathToFileURL(file).href);
      if (!f || !isInsideReal(fileURLToPath(f.uri), file)) return undefined;
    }
    const r = readDiscoveredSourceSync(file, settings.maxFileSizeMB * 1048576);
    return r.ok ? r.text : undefined;
  };
}

function isInsideReal(folder: string, file: string): boolean {
  try {
    return isInside(realpathSync(folder), realpathSync(file));
  } catch {
    return false;
  }
}

/** Re-reads and re-analyses a closed file in a worker (the catalog changed). */
async function reanalyzeFile(uri: string): Promise<void> {
  const version = --diskVersion;
  wanted.set(uri, version);
  const file = fileURLToPath(uri);
  // Workers read without resolving links: a link that now points outside the folder is not read.
  const folder = folderOf(uri);
  if (!folder || !isInsideReal(fileURLToPath(folder.uri), file)) return;
  const r = await pool.analyzeFile({ file, maxBytes: settings.maxFileSizeMB * 1048576 }).catch((e: Error) => ({ ok: false as const, reason: e.message }));
  if (wanted.get(uri) !== version || documents.get(uri) || !folderOf(uri)) return;
  if (!r.ok) return void log(`skipped ${labelOf(uri)}: ${r.reason}`);
  const doc = corpus.setPacked(uri, r.packed, r.lines, version, labelOf(uri), diskText(file, false));
  cache?.put(uri, r.size, r.mtimeMs, r.packed, r.lines, doc.entities);
  schedulePublish([uri]);
}

/**
 * Analyses a text and stores the result. An open document keeps its text in memory; a file read from
 * disk (`disk`) keeps only its analysis and is read again when a feature needs its text.
 */
async function analyzeAndStore(uri: string, text: string, version: number, urgent: boolean, disk?: { size: number; mtimeMs: number }): Promise<void> {
  wanted.set(uri, version);
  try {
    const r = await pool.analyze({ text, urgent, key: uri });
    if (wanted.get(uri) !== version) return; // a newer version is on its way
    if (!documents.get(uri) && !folderOf(uri)) return void wanted.delete(uri); // its folder was removed meanwhile
    const open = !!documents.get(uri);
    const doc = corpus.setPacked(uri, r.packed, r.lines, version, labelOf(uri), open || !disk || !uri.startsWith("file:") ? text : diskText(fileURLToPath(uri), false));
    if (disk && cache) {
      cache.put(uri, disk.size, disk.mtimeMs, r.packed, r.lines, doc.entities);
      if (!indexing) scheduleCacheSave();
    }
    // This document's diagnostics now; open ones too, since related claims may have changed.
    if (!indexing || open) schedulePublish([uri, ...documents.keys(), ...annotationFiles()]);
    if (open) refreshViews();
  } catch (e) {
    log(`analysis of ${labelOf(uri)} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Asks the editor to re-request hints, colours and lenses, e.g. for files opened before indexing ended. */
let refreshTimer: NodeJS.Timeout | undefined;
function refreshViews(): void {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    if (canRefresh.inlayHints) void connection.languages.inlayHint.refresh().catch(() => undefined);
    if (canRefresh.semanticTokens) connection.languages.semanticTokens.refresh();
    if (canRefresh.codeLens) void connection.sendRequest("workspace/codeLens/refresh").catch(() => undefined);
  }, 100);
}

function annotationFiles(): string[] {
  return [...annotations.folders.values()].map((f) => f.fileUri);
}

function sendStatus(): void {
  const counts = corpus.counts;
  void connection.sendNotification("marginalia/status", {
    indexing,
    documents: counts.documents,
    entities: corpus.mentionedEntities().length,
    mentions: counts.mentions,
    claims: counts.claims,
  });
}

// ---- diagnostics, pushed: for every indexed document after indexing, then for what changes
const publishQueue = new Set<string>();
const diagnosticsCache = new DiagnosticsCache();
/** What was last sent for each open document. */
const lastPublished = new Map<string, { version: number | undefined; diagnostics: Diagnostic[] }>();

function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}

/** Publishes one document's diagnostics now, ahead of the queue (the document being typed in). */
function publishFirst(uri: string): void {
  publishQueue.delete(uri);
  const rest = [...publishQueue];
  publishQueue.clear();
  publishQueue.add(uri);
  for (const u of rest) publishQueue.add(u);
  publishNow();
}
/** Documents whose last published diagnostics were not empty: cleared when they close under `openDocuments`. */
const shown = new Set<string>();
let publishScheduled = false;
function schedulePublish(uris: Iterable<string>): void {
  for (const u of uris) publishQueue.add(u);
  if (!publishScheduled) {
    publishScheduled = true;
    setImmediate(publishNow);
  }
}
/**
 * Notifications handed to the connection and not yet written to the pipe. A client reads 10,000
 * documents' diagnostics (277 MB of JSON) more slowly than they are computed: without a bound, two
 * thousand of them waited at once, and every response queued behind them (a hover took up to 2.6 s).
 */
let unwritten = 0;
const MAX_UNWRITTEN = 4;
/** publishNow stopped for the pipe: the next notification written resumes it. */
let waitingForPipe = false;
function publish(params: PublishDiagnosticsParams): Promise<void> {
  unwritten++;
  const sending = connection.sendDiagnostics(params);
  const written = () => {
    unwritten--;
    if (waitingForPipe && unwritten < MAX_UNWRITTEN / 2) {
      waitingForPipe = false;
      schedulePublish([]);
    }
  };
  sending.then(written, written);
  return sending;
}

/** Publishes in slices of a few milliseconds, open documents first, so requests interleave. */
function publishNow(): void {
  publishScheduled = false;
  const t0 = performance.now();
  const open = documents.keys().filter((u) => publishQueue.has(u));
  const order = open.length ? [...open, ...publishQueue] : publishQueue;
  for (const uri of order) {
    if (performance.now() - t0 > 8) break;
    // Open documents go first, whatever is still on its way out.
    if (unwritten >= MAX_UNWRITTEN && !documents.get(uri)) {
      waitingForPipe = true;
      if (!indexing) prepareAnswersWhileWaiting();
      return;
    }
    if (!publishQueue.delete(uri)) continue;
    try {
      const file = annotations.fileFolder(uri);
      if (file) {
        void publish({ uri, diagnostics: indexing ? [] : annotationFileDiagnostics(annotations, file, corpus) });
        continue;
      }
      const doc = corpus.get(uri);
      const open = !!documents.get(uri);
      if (!open && settings.diagnostics.scope === "openDocuments") {
        // Nothing computed for closed documents; what an earlier setting or a closed editor left is cleared.
        if (shown.delete(uri)) void publish({ uri, diagnostics: [] });
        continue;
      }
      // Open documents keep their diagnostics' costly parts between keystrokes.
      const cache = open && doc ? { store: diagnosticsCache, generation: corpus.generation } : undefined;
      const computed = doc ? documentDiagnostics(corpus, uri, settings.severity, annotations.anchored(doc).anchored, cache) : [];
      const diagnostics = canRelate ? computed : computed.map(({ relatedInformation: _, ...d }) => d);
      // Labelled with the version that was analysed (not the editor's latest, which may still be on its way).
      const version = open && doc && doc.version >= 0 ? doc.version : undefined;
      // The full analysis after a burst of edits usually agrees with what the keystrokes published: not sent again.
      const last = open ? lastPublished.get(uri) : undefined;
      if (last && version !== undefined && last.version === version && sameDiagnostics(last.diagnostics, diagnostics)) continue;
      if (open) lastPublished.set(uri, { version, diagnostics });
      if (diagnostics.length) shown.add(uri);
      else shown.delete(uri);
      const sending = publish({ uri, version, diagnostics });
      if (open) sent.set(uri, sending);
    } catch (e) {
      log(`diagnostics for ${labelOf(uri)} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (publishQueue.size && !publishScheduled) {
    publishScheduled = true;
    setImmediate(publishNow);
  } else if (!publishQueue.size && !indexing) prepareAnswersWhenIdle();
}

/**
 * Runs the steps of background work a few milliseconds at a time, so that requests and keystrokes
 * come between; `stop` is asked before each slice. A failure ends the work with a line in the log.
 */
function inSlices(what: string, steps: Iterator<unknown>, stop: () => boolean = () => false, sliceMs = 5): void {
  const step = () => {
    if (stop() || stepFor(what, steps, sliceMs)) return;
    setImmediate(step);
  };
  step();
}

/** Runs steps for about `ms`; true once they are done (a failure ends them, with a line in the log). */
function stepFor(what: string, steps: Iterator<unknown>, ms: number): boolean {
  try {
    const t0 = performance.now();
    while (performance.now() - t0 < ms) if (steps.next().done) return true;
    return false;
  } catch (e) {
    log(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
    return true;
  }
}

/**
 * The per-entity answers, prepared with the time that publishing spends waiting for the client to
 * read (it reads every document's diagnostics more slowly than they are computed), so that they are
 * ready when the last diagnostics arrive. Started again when the corpus changes.
 */
let preparingWhileWaiting: { steps: Iterator<unknown>; generation: number } | undefined;
function prepareAnswersWhileWaiting(): void {
  if (preparingWhileWaiting?.generation !== corpus.generation) preparingWhileWaiting = { steps: corpus.prepareAnswers(HOVER_DOCUMENTS), generation: corpus.generation };
  // A finished generator answers `done` at once: no flag of its own needed.
  stepFor("preparing answers", preparingWhileWaiting.steps, 2);
}

/**
 * Once every diagnostic is out and nothing has changed for a second, the per-entity answers of hover
 * cards and definitions are computed in slices of a few milliseconds, so no request pays for the
 * first look at a frequent entity. Typing keeps postponing it: a keystroke must not pay for it either.
 */
const PREPARE_AFTER_MS = 1000;
let prepareTimer: NodeJS.Timeout | undefined;
let prepareRun = 0;
function prepareAnswersWhenIdle(): void {
  clearTimeout(prepareTimer);
  const run = ++prepareRun;
  prepareTimer = setTimeout(() => {
    // Busier work came first, or something was published since: the next quiet second starts over.
    inSlices("preparing answers", corpus.prepareAnswers(HOVER_DOCUMENTS), () => run !== prepareRun || publishQueue.size > 0 || indexing);
  }, PREPARE_AFTER_MS);
  prepareTimer.unref?.();
}

// ---- open documents: the editor's text wins over the disk's
documents.onDidOpen((e) => {
  if (annotations.fileFolder(e.document.uri)) return annotationTextChanged(e.document.uri, e.document.getText());
  const uri = e.document.uri;
  void analyzeAndStore(uri, e.document.getText(), e.document.version, true).then(() => {
    sendStatus();
    // Ahead of the first keystroke in a large document.
    const doc = corpus.get(uri);
    if (doc && doc.text.length >= INCREMENTAL_MIN_CHARS && documents.get(uri)?.version === doc.version) {
      prepareSplice(doc.text, doc.analysis);
      void corpus.catalog; // built now (a warm start has not needed it yet), not in the first keystroke
      warmUpKeystrokes(doc.text);
    }
  });
});
documents.onDidChangeContent((e) => {
  const uri = e.document.uri;
  const edit = lastEdit.get(uri);
  lastEdit.delete(uri);
  if (!edit) return; // didOpen fires this too, and onDidOpen has it in hand
  if (annotations.fileFolder(uri)) return annotationTextChanged(uri, e.document.getText());
  if (edit.change && spliceEdit(uri, edit.before, edit.change, e.document, edit.receivedAt)) return;
  void analyzeAndStore(uri, e.document.getText(), e.document.version, true);
});

// ---- keystrokes in large documents: splice now, analyse in full once the edits pause
/** MARGINALIA_LOG_TIMING=1: log the server time of each keystroke (the benchmark reads it). */
const LOG_TIMING = process.env.MARGINALIA_LOG_TIMING === "1";
/** The last diagnostics notification of each document, settled once written. */
const sent = new Map<string, Promise<void>>();
/** With MARGINALIA_LOG_TIMING over stdio: when the diagnostics of an open document's version were encoded for the pipe. */
const encodedAt = new Map<string, number>();
const versionKey = (uri: string, version: number) => `${uri} v${version}`;
if (LOG_TIMING)
  stdioEncoder.onEncoded = (msg) => {
    if ((msg as { method?: string }).method !== PUBLISH_DIAGNOSTICS) return;
    const p = (msg as { params?: { uri?: string; version?: number } }).params;
    if (p?.uri === undefined || p.version === undefined) return;
    if (encodedAt.size > 1000) encodedAt.clear(); // versions nobody asked about
    encodedAt.set(versionKey(p.uri, p.version), performance.now());
  };
/** Whether this thread's analysis code was compiled ahead of keystrokes (once per process is enough). */
let keystrokesWarm = false;
/** Analyses a few keystroke-sized windows of a large document in slices of a few ms (see warmUpSplice). */
function warmUpKeystrokes(text: string): void {
  if (keystrokesWarm) return;
  keystrokesWarm = true;
  const steps = warmUpSplice(text, corpus.catalog);
  // Not within the open's own turn: its diagnostics go out first.
  setImmediate(() => inSlices("warming up for keystrokes", steps, undefined, 4));
}
/** Below this size a full analysis in a worker is fast enough for every keystroke. */
const INCREMENTAL_MIN_CHARS = 64 * 1024;
/** Quiet time after the last keystroke before the whole document is analysed again. */
const SETTLE_MS = 400;
const settleTimers = new Map<string, NodeJS.Timeout>();

/**
 * Re-analyses only the lines around the edit (analysis/incremental.ts), in this thread, stores the
 * result and publishes this document's diagnostics at once. False when the incremental path does
 * not apply (small document, the index behind the editor, or a window that never agreed).
 */
function spliceEdit(uri: string, before: string, change: TextChange, document: TextDocument, receivedAt: number): boolean {
  const text = document.getText();
  const doc = corpus.get(uri);
  if (text.length < INCREMENTAL_MIN_CHARS || !doc || doc.text !== before) return false;
  let spliced: ReturnType<typeof spliceAnalysis>;
  try {
    spliced = spliceAnalysis(before, doc.analysis, text, change, corpus.catalog);
  } catch (e) {
    log(`incremental analysis of ${labelOf(uri)} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return false;
  }
  if (!spliced) return false;
  wanted.set(uri, document.version); // an older analysis still in a worker is dropped when it arrives
  corpus.setEdited(uri, text, document.version, doc.label, spliced.analysis);
  // Other documents' cached related information may point into this one, at offsets that just moved.
  diagnosticsCache.retainOnly(uri);
  const stored = performance.now();
  publishFirst(uri);
  if (LOG_TIMING) {
    // From the change's arrival to its diagnostics encoded and handed to the pipe (the server's own
    // time), and to the write's completion, which waits for the client to read the notification.
    const version = document.version;
    void sent.get(uri)?.then(() => {
      const at = encodedAt.get(versionKey(uri, version));
      encodedAt.delete(versionKey(uri, version));
      const pipe = at === undefined ? "" : `; handed to the pipe at ${(at - receivedAt).toFixed(1)} ms`;
      log(`keystroke ${labelOf(uri)} v${version}: ${(performance.now() - receivedAt).toFixed(1)} ms (analysis and store ${(stored - receivedAt).toFixed(1)} ms${pipe})`);
    });
  }
  // The window cannot see everything (names, labels and turns elsewhere in the document, other
  // documents' related claims): the full analysis corrects it once the edits pause.
  clearTimeout(settleTimers.get(uri));
  settleTimers.set(
    uri,
    setTimeout(() => {
      settleTimers.delete(uri);
      const d = documents.get(uri);
      if (!d || wanted.get(uri) !== d.version) return;
      void analyzeAndStore(uri, d.getText(), d.version, true).then(() => {
        // While the editor is idle, so that the next keystroke does not pay for it.
        const doc = corpus.get(uri);
        if (doc && doc.version === d.version && documents.get(uri)) prepareSplice(doc.text, doc.analysis);
      });
    }, SETTLE_MS),
  );
  return true;
}
documents.onDidClose(async (e) => {
  // Back to what is on disk (unsaved edits are gone), or out of the index if it is not a source.
  const uri = e.document.uri;
  clearTimeout(settleTimers.get(uri));
  settleTimers.delete(uri);
  lastEdit.delete(uri);
  lastPublished.delete(uri);
  sent.delete(uri);
  diagnosticsCache.delete(uri);
  const file = annotations.fileFolder(uri);
  if (file) return annotationTextChanged(uri, await readAnnotationText(file));
  if (!uri.startsWith("file:") || !folderFilter()(uri)) {
    wanted.delete(uri);
    corpus.remove(uri);
    schedulePublish([uri]);
    return;
  }
  const r = await readFolderSource(fileURLToPath(uri));
  if (r.ok) await analyzeAndStore(uri, r.text, --diskVersion, false, diskOf(r));
  else corpus.remove(uri);
});

connection.onDidChangeWatchedFiles(async ({ changes }) => {
  const accept = folderFilter();
  for (const c of changes) {
    if (documents.get(c.uri)) continue; // the editor's copy is authoritative while open
    const file = annotations.fileFolder(c.uri);
    if (file) {
      annotationTextChanged(c.uri, await readAnnotationText(file));
      continue;
    }
    if (c.type === FileChangeType.Deleted) {
      // A deleted folder arrives as one event for the folder: drop everything under it.
      const prefix = c.uri.endsWith("/") ? c.uri : c.uri + "/";
      // Analyses still in flight (wanted) are dropped too, so a file deleted while indexed does not come back.
      for (const uri of new Set([...corpus.uris(), ...wanted.keys()])) if ((uri === c.uri || uri.startsWith(prefix)) && !documents.get(uri)) (wanted.delete(uri), corpus.remove(uri), cache?.delete(uri), schedulePublish([uri]));
      continue;
    }
    if (!accept(c.uri)) continue;
    const r = await readFolderSource(fileURLToPath(c.uri));
    if (r.ok) await analyzeAndStore(c.uri, r.text, --diskVersion, false, diskOf(r));
    else {
      log(`skipped ${labelOf(c.uri)}: ${r.reason}`);
      corpus.remove(c.uri);
    }
  }
  // Orphaned annotations and related-claim links in open documents may have changed.
  schedulePublish([...documents.keys(), ...annotationFiles()]);
  sendStatus();
});

// ---- requests: each one answers from the index as it is, and never throws to the client
function safe<P, R>(name: string, fallback: R, fn: (p: P) => R): (p: P, token?: { isCancellationRequested: boolean }) => R | ResponseError<void> {
  return (p: P, token?: { isCancellationRequested: boolean }) => {
    // A request cancelled while it waited in the queue (the editor moved on) is not computed at all.
    if (token?.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
    try {
      return fn(p);
    } catch (e) {
      log(`${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fallback;
    }
  };
}

function offsetOf(uri: string, position: { line: number; character: number }): number | undefined {
  const d = corpus.get(uri);
  return d ? d.lines.offsetAt(position) : undefined;
}

connection.onHover(
  safe("hover", null, (p) => {
    const o = offsetOf(p.textDocument.uri, p.position);
    return o === undefined ? null : hover(corpus, p.textDocument.uri, o);
  }),
);

connection.onDefinition(
  safe("definition", null, (p) => {
    const o = offsetOf(p.textDocument.uri, p.position);
    if (o === undefined) return null;
    const uri = p.textDocument.uri;
    // The thing under the cursor: a figure, else an entity mention, else the claim around it.
    if (corpus.figureAt(uri, o)) return figureOrClaimDefinition(corpus, uri, o);
    return entityDefinition(corpus, uri, o, (id) => entityEntryLocation(annotations, id)) ?? figureOrClaimDefinition(corpus, uri, o);
  }),
);

// With a partialResultToken, an entity's references stream as $/progress batches (a small first one,
// so the editor shows results at once), the current document first, yielding to other requests
// between batches; the final response is then empty, as the LSP says for partial results.
const FIRST_REFERENCE_BATCH = 500;
const REFERENCE_BATCH = 5000;

function references(p: ReferenceParams): Location[] | null {
  const o = offsetOf(p.textDocument.uri, p.position);
  if (o === undefined) return null;
  const uri = p.textDocument.uri;
  if (corpus.figureAt(uri, o)) return figureOrClaimReferences(corpus, uri, o);
  return entityReferences(corpus, uri, o, p.context?.includeDeclaration ?? true) ?? figureOrClaimReferences(corpus, uri, o);
}

async function streamReferences(chunks: Iterable<Location[]>, progress: ResultProgressReporter<Location[]>, token: CancellationToken): Promise<Location[] | ResponseError<void>> {
  let batch: Location[] = [];
  let size = FIRST_REFERENCE_BATCH;
  for (const locations of chunks)
    for (const l of locations) {
      batch.push(l);
      if (batch.length < size) continue;
      progress.report(batch);
      batch = [];
      size = REFERENCE_BATCH;
      await yieldToOtherMessages();
      if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, "references cancelled");
    }
  if (batch.length) progress.report(batch);
  return [];
}

/**
 * Lets messages that arrived meanwhile (another request, a $/cancelRequest) be handled. vscode-jsonrpc
 * needs about three event-loop turns for that (its reader, its decoder and its request queue each
 * defer to setImmediate): with one turn, a hover sent during a stream waited for three more batches.
 */
async function yieldToOtherMessages(): Promise<void> {
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
}

const referencesNow = safe("references", null, references);
connection.onReferences(async (p, token, _workDone, progress) => {
  if (!progress) return referencesNow(p, token);
  if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, "references cancelled");
  try {
    const uri = p.textDocument.uri;
    const o = offsetOf(uri, p.position);
    const chunks = o === undefined || corpus.figureAt(uri, o) ? null : entityReferenceChunks(corpus, uri, o, { includeDeclaration: p.context?.includeDeclaration ?? true, currentFirst: true });
    // Figures and claims have small clusters: one final answer.
    return chunks ? await streamReferences(chunks, progress, token) : references(p);
  } catch (e) {
    log(`references failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return [];
  }
});

connection.onDocumentHighlight(
  safe("documentHighlight", null, (p) => {
    const o = offsetOf(p.textDocument.uri, p.position);
    return o === undefined ? null : entityHighlights(corpus, p.textDocument.uri, o);
  }),
);

connection.languages.inlayHint.on(
  safe("inlayHint", [], (p) => {
    if (!settings.inlayHints.enabled) return [];
    const d = corpus.get(p.textDocument.uri);
    if (!d) return [];
    return inlayHints(corpus, p.textDocument.uri, d.lines.offsetAt(p.range.start), d.lines.offsetAt(p.range.end));
  }),
);

connection.onCodeAction(
  safe("codeAction", [], (p) => {
    const d = corpus.get(p.textDocument.uri);
    if (!d || !annotations.folderOf(d.uri)) return [];
    const s = d.lines.offsetAt(p.range.start);
    const e = d.lines.offsetAt(p.range.end);
    const mine = (p.context?.diagnostics ?? []).filter((x) => x.source === "marginalia");
    return codeActions(corpus, d.uri, s, e, annotations.anchored(d).anchored, mine, trusted);
  }),
);

const writeAccess = {
  readText: readAnnotationText,
  fileExists: (f: AnnotationFolder) => fsp.access(f.filePath).then(() => true, () => false),
  openVersion: (uri: string) => documents.get(uri)?.version ?? null,
};

connection.onExecuteCommand(async (p) => {
  if (!trusted) {
    void connection.window.showWarningMessage("Marginalia: this workspace is not trusted, so Marginalia does not write to marginalia.json.");
    return { applied: false, reason: "untrusted workspace" };
  }
  try {
    const req = await runServerCommand(p.command, (p.arguments?.[0] ?? {}) as EditRequest, { annotations, corpus, ...writeAccess });
    const result = await connection.workspace.applyEdit({ label: req.label, edit: req.edit });
    if (!result.applied) void connection.window.showWarningMessage(`Marginalia: ${ANNOTATION_FILE} was not changed${result.failureReason ? ` (${result.failureReason})` : ""}.`);
    return { applied: result.applied, file: req.fileUri };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    log(`command ${p.command} refused: ${msg}`);
    void connection.window.showErrorMessage(`Marginalia: ${msg}`);
    return { applied: false, reason: msg };
  }
});

connection.onPrepareRename(
  safe("prepareRename", null, (p) => {
    const d = corpus.get(p.textDocument.uri);
    const m = d && corpus.mentionAt(d.uri, d.lines.offsetAt(p.position));
    if (!d || !m || !trusted || !annotations.folderOf(d.uri)) return null;
    return { range: { start: d.lines.positionAt(m.start), end: d.lines.positionAt(m.end) }, placeholder: corpus.entity(m.entityId)?.name ?? m.surface };
  }),
);

connection.onRenameRequest(async (p) => {
  const d = corpus.get(p.textDocument.uri);
  const m = d && corpus.mentionAt(d.uri, d.lines.offsetAt(p.position));
  if (!d || !m) return null;
  if (!trusted) throw new ResponseError(ErrorCodes.InvalidRequest, "This workspace is not trusted: Marginalia does not write to marginalia.json.");
  const folder = annotations.folderOf(d.uri);
  if (!folder) return null;
  try {
    return await renameEdits(annotations, corpus, folder, corpus.canonical(m.entityId), p.newName, writeAccess);
  } catch (e) {
    throw new ResponseError(ErrorCodes.InvalidRequest, e instanceof Error ? e.message : String(e));
  }
});

connection.languages.semanticTokens.on(
  safe("semanticTokens", { data: [] }, (p) => {
    const d = corpus.get(p.textDocument.uri);
    return d ? semanticTokens(corpus, d.uri, annotations.anchored(d).anchored) : { data: [] };
  }),
);

connection.onCodeLens(safe("codeLens", [], (p) => codeLenses(corpus, p.textDocument.uri)));
connection.onCodeLensResolve(safe("codeLensResolve", { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }, (l) => resolveCodeLens(corpus, l as CodeLens)));

connection.onDocumentSymbol(safe("documentSymbol", [], (p) => documentSymbols(corpus, p.textDocument.uri)));
connection.onWorkspaceSymbol(safe("workspaceSymbol", [], (p) => workspaceSymbols(corpus, p.query ?? "")));

connection.onShutdown(async () => {
  shutdownRequested = true;
  // Keep the persisted index current for the next start (only when something changed since the last write).
  if (cacheTimer) {
    clearTimeout(cacheTimer);
    cacheTimer = undefined;
    void saveCache();
  }
  await cacheSaving; // a write cut short would leave the previous index, or none
  await pool?.dispose();
});

process.on("uncaughtException", (e) => log(`uncaught: ${e.stack ?? e.message}`));
process.on("unhandledRejection", (e) => log(`unhandled rejection: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));

documents.listen(connection);
connection.listen();
