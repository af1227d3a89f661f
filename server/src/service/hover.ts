// Hover cards: an entity's card (canonical name, type, names by script, context, where it appears)
// and a figure's card (normalized value, unit, qualifier, what it counts, other documents' figures).
import type { Corpus, CorpusDocument } from "../corpus/corpus";
import type { Figure, Mention } from "../analysis/types";
import { contextSnippet, md } from "./context";
import { rangeOf, type Hover } from "./protocolTypes";

/** How many documents a hover card links to. */
/** How many documents an entity card links (the ones that mention it most). */
export const HOVER_DOCUMENTS = 12;

const TYPE_LABEL: Record<string, string> = {
  person: "person",
  organization: "organization",
  government: "government / agency",
  model: "AI model",
  chip: "chip",
  product: "product",
  policy: "policy / law",
  concept: "concept",
  place: "place",
  event: "event",
  work: "work",
};

export function hover(corpus: Corpus, uri: string, offset: number): Hover | null {
  const doc = corpus.get(uri);
  if (!doc) return null;
  const mention = corpus.mentionAt(uri, offset);
  const figure = corpus.figureAt(uri, offset);
  // A figure inside a mention's range (rare) wins: it is the more specific thing under the cursor.
  if (figure && (!mention || figure.end - figure.start <= mention.end - mention.start)) return figureHover(corpus, doc, figure);
  if (mention) return entityHover(corpus, doc, mention);
  return null;
}

export function link(corpus: Corpus, uri: string, offset: number, label?: string): string {
  const d = corpus.get(uri);
  if (!d) return md(label ?? uri);
  const p = d.lines.positionAt(offset);
  return `[${md(label ?? d.label)}:${p.line + 1}](${uri}#L${p.line + 1},${p.character + 1})`;
}

function entityHover(corpus: Corpus, doc: CorpusDocument, m: Mention): Hover | null {
  const info = corpus.entity(m.entityId);
  if (!info) return null;
  const lines: string[] = [];
  const source = info.source === "candidate" ? " · _candidate entity (not in the catalog)_" : info.source === "learned" ? " · _learned from a gloss_" : info.source === "user" ? " · _from marginalia.json_" : "";
  lines.push(`**${md(info.name)}** · ${TYPE_LABEL[info.type] ?? info.type}${source}`);
  const scripts: string[] = [];
  if (info.names.en.length) scripts.push(`EN ${info.names.en.map(md).join(" · ")}`);
  if (info.names["zh-Hans"].length) scripts.push(`简 ${info.names["zh-Hans"].map(md).join(" · ")}`);
  if (info.names["zh-Hant"].length) scripts.push(`繁 ${info.names["zh-Hant"].map(md).join(" · ")}`);
  if (info.names.other.length) scripts.push(`also ${info.names.other.map(md).join(" · ")}`);
  if (scripts.length) lines.push("", scripts.join("  \n"));
  if (info.description) lines.push("", `_${md(info.description)}_`);
  const def = corpus.definingMention(m.entityId);
  if (def) {
    const d = corpus.get(def.uri)!;
    lines.push("", `> ${md(contextSnippet(d.text, def.mention.start, def.mention.end))} — ${link(corpus, def.uri, def.mention.start)}`);
  }
  const summary = corpus.mentionSummary(m.entityId, HOVER_DOCUMENTS);
  if (summary.documents) {
    // The documents that mention it most, in corpus order; a card lists a handful, not thousands.
    const shown = [...summary.top].sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
    const more = summary.documents - shown.length;
    lines.push(
      "",
      `Mentioned in ${summary.documents} document${summary.documents === 1 ? "" : "s"} (${summary.total}×): ` +
        shown.map((c) => `${link(corpus, c.uri, c.first.start)} ×${c.count}`).join(" · ") +
        (more > 0 ? ` · and ${more} more (Find All References)` : ""),
    );
  }
  return { contents: { kind: "markdown", value: lines.join("\n") }, range: rangeOf(doc, m.start, m.end) };
}

const QUALIFIER_LABEL: Record<string, string> = {
  about: "about",
  over: "over",
  under: "under",
  nearly: "nearly",
  "at-least": "at least",
  "at-most": "at most",
  "up-to": "up to",
};

function figureHover(corpus: Corpus, doc: CorpusDocument, f: Figure): Hover {
  const lines: string[] = [];
  const q = f.qualifier ? `${QUALIFIER_LABEL[f.qualifier] ?? f.qualifier} ` : "";
  lines.push(`**${q}${md(f.display)}**${f.approximate ? " _(approximate)_" : ""} · ${f.kind}${f.classifier ? ` (${md(f.classifier)})` : ""}`);
  const what: string[] = [];
  if (f.noun) what.push(`counts **${md(f.noun)}**`);
  if (f.subject) what.push(`about **${md(corpus.entity(f.subject)?.name ?? f.subject)}**`);
  if (what.length) lines.push("", what.join(", "));
  if (f.key) {
    // The first ten others in corpus order, and how many more: no copy of a key quoted thousands of times.
    const all = corpus.figuresByKey(f.key);
    const shown: Array<(typeof all)[number]> = [];
    let others = 0;
    for (const r of all) {
      if (r.uri === doc.uri && r.figure.start === f.start) continue;
      others++;
      if (shown.length < 10) shown.push(r);
    }
    if (others) {
      lines.push("", `Also quoted under \`${f.key}\`:`);
      for (const r of shown) {
        const same = r.figure.value === f.value && r.figure.high === f.high;
        lines.push(`- ${md(r.figure.display)}${same ? "" : " ⚠ differs"} — ${link(corpus, r.uri, r.figure.start)}`);
      }
      if (others > 10) lines.push(`- … ${others - 10} more`);
    }
  }
  return { contents: { kind: "markdown", value: lines.join("\n") }, range: rangeOf(doc, f.start, f.end) };
}
