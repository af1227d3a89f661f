// Definition, references and highlights: for entities, and for figures and claims (their clusters).
import type { Corpus, CorpusDocument, FigureRef, MentionRef } from "../corpus/corpus";
import type { Mention } from "../analysis/types";
import { locationOf, rangeOf, type Location, type Range } from "./protocolTypes";
import { relatedClaims, compatible } from "../corpus/related";

/** Where an entity is defined: the user's marginalia.json entry if any, else its defining mention. */
export function entityDefinition(corpus: Corpus, uri: string, offset: number, userEntry?: (id: string) => Location | undefined): Location[] | null {
  const m = corpus.mentionAt(uri, offset);
  if (!m) return null;
  const id = corpus.canonical(m.entityId);
  const user = userEntry?.(id);
  if (user) return [user];
  const def = corpus.definingMention(id);
  if (!def) return null;
  return [locationOf(corpus.get(def.uri)!, def.mention.start, def.mention.end)];
}

/**
 * The locations of an entity's mentions, one document at a time, each document's computed only when
 * the iteration reaches it (no corpus-wide merge and sort first): the current document first when
 * `currentFirst`, then the others in corpus order. Null when no entity is under the cursor.
 * The documents are the ones in the corpus when this is called, so a caller that consumes the chunks
 * across several event-loop turns gets one consistent answer even if documents change meanwhile.
 */
export function entityReferenceChunks(
  corpus: Corpus,
  uri: string,
  offset: number,
  options: { includeDeclaration?: boolean; currentFirst?: boolean } = {},
): Iterable<Location[]> | null {
  const m = corpus.mentionAt(uri, offset);
  if (!m) return null;
  const id = corpus.canonical(m.entityId);
  const def = (options.includeDeclaration ?? true) ? undefined : corpus.definingMention(id);
  const skip = (doc: CorpusDocument) => (def?.uri === doc.uri ? def.mention.start : -1);
  const toLocations = (doc: CorpusDocument, mentions: readonly Mention[]) => {
    const out: Location[] = [];
    const s = skip(doc);
    for (const x of mentions) if (x.start !== s) out.push(locationOf(doc, x.start, x.end));
    return out;
  };
  const byDocument = corpus.mentionsByDocument(id);
  const current = options.currentFirst ? byDocument.find((d) => d.doc.uri === uri) : undefined;
  return (function* () {
    if (current) {
      const locations = toLocations(current.doc, current.mentions());
      if (locations.length) yield locations;
    }
    for (const d of byDocument) {
      if (d === current) continue;
      const locations = toLocations(d.doc, d.mentions());
      if (locations.length) yield locations;
    }
  })();
}

/** Every reference of the entity under the cursor, in corpus order. */
export function entityReferences(corpus: Corpus, uri: string, offset: number, includeDeclaration = true): Location[] | null {
  const chunks = entityReferenceChunks(corpus, uri, offset, { includeDeclaration });
  if (!chunks) return null;
  const out: Location[] = [];
  for (const locations of chunks) for (const l of locations) out.push(l);
  return out;
}

export function entityHighlights(corpus: Corpus, uri: string, offset: number): Array<{ range: Range; kind: 1 | 2 | 3 }> | null {
  const m = corpus.mentionAt(uri, offset);
  const doc = corpus.get(uri);
  if (!m || !doc) return null;
  const id = corpus.canonical(m.entityId);
  const mine = doc.analysis.mentions.filter((x) => corpus.canonical(x.entityId) === id);
  // Write (3) for a gloss or for the first mention when it is a full name; read (2) for the rest.
  return mine.map((x, i) => ({ range: rangeOf(doc, x.start, x.end), kind: (x.gloss || (x.full && i === 0) ? 3 : 2) as 2 | 3 }));
}

// ---- figures and claims: definition jumps to the earliest related claim in another document,
// references list the whole cluster.
function byCorpusOrder<T extends { uri: string; start: number }>(a: T, b: T): number {
  return a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.start - b.start;
}

export function figureOrClaimDefinition(corpus: Corpus, uri: string, offset: number): Location[] | null {
  const f = corpus.figureAt(uri, offset);
  if (f?.key) {
    // The same value first (5 万块 for 五萬張), then merely compatible ones (几万块); earliest of the best.
    // figuresByKey is in corpus order, so one pass finds it (a hot key has thousands: no sort).
    let compatibleOne: FigureRef | undefined;
    for (const r of corpus.figuresByKey(f.key)) {
      if (r.uri === uri || !compatible(f, r.figure)) continue;
      if (r.figure.value === f.value && r.figure.high === f.high && !r.figure.approximate) return [locationOf(corpus.get(r.uri)!, r.figure.start, r.figure.end)];
      compatibleOne ??= r;
    }
    if (compatibleOne) return [locationOf(corpus.get(compatibleOne.uri)!, compatibleOne.figure.start, compatibleOne.figure.end)];
  }
  const c = corpus.claimAt(uri, offset);
  if (!c) return null;
  const rel = relatedClaims(corpus, c)
    .map((r) => ({ uri: r.uri, start: r.claim.start, end: r.claim.end }))
    .sort(byCorpusOrder);
  return rel.length ? [locationOf(corpus.get(rel[0].uri)!, rel[0].start, rel[0].end)] : null;
}

export function figureOrClaimReferences(corpus: Corpus, uri: string, offset: number): Location[] | null {
  const out: Location[] = [];
  const seen = new Set<string>();
  const add = (u: string, s: number, e: number) => {
    const k = `${u}#${s}:${e}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(locationOf(corpus.get(u)!, s, e));
  };
  const f = corpus.figureAt(uri, offset);
  if (f?.key) for (const r of corpus.figuresByKey(f.key)) if (r.uri === uri && r.figure.start === f.start ? true : compatible(f, r.figure)) add(r.uri, r.figure.start, r.figure.end);
  const c = corpus.claimAt(uri, offset);
  if (c && (!f || out.length <= 1)) {
    add(uri, c.claim.start, c.claim.end);
    for (const r of relatedClaims(corpus, c)) add(r.uri, r.claim.start, r.claim.end);
  }
  return out.length ? out : null;
}
