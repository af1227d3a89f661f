// Incremental re-analysis after an edit: analyse a window of lines around the edit and splice the
// result into the previous analysis, so a keystroke in a 1 MB document costs about as much as its
// paragraph. Results inside the core (the edited lines, one line either side) come from the window;
// everything else is the previous analysis, shifted past the edit.
//
// Document-level context is what a window cannot see: short forms whose full name came much earlier
// (特里奥罗 after 保罗·特里奥罗(Paul Triolo)), interview turns opened by an earlier label, code fences,
// label counts. Two rules keep the splice honest:
//   - mentions in text the edit did not touch are kept from the previous analysis (they were found
//     with the whole document in view); only mentions touching the edit come from the window, and
//     keyFigures/findClaims are re-run over that merged set;
//   - the window's claims and figures outside the core, in the window's inner part, must equal the
//     previous analysis: if they do not, the window lacked context, so it grows and is tried again,
//     and after a few tries the caller is told to analyse the whole document.
// What can still differ from a full analysis (an edit that changes a name or label used elsewhere
// in the document) is left to a full re-analysis once the edits pause; see server.ts.
import { lowerBound } from "./spans";
import type { Catalog } from "./catalog";
import type { Claim, DocumentAnalysis, Figure, LearnedEntity, Mention, Span } from "./types";
import type { Sentence } from "./sentences";
import { foldText } from "./fold";
import { recognizeEntities } from "./entities";
import { segmentSentences } from "./sentences";
import { findFigures, keyFigures } from "./figures";
import { countLabels, findClaims, openFenceAt } from "./claims";
import { prepareLexicon } from "./cues";
import { analyzeDocument } from "./analyze";

/** One edit, in the coordinates of the previous text: [start, end) replaced by `insertedLength` code units. */
export interface TextChange {
  start: number;
  end: number;
  insertedLength: number;
}

/** An LSP-style content change, with its range already converted to offsets of the text it applies to. */
export interface OffsetChange {
  start: number;
  end: number;
  text: string;
}

/**
 * Merges changes applied one after the other (each in the coordinates of the text the previous ones
 * produced) into one change of the original text that covers them all.
 */
export function mergeChanges(changes: readonly OffsetChange[]): TextChange | undefined {
  let start = -1;
  let curEnd = 0; // end of the covered region in the current text
  let shift = 0; // current offset − original offset, for offsets after the covered region
  for (const c of changes) {
    if (c.end < c.start) return undefined;
    if (start < 0) {
      start = c.start;
      curEnd = c.start + c.text.length;
      shift = c.text.length - (c.end - c.start);
      continue;
    }
    const lo = Math.min(start, c.start);
    const hi = Math.max(curEnd, c.end);
    const d = c.text.length - (c.end - c.start);
    start = lo;
    curEnd = hi + d;
    shift += d;
  }
  if (start < 0) return undefined;
  return { start, end: curEnd - shift, insertedLength: curEnd - start };
}

export interface SpliceOptions {
  /** Context on each side of the core, in code units (rounded out to whole lines). */
  marginChars?: number;
  /** How many times the window may grow before giving up. */
  attempts?: number;
}

export interface SpliceResult {
  analysis: DocumentAnalysis;
  /** The analysed window and the core taken from it, in the new text. */
  window: Span;
  core: Span;
  attempts: number;
}

const MARGIN = 1024;
/** Lines at the outer edges of the window that lack context of their own: never compared. */
const EDGE_LINES = 1;

/**
 * The analysis of `newText`, from the analysis of `oldText` and the change between them, or
 * undefined when the window never agreed with the previous analysis (analyse the whole text then).
 */
export function spliceAnalysis(
  oldText: string,
  old: DocumentAnalysis,
  newText: string,
  change: TextChange,
  catalog: Catalog,
  options: SpliceOptions = {},
): SpliceResult | undefined {
  const delta = change.insertedLength - (change.end - change.start);
  if (change.start < 0 || change.end > oldText.length || oldText.length + delta !== newText.length) return undefined;
  const es = change.start;
  const ee = change.start + change.insertedLength;
  // The core: the edited lines. It grows by a line each side when the window disagrees with the
  // previous analysis next to it (a qualifier line joins the claim before it, a short "他说。" line
  // lends its speaker to the quotation before it: an edit can change the neighbouring line's claim).
  let cs = lineStart(newText, es);
  let ce = lineEnd(newText, ee);
  let margin = options.marginChars ?? MARGIN;
  const attempts = options.attempts ?? 4;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let ws = cs;
    for (let k = 0; (k < EDGE_LINES + 1 || cs - ws < margin) && ws > 0; k++) ws = lineStart(newText, ws - 1);
    let we = ce;
    for (let k = 0; (k < EDGE_LINES + 1 || we - ce < margin) && we < newText.length; k++) we = lineEnd(newText, we);
    const r = tryWindow(oldText, old, newText, es, ee, delta, cs, ce, ws, we, catalog);
    if (r.ok) return { analysis: r.analysis, window: { start: ws, end: we }, core: { start: cs, end: ce }, attempts: attempt };
    if (ws === 0 && we === newText.length) return undefined; // the whole text disagrees: nothing a window can fix
    cs = lineStart(newText, cs - 1);
    ce = lineEnd(newText, ce);
    margin *= 4;
  }
  return undefined;
}

type WindowResult = { ok: true; analysis: DocumentAnalysis } | { ok: false };

function tryWindow(
  oldText: string,
  old: DocumentAnalysis,
  newText: string,
  es: number,
  ee: number,
  delta: number,
  cs: number,
  ce: number,
  ws: number,
  we: number,
  catalog: Catalog,
): WindowResult {
  const oldEnd = es + (ee - es) - delta; // end of the replaced range in the old text
  const toNew = (p: number) => (p <= es ? p : p + delta); // only for offsets outside the replaced range
  const ceOld = ce - delta;
  const weOld = we - delta;
  // Cut points must not fall inside anything, old or new.
  if (straddles(old.sentences, cs, ceOld) || straddles(old.mentions, cs, ceOld) || straddles(old.figures, cs, ceOld) || straddles(old.claims, cs, ceOld)) return { ok: false };

  const wText = newText.slice(ws, we);
  const entities = recognizeEntities(wText, foldText(wText), catalog);
  const win = { mentions: entities.mentions, learned: entities.learned, sentences: segmentSentences(wText), figures: findFigures(wText) };

  // Mentions: the window's around the edit, the previous analysis's elsewhere (found with the whole
  // document in view: short forms, candidates). "Around the edit" is the edit plus everything a
  // mention touching it covered, old or new, to a fixpoint: deleting a letter of "Dario Amodei"
  // must let the window's "Amodei" in. In window coordinates.
  const olds: Array<{ m: Mention; s: number; e: number }> = [];
  for (let i = firstEndingAfter(old.mentions, ws); i < old.mentions.length && old.mentions[i].start < weOld; i++) {
    const m = old.mentions[i];
    if (m.end > weOld || m.start < ws) continue;
    const s = (m.start <= es ? m.start : m.start >= oldEnd ? m.start + delta : es) - ws;
    const e = (m.end >= oldEnd ? m.end + delta : m.end <= es ? m.end : ee) - ws;
    olds.push({ m, s, e });
  }
  let zs = es - ws;
  let ze = ee - ws;
  const inZone = (s: number, e: number) => (s < ze && e > zs) || (s <= ee - ws && e >= es - ws);
  for (let grew = true, guard = 0; grew && guard < 8; guard++) {
    grew = false;
    for (const x of [...olds, ...win.mentions.map((m) => ({ s: m.start, e: m.end }))]) {
      if (!inZone(x.s, x.e) || (x.s >= zs && x.e <= ze)) continue;
      zs = Math.min(zs, x.s);
      ze = Math.max(ze, x.e);
      grew = true;
    }
  }
  const touched = win.mentions.filter((m) => inZone(m.start, m.end));
  const merged: Mention[] = [...touched];
  const removed: Mention[] = [];
  for (const { m, s, e } of olds) {
    if (inZone(s, e)) removed.push(m);
    else merged.push({ ...m, start: s, end: e });
  }
  merged.sort((a, b) => a.start - b.start);
  const learned = mergeLearned(old, win, touched, removed);
  const learnedTypes = new Map(learned.map((l) => [l.id, l.type]));
  const typeOf = (id: string) => catalog.get(id)?.type ?? learnedTypes.get(id);
  const figures = win.figures;
  keyFigures(wText, figures, merged, win.sentences, (id) => subjectParent(catalog, id), typeOf);
  // Document-level state findClaims cannot see from the window: label counts and the open turn.
  const labelCounts = new Map(labelCountsOf(oldText, old));
  countLabels(oldText, old.sentences.slice(lowerBound(old.sentences, ws), lowerBound(old.sentences, weOld)), labelCounts, -1);
  countLabels(wText, win.sentences, labelCounts);
  const turn = turnAt(old.claims, ws);
  const fence = openFenceAt(oldText, old.sentences, ws);
  const claims = findClaims(wText, win.sentences, merged, figures, typeOf, {
    labelCounts,
    fenceFrom: fence === undefined ? undefined : fence - ws,
    turn: turn && { ...turn, ...(turn.span ? { span: { start: turn.span.start - ws, end: turn.span.end - ws } } : {}) },
  });

  const wcs = cs - ws;
  const wce = ce - ws;
  if (straddles(win.sentences, wcs, wce) || straddles(merged, wcs, wce) || straddles(figures, wcs, wce) || straddles(claims, wcs, wce)) return { ok: false };

  // Outside the core, in the inner part of the window, the window must agree with the previous analysis.
  let inS = ws;
  for (let k = 0; k < EDGE_LINES && inS < cs; k++) inS = lineEnd(newText, inS);
  let inE = we;
  for (let k = 0; k < EDGE_LINES && inE > ce; k++) inE = lineStart(newText, inE - 1);
  const agrees = (lo: number, hi: number, oldLo: number, oldHi: number) =>
    lo >= hi ||
    (sameFigures(figures, old.figures, ws, lo, hi, oldLo, oldHi, toNew) && sameClaims(claims, figures, old.claims, old.figures, ws, lo, hi, oldLo, oldHi, toNew));
  if (!agrees(inS, cs, inS, cs) || !agrees(ce, inE, ceOld, inE - delta)) return { ok: false };

  // Splice: before the core from the old analysis as is, the core from the window, after it shifted.
  const out: DocumentAnalysis = { language: old.language, mentions: [], learned, figures: [], sentences: [], claims: [] };
  const shiftSpan = <T extends Span>(x: T, by: number): T => (by === 0 ? x : { ...x, start: x.start + by, end: x.end + by });
  // The previous analysis is given up: what follows the core is shifted in place, not copied (a
  // 1 MB document has some 10⁴ objects after an edit in its middle).
  const movedSpeakers = new Set<Span>();

  const sBefore = countEndingBy(old.sentences, cs);
  const sAfter = lowerBound(old.sentences, ceOld);
  const sCore: Sentence[] = [];
  for (const s of win.sentences as Sentence[]) if (s.start >= wcs && s.end <= wce) sCore.push(shiftSentence(s, ws));
  const sTail = old.sentences.slice(sAfter) as Sentence[];
  if (delta !== 0)
    for (const x of sTail) {
      x.start += delta;
      x.end += delta;
      if (x.quoteFrom !== undefined) x.quoteFrom += delta;
    }
  out.sentences = old.sentences.slice(0, sBefore).concat(sCore, sTail);

  const mBefore = countEndingBy(old.mentions, cs);
  const mAfter = lowerBound(old.mentions, ceOld);
  const mCore: Mention[] = [];
  for (const m of merged) if (m.start >= wcs && m.end <= wce) mCore.push(shiftSpan(m, ws));
  const mTail = old.mentions.slice(mAfter);
  moveAll(mTail, delta);
  out.mentions = old.mentions.slice(0, mBefore).concat(mCore, mTail);

  const fBefore = countEndingBy(old.figures, cs);
  const fAfter = lowerBound(old.figures, ceOld);
  const fCore: Figure[] = [];
  const winFigIndex = new Map<number, number>();
  figures.forEach((f, i) => {
    if (f.start >= wcs && f.end <= wce) {
      winFigIndex.set(i, fBefore + fCore.length);
      fCore.push(shiftSpan(f, ws));
    }
  });
  const afterShift = fBefore + fCore.length - fAfter; // old index → new index, for figures after the core
  const fTail = old.figures.slice(fAfter);
  moveAll(fTail, delta);
  out.figures = old.figures.slice(0, fBefore).concat(fCore, fTail);

  const cBefore = countEndingBy(old.claims, cs);
  const cAfter = lowerBound(old.claims, ceOld);
  const cCore: Claim[] = [];
  for (const c of claims) if (c.start >= wcs && c.end <= wce) cCore.push(shiftClaim(c, ws, (i) => winFigIndex.get(i)!));
  const cTail = old.claims.slice(cAfter);
  for (const c of cTail) {
    if (afterShift !== 0 && c.figures.length) c.figures = c.figures.map((f) => f + afterShift);
    if (delta === 0) continue;
    moveAll(c.cues, delta);
    // Speakers are shared between the claims of one turn: each span moves once.
    // A span before the edit (a turn label above) stays where it is.
    const sp = c.speaker?.span;
    if (sp && sp.start >= oldEnd && !movedSpeakers.has(sp)) {
      movedSpeakers.add(sp);
      sp.start += delta;
      sp.end += delta;
    }
    c.start += delta;
    c.end += delta;
  }
  out.claims = old.claims.slice(0, cBefore).concat(cCore, cTail);
  labelCache.set(out, labelCounts);
  return { ok: true, analysis: out };
}

/** Computes ahead what the first splice after a full analysis would otherwise compute (label counts, the cue lexicon). */
export function prepareSplice(text: string, analysis: DocumentAnalysis): void {
  labelCountsOf(text, analysis);
  prepareLexicon();
}

/**
 * Analyses windows of the text the size of a keystroke's, one per step, and throws the results away.
 * Indexing runs the analysis in worker threads, so the thread that splices keystrokes has never run
 * it: its first keystrokes in a large document run the analysis code unoptimized (measured through
 * the server on a 1 MB document: the first one 61–78 ms to the pipe, 24–57 ms after this warm-up).
 * A few dozen windows spread over the text, done while the editor is idle, compile it.
 */
export function* warmUpSplice(text: string, catalog: Catalog, windows = 32, windowChars = 2 * MARGIN): Generator<void, void, void> {
  const room = text.length - windowChars;
  if (room <= 0) return;
  for (let k = 0; k < windows; k++) {
    const at = Math.floor((room * k) / Math.max(1, windows - 1));
    analyzeDocument(text.slice(at, at + windowChars), catalog);
    yield;
  }
}

/** Speaker-label counts of an analysis, computed once and carried from splice to splice. */
const labelCache = new WeakMap<DocumentAnalysis, Map<string, number>>();
function labelCountsOf(text: string, a: DocumentAnalysis): Map<string, number> {
  let m = labelCache.get(a);
  if (!m) labelCache.set(a, (m = countLabels(text, a.sentences)));
  return m;
}

/**
 * The interview turn open at `pos`, read back from the claims before it: a claim with a speaker and
 * no verb got it from the turn; a claim with no speaker at all means no turn was open. Claims with
 * their own attribution say nothing. (The window check catches a turn this guesses wrong.)
 */
function turnAt(claims: readonly Claim[], pos: number): Claim["speaker"] {
  for (let i = lowerBound(claims, pos) - 1, k = 0; i >= 0 && k < 200; i--, k++) {
    const c = claims[i];
    if (c.end > pos) continue;
    if (!c.speaker) return undefined;
    if (!c.verb) return c.speaker;
  }
  return undefined;
}

/** Shifts spans in place (the previous analysis is given up, see tryWindow). */
function moveAll(items: Span[], delta: number): void {
  if (delta === 0) return;
  for (let i = 0; i < items.length; i++) {
    items[i].start += delta;
    items[i].end += delta;
  }
}

/** Figures are keyed by who they are about: a model or chip rolls up to its maker (the rule of analyze.ts). */
function subjectParent(catalog: Catalog, id: string): string | undefined {
  const e = catalog.get(id);
  return e && (e.type === "model" || e.type === "chip" || e.type === "product") ? e.parent : undefined;
}

/**
 * Learned entities: the previous list, less what only the replaced mentions introduced, plus what
 * the window's new mentions introduce (a gloss or a candidate typed at the edit).
 */
function mergeLearned(old: DocumentAnalysis, win: { learned: LearnedEntity[] }, added: Mention[], removed: Mention[]): LearnedEntity[] {
  const learnedVia = (m: Mention) => m.via === "gloss" || m.via === "candidate" || m.gloss;
  if (!added.some(learnedVia) && !removed.some(learnedVia)) return old.learned;
  const stillUsed = new Set<string>();
  for (const m of old.mentions) if (!removed.includes(m)) stillUsed.add(m.entityId);
  for (const m of added) stillUsed.add(m.entityId);
  const key = (l: LearnedEntity) => `${l.id}\u0000${l.names.join("\u0000")}`;
  const out = old.learned.filter((l) => stillUsed.has(l.id));
  const have = new Set(out.map(key));
  const addedIds = new Set(added.map((m) => m.entityId));
  for (const l of win.learned) if (addedIds.has(l.id) && !have.has(key(l))) (out.push(l), have.add(key(l)));
  return out;
}

function shiftSentence(s: Sentence, by: number): Sentence {
  if (by === 0) return s;
  const out: Sentence = { start: s.start + by, end: s.end + by };
  if (s.quoteFrom !== undefined) out.quoteFrom = s.quoteFrom + by;
  return out;
}

function shiftClaim(c: Claim, by: number, figure: (i: number) => number): Claim {
  const out: Claim = { ...c, start: c.start + by, end: c.end + by, figures: c.figures.map(figure) };
  if (by !== 0) {
    out.cues = c.cues.map((q) => ({ ...q, start: q.start + by, end: q.end + by }));
    if (c.speaker?.span) out.speaker = { ...c.speaker, span: { start: c.speaker.span.start + by, end: c.speaker.span.end + by } };
  }
  return out;
}

/** Window figures in [lo, hi) of the new text equal the old figures in [oldLo, oldHi). */
function sameFigures(win: Figure[], old: Figure[], ws: number, lo: number, hi: number, oldLo: number, oldHi: number, toNew: (p: number) => number): boolean {
  const a = win.filter((f) => f.start + ws >= lo && f.end + ws <= hi);
  const b = within(old, oldLo, oldHi);
  if (a.length !== b.length) return false;
  return a.every((f, i) => f.start + ws === toNew(b[i].start) && f.end + ws === toNew(b[i].end) && f.value === b[i].value && f.key === b[i].key && f.kind === b[i].kind);
}

function sameClaims(
  win: Claim[],
  winFigures: Figure[],
  old: Claim[],
  oldFigures: Figure[],
  ws: number,
  lo: number,
  hi: number,
  oldLo: number,
  oldHi: number,
  toNew: (p: number) => number,
): boolean {
  const a = win.filter((c) => c.start + ws >= lo && c.end + ws <= hi);
  const b = within(old, oldLo, oldHi);
  if (a.length !== b.length) return false;
  return a.every((c, i) => {
    const o = b[i];
    if (c.start + ws !== toNew(o.start) || c.end + ws !== toNew(o.end) || c.certainty !== o.certainty || c.verb !== o.verb) return false;
    if (c.speaker?.name !== o.speaker?.name || c.speaker?.entityId !== o.speaker?.entityId) return false;
    if (c.cues.length !== o.cues.length || c.cues.some((q, k) => q.word !== o.cues[k].word || q.kind !== o.cues[k].kind)) return false;
    if (c.entityIds.join("\u0000") !== o.entityIds.join("\u0000")) return false;
    if (c.figures.length !== o.figures.length) return false;
    return c.figures.every((f, k) => winFigures[f].start + ws === toNew(oldFigures[o.figures[k]].start) && winFigures[f].key === oldFigures[o.figures[k]].key);
  });
}

/** The items of a sorted list that lie inside [lo, hi). */
function within<T extends Span>(items: readonly T[], lo: number, hi: number): T[] {
  const out: T[] = [];
  for (let i = lowerBound(items, lo); i < items.length && items[i].start < hi; i++) if (items[i].end <= hi) out.push(items[i]);
  return out;
}

/** Whether an item of the sorted list starts before `cut` and ends after it, at either cut. */
function straddles(items: readonly Span[], a: number, b: number): boolean {
  for (const cut of [a, b]) {
    // Items are sorted by start; claims and mentions are short, so look back a little from the cut.
    let i = lowerBound(items, cut) - 1;
    for (let k = 0; i >= 0 && k < 64; i--, k++) if (items[i].end > cut) return true;
  }
  return false;
}

/** How many leading items end at or before `pos` (no item straddles `pos`). */
function countEndingBy(items: readonly Span[], pos: number): number {
  let n = lowerBound(items, pos);
  while (n > 0 && items[n - 1].end > pos) n--;
  return n;
}

/** Index of the first item that could end after `pos` (items sorted by start and short). */
function firstEndingAfter(items: readonly Span[], pos: number): number {
  return Math.max(0, lowerBound(items, pos) - 64);
}

/** Start of the line holding `pos` (just after the previous \n), or 0. */
export function lineStart(text: string, pos: number): number {
  if (pos <= 0) return 0;
  const i = text.lastIndexOf("\n", pos - 1);
  return i + 1;
}

/** Start of the line after the one holding `pos` (just after its \n), or the text's length. */
export function lineEnd(text: string, pos: number): number {
  if (pos >= text.length) return text.length;
  const i = text.indexOf("\n", pos);
  return i < 0 ? text.length : i + 1;
}
