// Anchoring annotations in (possibly edited) documents.
//
// Selectors store positions in Unicode code points (W3C TextPositionSelector); editors and the LSP
// use UTF-16 code units. Everything this module returns is UTF-16 and never splits a surrogate pair.
//
// Re-anchoring (DESIGN.md §3), in order:
//   1. position — the text at the stored position still equals `exact` (and, when another
//      occurrence fits the stored context better, that one wins);
//   2. quote    — exact occurrences of `exact`, best prefix/suffix agreement and closeness to the old
//      position;
//   3. fuzzy    — approximate occurrences with at most ⌊25%·length⌋ edits (Sellers' algorithm with
//      Ukkonen's cut-off), first in a window around the old position, then in windows seeded by
//      exact pieces of the quote (pigeonhole: with ≤ k edits one of k+1 pieces survives intact);
//      a full scan only when the document × quote product is small;
//   4. undefined — the caller reports the annotation as orphaned (never drops it).
// Line endings are compared normalized (CRLF/CR → LF), so converting a file's line endings does
// not orphan annotations.

import { positionSelectorOf, quoteSelectorOf, type Annotation, type Selector, type TextPositionSelector, type TextQuoteSelector } from "./types";

/** Code points of context stored on each side of a quote. */
export const CONTEXT_LENGTH = 32;
/** Maximum edits of a fuzzy match, as a fraction of the quote length. */
export const DEFAULT_MAX_ERROR_RATE = 0.25;

// ---------------------------------------------------------------------------------------------
// Code points ↔ UTF-16

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** True when `offset` (UTF-16) falls between the two halves of a surrogate pair. */
export function splitsSurrogatePair(text: string, offset: number): boolean {
  return offset > 0 && offset < text.length && isHigh(text.charCodeAt(offset - 1)) && isLow(text.charCodeAt(offset));
}

/** Moves a UTF-16 offset off the middle of a surrogate pair: `backward` to its start, `forward` past it. */
export function snapToCodePoint(text: string, offset: number, direction: "backward" | "forward"): number {
  const o = Math.max(0, Math.min(text.length, offset));
  return splitsSurrogatePair(text, o) ? (direction === "backward" ? o - 1 : o + 1) : o;
}

/**
 * Converts between UTF-16 offsets and code point offsets of one text in O(log #astral) per call
 * (after an O(n) scan for surrogate pairs). Lone surrogates count as one code point each, like
 * JavaScript's string iterator.
 */
export class CodePointIndex {
  /** UTF-16 offsets of the high halves of the (valid) surrogate pairs, ascending. */
  private readonly pairs: number[] = [];
  /** Length of the text in code points. */
  readonly length: number;

  constructor(readonly text: string) {
    const re = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
    for (let m = re.exec(text); m; m = re.exec(text)) this.pairs.push(m.index);
    this.length = text.length - this.pairs.length;
  }

  /** Code point offset of a UTF-16 offset (clamped; an offset inside a pair rounds down). */
  toCodePoint(utf16: number): number {
    const u = Math.max(0, Math.min(this.text.length, utf16));
    // pairs whose high half is before u
    let lo = 0, hi = this.pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pairs[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return u - lo;
  }

  /** UTF-16 offset of a code point offset (clamped to the text). */
  toUtf16(codePoint: number): number {
    const cp = Math.max(0, Math.min(this.length, codePoint));
    // pairs whose code point index (pairs[i] - i) is before cp
    let lo = 0, hi = this.pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pairs[mid] - mid < cp) lo = mid + 1;
      else hi = mid;
    }
    return cp + lo;
  }
}

/** Length of a string in code points. */
export function codePointLength(text: string): number {
  return new CodePointIndex(text).length;
}

/** UTF-16 offset → code point offset (O(n); use CodePointIndex for many conversions). */
export function utf16ToCodePoint(text: string, utf16: number): number {
  return new CodePointIndex(text).toCodePoint(utf16);
}

/** Code point offset → UTF-16 offset (O(n); use CodePointIndex for many conversions). */
export function codePointToUtf16(text: string, codePoint: number): number {
  return new CodePointIndex(text).toUtf16(codePoint);
}

/** Up to `n` code points of `text` ending at UTF-16 offset `end`. */
function codePointsBefore(text: string, end: number, n: number): string {
  let i = end;
  for (let c = 0; c < n && i > 0; c++) {
    i--;
    if (i > 0 && isLow(text.charCodeAt(i)) && isHigh(text.charCodeAt(i - 1))) i--;
  }
  return text.slice(i, end);
}

/** Up to `n` code points of `text` starting at UTF-16 offset `start`. */
function codePointsAfter(text: string, start: number, n: number): string {
  let i = start;
  for (let c = 0; c < n && i < text.length; c++) {
    i++;
    if (i < text.length && isLow(text.charCodeAt(i)) && isHigh(text.charCodeAt(i - 1))) i++;
  }
  return text.slice(start, i);
}

// ---------------------------------------------------------------------------------------------
// Creating selectors

/**
 * Selectors for the UTF-16 range [start, end) of `docText`: a TextQuoteSelector (exact, and up to
 * `context` code points of prefix/suffix; empty ones are omitted) and a TextPositionSelector in
 * code points. A range edge inside a surrogate pair is widened to include the whole character.
 */
export function createSelector(
  docText: string,
  start: number,
  end: number,
  options: { context?: number; index?: CodePointIndex } = {},
): [TextQuoteSelector, TextPositionSelector] {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > docText.length || start >= end) {
    throw new RangeError(`createSelector: invalid range [${start}, ${end}) for a text of length ${docText.length}`);
  }
  const s = snapToCodePoint(docText, start, "backward");
  const e = snapToCodePoint(docText, end, "forward");
  const n = options.context ?? CONTEXT_LENGTH;
  const index = options.index?.text === docText ? options.index : new CodePointIndex(docText);
  const quote: TextQuoteSelector = { type: "TextQuoteSelector", exact: docText.slice(s, e) };
  const prefix = codePointsBefore(docText, s, n);
  const suffix = codePointsAfter(docText, e, n);
  if (prefix) quote.prefix = prefix;
  if (suffix) quote.suffix = suffix;
  return [quote, { type: "TextPositionSelector", start: index.toCodePoint(s), end: index.toCodePoint(e) }];
}

// ---------------------------------------------------------------------------------------------
// Anchoring

export type AnchorMethod = "position" | "quote" | "fuzzy";

export interface Anchor {
  /** UTF-16 offsets into the current text, [start, end). */
  start: number;
  end: number;
  method: AnchorMethod;
  /** For fuzzy anchors: the edit distance between the stored quote and the matched text. */
  distance?: number;
}

export interface AnchorOptions {
  /** Maximum edits of a fuzzy match as a fraction of the quote length (default 0.25). 0 disables fuzzy matching. */
  maxErrorRate?: number;
}

/** Line-ending-normalized view of a text, with offset maps back to the original. */
interface View {
  text: string;
  /** Original UTF-16 offset of a view offset. */
  toOrig(i: number): number;
  /** View offset of an original UTF-16 offset. */
  fromOrig(o: number): number;
}

const normalizeEol = (s: string) => (s.indexOf("\r") < 0 ? s : s.replace(/\r\n?/g, "\n"));

function makeView(text: string): View {
  if (text.indexOf("\r\n") < 0) {
    const t = normalizeEol(text); // lone CRs map 1:1
    return { text: t, toOrig: (i) => i, fromOrig: (o) => o };
  }
  const orig: number[] = []; // original offsets of the CRs removed from CRLFs
  const re = /\r\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) orig.push(m.index);
  const view = orig.map((p, i) => p - i); // view offset of the LF that followed each removed CR
  const countBelow = (arr: number[], x: number) => {
    let lo = 0, hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (arr[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return {
    text: normalizeEol(text),
    toOrig: (i) => i + countBelow(view, i),
    fromOrig: (o) => o - countBelow(orig, o),
  };
}

/**
 * A document prepared for anchoring many annotations (code point index and normalized view are
 * computed once, lazily).
 */
export class AnchorDocument {
  private _index?: CodePointIndex;
  private _view?: View;
  constructor(readonly text: string) {}
  get index(): CodePointIndex {
    return (this._index ??= new CodePointIndex(this.text));
  }
  /** @internal */
  get view(): View {
    return (this._view ??= makeView(this.text));
  }
}

interface Candidate {
  start: number; // view offsets
  end: number;
  cost: number;
  score: number;
}

function commonSuffixLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}

function commonPrefixLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a.charCodeAt(n) === b.charCodeAt(n)) n++;
  return n;
}

interface Context {
  text: string; // view text
  prefix?: string; // normalized
  suffix?: string;
  expected?: number; // view offset where the quote used to start
}

/** Agreement of the text around [s, e) with the stored prefix and suffix, each in [0, 1] (0.5 when unknown). */
function contextAgreement(ctx: Context, s: number, e: number): { pre: number; suf: number } {
  const { text, prefix, suffix } = ctx;
  const pre = prefix ? commonSuffixLength(text.slice(Math.max(0, s - prefix.length), s), prefix) / prefix.length : 0.5;
  const suf = suffix ? commonPrefixLength(text.slice(e, e + suffix.length), suffix) / suffix.length : 0.5;
  return { pre, suf };
}

function proximity(ctx: Context, s: number): number {
  if (ctx.expected === undefined || ctx.text.length === 0) return 0;
  return 1 - Math.min(1, Math.abs(s - ctx.expected) / ctx.text.length);
}

/** Scoring weights (quote similarity, prefix, suffix, position), as in Hypothesis' anchoring. */
const W_QUOTE = 50, W_PREFIX = 20, W_SUFFIX = 20, W_POSITION = 2;

function score(ctx: Context, s: number, e: number, quoteSimilarity: number): number {
  const { pre, suf } = contextAgreement(ctx, s, e);
  return W_QUOTE * quoteSimilarity + W_PREFIX * pre + W_SUFFIX * suf + W_POSITION * proximity(ctx, s);
}

/** Maximum number of exact occurrences examined. */
const MAX_OCCURRENCES = 100_000;

function bestExact(ctx: Context, quote: string): Candidate | undefined {
  let best: Candidate | undefined;
  let seen = 0;
  for (let i = ctx.text.indexOf(quote); i >= 0 && seen < MAX_OCCURRENCES; i = ctx.text.indexOf(quote, i + 1), seen++) {
    const sc = score(ctx, i, i + quote.length, 1);
    if (!best || sc > best.score) best = { start: i, end: i + quote.length, cost: 0, score: sc };
  }
  return best;
}

// --- approximate matching -------------------------------------------------------------------

const BIG = 1 << 29;

/**
 * Sellers' semi-global edit distance of `p` against text[w0, w1) with Ukkonen's cut-off (only rows
 * that can still be ≤ k are computed: O((w1-w0)·k) expected). Pushes, for every run of consecutive
 * match ends with cost ≤ k, the ends of minimal cost (with their start, tracked through the DP).
 */
function approximateMatches(text: string, w0: number, w1: number, p: string, k: number, out: { start: number; end: number; cost: number }[]): void {
  const m = p.length;
  if (m === 0 || w1 <= w0) return;
  let prev = new Int32Array(m + 1), cur = new Int32Array(m + 1);
  let prevS = new Int32Array(m + 1), curS = new Int32Array(m + 1);
  const pc = new Uint16Array(m);
  for (let i = 0; i < m; i++) pc[i] = p.charCodeAt(i);
  for (let i = 0; i <= m; i++) {
    prev[i] = i;
    prevS[i] = w0;
  }
  let top = Math.min(k, m);
  let run: { start: number; end: number; cost: number }[] = [];
  let runCost = BIG;
  const flush = () => {
    if (run.length) out.push(...run);
    run = [];
    runCost = BIG;
  };
  for (let j = w0; j < w1; j++) {
    const c = text.charCodeAt(j);
    cur[0] = 0;
    curS[0] = j + 1;
    const lim = top < m ? top + 1 : m;
    for (let i = 1; i <= lim; i++) {
      let best = prev[i - 1] + (pc[i - 1] === c ? 0 : 1);
      let bs = prevS[i - 1];
      const up = cur[i - 1] + 1;
      if (up < best) {
        best = up;
        bs = curS[i - 1];
      }
      const left = (i <= top ? prev[i] : BIG) + 1;
      if (left < best) {
        best = left;
        bs = prevS[i];
      }
      cur[i] = best;
      curS[i] = bs;
    }
    let nt = lim;
    while (nt > 0 && cur[nt] > k) nt--;
    top = nt;
    if (top === m) {
      const cost = cur[m];
      if (cost < runCost) {
        run = [];
        runCost = cost;
      }
      if (cost === runCost) run.push({ start: curS[m], end: j + 1, cost });
    } else if (run.length) {
      flush();
    }
    [prev, cur] = [cur, prev];
    [prevS, curS] = [curS, prevS];
  }
  flush();
}

/** Above this document length × quote length, the whole-document scan is not attempted. */
const FULL_SCAN_BUDGET = 20_000_000;
/** Occurrences above which a seed piece is too common to be useful. */
const SEED_CAP = 2_000;
/** Number of seeded windows verified. */
const MAX_SEED_WINDOWS = 24;
/** Quotes longer than this are matched by their head and tail. */
const LONG_QUOTE = 1_000;
const HEAD_TAIL = 256;

/**
 * Windows of the text likely to hold an approximate occurrence of `q`, from votes of its exact
 * pieces of length `pl` (pieces occurring more than SEED_CAP times are skipped as uninformative).
 */
function seededWindows(text: string, q: string, pl: number, k: number, expected: number | undefined): { windows: [number, number][]; skipped: number } {
  const m = q.length;
  const pieces = Math.floor(m / pl);
  const bucket = Math.max(16, 2 * k);
  const votes = new Map<number, number>();
  let skipped = 0;
  for (let idx = 0; idx < pieces; idx++) {
    const o = idx * pl;
    const piece = q.slice(o, o + pl);
    const occ: number[] = [];
    for (let p = text.indexOf(piece); p >= 0 && occ.length <= SEED_CAP; p = text.indexOf(piece, p + 1)) occ.push(p);
    if (occ.length > SEED_CAP) {
      skipped++;
      continue; // too common to tell anything
    }
    const mine = new Set<number>();
    for (const p of occ) mine.add(Math.floor((p - o) / bucket));
    for (const b of mine) votes.set(b, (votes.get(b) ?? 0) + 1);
  }
  const ranked = [...votes.keys()].map((b) => ({
    b,
    v: (votes.get(b) ?? 0) + 0.5 * ((votes.get(b - 1) ?? 0) + (votes.get(b + 1) ?? 0)),
    d: expected === undefined ? 0 : Math.abs(b * bucket - expected),
  }));
  ranked.sort((x, y) => y.v - x.v || x.d - y.d);
  const windows = ranked
    .slice(0, MAX_SEED_WINDOWS)
    .map(({ b }) => [Math.max(0, b * bucket - 2 * k - bucket), Math.min(text.length, (b + 1) * bucket + m + 2 * k + bucket)] as [number, number])
    .sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const w of windows) {
    const last = merged[merged.length - 1];
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else merged.push(w);
  }
  return { windows: merged, skipped };
}

/**
 * Approximate occurrences anywhere in a large text, verified only in seeded windows. Pieces start at
 * the pigeonhole length ⌊m/(k+1)⌋ (one of k+1 pieces survives k edits); when common pieces had to
 * be skipped (frequent short n-grams, e.g. in English) and nothing was found, longer pieces are tried.
 */
function seededSearch(text: string, q: string, k: number, expected: number | undefined, found: { start: number; end: number; cost: number }[]): void {
  const m = q.length;
  const verified: [number, number][] = [];
  for (let pl = Math.max(3, Math.floor(m / (k + 1))); pl <= Math.max(3, m / 2); pl *= 2) {
    const { windows, skipped } = seededWindows(text, q, pl, k, expected);
    for (const [w0, w1] of windows) {
      if (verified.some(([a, b]) => a <= w0 && w1 <= b)) continue;
      verified.push([w0, w1]);
      approximateMatches(text, w0, w1, q, k, found);
    }
    if (found.length > 0 || skipped === 0 || pl >= 32) return;
  }
}

function bestFuzzy(ctx: Context, q: string, maxErrorRate: number): Candidate | undefined {
  const m = q.length;
  const k = Math.floor(m * maxErrorRate);
  if (k < 1) return undefined;
  if (m > LONG_QUOTE) return bestFuzzyLong(ctx, q, maxErrorRate);
  const text = ctx.text;
  const n = text.length;
  const found: { start: number; end: number; cost: number }[] = [];
  // 1. Near the old position.
  let scanned: [number, number] = [0, 0];
  if (ctx.expected !== undefined) {
    const radius = Math.max(1_000, 4 * m);
    scanned = [Math.max(0, ctx.expected - radius), Math.min(n, ctx.expected + m + radius)];
    approximateMatches(text, scanned[0], scanned[1], q, k, found);
  }
  // 2. Elsewhere: the whole document if small enough, else windows seeded by exact pieces.
  if (found.length === 0 && scanned[1] - scanned[0] < n) {
    if (n * m <= FULL_SCAN_BUDGET) approximateMatches(text, 0, n, q, k, found);
    else seededSearch(text, q, k, ctx.expected, found);
  }
  let best: Candidate | undefined;
  for (const f of found) {
    const sc = score(ctx, f.start, f.end, 1 - f.cost / m);
    if (!best || sc > best.score) best = { ...f, score: sc };
  }
  if (best && m < 16 && (ctx.prefix || ctx.suffix)) {
    // A short quote matched approximately needs support from its context.
    // At least half of the prefix or of the suffix must agree.
    const { pre, suf } = contextAgreement(ctx, best.start, best.end);
    const support = Math.max(ctx.prefix ? pre : 0, ctx.suffix ? suf : 0);
    if (support < 0.5) return undefined;
  }
  return best;
}

/** Long quotes: match the head and the tail separately; the span between them must have a plausible length. */
function bestFuzzyLong(ctx: Context, q: string, maxErrorRate: number): Candidate | undefined {
  const m = q.length;
  const head = q.slice(0, HEAD_TAIL), tail = q.slice(m - HEAD_TAIL);
  const h = bestExact({ ...ctx, suffix: undefined }, head) ?? bestFuzzy({ ...ctx, suffix: q.slice(HEAD_TAIL, HEAD_TAIL + CONTEXT_LENGTH) }, head, maxErrorRate);
  if (!h) return undefined;
  const tctx: Context = { ...ctx, prefix: q.slice(m - HEAD_TAIL - CONTEXT_LENGTH, m - HEAD_TAIL), expected: h.start + m - HEAD_TAIL };
  const t = bestExact(tctx, tail) ?? bestFuzzy(tctx, tail, maxErrorRate);
  if (!t || t.end <= h.start) return undefined;
  const len = t.end - h.start;
  if (len < m * (1 - maxErrorRate) || len > m * (1 + maxErrorRate)) return undefined;
  return { start: h.start, end: t.end, cost: Math.abs(len - m) + h.cost + t.cost, score: (h.score + t.score) / 2 };
}

/**
 * Finds the passage described by `selectors` in `doc` (text or a prepared AnchorDocument).
 * Returns UTF-16 offsets and the method that found it, or undefined when the passage cannot be
 * found (the caller lists the annotation as orphaned).
 */
export function anchor(doc: string | AnchorDocument, selectors: readonly Selector[], options: AnchorOptions = {}): Anchor | undefined {
  const d = typeof doc === "string" ? new AnchorDocument(doc) : doc;
  const text = d.text;
  const quote = quoteSelectorOf(selectors);
  const position = positionSelectorOf(selectors);
  const validPos = position && Number.isInteger(position.start) && Number.isInteger(position.end) && position.start >= 0 && position.start <= position.end;

  if (!quote || quote.exact.length === 0) {
    // Nothing to verify against: trust the position if it still fits the document.
    if (!validPos || position.end > d.index.length) return undefined;
    return { start: d.index.toUtf16(position.start), end: d.index.toUtf16(position.end), method: "position" };
  }

  // 1. Position.
  let posRange: [number, number] | undefined;
  if (validPos && position.end <= d.index.length) {
    const s = d.index.toUtf16(position.start), e = d.index.toUtf16(position.end);
    if (text.slice(s, e) === quote.exact) posRange = [s, e];
  }
  const view = d.view;
  const ctx: Context = {
    text: view.text,
    prefix: quote.prefix ? normalizeEol(quote.prefix) : undefined,
    suffix: quote.suffix ? normalizeEol(quote.suffix) : undefined,
    expected: validPos ? view.fromOrig(d.index.toUtf16(position.start)) : undefined,
  };
  const exact = normalizeEol(quote.exact);
  let posScore = -1;
  if (posRange) {
    const vs = view.fromOrig(posRange[0]), ve = view.fromOrig(posRange[1]);
    const { pre, suf } = contextAgreement(ctx, vs, ve);
    if ((!ctx.prefix || pre === 1) && (!ctx.suffix || suf === 1)) return { start: posRange[0], end: posRange[1], method: "position" };
    posScore = score(ctx, vs, ve, 1);
  }

  // 2. Exact quote.
  const best = bestExact(ctx, exact);
  if (posRange && (!best || best.score <= posScore || view.toOrig(best.start) === posRange[0])) {
    return { start: posRange[0], end: posRange[1], method: "position" };
  }
  if (best) return toOriginal(text, view, best, "quote");

  // 3. Fuzzy quote.
  const rate = options.maxErrorRate ?? DEFAULT_MAX_ERROR_RATE;
  if (rate > 0) {
    const f = bestFuzzy(ctx, exact, rate);
    if (f) return { ...toOriginal(text, view, f, "fuzzy"), distance: f.cost };
  }
  // 4. Orphan.
  return undefined;
}

function toOriginal(text: string, view: View, c: Candidate, method: AnchorMethod): Anchor {
  let start = snapToCodePoint(text, view.toOrig(c.start), "backward");
  let end = snapToCodePoint(text, view.toOrig(c.end), "forward");
  if (end < start) [start, end] = [end, start];
  return { start, end, method };
}

export interface AnchoredAnnotation {
  annotation: Annotation;
  anchor: Anchor;
}

/** Anchors every annotation in one document; those that cannot be anchored are returned as orphans. */
export function anchorAll(
  docText: string,
  annotations: readonly Annotation[],
  options: AnchorOptions = {},
): { anchored: AnchoredAnnotation[]; orphans: Annotation[] } {
  const doc = new AnchorDocument(docText);
  const anchored: AnchoredAnnotation[] = [];
  const orphans: Annotation[] = [];
  for (const a of annotations) {
    const r = anchor(doc, a.target.selector, options);
    if (r) anchored.push({ annotation: a, anchor: r });
    else orphans.push(a);
  }
  return { anchored, orphans };
}
