// Definition, references and highlights: for entities, and for figures and claims (their clusters).
import type { Corpus } from "../corpus/corpus";
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

export function entityReferences(corpus: Corpus, uri: string, offset: number, includeDeclaration = true): Location[] | null {
  const m = corpus.mentionAt(uri, offset);
  if (!m) return null;
  const def = includeDeclaration ? undefined : corpus.definingMention(m.entityId);
  return corpus
    .mentionsOf(m.entityId)
    .filter((r) => !def || r.uri !== def.uri || r.mention.start !== def.mention.start)
    .map((r) => locationOf(corpus.get(r.uri)!, r.mention.start, r.mention.end));
}

export function entityHighlights(corpus: Corpus, uri: string, offset: number): Array<{ range: Range; kind: 1 | 2 | 3 }> | null {
  const m = corpus.mentionAt(uri, offset);
  const doc = corpus.get(uri);
  if (!m || !doc) return null;
  const id = corpus.canonical(m.entityId);
  return doc.analysis.mentions
    .filter((x) => corpus.canonical(x.entityId) === id)
    .map((x) => ({ range: rangeOf(doc, x.start, x.end), kind: (x.gloss || (x.full && x === doc.analysis.mentions.find((y) => corpus.canonical(y.entityId) === id)) ? 3 : 2) as 2 | 3 }));
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
    const same = (r: { figure: typeof f }) => (r.figure.value === f.value && r.figure.high === f.high && !r.figure.approximate ? 0 : 1);
    const others = corpus
      .figuresByKey(f.key)
      .filter((r) => r.uri !== uri && compatible(f, r.figure))
      .map((r) => ({ uri: r.uri, start: r.figure.start, end: r.figure.end, rank: same(r) }))
      .sort((a, b) => a.rank - b.rank || byCorpusOrder(a, b));
    if (others.length) return [locationOf(corpus.get(others[0].uri)!, others[0].start, others[0].end)];
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
