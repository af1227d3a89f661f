// Inlay hints: the normalized value after figures written in Chinese numerals (五萬張 → 50,000).
import type { Corpus } from "../corpus/corpus";
import type { Position } from "./protocolTypes";

export interface InlayHint {
  position: Position;
  label: string;
  kind?: 1 | 2;
  paddingLeft?: boolean;
  tooltip?: string;
}

export function inlayHints(corpus: Corpus, uri: string, from: number, to: number): InlayHint[] {
  const doc = corpus.get(uri);
  if (!doc) return [];
  const out: InlayHint[] = [];
  for (const f of doc.analysis.figures) {
    if (f.end < from || f.start > to) continue;
    // Exact amounts only: 五萬張 = 50,000 helps; 幾個月 = ≈2–9 months or 二〇二五年 = 2025 is clutter.
    if (!f.chineseNumerals || f.approximate || f.kind === "year" || f.kind === "date" || f.kind === "duration") continue;
    out.push({ position: doc.lines.positionAt(f.end), label: `= ${f.display}`, kind: 1, paddingLeft: true, tooltip: `${f.text} → ${f.display}` });
  }
  return out;
}
