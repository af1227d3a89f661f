// Code lenses: "3 related claims · 2 documents" above claims, mention counts above an entity's
// defining mention. Counting related claims is deferred to resolve, so opening a file stays cheap.
import type { Corpus } from "../corpus/corpus";
import { relatedClaims } from "../corpus/related";
import { locationOf, rangeOf, type Location, type Range } from "./protocolTypes";

export interface CodeLens {
  range: Range;
  command?: { title: string; command: string; arguments?: unknown[] };
  data?: { uri: string; claim?: number; entity?: string };
}

export const SHOW_REFERENCES = "marginalia.showReferences";

export function codeLenses(corpus: Corpus, uri: string): CodeLens[] {
  const doc = corpus.get(uri);
  if (!doc) return [];
  const out: CodeLens[] = [];
  // Only lenses that say something: claims a reader would check (unverified, disputed, or quoting a
  // keyed figure) that do have related claims elsewhere, and entities that appear in other documents.
  doc.analysis.claims.forEach((c, i) => {
    const worth = c.certainty === "rumor" || c.certainty === "unverified" || c.certainty === "disputed" || c.figures.some((f) => doc.analysis.figures[f]?.key);
    if (!worth) return;
    if (relatedClaims(corpus, { uri, claim: c, index: i }, 1).length === 0) return;
    out.push({ range: rangeOf(doc, c.start, c.start), data: { uri, claim: i } });
  });
  const seen = new Set<string>();
  for (const m of doc.analysis.mentions) {
    const id = corpus.canonical(m.entityId);
    if (seen.has(id)) continue;
    seen.add(id);
    if (corpus.documentFrequency(id) < 2) continue;
    const def = corpus.definingMention(id);
    if (def && def.uri === uri && def.mention.start === m.start) out.push({ range: rangeOf(doc, m.start, m.start), data: { uri, entity: id } });
  }
  return out;
}

export function resolveCodeLens(corpus: Corpus, lens: CodeLens): CodeLens {
  const d = lens.data;
  const doc = d && corpus.get(d.uri);
  if (!d || !doc) return { ...lens, command: { title: "", command: "" } };
  if (d.claim !== undefined) {
    const claim = doc.analysis.claims[d.claim];
    const rel = claim ? relatedClaims(corpus, { uri: d.uri, claim, index: d.claim }) : [];
    const docs = new Set(rel.map((r) => r.uri)).size;
    const locations: Location[] = rel.map((r) => locationOf(corpus.get(r.uri)!, r.claim.start, r.claim.end));
    const title = rel.length ? `${rel.length} related claim${rel.length === 1 ? "" : "s"} · ${docs} document${docs === 1 ? "" : "s"}` : "no related claims";
    return { range: lens.range, command: { title, command: rel.length ? SHOW_REFERENCES : "", arguments: [d.uri, lens.range.start, locations] } };
  }
  const counts = corpus.mentionCounts(d.entity!);
  const total = counts.reduce((s, c) => s + c.count, 0);
  // The peek view is for reading, not for 10⁵ rows: the first mentions in corpus order.
  const locations = corpus
    .mentionsOf(d.entity!)
    .slice(0, 1000)
    .map((r) => locationOf(corpus.get(r.uri)!, r.mention.start, r.mention.end));
  return {
    range: lens.range,
    command: { title: `${corpus.entity(d.entity!)?.name ?? d.entity}: ${total} mention${total === 1 ? "" : "s"} in ${counts.length} document${counts.length === 1 ? "" : "s"}`, command: SHOW_REFERENCES, arguments: [d.uri, lens.range.start, locations] },
  };
}
