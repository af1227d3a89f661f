// Related claims across documents (DESIGN.md §4): two claims are related when they quote a figure
// under the same key with compatible values, or share a distinctive set of entities (weighted by how
// rare each entity is in the corpus, so "DeepSeek" alone in a corpus about DeepSeek links nothing).
import type { Figure } from "../analysis/types";
import type { ClaimRef, Corpus } from "./corpus";

export interface RelatedClaim extends ClaimRef {
  /** Why it is related: the shared figure key, or the shared entities' names. */
  reason: string;
  score: number;
}

/** Values agree when equal within 25%, or when ranges overlap. */
export function compatible(a: Figure, b: Figure): boolean {
  const lo1 = a.value;
  const hi1 = a.high ?? a.value;
  const lo2 = b.value;
  const hi2 = b.high ?? b.value;
  if (lo1 <= hi2 && lo2 <= hi1) return true;
  const x = (lo1 + hi1) / 2;
  const y = (lo2 + hi2) / 2;
  return Math.abs(x - y) <= 0.25 * Math.max(Math.abs(x), Math.abs(y));
}

/** Upper bound on the figures or mentions one lookup follows, so a hot key never makes a request slow. */
const MAX_SCAN = 500;

export function relatedClaims(corpus: Corpus, ref: ClaimRef, limit = 20): RelatedClaim[] {
  const doc = corpus.get(ref.uri);
  if (!doc) return [];
  // Candidates by document and claim index: hundreds may be weighed, and only the claims kept are built.
  const found = new Map<string, { uri: string; index: number; reason: string; score: number }>();
  const add = (uri: string, index: number, reason: string, score: number) => {
    const k = `${uri}#${index}`;
    const cur = found.get(k);
    if (!cur || cur.score < score) found.set(k, { uri, index, reason, score });
  };
  // 1. Shared figure keys with compatible values.
  for (const fi of ref.claim.figures) {
    const f = doc.analysis.figures[fi];
    if (!f?.key) continue;
    let scanned = 0;
    for (const other of corpus.figuresByKey(f.key)) {
      if (++scanned > MAX_SCAN) break; // a key quoted everywhere links plenty without scanning it all
      if (other.uri === ref.uri || !compatible(f, other.figure)) continue;
      const index = corpus.claimIndexAt(other.uri, other.figure.start);
      if (index >= 0) add(other.uri, index, `same figure (${f.key}: ${other.figure.display})`, 10);
    }
  }
  // 2. Distinctive shared entities: inverse document frequency, at least two entities in common.
  const n = Math.max(corpus.size, 1);
  const ids = [...new Set(ref.claim.entityIds.map((id) => corpus.canonical(id)))];
  const idf = new Map<string, number>();
  for (const id of ids) {
    const df = corpus.documentFrequency(id);
    idf.set(id, Math.log((n + 1) / (df + 0.5)));
  }
  // Distinctive: rare across documents, and not mentioned so often that following it costs more than it tells.
  const distinctive = ids.filter((id) => (idf.get(id) ?? 0) > 0.4 && corpus.mentionTotal(id) <= MAX_SCAN).sort((a, b) => idf.get(b)! - idf.get(a)!);
  if (distinctive.length >= 2) {
    const candidates = new Map<string, { uri: string; index: number; shared: string[] }>();
    for (const id of distinctive.slice(0, 4)) {
      for (const m of corpus.mentionsOf(id)) {
        if (m.uri === ref.uri) continue;
        const index = corpus.claimIndexAt(m.uri, m.mention.start);
        if (index < 0) continue;
        const k = `${m.uri}#${index}`;
        const e = candidates.get(k) ?? { uri: m.uri, index, shared: [] };
        if (!e.shared.includes(id)) e.shared.push(id);
        candidates.set(k, e);
      }
    }
    for (const c of candidates.values()) {
      if (c.shared.length < 2) continue;
      const score = c.shared.reduce((s, id) => s + (idf.get(id) ?? 0), 0);
      if (score < 1.5) continue;
      add(c.uri, c.index, `shares ${c.shared.map((id) => corpus.entity(id)?.name ?? id).join(", ")}`, score);
    }
  }
  // Within a document, claim order is text order: the index breaks ties as the start would.
  const kept = [...found.values()].sort((a, b) => b.score - a.score || (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.index - b.index)).slice(0, limit);
  return kept.map((r) => ({ uri: r.uri, index: r.index, claim: corpus.claimOf(r.uri, r.index)!, reason: r.reason, score: r.score }));
}
