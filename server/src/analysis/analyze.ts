// One document in, its annotations out: folding, entities, sentences, figures, claims.
import type { DocumentAnalysis } from "./types";
import type { Catalog } from "./catalog";
import { foldString, foldText, type FoldedText } from "./fold";
import { learnedId, recognizeEntities } from "./entities";
import { segmentSentences } from "./sentences";
import { findFigures, keyFigures } from "./figures";
import { findClaims } from "./claims";

export function analyzeDocument(text: string, catalog: Catalog): DocumentAnalysis {
  const folded = foldText(text);
  const { mentions, learned } = recognizeEntities(text, folded, catalog);
  const learnedTypes = new Map(learned.map((l) => [l.id, l.type]));
  const typeOf = (id: string) => catalog.get(id)?.type ?? learnedTypes.get(id);
  const sentences = segmentSentences(text);
  const figures = findFigures(text);
  keyFigures(text, figures, mentions, sentences, (id) => subjectParent(catalog, id), typeOf);
  const claims = findClaims(text, sentences, mentions, figures, typeOf);
  // Worked out here, in the analysing thread, so the corpus binds glosses without folding anything.
  for (const l of learned) if (l.via === "gloss") l.aliases = l.names.map((n) => learnedId(foldString(n)));
  return { language: guessLanguage(text, folded), mentions, learned, figures, sentences, claims };
}

/**
 * Figures are keyed by who they are about: a model or chip rolls up to its maker (DeepSeek-V3 →
 * DeepSeek), but a company does not roll up to its owner (DeepSeek stays DeepSeek, not High-Flyer).
 */
function subjectParent(catalog: Catalog, id: string): string | undefined {
  const e = catalog.get(id);
  return e && (e.type === "model" || e.type === "chip" || e.type === "product") ? e.parent : undefined;
}

/** zh-Hant when a noticeable share of Han characters fold to another (simplified) character. */
export function guessLanguage(text: string, folded: FoldedText): DocumentAnalysis["language"] {
  let han = 0;
  let changed = 0;
  let latin = 0;
  const sameLength = !folded.map;
  const n = Math.min(text.length, 200_000); // a sample is enough to tell
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x4e00 && c <= 0x9fff) {
      han++;
      if (sameLength && folded.text.charCodeAt(i) !== c) changed++;
    } else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latin++;
  }
  if (han === 0) return "en";
  if (latin > han * 2) return "mixed";
  return changed / han > 0.04 ? "zh-Hant" : "zh-Hans";
}
