// The workspace index (DESIGN.md §2): documents, their analyses, and the cross-document tables
// (entity → mentions, figure key → figures, claim → related claims), updated by difference when one
// document changes so a keystroke never rebuilds the whole corpus.
import type { Claim, DocumentAnalysis, EntityDef, Figure, LearnedEntity, Mention } from "../analysis/types";
import { Catalog, type UserEntity } from "../analysis/catalog";
import { analyzeDocument } from "../analysis/analyze";
import { learnedId } from "../analysis/entities";
import { foldString } from "../analysis/fold";
import { LineIndex } from "../analysis/lines";
import builtinCatalog from "../../data/entities.json";

export interface CorpusDocument {
  uri: string;
  /** Path relative to its workspace folder, for display (falls back to the file name). */
  label: string;
  text: string;
  version: number;
  lines: LineIndex;
  analysis: DocumentAnalysis;
}

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

export class Corpus {
  catalog: Catalog;
  private readonly docs = new Map<string, CorpusDocument>();
  /** entity id → uri → mentions */
  private readonly byEntity = new Map<string, Map<string, Mention[]>>();
  /** figure key → uri → figures */
  private readonly byFigureKey = new Map<string, Map<string, Figure[]>>();
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

  constructor(
    builtin: readonly EntityDef[] = builtinCatalog as EntityDef[],
    user: readonly UserEntity[] = [],
    private readonly analyze: (text: string, catalog: Catalog) => DocumentAnalysis = analyzeDocument,
  ) {
    this.catalog = new Catalog(builtin, user);
    this.builtin = builtin;
  }
  private readonly builtin: readonly EntityDef[];

  get size(): number {
    return this.docs.size;
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
    this.catalog = catalog;
  }

  /** Replaces the user's entities (marginalia.json) and re-analyses every document in-process. */
  setUserEntities(user: readonly UserEntity[]): void {
    this.catalog = new Catalog(this.builtin, user);
    for (const d of [...this.docs.values()]) this.set(d.uri, d.text, d.version, d.label, this.analyze(d.text, this.catalog));
  }

  /** Analyses and stores a document (or stores a ready analysis, e.g. from a worker). */
  set(uri: string, text: string, version = 0, label?: string, analysis?: DocumentAnalysis): CorpusDocument {
    const a = analysis ?? this.analyze(text, this.catalog);
    this.remove(uri);
    const doc: CorpusDocument = { uri, label: label ?? uri.slice(uri.lastIndexOf("/") + 1), text, version, lines: new LineIndex(text), analysis: a };
    this.docs.set(uri, doc);
    this.sortedUris = undefined;
    this.definitions.clear();
    for (const l of a.learned) push(getOr(this.learnedById, l.id), uri, l);
    for (const m of a.mentions) push(getOr(this.byEntity, m.entityId), uri, m);
    for (const f of a.figures) if (f.key) (push(getOr(this.byFigureKey, f.key), uri, f), this.figureLists.delete(f.key));
    for (const l of a.learned) {
      if (l.via !== "gloss") continue;
      for (const n of l.names) {
        const alias = learnedId(foldString(n));
        getOr(getOr(this.glossAlias, alias), l.id, () => new Set<string>()).add(uri);
        getOr(this.aliasesOf, l.id, () => new Set<string>()).add(alias);
      }
    }
    return doc;
  }

  remove(uri: string): void {
    const old = this.docs.get(uri);
    if (!old) return;
    this.docs.delete(uri);
    this.sortedUris = undefined;
    this.definitions.clear();
    for (const l of old.analysis.learned) dropUri(this.learnedById, l.id, uri);
    for (const m of old.analysis.mentions) dropUri(this.byEntity, m.entityId, uri);
    for (const f of old.analysis.figures) if (f.key) (dropUri(this.byFigureKey, f.key, uri), this.figureLists.delete(f.key));
    for (const l of old.analysis.learned) {
      if (l.via !== "gloss") continue;
      for (const n of l.names) {
        const alias = learnedId(foldString(n));
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
    const ids = new Set([canonicalId]);
    for (const alias of aliases) if (this.canonical(alias) === canonicalId) ids.add(alias);
    return [...ids];
  }

  /** All mentions of an entity across the corpus, in corpus order. */
  mentionsOf(entityId: string): MentionRef[] {
    const id = this.canonical(entityId);
    const perUri = new Map<string, Mention[]>();
    for (const raw of this.idsOf(id)) for (const [uri, ms] of this.byEntity.get(raw) ?? []) perUri.set(uri, [...(perUri.get(uri) ?? []), ...ms]);
    const out: MentionRef[] = [];
    for (const uri of [...perUri.keys()].sort()) for (const m of perUri.get(uri)!.sort((a, b) => a.start - b.start)) out.push({ uri, mention: m });
    return out;
  }

  /** How many mentions an entity has in all (cheap: sums per-document list lengths). */
  mentionTotal(entityId: string): number {
    let n = 0;
    for (const raw of this.idsOf(this.canonical(entityId))) for (const ms of this.byEntity.get(raw)?.values() ?? []) n += ms.length;
    return n;
  }

  /** Number of documents that mention an entity. */
  documentFrequency(entityId: string): number {
    let n = 0;
    for (const raw of this.idsOf(this.canonical(entityId))) n += this.byEntity.get(raw)?.size ?? 0;
    return n;
  }

  /** Counts per document, without materializing every mention; in no particular order. */
  mentionCounts(entityId: string): Array<{ uri: string; count: number; first: Mention }> {
    const ids = this.idsOf(this.canonical(entityId));
    if (ids.length === 1) {
      // The common case: one id, one list per document, already in document order.
      const out: Array<{ uri: string; count: number; first: Mention }> = [];
      for (const [uri, ms] of this.byEntity.get(ids[0]) ?? []) out.push({ uri, count: ms.length, first: ms[0] });
      return out;
    }
    const perUri = new Map<string, { count: number; first: Mention }>();
    for (const raw of ids)
      for (const [uri, ms] of this.byEntity.get(raw) ?? []) {
        const cur = perUri.get(uri);
        const first = ms[0]; // an analysis lists its mentions in document order
        perUri.set(uri, { count: (cur?.count ?? 0) + ms.length, first: cur && cur.first.start < first.start ? cur.first : first });
      }
    return [...perUri].map(([uri, c]) => ({ uri, ...c }));
  }

  /** The mention at an offset of a document (the innermost one if several touch it). */
  mentionAt(uri: string, offset: number): Mention | undefined {
    const d = this.docs.get(uri);
    if (!d) return undefined;
    return findAt(d.analysis.mentions, offset);
  }

  figureAt(uri: string, offset: number): Figure | undefined {
    const d = this.docs.get(uri);
    if (!d) return undefined;
    return findAt(d.analysis.figures, offset);
  }

  claimAt(uri: string, offset: number): ClaimRef | undefined {
    const d = this.docs.get(uri);
    if (!d) return undefined;
    // Claims are in document order and do not overlap: binary search for the last one starting at or before.
    const claims = d.analysis.claims;
    let lo = 0;
    let hi = claims.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (claims[mid].start <= offset) lo = mid + 1;
      else hi = mid - 1;
    }
    for (let i = hi; i >= 0 && i >= hi - 2; i--) if (claims[i].start <= offset && offset <= claims[i].end) return { uri, claim: claims[i], index: i };
    return undefined;
  }

  /** Figures that share a key, across documents. */
  figuresByKey(key: string): readonly FigureRef[] {
    const cached = this.figureLists.get(key);
    if (cached) return cached;
    const out: FigureRef[] = [];
    const per = this.byFigureKey.get(key);
    if (!per) return out;
    for (const uri of [...per.keys()].sort()) for (const f of per.get(uri)!) out.push({ uri, figure: f });
    this.figureLists.set(key, out);
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

  /** The defining mention: the first gloss, else the first full-name mention, in corpus order. */
  definingMention(entityId: string): MentionRef | undefined {
    const id = this.canonical(entityId);
    const cached = this.definitions.get(id);
    if (cached !== undefined) return cached ?? undefined;
    // Walk the documents in corpus order without materializing every mention.
    let firstGloss: MentionRef | undefined;
    let firstFull: MentionRef | undefined;
    let first: MentionRef | undefined;
    const perUri = new Map<string, Mention[]>();
    for (const raw of this.idsOf(id)) for (const [uri, ms] of this.byEntity.get(raw) ?? []) perUri.set(uri, [...(perUri.get(uri) ?? []), ...ms]);
    for (const uri of [...perUri.keys()].sort()) {
      const ms = perUri.get(uri)!;
      if (ms.length > 1) ms.sort((a, b) => a.start - b.start);
      first ??= { uri, mention: ms[0] };
      firstFull ??= ms.find((m) => m.full) && { uri, mention: ms.find((m) => m.full)! };
      const g = ms.find((m) => m.gloss);
      if (g) {
        firstGloss = { uri, mention: g };
        break;
      }
    }
    const def = firstGloss ?? firstFull ?? first;
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

function findAt<T extends { start: number; end: number }>(items: readonly T[], offset: number): T | undefined {
  // Items are sorted by start; binary search for the last one starting at or before the offset.
  let lo = 0;
  let hi = items.length - 1;
  let best: T | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].start <= offset) {
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let i = hi; i >= 0 && i >= hi - 8; i--) {
    const it = items[i];
    if (it.start <= offset && offset <= it.end && (!best || it.end - it.start < best.end - best.start)) best = it;
  }
  return best;
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
