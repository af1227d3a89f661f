// The workspace index (DESIGN.md §2): documents, their analyses (packed: analysis/packed.ts), and the
// cross-document tables (entity → documents, figure key → figures, gloss aliases), updated by
// difference when one document changes so a keystroke never rebuilds the whole corpus.
import type { Certainty, Claim, DocumentAnalysis, EntityDef, Figure, LearnedEntity, Mention } from "../analysis/types";
import { Catalog, type UserEntity } from "../analysis/catalog";
import { analyzeDocument } from "../analysis/analyze";
import { learnedId } from "../analysis/entities";
import { foldString } from "../analysis/fold";
import { LineIndex } from "../analysis/lines";
import { lineTable, StoredLines } from "../analysis/lineTable";
import { summarizeEntities, type EntitySummary } from "../analysis/entitySummary";
import {
  claimCertainty,
  claimCount,
  claimEnd,
  claimStart,
  figureCount,
  figureEnd,
  figureKey,
  figureKeys,
  figureStart,
  lastStartingAtOrBefore,
  mentionCount,
  mentionEnd,
  mentionEntity,
  mentionIsFull,
  mentionIsGloss,
  mentionStart,
  packAnalysis,
  storedMention,
  unpackAnalysis,
  unpackClaim,
  unpackFigure,
  type PackedAnalysis,
} from "../analysis/packed";
import builtinCatalog from "../../data/entities.json";

/** Reads the text of a document the corpus does not keep in memory (a closed file), or undefined. */
export type TextReader = () => string | undefined;

/**
 * A packed analysis still on disk (the persisted index): storing a document needs only what this
 * says of it, so a warm start reads the typed arrays of a document when a feature first asks.
 */
export interface DeferredPacked {
  readonly entities: EntitySummary;
  readonly mentionCount: number;
  readonly claimCount: number;
  readonly learned: LearnedEntity[];
  readonly figureKeys: readonly string[];
  /** Read on first use (and kept). */
  readonly packed: PackedAnalysis;
  readonly lines: Int32Array;
}

function isDeferred(a: PackedAnalysis | DeferredPacked | { objects: DocumentAnalysis }): a is DeferredPacked {
  return "figureKeys" in a;
}

/**
 * One indexed document. Its analysis is kept packed (typed arrays); `analysis` rebuilds the objects
 * when a feature needs them, and the corpus keeps the last few rebuilt ones. Files that are not open
 * keep no text: `text` reads it again from disk when a feature asks (a hover's context line).
 * A document stored with its analysis objects (an open document being edited) keeps them, and is
 * packed only when a cross-document lookup first reads it: a keystroke never pays for packing.
 */
export class CorpusDocument {
  private lineIndex: LineIndex | StoredLines | undefined;
  #packed: PackedAnalysis | undefined;
  #deferred: DeferredPacked | undefined;
  #lineData: Int32Array | undefined;
  #pinned: DocumentAnalysis | undefined;
  #entities: EntitySummary | undefined;
  constructor(
    private readonly corpus: Corpus,
    readonly uri: string,
    /** Path relative to its workspace folder, for display (falls back to the file name). */
    readonly label: string,
    readonly version: number,
    analysis: PackedAnalysis | DeferredPacked | { objects: DocumentAnalysis },
    lineData: Int32Array | undefined,
    private readonly source: string | TextReader,
    /** The analysis objects, when the document was stored with them. */
    readonly objects = "objects" in analysis ? analysis.objects : undefined,
  ) {
    if (isDeferred(analysis)) {
      this.#deferred = analysis;
      this.#entities = analysis.entities;
    } else if (!("objects" in analysis)) this.#packed = analysis;
    this.#lineData = lineData;
  }

  get packed(): PackedAnalysis {
    return (this.#packed ??= this.#deferred ? this.#deferred.packed : this.corpus.pack(this.objects!));
  }

  /** Whether the text is held in memory (open documents, the CLI) rather than read on demand. */
  get hasText(): boolean {
    return typeof this.source === "string";
  }

  get text(): string {
    return typeof this.source === "string" ? this.source : this.corpus.readText(this.uri, this.source);
  }

  get lines(): Lines {
    return (this.lineIndex ??= typeof this.source === "string" ? new LineIndex(this.source) : new StoredLines((this.#lineData ??= this.#deferred!.lines)));
  }

  get analysis(): DocumentAnalysis {
    if (this.objects) return this.objects;
    // A document with its text in memory is open (or the CLI's): keep its objects, which edits reuse.
    if (this.hasText) return (this.#pinned ??= this.corpus.materialize(this));
    return this.corpus.materialize(this);
  }

  /** The line table, for the persisted index. */
  get lineTable(): Int32Array {
    return (this.#lineData ??= this.#deferred ? this.#deferred.lines : lineTable(this.text));
  }

  get mentionCount(): number {
    return this.objects ? this.objects.mentions.length : this.#deferred ? this.#deferred.mentionCount : mentionCount(this.#packed!);
  }

  get claimCount(): number {
    return this.objects ? this.objects.claims.length : this.#deferred ? this.#deferred.claimCount : claimCount(this.#packed!);
  }

  get learned(): LearnedEntity[] {
    return this.objects ? this.objects.learned : this.#deferred ? this.#deferred.learned : this.#packed!.learned;
  }

  /**
   * Calls `fn` with each claim whose certainty `wanted` accepts, in order. A document that keeps no
   * objects builds only those claims from its packed analysis: diagnostics of every closed document
   * need their few unverified or hedged claims, and building all the others was most of the garbage.
   */
  forEachClaim(wanted: (certainty: Certainty) => boolean, fn: (claim: Claim, index: number) => void): void {
    if (this.objects || this.hasText) {
      this.analysis.claims.forEach((c, i) => wanted(c.certainty) && fn(c, i));
      return;
    }
    const p = this.packed;
    for (let i = 0, n = claimCount(p); i < n; i++) if (wanted(claimCertainty(p, i))) fn(unpackClaim(p, i), i);
  }

  /**
   * Per entity mentioned here: how many times, and the indexes of its first mention, first full-name
   * mention and first gloss (-1: none). Kept with the document, so hover cards and definitions never
   * walk a document's mentions to find them.
   */
  get entities(): EntitySummary {
    return (this.#entities ??= summarizeEntities(this.objects ? this.objects.mentions : this.packed));
  }

  /** The distinct figure keys. */
  figureKeys(): Set<string> {
    if (this.#deferred) return new Set(this.#deferred.figureKeys);
    if (!this.objects) return figureKeys(this.#packed!);
    const keys = new Set<string>();
    for (const f of this.objects.figures) if (f.key) keys.add(f.key);
    return keys;
  }
}

/** Offsets ↔ positions, with or without the text in memory. */
export type Lines = Pick<LineIndex, "positionAt" | "offsetAt" | "lineEnd" | "lineCount" | "lineStart">;

export interface MentionRef {
  uri: string;
  mention: Mention;
}

export interface FigureRef {
  uri: string;
  figure: Figure;
}

export interface ClaimRef {
  uri: string;
  claim: Claim;
  index: number;
}

/** What the service shows for an entity, whichever source it comes from. */
export interface EntityInfo {
  id: string;
  name: string;
  type: string;
  names: { en: string[]; "zh-Hans": string[]; "zh-Hant": string[]; other: string[] };
  description?: string;
  source: "catalog" | "user" | "learned" | "candidate";
}

/** How many rebuilt analyses and re-read texts the corpus keeps (the documents someone is looking at). */
const MATERIALIZED = 48;
const TEXTS = 16;

export class Corpus {
  #catalog: Catalog | undefined;
  private readonly docs = new Map<string, CorpusDocument>();
  /** entity id → uri → number of mentions */
  private readonly byEntity = new Map<string, DocumentCounts>();
  /** entity id → number of mentions in the whole corpus, summed when first asked and forgotten on change */
  private readonly entityTotals = new Map<string, number>();
  /** figure key → uri of each document that quotes a figure under it → its figures (built when first asked) */
  private readonly byFigureKey = new Map<string, Map<string, FigureRef[] | undefined>>();
  /** learned id (from any name) → ids of the documents that bound it by a gloss, per gloss id */
  private readonly glossAlias = new Map<string, Map<string, Set<string>>>();
  /** gloss id → the learned ids (aliases) that a gloss bound to it: the reverse of glossAlias. */
  private readonly aliasesOf = new Map<string, Set<string>>();
  private sortedUris: string[] | undefined;
  /** learned entity id (or the catalog id a gloss bound) → uri → learned entries */
  private readonly learnedById = new Map<string, Map<string, LearnedEntity[]>>();
  /** figuresByKey results in corpus order, forgotten when a document with that key changes. */
  private figureLists = new Map<string, FigureRef[]>();
  /** Defining mentions, computed on demand and forgotten whenever the corpus changes. */
  private definitions = new Map<string, MentionRef | null>();
  /** Per-entity answers (mention summaries, alias ids), computed on demand and forgotten whenever the corpus changes. */
  private summaries = new Map<string, { documents: number; total: number; top: Array<{ uri: string; count: number; first: Mention }> }>();
  private aliasIds = new Map<string, string[]>();
  /** One copy of each string the analyses share (entity ids, cue words, figure keys). */
  private readonly strings = new Map<string, string>();
  /** Recently rebuilt analyses and re-read texts, least recently used first. */
  private readonly materialized = new Map<CorpusDocument, DocumentAnalysis>();
  private readonly texts = new Map<string, string>();
  private totals = { mentions: 0, claims: 0 };

  constructor(
    builtin: readonly EntityDef[] = builtinCatalog as EntityDef[],
    user: readonly UserEntity[] = [],
    private readonly analyze: (text: string, catalog: Catalog) => DocumentAnalysis = analyzeDocument,
  ) {
    this.builtin = builtin;
    this.user = user;
  }
  private readonly builtin: readonly EntityDef[];
  private readonly user: readonly UserEntity[];

  /** The catalog, built when first needed (a few hundred ms: a warm start does not wait for it). */
  get catalog(): Catalog {
    return (this.#catalog ??= new Catalog(this.builtin, this.user));
  }

  get size(): number {
    return this.docs.size;
  }

  /** Mentions and claims in the whole corpus (kept up to date by set and remove). */
  get counts(): { documents: number; mentions: number; claims: number } {
    return { documents: this.docs.size, ...this.totals };
  }

  documents(): CorpusDocument[] {
    return this.uris().map((u) => this.docs.get(u)!);
  }

  /** Document uris in a stable order (by uri), which is also "corpus order" for first mentions. */
  uris(): string[] {
    return (this.sortedUris ??= [...this.docs.keys()].sort());
  }

  get(uri: string): CorpusDocument | undefined {
    return this.docs.get(uri);
  }

  /** Uses another catalog for lookups; the caller re-analyses the documents (e.g. through workers). */
  replaceCatalog(catalog: Catalog): void {
    this.#catalog = catalog;
  }

  /** Replaces the user's entities (marginalia.json) and re-analyses every document in-process. */
  setUserEntities(user: readonly UserEntity[]): void {
    this.#catalog = new Catalog(this.builtin, user);
    for (const d of [...this.docs.values()]) this.set(d.uri, d.text, d.version, d.label, this.analyze(d.text, this.catalog));
  }

  /** Analyses and stores a document whose text stays in memory (or stores a ready analysis of it). */
  set(uri: string, text: string, version = 0, label?: string, analysis?: DocumentAnalysis): CorpusDocument {
    const a = analysis ?? this.analyze(text, this.catalog);
    return this.store(new CorpusDocument(this, uri, label ?? uri.slice(uri.lastIndexOf("/") + 1), version, { objects: a }, undefined, text));
  }

  /**
   * Stores a packed analysis: from a worker, with its line table, or deferred (from the persisted
   * index). `text` is the text itself, kept in memory, or a reader for documents whose text is read
   * again only when needed.
   */
  setPacked(uri: string, packed: PackedAnalysis | DeferredPacked, lines: Int32Array | undefined, version: number, label: string | undefined, text: string | TextReader): CorpusDocument {
    // Strings from the persisted index are already one copy per string.
    if (!isDeferred(packed)) this.internStrings(packed);
    return this.store(new CorpusDocument(this, uri, label ?? uri.slice(uri.lastIndexOf("/") + 1), version, packed, lines, text));
  }

  private store(doc: CorpusDocument): CorpusDocument {
    const uri = doc.uri;
    const old = this.docs.get(uri);
    const keys = doc.figureKeys();
    if (old && sameTableEntries(old, doc, keys)) return this.replace(old, doc, keys);
    this.remove(uri);
    this.docs.set(uri, doc);
    this.sortedUris = undefined;
    this.forgetAnswers(doc);
    this.totals.mentions += doc.mentionCount;
    this.totals.claims += doc.claimCount;
    const learned = doc.learned;
    for (const l of learned) push(getOr(this.learnedById, l.id), uri, l);
    const entities = doc.entities;
    for (let k = 0; k < entities.ids.length; k++) {
      // Half a million of these in a warm start: no helper, no closure per call.
      let per = this.byEntity.get(entities.ids[k]);
      if (per === undefined) this.byEntity.set(entities.ids[k], (per = new DocumentCounts()));
      per.add(uri, entities.data[k * 4]);
    }
    for (const key of keys) {
      getOr(this.byFigureKey, key).set(uri, undefined);
      this.figureLists.delete(key);
    }
    for (const l of learned) {
      if (l.via !== "gloss") continue;
      for (const alias of glossAliases(l)) {
        getOr(getOr(this.glossAlias, alias), l.id, () => new Set<string>()).add(uri);
        getOr(this.aliasesOf, l.id, () => new Set<string>()).add(alias);
      }
    }
    return doc;
  }

  /**
   * Puts a new version of a document in place of one that contributes the same entries to the
   * cross-document tables (most keystrokes): only what is kept per position is forgotten.
   */
  private replace(old: CorpusDocument, doc: CorpusDocument, keys: Set<string>): CorpusDocument {
    this.docs.set(doc.uri, doc);
    this.materialized.delete(old);
    this.texts.delete(doc.uri);
    this.forgetAnswers(old);
    this.totals.mentions += doc.mentionCount - old.mentionCount;
    this.totals.claims += doc.claimCount - old.claimCount;
    for (const key of keys) {
      this.byFigureKey.get(key)?.set(doc.uri, undefined);
      this.figureLists.delete(key);
    }
    return doc;
  }

  remove(uri: string): void {
    const old = this.docs.get(uri);
    if (!old) return;
    this.docs.delete(uri);
    this.materialized.delete(old);
    this.texts.delete(uri);
    this.sortedUris = undefined;
    this.forgetAnswers(old);
    this.totals.mentions -= old.mentionCount;
    this.totals.claims -= old.claimCount;
    const learned = old.learned;
    for (const l of learned) dropUri(this.learnedById, l.id, uri);
    for (const id of old.entities.ids) {
      const per = this.byEntity.get(id);
      per?.delete(uri);
      if (per && per.size === 0) this.byEntity.delete(id);
    }
    for (const key of old.figureKeys()) {
      const uris = this.byFigureKey.get(key);
      uris?.delete(uri);
      if (uris && uris.size === 0) this.byFigureKey.delete(key);
      this.figureLists.delete(key);
    }
    for (const l of learned) {
      if (l.via !== "gloss") continue;
      for (const alias of glossAliases(l)) {
        const byGloss = this.glossAlias.get(alias);
        const docs = byGloss?.get(l.id);
        docs?.delete(uri);
        if (docs && docs.size === 0) {
          byGloss!.delete(l.id);
          this.aliasesOf.get(l.id)?.delete(alias);
        }
        if (byGloss && byGloss.size === 0) this.glossAlias.delete(alias);
      }
    }
  }

  /** Packs analysis objects for the cross-document lookups, sharing strings with the rest of the corpus. */
  pack(a: DocumentAnalysis): PackedAnalysis {
    return this.internStrings(packAnalysis(a));
  }

  private internStrings(p: PackedAnalysis): PackedAnalysis {
    const strings = p.strings;
    for (let i = 0; i < strings.length; i++) strings[i] = this.intern(strings[i]);
    return p;
  }

  /**
   * Forgets the per-entity answers a document's arrival or departure changes: those of the entities
   * it mentions, or all of them when it binds names by a gloss (which ids are aliases may change).
   */
  private forgetAnswers(doc: CorpusDocument): void {
    if (this.definitions.size === 0 && this.summaries.size === 0 && this.aliasIds.size === 0 && this.entityTotals.size === 0) return; // nothing asked yet (indexing)
    if (doc.learned.some((l) => l.via === "gloss")) {
      this.definitions.clear();
      this.summaries.clear();
      this.aliasIds.clear();
      this.entityTotals.clear();
      return;
    }
    for (const raw of doc.entities.ids) {
      const id = this.canonical(raw);
      this.definitions.delete(id);
      this.summaries.delete(id);
      this.entityTotals.delete(raw);
    }
  }

  private intern(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  }

  /** The objects of a document's analysis, rebuilt from its packed form (see CorpusDocument.analysis). */
  materialize(doc: CorpusDocument): DocumentAnalysis {
    let a = this.materialized.get(doc);
    if (a) {
      this.materialized.delete(doc); // most recently used goes last
    } else {
      a = unpackAnalysis(doc.packed, doc.hasText ? doc.text : () => doc.text);
    }
    this.remember(doc, a);
    return a;
  }

  private remember(doc: CorpusDocument, a: DocumentAnalysis): void {
    this.materialized.set(doc, a);
    if (this.materialized.size > MATERIALIZED) this.materialized.delete(this.materialized.keys().next().value!);
  }

  /** The text of a document not kept in memory, through its reader; the last few are cached. */
  readText(uri: string, reader: TextReader): string {
    let t = this.texts.get(uri);
    if (t !== undefined) this.texts.delete(uri);
    else t = reader() ?? "";
    this.texts.set(uri, t);
    if (this.texts.size > TEXTS) this.texts.delete(this.texts.keys().next().value!);
    return t;
  }

  /**
   * The canonical id of an entity: a learned id that a gloss somewhere in the corpus bound to
   * another id (a candidate 保罗·特里奥罗 in one document, glossed as Paul Triolo in another).
   */
  canonical(id: string): string {
    if (!id.startsWith("learned:")) return id;
    const glosses = this.glossAlias.get(id);
    if (!glosses || glosses.size === 0) return id;
    return [...glosses.keys()].sort()[0];
  }

  /** Every raw id that canonicalizes to this entity. */
  private idsOf(canonicalId: string): string[] {
    const aliases = this.aliasesOf.get(canonicalId);
    if (!aliases) return [canonicalId];
    let known = this.aliasIds.get(canonicalId);
    if (!known) {
      const ids = new Set([canonicalId]);
      for (const alias of aliases) if (this.canonical(alias) === canonicalId) ids.add(alias);
      this.aliasIds.set(canonicalId, (known = [...ids]));
    }
    return known;
  }

  /** The documents that mention any of the ids, in corpus order. */
  private urisMentioning(ids: string[]): string[] {
    if (ids.length === 1) return [...(this.byEntity.get(ids[0])?.uris ?? [])].sort();
    const uris = new Set<string>();
    for (const raw of ids) for (const uri of this.byEntity.get(raw)?.uris ?? []) uris.add(uri);
    return [...uris].sort();
  }

  /** Mentions of any of the ids in one document, in document order. */
  private mentionsIn(doc: CorpusDocument, ids: string[]): Mention[] {
    if (doc.objects) {
      // A document being edited keeps its objects: never packed for a lookup.
      const set = new Set(ids);
      return doc.objects.mentions.filter((m) => set.has(m.entityId));
    }
    const p = doc.packed;
    const wanted = stringIndexes(p, ids);
    const out: Mention[] = [];
    if (wanted.size === 0) return out;
    const text = () => doc.text;
    const n = mentionCount(p);
    for (let i = 0; i < n; i++) if (wanted.has(mentionEntity(p, i))) out.push(storedMention(p, i, text));
    return out;
  }

  /** All mentions of an entity across the corpus, in corpus order. */
  mentionsOf(entityId: string): MentionRef[] {
    const ids = this.idsOf(this.canonical(entityId));
    const out: MentionRef[] = [];
    for (const uri of this.urisMentioning(ids)) for (const mention of this.mentionsIn(this.docs.get(uri)!, ids)) out.push({ uri, mention });
    return out;
  }

  /**
   * The documents that mention an entity, in corpus order, as they are now (a caller that consumes
   * them over several event-loop turns gets one consistent answer); each one's mentions of the entity
   * are found only when asked for.
   */
  mentionsByDocument(entityId: string): Array<{ doc: CorpusDocument; mentions: () => Mention[] }> {
    const ids = this.idsOf(this.canonical(entityId));
    return this.urisMentioning(ids).map((uri) => {
      const doc = this.docs.get(uri)!;
      return { doc, mentions: () => this.mentionsIn(doc, ids) };
    });
  }

  /** How many mentions an entity has in all. */
  mentionTotal(entityId: string): number {
    let n = 0;
    for (const raw of this.idsOf(this.canonical(entityId))) {
      let total = this.entityTotals.get(raw);
      if (total === undefined) {
        total = 0;
        for (const c of this.byEntity.get(raw)?.counts ?? []) total += c;
        this.entityTotals.set(raw, total);
      }
      n += total;
    }
    return n;
  }

  /** Number of documents that mention an entity. */
  documentFrequency(entityId: string): number {
    let n = 0;
    for (const raw of this.idsOf(this.canonical(entityId))) n += this.byEntity.get(raw)?.size ?? 0;
    return n;
  }

  /** Counts per document, in no particular order, with the first mention in each. */
  mentionCounts(entityId: string): Array<{ uri: string; count: number; first: Mention }> {
    const ids = this.idsOf(this.canonical(entityId));
    const perDoc = new Map<string, { count: number; first: number }>();
    for (const raw of ids)
      for (const uri of this.byEntity.get(raw)?.uris ?? []) {
        const row = summaryRow(this.docs.get(uri)!, raw);
        const cur = perDoc.get(uri);
        perDoc.set(uri, cur ? { count: cur.count + row.count, first: Math.min(cur.first, row.first) } : row);
      }
    return [...perDoc].map(([uri, c]) => ({ uri, count: c.count, first: this.mentionByIndex(this.docs.get(uri)!, c.first) }));
  }

  /**
   * How many documents mention an entity and how often, and the `top` documents that mention it
   * most (with their first mention): a hover card's numbers without a list of every document.
   */
  mentionSummary(entityId: string, top: number): { documents: number; total: number; top: Array<{ uri: string; count: number; first: Mention }> } {
    const id = this.canonical(entityId);
    let summary = this.summaries.get(id);
    if (!summary || summary.top.length < Math.min(top, summary.documents)) this.summaries.set(id, (summary = this.summarizeMentions(id, top)));
    return summary.top.length > top ? { ...summary, top: summary.top.slice(0, top) } : summary;
  }

  private summarizeMentions(id: string, top: number): { documents: number; total: number; top: Array<{ uri: string; count: number; first: Mention }> } {
    const ids = this.idsOf(id);
    if (ids.length > 1) {
      const all = this.mentionCounts(id);
      const best = [...all].sort((a, b) => b.count - a.count || (a.uri < b.uri ? -1 : 1)).slice(0, top);
      return { documents: all.length, total: all.reduce((n, c) => n + c.count, 0), top: best };
    }
    const per = this.byEntity.get(ids[0]);
    let total = 0;
    // The `top` largest counts (ties: corpus order), kept sorted in a short array.
    const best: Array<{ uri: string; count: number }> = [];
    const uris = per?.uris ?? [];
    const counts = per?.counts ?? [];
    for (let k = 0; k < uris.length; k++) {
      const uri = uris[k];
      const count = counts[k];
      total += count;
      if (best.length === top && !beats(count, uri, best[top - 1])) continue;
      let i = best.length === top ? top - 1 : best.length;
      while (i > 0 && beats(count, uri, best[i - 1])) i--;
      best.splice(i, 0, { uri, count });
      if (best.length > top) best.pop();
    }
    return {
      documents: per?.size ?? 0,
      total,
      top: best.map((b) => {
        const doc = this.docs.get(b.uri)!;
        return { ...b, first: this.mentionByIndex(doc, summaryRow(doc, ids[0]).first) };
      }),
    };
  }

  private mentionByIndex(doc: CorpusDocument, i: number): Mention {
    return doc.objects ? doc.objects.mentions[i] : storedMention(doc.packed, i, () => doc.text);
  }

  /** The mention at an offset of a document (the innermost one if several touch it). */
  mentionAt(uri: string, offset: number): Mention | undefined {
    const d = this.docs.get(uri);
    if (!d) return undefined;
    if (d.objects) return objectAt(d.objects.mentions, offset);
    const p = d.packed;
    const i = innermostAt(lastStartingAtOrBefore(mentionCount(p), offset, (k) => mentionStart(p, k)), offset, (k) => mentionStart(p, k), (k) => mentionEnd(p, k));
    return i < 0 ? undefined : storedMention(p, i, () => d.text);
  }

  figureAt(uri: string, offset: number): Figure | undefined {
    const d = this.docs.get(uri);
    if (!d) return undefined;
    if (d.objects) return objectAt(d.objects.figures, offset);
    const p = d.packed;
    const i = innermostAt(lastStartingAtOrBefore(figureCount(p), offset, (k) => figureStart(p, k)), offset, (k) => figureStart(p, k), (k) => figureEnd(p, k));
    return i < 0 ? undefined : unpackFigure(p, i, d.hasText ? d.text : () => d.text);
  }

  claimAt(uri: string, offset: number): ClaimRef | undefined {
    const index = this.claimIndexAt(uri, offset);
    return index < 0 ? undefined : { uri, claim: this.claimOf(uri, index)!, index };
  }

  /**
   * The index of the claim covering `offset`, or -1, without rebuilding any claim: lookups that
   * weigh hundreds of candidate claims build only the ones they keep (claimOf).
   */
  claimIndexAt(uri: string, offset: number): number {
    const d = this.docs.get(uri);
    if (!d) return -1;
    // Claims are in document order and do not overlap: the last one starting at or before the offset.
    if (d.objects) {
      const claims = d.objects.claims;
      const hi = lastStartingAtOrBefore(claims.length, offset, (k) => claims[k].start);
      for (let i = hi; i >= 0 && i >= hi - 2; i--) if (claims[i].start <= offset && offset <= claims[i].end) return i;
      return -1;
    }
    const p = d.packed;
    const hi = lastStartingAtOrBefore(claimCount(p), offset, (k) => claimStart(p, k));
    for (let i = hi; i >= 0 && i >= hi - 2; i--) if (claimStart(p, i) <= offset && offset <= claimEnd(p, i)) return i;
    return -1;
  }

  /** A document's claim by index (rebuilt from the packed analysis when the document keeps no objects). */
  claimOf(uri: string, index: number): Claim | undefined {
    const d = this.docs.get(uri);
    if (!d) return undefined;
    if (d.objects) return d.objects.claims[index];
    const p = d.packed;
    return index >= 0 && index < claimCount(p) ? unpackClaim(p, index) : undefined;
  }

  /** Figures that share a key, across documents. */
  figuresByKey(key: string): readonly FigureRef[] {
    const cached = this.figureLists.get(key);
    if (cached) return cached;
    const out: FigureRef[] = [];
    const perUri = this.byFigureKey.get(key);
    if (!perUri) return out;
    // Each document's figures under the key are kept until that document changes: a keystroke in
    // one document rebuilds its own part of a key quoted in thousands, not all of them.
    for (const uri of [...perUri.keys()].sort()) {
      let refs = perUri.get(uri);
      if (!refs) perUri.set(uri, (refs = this.figuresIn(this.docs.get(uri)!, key)));
      for (const r of refs) out.push(r);
    }
    this.figureLists.set(key, out);
    return out;
  }

  private figuresIn(d: CorpusDocument, key: string): FigureRef[] {
    const uri = d.uri;
    if (d.objects) return d.objects.figures.filter((f) => f.key === key).map((figure) => ({ uri, figure }));
    const out: FigureRef[] = [];
    const p = d.packed;
    const k = p.strings.indexOf(key);
    const n = figureCount(p);
    for (let i = 0; i < n; i++) if (figureKey(p, i) === k) out.push({ uri, figure: unpackFigure(p, i, d.hasText ? d.text : () => d.text) });
    return out;
  }

  figureKeys(): string[] {
    return [...this.byFigureKey.keys()];
  }

  /** Entity ids known to the corpus (mentioned at least once), canonicalized. */
  mentionedEntities(): string[] {
    const ids = new Set<string>();
    for (const [id, per] of this.byEntity) if (per.size > 0) ids.add(this.canonical(id));
    return [...ids];
  }

  /** Everything the hover card and symbol search need about an entity. */
  entity(entityId: string): EntityInfo | undefined {
    const id = this.canonical(entityId);
    const def = this.catalog.get(id);
    if (def) {
      const extra = new Set<string>(def.names.regional ?? []);
      // Names the corpus bound to this catalog entity by glosses are aliases too.
      for (const l of this.learnedFor(id)) for (const n of l.names) extra.add(n);
      const listed = new Set([...(def.names.en ?? []), ...(def.names["zh-Hans"] ?? []), ...(def.names["zh-Hant"] ?? [])]);
      return {
        id,
        name: def.name,
        type: def.type,
        names: { en: def.names.en ?? [], "zh-Hans": def.names["zh-Hans"] ?? [], "zh-Hant": def.names["zh-Hant"] ?? [], other: [...extra].filter((n) => !listed.has(n)) },
        description: def.description?.en ?? def.description?.zh,
        source: this.catalog.userIds.has(id) ? "user" : "catalog",
      };
    }
    const learned = this.learnedFor(id);
    if (learned.length === 0) return undefined;
    const names = new Set<string>();
    for (const l of learned) for (const n of l.names) names.add(n);
    const primary = learned.find((l) => l.via === "gloss") ?? learned[0];
    const byScript = { en: [] as string[], "zh-Hans": [] as string[], "zh-Hant": [] as string[], other: [] as string[] };
    for (const n of names) {
      if (/[\u3400-\u9fff]/.test(n)) (foldString(n) === n.toLowerCase() ? byScript["zh-Hans"] : byScript["zh-Hant"]).push(n);
      else byScript.en.push(n);
    }
    return { id, name: primary.name, type: primary.type, names: byScript, source: primary.via === "gloss" ? "learned" : "candidate" };
  }

  /** Learned entries (glosses, candidates) for an id across documents. */
  private learnedFor(id: string): LearnedEntity[] {
    const out: LearnedEntity[] = [];
    for (const raw of this.idsOf(id)) {
      const per = this.learnedById.get(raw);
      if (!per) continue;
      for (const uri of [...per.keys()].sort()) out.push(...per.get(uri)!);
    }
    return out;
  }

  /**
   * Computes, one entity per step, what hover cards and definitions ask for (defining mention, mention
   * summary), so requests find it ready; a caller runs the steps while the server is idle.
   */
  *prepareAnswers(top: number): Generator<void> {
    for (const id of this.mentionedEntities()) {
      if (!this.definitions.has(id)) this.definingMention(id);
      if (!this.summaries.has(id)) this.mentionSummary(id, top);
      yield;
    }
  }

  /** The defining mention: the first gloss, else the first full-name mention, in corpus order. */
  definingMention(entityId: string): MentionRef | undefined {
    const id = this.canonical(entityId);
    const cached = this.definitions.get(id);
    if (cached !== undefined) return cached ?? undefined;
    // From the per-document summaries: one pass over the documents, no sorting, no mentions walked.
    const best: Array<{ uri: string; i: number } | undefined> = [undefined, undefined, undefined]; // gloss, full, any
    const consider = (slot: number, uri: string, i: number) => {
      const b = best[slot];
      if (i >= 0 && (!b || uri < b.uri || (uri === b.uri && i < b.i))) best[slot] = { uri, i };
    };
    for (const raw of this.idsOf(id))
      for (const uri of this.byEntity.get(raw)?.uris ?? []) {
        const row = summaryRow(this.docs.get(uri)!, raw);
        consider(0, uri, row.gloss);
        consider(1, uri, row.full);
        consider(2, uri, row.first);
      }
    const pick = best[0] ?? best[1] ?? best[2];
    const def = pick && { uri: pick.uri, mention: this.mentionByIndex(this.docs.get(pick.uri)!, pick.i) };
    this.definitions.set(id, def ?? null);
    return def;
  }

  /** Entity search by any of its names (workspace symbols). */
  searchEntities(query: string, limit = 200): EntityInfo[] {
    const q = foldString(query.trim());
    const out: Array<{ info: EntityInfo; rank: number }> = [];
    for (const id of this.mentionedEntities()) {
      const info = this.entity(id);
      if (!info) continue;
      const all = [info.name, ...info.names.en, ...info.names["zh-Hans"], ...info.names["zh-Hant"], ...info.names.other].map(foldString);
      let rank = q.length === 0 ? 2 : Infinity;
      for (const n of all) {
        if (n === q) rank = Math.min(rank, 0);
        else if (n.startsWith(q)) rank = Math.min(rank, 1);
        else if (n.includes(q)) rank = Math.min(rank, 2);
        else if (fuzzy(q, n)) rank = Math.min(rank, 3);
      }
      if (rank < Infinity) out.push({ info, rank });
    }
    return out
      .sort((a, b) => a.rank - b.rank || a.info.name.localeCompare(b.info.name))
      .slice(0, limit)
      .map((x) => x.info);
  }
}

function fuzzy(q: string, s: string): boolean {
  let i = 0;
  for (let k = 0; k < s.length && i < q.length; k++) if (s[k] === q[i]) i++;
  return i === q.length && q.length >= 2;
}

/** Whether two versions of a document add the same entries to the corpus tables (entity counts, figure keys, learned entities). */
function sameTableEntries(a: CorpusDocument, b: CorpusDocument, bKeys: Set<string>): boolean {
  const ea = a.entities;
  const eb = b.entities;
  if (ea.ids.length !== eb.ids.length) return false;
  for (let k = 0; k < ea.ids.length; k++) if (ea.ids[k] !== eb.ids[k] || ea.data[k * 4] !== eb.data[k * 4]) return false;
  const aKeys = a.figureKeys();
  if (aKeys.size !== bKeys.size) return false;
  for (const k of aKeys) if (!bKeys.has(k)) return false;
  return JSON.stringify(a.learned) === JSON.stringify(b.learned);
}

/** The learned ids a gloss's names have elsewhere (analysis works them out; older entries are folded here). */
function glossAliases(l: LearnedEntity): string[] {
  return l.aliases ?? l.names.map((n) => learnedId(foldString(n)));
}

/** The innermost of sorted items touching an offset. */
function objectAt<T extends { start: number; end: number }>(items: readonly T[], offset: number): T | undefined {
  const i = innermostAt(lastStartingAtOrBefore(items.length, offset, (k) => items[k].start), offset, (k) => items[k].start, (k) => items[k].end);
  return i < 0 ? undefined : items[i];
}

/** Among the few items starting at or before `hi`'s start, the shortest one that touches the offset (-1: none). */
function innermostAt(hi: number, offset: number, startOf: (i: number) => number, endOf: (i: number) => number): number {
  let best = -1;
  for (let i = hi; i >= 0 && i >= hi - 8; i--) {
    const s = startOf(i);
    const e = endOf(i);
    if (s <= offset && offset <= e && (best < 0 || e - s < endOf(best) - startOf(best))) best = i;
  }
  return best;
}

/** Where the given strings sit in a packed analysis's string table. */
function stringIndexes(p: PackedAnalysis, values: string[]): Set<number> {
  const out = new Set<number>();
  for (const v of values) {
    const k = p.strings.indexOf(v);
    if (k >= 0) out.add(k);
  }
  return out;
}

/**
 * The documents that mention an entity and how often, as two parallel arrays: indexing adds about
 * 400,000 (entity, document) pairs, and an array push costs a fraction of a Map insertion.
 */
class DocumentCounts {
  readonly uris: string[] = [];
  readonly counts: number[] = [];

  get size(): number {
    return this.uris.length;
  }

  /** Adds a document not listed yet. */
  add(uri: string, count: number): void {
    this.uris.push(uri);
    this.counts.push(count);
  }

  delete(uri: string): void {
    const i = this.uris.lastIndexOf(uri);
    if (i < 0) return;
    // Order does not matter (readers sort by uri): the last entry takes the freed place.
    const last = this.uris.length - 1;
    this.uris[i] = this.uris[last];
    this.counts[i] = this.counts[last];
    this.uris.pop();
    this.counts.pop();
  }
}

function beats(count: number, uri: string, than: { uri: string; count: number }): boolean {
  return count > than.count || (count === than.count && uri < than.uri);
}

/** An entity's row in a document's summary (all -1 / 0 when the document does not mention it). */
function summaryRow(doc: CorpusDocument, id: string): { count: number; first: number; full: number; gloss: number } {
  const e = doc.entities;
  const k = e.ids.indexOf(id);
  if (k < 0) return { count: 0, first: -1, full: -1, gloss: -1 };
  return { count: e.data[k * 4], first: e.data[k * 4 + 1], full: e.data[k * 4 + 2], gloss: e.data[k * 4 + 3] };
}

function getOr<K, V>(m: Map<K, V>, k: K, make: () => V = () => new Map() as V): V {
  let v = m.get(k);
  if (v === undefined) {
    v = make();
    m.set(k, v);
  }
  return v;
}

function push<T>(m: Map<string, T[]>, uri: string, item: T): void {
  const list = m.get(uri);
  if (list) list.push(item);
  else m.set(uri, [item]);
}

function dropUri<T>(m: Map<string, Map<string, T[]>>, key: string, uri: string): void {
  const per = m.get(key);
  if (!per) return;
  per.delete(uri);
  if (per.size === 0) m.delete(key);
}
