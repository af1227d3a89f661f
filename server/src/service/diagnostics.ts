// Diagnostics for a document: unverified claims (rumor, unconfirmed), speculation and disputed
// claims, and figures that disagree with the same figure in another document. Each kind has a
// stable code (documented in README.md); the severity of each is a setting.
import type { Corpus, CorpusDocument, FigureRef } from "../corpus/corpus";
import type { Claim, Figure } from "../analysis/types";
import { relatedClaims, compatible } from "../corpus/related";
import { locationOf, rangeOf, type Location, type Range, type Severity } from "./protocolTypes";
import type { AnchoredAnnotation } from "../annotations";

export const DiagnosticCode = {
  rumor: "rumor",
  unconfirmed: "unconfirmed",
  speculation: "speculation",
  disputed: "disputed",
  figureMismatch: "figure-mismatch",
  verdictFalse: "verdict-false",
  verdictDisputed: "verdict-disputed",
  verdictUnverified: "verdict-unverified",
  verified: "verified",
} as const;
export type DiagnosticCodeName = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];

export type SeverityName = "error" | "warning" | "information" | "hint" | "off";
export const DEFAULT_SEVERITY: Record<DiagnosticCodeName, SeverityName> = {
  rumor: "warning",
  unconfirmed: "warning",
  speculation: "information",
  disputed: "information",
  "figure-mismatch": "information",
  "verdict-false": "warning",
  "verdict-disputed": "warning",
  "verdict-unverified": "warning",
  verified: "hint",
};
const LSP_SEVERITY: Record<Exclude<SeverityName, "off">, Severity> = { error: 1, warning: 2, information: 3, hint: 4 };

export interface Diagnostic {
  range: Range;
  severity: Severity;
  code: DiagnosticCodeName;
  source: "marginalia";
  message: string;
  relatedInformation?: Array<{ location: Location; message: string }>;
  data?: { claim?: number; figure?: number; annotation?: string };
}


/** The code of a claim's diagnostic, by its certainty (asserted and attributed claims have none). */
const CLAIM_CODE: Partial<Record<Claim["certainty"], DiagnosticCodeName>> = { rumor: "rumor", unverified: "unconfirmed", hedged: "speculation", disputed: "disputed" };
const CLAIM_CODES = Object.values(CLAIM_CODE);

export function codeOf(c: Claim): DiagnosticCodeName | undefined {
  return CLAIM_CODE[c.certainty];
}

/**
 * What the diagnostics of a document's claims and figures cost to compute (messages, related claims
 * across the corpus), kept per document between calls so that a keystroke recomputes only the claims
 * it changed: an unchanged claim (same text, certainty, cues, speaker, entities, figures) merely
 * shifted gets its previous message and related information back, with a new range.
 *
 * Related information depends on the other documents too: the cache is only valid for one state of
 * the corpus, which the caller names (`generation`: anything that changes when another document, or
 * the catalog, changes). A document's own edits leave it valid by design; the caller recomputes from
 * scratch (a new generation) once the edits settle.
 */
export class DiagnosticsCache {
  private generation: unknown;
  private readonly byUri = new Map<string, { claims: Map<string, ClaimEntry>; figures: Map<string, FigureEntry | null> }>();
  /**
   * The same, by object: an incremental splice hands the claims and figures it did not re-analyse
   * back as the same objects (moved, same content), which saves building their signatures.
   */
  byObject = new WeakMap<object, ClaimEntry | { key: string; entry: FigureEntry | null }>();
  /**
   * The diagnostic last built for a claim or figure object. When the next one would be equal (a
   * keystroke on another line), the same object is handed back, and the message encoder reuses the
   * JSON it wrote for it (messageEncoder.ts): published diagnostics are never changed in place.
   */
  lastDiagnostic = new WeakMap<object, Diagnostic>();

  /** The cache of a document for this generation of the corpus (everything is dropped when it changed). */
  entries(uri: string, generation: unknown): { claims: Map<string, ClaimEntry>; figures: Map<string, FigureEntry | null> } {
    if (generation !== this.generation) {
      this.byUri.clear();
      this.byObject = new WeakMap();
      this.lastDiagnostic = new WeakMap();
      this.generation = generation;
    }
    let e = this.byUri.get(uri);
    if (!e) this.byUri.set(uri, (e = { claims: new Map(), figures: new Map() }));
    return e;
  }

  replace(uri: string, e: { claims: Map<string, ClaimEntry>; figures: Map<string, FigureEntry | null> }): void {
    this.byUri.set(uri, e);
  }

  delete(uri: string): void {
    this.byUri.delete(uri);
  }

  /** Forgets every document but one (the others' related information may point into it). */
  retainOnly(uri: string): void {
    for (const u of [...this.byUri.keys()]) if (u !== uri) this.byUri.delete(u);
  }
}

interface ClaimEntry {
  key: string;
  message: string;
  /** Computed on first need (Warnings only), then kept. */
  related?: Diagnostic["relatedInformation"] | null;
}

interface FigureEntry {
  message: string;
  relatedInformation: NonNullable<Diagnostic["relatedInformation"]>;
}

/** `fresh`, or the equal diagnostic built last time for the same claim or figure (see lastDiagnostic). */
function handBack(store: DiagnosticsCache, of: object, fresh: Diagnostic): Diagnostic {
  const last = store.lastDiagnostic.get(of);
  if (last && sameDiagnostic(last, fresh)) return last;
  store.lastDiagnostic.set(of, fresh);
  return fresh;
}

function sameDiagnostic(a: Diagnostic, b: Diagnostic): boolean {
  return (
    a.severity === b.severity &&
    a.code === b.code &&
    a.message === b.message &&
    a.relatedInformation === b.relatedInformation &&
    a.range.start.line === b.range.start.line &&
    a.range.start.character === b.range.start.character &&
    a.range.end.line === b.range.end.line &&
    a.range.end.character === b.range.end.character &&
    a.data?.claim === b.data?.claim &&
    a.data?.figure === b.data?.figure &&
    a.data?.annotation === b.data?.annotation
  );
}

/** Everything a claim's message and related claims depend on within its own document. */
function claimSignature(text: string, c: Claim, figures: readonly Figure[]): string {
  let figs = "";
  for (const i of c.figures) {
    const f = figures[i];
    if (f) figs += `${f.key ?? ""}:${f.kind}:${f.value}:${f.high ?? ""};`;
  }
  const cues = c.cues.map((q) => `${q.kind}:${q.word}`).join(",");
  return `${c.certainty}${text.slice(c.start, c.end)}${cues}${c.speaker?.name ?? ""}${c.speaker?.entityId ?? ""}${c.verb ?? ""}${c.entityIds.join(",")}${figs}`;
}

/**
 * Diagnostics of one document. The user's verdicts (annotations anchored in this document) replace
 * the text's own signal on the claims they cover: a verified claim loses its Warning, a disputed or
 * false one gets a Warning that quotes the note.
 */
export function documentDiagnostics(
  corpus: Corpus,
  uri: string,
  severity: Partial<Record<DiagnosticCodeName, SeverityName>> = {},
  annotations: readonly AnchoredAnnotation[] = [],
  cache?: { store: DiagnosticsCache; generation: unknown },
): Diagnostic[] {
  const doc = corpus.get(uri);
  if (!doc) return [];
  const previous = cache?.store.entries(uri, cache.generation);
  const next = previous && { claims: new Map<string, ClaimEntry>(), figures: new Map<string, FigureEntry | null>() };
  const sev = { ...DEFAULT_SEVERITY, ...severity };
  const level = (code: DiagnosticCodeName) => (sev[code] === "off" ? undefined : LSP_SEVERITY[sev[code] as Exclude<SeverityName, "off">]);
  const out: Diagnostic[] = [];
  const judged = annotations.filter((a) => a.annotation.body?.verdict);
  const verdictOn = (start: number, end: number) => judged.find((a) => a.anchor.start < end && start < a.anchor.end);
  const used = new Set<AnchoredAnnotation>();
  // With every claim code "off" and no verdict to place, the claims are not read at all (reading
  // them rebuilds a closed document's analysis).
  const claimsWanted = judged.length > 0 || CLAIM_CODES.some((c) => level(c) !== undefined);
  const visit = (claim: Claim, index: number): void => {
    const v = verdictOn(claim.start, claim.end);
    if (v) return void used.add(v);
    const code = codeOf(claim);
    const severity = code && level(code);
    if (!code || !severity) return;
    let entry: ClaimEntry | undefined;
    if (next) {
      entry = cache!.store.byObject.get(claim) as ClaimEntry | undefined;
      if (!entry) {
        // Signatures are only built for claims seen for the first time (the window of an edit).
        const key = claimSignature(doc.text, claim, doc.analysis.figures);
        entry = next.claims.get(key) ?? previous!.claims.get(key) ?? { key, message: claimMessage(corpus, claim) };
        cache!.store.byObject.set(claim, entry);
      }
      next.claims.set(entry.key, entry);
    }
    entry ??= { key: "", message: claimMessage(corpus, claim) };
    // Related claims are looked up for Warnings only: speculation is everywhere and would cost more than it tells.
    if (severity <= 2 && entry.related === undefined) entry.related = related(corpus, uri, claim, index) ?? null;
    const d: Diagnostic = {
      range: rangeOf(doc, claim.start, claim.end),
      severity,
      code,
      source: "marginalia",
      message: entry.message,
      relatedInformation: severity <= 2 ? (entry.related ?? undefined) : undefined,
      data: { claim: index },
    };
    out.push(next ? handBack(cache!.store, claim, d) : d);
  };
  // A verdict may lie on any claim; without one, only the claims whose code is on are built.
  const reported = (certainty: Claim["certainty"]) => {
    const code = CLAIM_CODE[certainty];
    return code !== undefined && level(code) !== undefined;
  };
  if (judged.length > 0) doc.analysis.claims.forEach(visit);
  else if (claimsWanted) doc.forEachClaim(reported, visit);
  for (const a of judged) {
    const d = verdictDiagnostic(corpus, uri, a, level, used.has(a));
    if (d) out.push(d);
  }
  const mismatch = level("figure-mismatch");
  if (mismatch) out.push(...figureMismatches(corpus, doc, mismatch, previous && next && { previous: previous.figures, next: next.figures, store: cache!.store }));
  if (cache && next) cache.store.replace(uri, next);
  return out;
}

const VERDICT_CODE: Record<string, DiagnosticCodeName> = { false: "verdict-false", disputed: "verdict-disputed", unverified: "verdict-unverified", verified: "verified" };
const VERDICT_TEXT: Record<string, string> = { false: "You marked this claim false", disputed: "You marked this claim disputed", unverified: "You marked this claim unverified", verified: "You verified this claim" };

function verdictDiagnostic(corpus: Corpus, uri: string, a: AnchoredAnnotation, level: (c: DiagnosticCodeName) => Severity | undefined, onClaim: boolean): Diagnostic | undefined {
  const doc = corpus.get(uri)!;
  const verdict = a.annotation.body.verdict!;
  const code = VERDICT_CODE[verdict];
  const severity = code && level(code);
  if (!code || !severity) return undefined;
  const note = a.annotation.body.note?.trim();
  const sources = a.annotation.body.sources ?? [];
  let message = `${VERDICT_TEXT[verdict]}${note ? `: “${note}”` : "."}`;
  if (sources.length) message += ` Sources: ${sources.join(", ")}`;
  if (!onClaim && verdict !== "verified") message += " (annotated text)";
  const claim = corpus.claimAt(uri, a.anchor.start);
  return {
    range: rangeOf(doc, a.anchor.start, a.anchor.end),
    severity,
    code,
    source: "marginalia",
    message,
    relatedInformation: claim ? related(corpus, uri, claim.claim, claim.index) : undefined,
    data: { annotation: a.annotation.id, ...(claim ? { claim: claim.index } : {}) },
  };
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

function related(corpus: Corpus, uri: string, claim: Claim, index: number): Diagnostic["relatedInformation"] {
  const rel = relatedClaims(corpus, { uri, claim, index }, 5);
  if (rel.length === 0) return undefined;
  return rel.map((r) => {
    const d = corpus.get(r.uri)!;
    const cues = r.claim.cues.filter((q) => q.kind !== "negation").map((q) => q.word);
    return { location: locationOf(d, r.claim.start, r.claim.end), message: `Related claim in ${d.label} (${r.reason}${cues.length ? `; ${[...new Set(cues)].join(", ")}` : ""})` };
  });
}

function figureMismatches(
  corpus: Corpus,
  doc: CorpusDocument,
  severity: Severity,
  cache?: { previous: Map<string, FigureEntry | null>; next: Map<string, FigureEntry | null>; store: DiagnosticsCache },
): Diagnostic[] {
  const out: Diagnostic[] = [];
  doc.analysis.figures.forEach((f, i) => {
    if (!f.key || f.kind === "year" || f.kind === "date") return;
    if (cache) {
      let known = cache.store.byObject.get(f) as { key: string; entry: FigureEntry | null } | undefined;
      if (!known) {
        // The same figure elsewhere in this document disagrees with the same figures in the others.
        const key = `${f.key}\u0001${f.kind}\u0001${f.value}\u0001${f.high ?? ""}\u0001${f.display}`;
        let e = cache.next.get(key) ?? cache.previous.get(key);
        if (e === undefined) e = mismatchOf(corpus, doc, f) ?? null;
        cache.store.byObject.set(f, (known = { key, entry: e }));
      }
      const entry = known.entry;
      cache.next.set(known.key, entry);
      if (entry) out.push(handBack(cache.store, f, { range: rangeOf(doc, f.start, f.end), severity, code: "figure-mismatch", source: "marginalia", message: entry.message, relatedInformation: entry.relatedInformation, data: { figure: i } }));
      return;
    }
    const entry = mismatchOf(corpus, doc, f);
    if (entry) out.push({ range: rangeOf(doc, f.start, f.end), severity, code: "figure-mismatch", source: "marginalia", message: entry.message, relatedInformation: entry.relatedInformation, data: { figure: i } });
  });
  return out;
}

function mismatchOf(corpus: Corpus, doc: CorpusDocument, f: Figure): FigureEntry | undefined {
  // A key quoted in thousands of documents: the first few disagreements are what a reader needs.
  const others: FigureRef[] = [];
  let scanned = 0;
  for (const r of corpus.figuresByKey(f.key!)) {
    if (++scanned > 500 || others.length >= 5) break;
    if (r.uri !== doc.uri && r.figure.kind === f.kind && !compatible(f, r.figure)) others.push(r);
  }
  if (others.length === 0) return undefined;
  const first = others[0];
  const d = corpus.get(first.uri)!;
  return {
    message: `Figures disagree for ${f.key}: ${f.display} here, ${first.figure.display} in ${d.label}${others.length > 1 ? ` (and ${others.length - 1} more)` : ""}.`,
    relatedInformation: others.slice(0, 5).map((r) => ({ location: locationOf(corpus.get(r.uri)!, r.figure.start, r.figure.end), message: `${r.figure.display} in ${corpus.get(r.uri)!.label}` })),
  };
}
