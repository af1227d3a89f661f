// Diagnostics for a document: unverified claims (rumor, unconfirmed), speculation and disputed
// claims, and figures that disagree with the same figure in another document. Each kind has a
// stable code (documented in README.md); the severity of each is a setting.
import type { Corpus, CorpusDocument } from "../corpus/corpus";
import type { Claim } from "../analysis/types";
import { relatedClaims, compatible } from "../corpus/related";
import { locationOf, rangeOf, type Location, type Range } from "./protocolTypes";

export const DiagnosticCode = {
  rumor: "rumor",
  unconfirmed: "unconfirmed",
  speculation: "speculation",
  disputed: "disputed",
  figureMismatch: "figure-mismatch",
} as const;
export type DiagnosticCodeName = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];

export type SeverityName = "error" | "warning" | "information" | "hint" | "off";
export const DEFAULT_SEVERITY: Record<DiagnosticCodeName, SeverityName> = {
  rumor: "warning",
  unconfirmed: "warning",
  speculation: "information",
  disputed: "information",
  "figure-mismatch": "information",
};
const LSP_SEVERITY: Record<Exclude<SeverityName, "off">, number> = { error: 1, warning: 2, information: 3, hint: 4 };

export interface Diagnostic {
  range: Range;
  severity: number;
  code: DiagnosticCodeName;
  source: "marginalia";
  message: string;
  relatedInformation?: Array<{ location: Location; message: string }>;
  data?: { claim?: number; figure?: number };
}

/** How a user verdict changes a claim's diagnostic (annotations, issue 4). */
export type VerdictLookup = (uri: string, claim: Claim) => { verdict: string; note?: string } | undefined;

export function codeOf(c: Claim): DiagnosticCodeName | undefined {
  switch (c.certainty) {
    case "rumor":
      return "rumor";
    case "unverified":
      return "unconfirmed";
    case "hedged":
      return "speculation";
    case "disputed":
      return "disputed";
    default:
      return undefined;
  }
}

export function documentDiagnostics(corpus: Corpus, uri: string, severity: Partial<Record<DiagnosticCodeName, SeverityName>> = {}): Diagnostic[] {
  const doc = corpus.get(uri);
  if (!doc) return [];
  const sev = { ...DEFAULT_SEVERITY, ...severity };
  const out: Diagnostic[] = [];
  doc.analysis.claims.forEach((claim, index) => {
    const code = codeOf(claim);
    if (!code || sev[code] === "off") return;
    out.push({
      range: rangeOf(doc, claim.start, claim.end),
      severity: LSP_SEVERITY[sev[code] as Exclude<SeverityName, "off">],
      code,
      source: "marginalia",
      message: claimMessage(corpus, claim),
      relatedInformation: related(corpus, uri, index),
      data: { claim: index },
    });
  });
  if (sev["figure-mismatch"] !== "off") out.push(...figureMismatches(corpus, doc, LSP_SEVERITY[sev["figure-mismatch"] as Exclude<SeverityName, "off">]));
  return out;
}

const KIND_TEXT: Record<string, string> = {
  rumor: "Unverified claim — the text itself calls it a rumor",
  unverified: "Unverified claim — the text says it is unconfirmed",
  hedged: "Speculation",
  disputed: "Disputed claim",
};

function claimMessage(corpus: Corpus, c: Claim): string {
  const cues = [...new Set(c.cues.filter((q) => q.kind !== "negation").map((q) => q.word))];
  let msg = `${KIND_TEXT[c.certainty] ?? c.certainty}${cues.length ? ` (${cues.join(", ")})` : ""}`;
  if (c.speaker) msg += `. Speaker: ${c.speaker.entityId ? (corpus.entity(c.speaker.entityId)?.name ?? c.speaker.name) : c.speaker.name}${c.verb ? ` (${c.verb})` : ""}`;
  return msg + ".";
}

function related(corpus: Corpus, uri: string, index: number): Diagnostic["relatedInformation"] {
  const doc = corpus.get(uri)!;
  const rel = relatedClaims(corpus, { uri, claim: doc.analysis.claims[index], index }, 5);
  if (rel.length === 0) return undefined;
  return rel.map((r) => {
    const d = corpus.get(r.uri)!;
    const cues = r.claim.cues.filter((q) => q.kind !== "negation").map((q) => q.word);
    return { location: locationOf(d, r.claim.start, r.claim.end), message: `Related claim in ${d.label} (${r.reason}${cues.length ? `; ${[...new Set(cues)].join(", ")}` : ""})` };
  });
}

function figureMismatches(corpus: Corpus, doc: CorpusDocument, severity: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  doc.analysis.figures.forEach((f, i) => {
    if (!f.key || f.kind === "year" || f.kind === "date") return;
    const others = corpus.figuresByKey(f.key).filter((r) => r.uri !== doc.uri && !compatible(f, r.figure) && r.figure.kind === f.kind);
    if (others.length === 0) return;
    const first = others[0];
    const d = corpus.get(first.uri)!;
    out.push({
      range: rangeOf(doc, f.start, f.end),
      severity,
      code: "figure-mismatch",
      source: "marginalia",
      message: `Figures disagree for ${f.key}: ${f.display} here, ${first.figure.display} in ${d.label}${others.length > 1 ? ` (and ${others.length - 1} more)` : ""}.`,
      relatedInformation: others.slice(0, 5).map((r) => ({ location: locationOf(corpus.get(r.uri)!, r.figure.start, r.figure.end), message: `${r.figure.display} in ${corpus.get(r.uri)!.label}` })),
      data: { figure: i },
    });
  });
  return out;
}
