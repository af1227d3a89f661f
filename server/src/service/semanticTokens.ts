// Semantic tokens: entities by type, figures, and the parts of unverified / disputed / judged claims
// that are not already an entity or a figure. Tokens never overlap and never span lines.
import type { Corpus } from "../corpus/corpus";
import type { AnchoredAnnotation } from "../annotations";
import type { Claim } from "../analysis/types";

export const TOKEN_TYPES = ["person", "organization", "model", "chip", "concept", "figure", "claim"] as const;
export const TOKEN_MODIFIERS = ["unverified", "disputed", "verified"] as const;

const TYPE_INDEX: Record<string, number> = {
  person: 0,
  organization: 1,
  government: 1,
  model: 2,
  product: 2,
  chip: 3,
  concept: 4,
  policy: 4,
  place: 4,
  event: 4,
  work: 4,
};
const MOD = { unverified: 1, disputed: 2, verified: 4 };

interface Tok {
  start: number;
  end: number;
  type: number;
  mods: number;
}

function claimModifiers(c: Claim, verdict: string | undefined): number {
  if (verdict === "verified") return MOD.verified;
  if (verdict === "false" || verdict === "disputed") return MOD.disputed;
  if (verdict === "unverified") return MOD.unverified;
  if (c.certainty === "rumor" || c.certainty === "unverified") return MOD.unverified;
  if (c.certainty === "disputed") return MOD.disputed;
  return 0;
}

export function semanticTokens(corpus: Corpus, uri: string, annotations: readonly AnchoredAnnotation[] = []): { data: number[] } {
  const doc = corpus.get(uri);
  if (!doc) return { data: [] };
  const a = doc.analysis;
  const toks: Tok[] = [];
  for (const m of a.mentions) {
    const info = corpus.entity(m.entityId);
    toks.push({ start: m.start, end: m.end, type: TYPE_INDEX[info?.type ?? "concept"] ?? 4, mods: 0 });
  }
  for (const f of a.figures) toks.push({ start: f.start, end: f.end, type: 5, mods: 0 });
  toks.sort((x, y) => x.start - y.start || y.end - x.end);
  // Drop overlaps (a figure inside a name, say): the earlier, longer token wins.
  const base: Tok[] = [];
  for (const t of toks) if (!base.length || t.start >= base[base.length - 1].end) base.push(t);
  // Claims that matter to a reader: fill the gaps between their entity and figure tokens.
  const judged = annotations.filter((x) => x.annotation.body?.verdict);
  const claimToks: Tok[] = [];
  for (const c of a.claims) {
    const v = judged.find((x) => x.anchor.start < c.end && c.start < x.anchor.end)?.annotation.body.verdict;
    const mods = claimModifiers(c, v);
    if (!mods) continue;
    for (const t of base) if (t.start >= c.start && t.end <= c.end) t.mods |= mods;
    let at = c.start;
    for (const t of base) {
      if (t.end <= at || t.start >= c.end) continue;
      if (t.start > at) claimToks.push({ start: at, end: t.start, type: 6, mods });
      at = Math.max(at, t.end);
    }
    if (at < c.end) claimToks.push({ start: at, end: c.end, type: 6, mods });
  }
  const all = [...base, ...claimToks].sort((x, y) => x.start - y.start);
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const t of all) {
    // Split at line breaks: one token per line piece.
    let s = t.start;
    while (s < t.end) {
      const p = doc.lines.positionAt(s);
      const lineEnd = doc.lines.lineEnd(p.line);
      const e = Math.min(t.end, lineEnd);
      if (e > s) {
        const len = doc.lines.positionAt(e).character - p.character;
        if (len > 0) {
          data.push(p.line - prevLine, p.line === prevLine ? p.character - prevChar : p.character, len, t.type, t.mods);
          prevLine = p.line;
          prevChar = p.character;
        }
      }
      if (p.line + 1 >= doc.lines.lineCount) break;
      s = Math.max(e, doc.lines.lineStart(p.line + 1));
    }
  }
  return { data };
}
