// Sentence and clause segmentation for mixed Chinese/English prose, hand-written and linear-time
// (no Intl.Segmenter: it is quadratic on long strings, see notes/chinese-text.md).
//
// Sentences end at
//   - 。！？；｡ (always) and a full-width ．not followed by a digit;
//   - . ! ? ; when followed by whitespace, a line end, the end of the text, CJK or an opening quote,
//     and for "." only when the next word does not start in lower case and the word before is not an
//     abbreviation (Dr. Mr. Mrs. Ms. Prof. St. vs. No. e.g. i.e. …), an initial or a single-letter
//     abbreviation (J. Smith, U.S., a.m.), a list marker at the start of a line ("1. ") or a number
//     inside a number (5.6);
//   - every line break (a paragraph break always, and a single newline too: these sources are often
//     one line per sentence).
// Closing quotes and brackets (”」』）"') and further terminators (?!, 。”) after a terminator stay
// with the sentence they close.
//
// Quotations: we split INSIDE quotations as well, so “A。B。”他说 yields “A。 / B。” / 他说 and the
// list stays flat (DocumentAnalysis.sentences is a flat Span[]). A sentence that begins inside a
// quotation opened by an earlier sentence carries `quoteFrom`, the offset of the opening quote mark,
// so claims.ts can give it the speaker of the sentence that opened the quotation. Quotation state is
// reset at every line break (unbalanced quotes are common in scraped text).
//
// Spans are trimmed of whitespace (ASCII, NBSP, ideographic space). A sentence longer than
// MAX_SENTENCE code units is cut at the last clause separator or space in its second half (or hard,
// never between the halves of a surrogate pair), so a 20 MB single line stays linear and yields
// bounded spans.

import type { Span } from "./types";

export interface Sentence extends Span {
  /** Offset of the opening quote mark when this sentence starts inside a quotation opened by an earlier sentence. */
  quoteFrom?: number;
}

export const MAX_SENTENCE = 1500;

// Character classes, one byte per BMP code unit.
const C_WS = 1;
const C_NL = 2;
const C_TERM = 3; // 。！？；｡ always end a sentence
const C_DOT = 4; // . and ．
const C_BANG = 5; // ! ?
const C_SEMI = 6; // ;
const C_CLOSE = 7; // closing quotes and brackets
const C_OPENQ = 8; // “ 「 『
const C_DQUOTE = 9; // " (direction unknown)
const C_SOFT = 10; // clause separators: preferred cut points for over-long sentences

const cls = new Uint8Array(65536);
for (const c of " \t\f\v\u00a0\u3000\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\ufeff") cls[c.charCodeAt(0)] = C_WS;
for (const c of "\n\r\u2028\u2029\u0085") cls[c.charCodeAt(0)] = C_NL;
for (const c of "。！？；｡") cls[c.charCodeAt(0)] = C_TERM;
cls[0x2e] = C_DOT;
cls[0xff0e] = C_DOT;
cls[0x21] = C_BANG;
cls[0x3f] = C_BANG;
cls[0x203c] = C_BANG; // ‼
cls[0x2049] = C_BANG; // ⁉
cls[0x3b] = C_SEMI;
for (const c of "”’」』）)]】》〉〕»›") cls[c.charCodeAt(0)] = C_CLOSE;
for (const c of "“「『") cls[c.charCodeAt(0)] = C_OPENQ;
cls[0x22] = C_DQUOTE;
for (const c of "，,、：:—…") cls[c.charCodeAt(0)] = C_SOFT;

const CLOSING_OF: Record<number, number> = { 0x201c: 0x201d, 0x300c: 0x300d, 0x300e: 0x300f };

export function isCJK(c: number): boolean {
  return (c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x3040 && c <= 0x30ff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xd840 && c <= 0xd87f);
}

function isUpper(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0xc0 && c <= 0xde && c !== 0xd7);
}
function isLower(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0xdf && c <= 0xff && c !== 0xf7);
}
function isDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0xff10 && c <= 0xff19);
}
function isLetter(c: number): boolean {
  return isUpper(c) || isLower(c);
}
export function isSpace(c: number): boolean {
  const k = cls[c];
  return k === C_WS || k === C_NL;
}

/** Words after which a period does not end a sentence (compared in lower case). */
const ABBREV = new Set([
  "mr", "mrs", "ms", "mx", "dr", "prof", "sr", "jr", "st", "mt", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "rep", "sen", "gov",
  "pres", "rev", "hon", "messrs", "mmes", "vs", "v", "fig", "figs", "no", "nos", "vol", "vols", "pp", "approx", "dept", "est", "cf", "al",
  "ca", "op", "ed", "eds", "ft", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
]);
/** Abbreviations that end a sentence when a capitalized word follows (only a digit keeps them open). */
const NUMERIC_ABBREV = new Set(["no", "nos", "vol", "pp", "fig", "figs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]);

/**
 * Decides whether the period at `i` ends a sentence. `lineStart` is the offset where the current
 * line's content begins (list markers like "1. " there are not sentence ends).
 */
function periodEnds(text: string, i: number, segStart: number): boolean {
  const n = text.length;
  const next = i + 1 < n ? text.charCodeAt(i + 1) : -1;
  if (next !== -1 && (isDigit(next) || isLetter(next) || next === 0x2c || next === 0x2f || next === 0x3a || next === 0x2d || next === 0x5f || next === 0x40))
    return false; // 5.6, Scale.ai, U.S, e.g, "Inc.,", URLs
  // The word before the period.
  let w = i;
  while (w > segStart && i - w < 16 && isLetter(text.charCodeAt(w - 1))) w--;
  const wordLen = i - w;
  const before = w > 0 ? text.charCodeAt(w - 1) : -1;
  if (wordLen > 0 && before === 0x2e) return false; // the last part of U.S. / e.g. / Ph.D.
  if (wordLen === 1 && !isLetter(before)) return false; // initials: J. Smith, A. B.
  // Next significant character (skip closers and spaces, bounded).
  let k = i + 1;
  while (k < n && k - i < 8 && (cls[text.charCodeAt(k)] === C_CLOSE || cls[text.charCodeAt(k)] === C_DQUOTE || text.charCodeAt(k) === 0x27)) k++;
  const closed = k > i + 1;
  let sawSpace = false;
  while (k < n && k - i < 24 && cls[text.charCodeAt(k)] === C_WS) {
    k++;
    sawSpace = true;
  }
  const after = k < n ? text.charCodeAt(k) : -1;
  if (wordLen > 0) {
    const word = text.slice(w, i).toLowerCase();
    if (ABBREV.has(word)) {
      if (!NUMERIC_ABBREV.has(word)) return false;
      if (isDigit(after)) return false;
    }
  }
  if (wordLen === 0) {
    // A list marker "1." / "12." at the start of a line.
    let d = i;
    while (d > segStart && isDigit(text.charCodeAt(d - 1))) d--;
    if (d < i && d === segStart && i - d <= 3) return false;
  }
  if (after === -1 || cls[after] === C_NL) return true;
  if (isCJK(after)) return true;
  if (!sawSpace && !closed) return false;
  if (isLower(after)) return false;
  return true;
}

/** "!" / "?" / ";" end a sentence when followed by whitespace, a line end, CJK, a closer or the end of the text. */
function asciiEnds(text: string, i: number): boolean {
  if (i + 1 >= text.length) return true;
  const next = text.charCodeAt(i + 1);
  const k = cls[next];
  return k === C_WS || k === C_NL || k === C_CLOSE || k === C_TERM || k === C_BANG || k === C_DQUOTE || isCJK(next);
}

/**
 * Splits `text` into sentences: trimmed, non-empty, non-overlapping spans in document order.
 * Linear in the length of the text.
 */
export function segmentSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  const n = text.length;
  let start = 0;
  let startQuote = -1; // quotation open at `start` (opened by an earlier sentence)
  let qOpen = -1; // offset of the currently open quotation mark
  let qClose = 0; // the code unit that closes it
  let lastSoft = -1; // last preferred cut point in the current sentence
  let lineStart = 0; // where the current line's content starts

  const emit = (s: number, e: number, quote: number): void => {
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    if (e > s) {
      const sent: Sentence = { start: s, end: e };
      if (quote >= 0 && quote < s) sent.quoteFrom = quote;
      out.push(sent);
    }
  };
  const next = (at: number): void => {
    start = at;
    lastSoft = -1;
    // Forget quotations that stay open implausibly long (unbalanced marks).
    if (qOpen >= 0 && at - qOpen > 3 * MAX_SENTENCE) qOpen = -1;
    startQuote = qOpen;
  };
  let qDepth = 0; // nesting of the same quotation mark: “…“缓和战略”…”
  const trackQuote = (c: number, i: number): void => {
    const k = cls[c];
    if (k === C_OPENQ) {
      if (qOpen < 0) {
        qOpen = i;
        qClose = CLOSING_OF[c];
        qDepth = 1;
      } else if (CLOSING_OF[c] === qClose) qDepth++;
    } else if (k === C_CLOSE) {
      if (qOpen >= 0 && c === qClose && --qDepth <= 0) qOpen = -1;
    } else if (k === C_DQUOTE) {
      if (qOpen < 0) {
        qOpen = i;
        qClose = 0x22;
      } else if (qClose === 0x22) qOpen = -1;
    }
  };

  let i = 0;
  while (i < n) {
    if (i - start >= MAX_SENTENCE) {
      let cut = lastSoft > start + (MAX_SENTENCE >> 1) ? lastSoft : i;
      const cc = text.charCodeAt(cut);
      if (cc >= 0xdc00 && cc <= 0xdfff) cut--; // never between the halves of a surrogate pair
      emit(start, cut, startQuote);
      next(cut);
    }
    const c = text.charCodeAt(i);
    const k = cls[c];
    if (k === 0) {
      i++;
      continue;
    }
    if (k === C_NL) {
      emit(start, i, startQuote);
      qOpen = -1;
      i++;
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      next(i);
      lineStart = i;
      continue;
    }
    if (k === C_OPENQ || k === C_CLOSE || k === C_DQUOTE) {
      trackQuote(c, i);
      i++;
      continue;
    }
    let ends = false;
    if (k === C_TERM) ends = true;
    else if (k === C_DOT) {
      if (c === 0xff0e) ends = !isDigit(text.charCodeAt(i + 1));
      else {
        // An ellipsis "..." counts as one period at its last dot.
        let j = i;
        while (j + 1 < n && text.charCodeAt(j + 1) === 0x2e) j++;
        if (j > i) {
          i = j;
        }
        ends = periodEnds(text, i, Math.max(start, lineStart));
      }
    } else if (k === C_BANG || k === C_SEMI) ends = asciiEnds(text, i);
    else if (k === C_SOFT || k === C_WS) lastSoft = i + 1;
    if (!ends) {
      i++;
      continue;
    }
    // Consume further terminators and closing marks: 。” ?! ）。
    let j = i + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      const kd = cls[d];
      if (kd === C_TERM || kd === C_BANG || (kd === C_DOT && d === 0x2e)) j++;
      else if (kd === C_CLOSE) {
        trackQuote(d, j);
        j++;
      } else if (kd === C_WS && qOpen >= 0) {
        // “……便宜。 ” — a closing mark after a space still closes the quotation.
        let w = j;
        while (w < n && w - j < 4 && cls[text.charCodeAt(w)] === C_WS) w++;
        const q = w < n ? text.charCodeAt(w) : -1;
        if (q === qClose && qClose !== 0x22 && qDepth <= 1) j = w;
        else break;
      } else if (kd === C_DQUOTE || d === 0x27) {
        // A straight quote right after a terminator closes the open quotation, or is a closer when
        // followed by a space, a line end or the end of the text.
        const e = j + 1 < n ? text.charCodeAt(j + 1) : -1;
        if ((d === 0x22 && qOpen >= 0 && qClose === 0x22) || e === -1 || isSpace(e) || cls[e] === C_CLOSE || isCJK(e)) {
          if (d === 0x22) trackQuote(d, j);
          j++;
        } else break;
      } else break;
    }
    emit(start, j, startQuote);
    next(j);
    i = j;
  }
  emit(start, n, startQuote);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Clauses

export interface ClauseOptions {
  /** Also split at the enumeration comma 、 (off by default: 、 joins items of one noun phrase). */
  enumeration?: boolean;
}

/** Opening mark → its closing mark (0: not an opener), one entry per BMP code unit. */
const OPENERS = new Uint16Array(0x10000);
OPENERS[0xff08] = 0xff09; // （）
OPENERS[0x28] = 0x29; // ()
OPENERS[0x3010] = 0x3011; // 【】
OPENERS[0x5b] = 0x5d; // []
OPENERS[0x300a] = 0x300b; // 《》
OPENERS[0x201c] = 0x201d; // “”
OPENERS[0x300c] = 0x300d; // 「」
OPENERS[0x300e] = 0x300f; // 『』

/**
 * Splits a sentence into clauses at ，,：:；; and dashes (——, —, " - ", " -- "), never inside
 * brackets or quotations that open and close within the sentence, never inside numbers (10,000,
 * 14:33) or URLs (https://). The separator stays with the clause it ends. Spans are trimmed and
 * cover the sentence without gaps other than whitespace.
 */
export function clausesOf(text: string, sentence: Span, options: ClauseOptions = {}): Span[] {
  const s0 = Math.max(0, Math.min(sentence.start, text.length));
  const e0 = Math.max(s0, Math.min(sentence.end, text.length));
  // Matching pairs inside the sentence (a stack; unmatched marks are ignored).
  const match = new Map<number, number>();
  const stack: number[] = [];
  let dq = -1;
  for (let i = s0; i < e0; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      if (dq < 0) dq = i;
      else {
        match.set(dq, i);
        dq = -1;
      }
    } else if (OPENERS[c] !== 0) {
      if (stack.length < 64) stack.push(i);
    } else if (c === 0xff09 || c === 0x29 || c === 0x3011 || c === 0x5d || c === 0x300b || c === 0x201d || c === 0x300d || c === 0x300f) {
      for (let t = stack.length - 1; t >= 0 && t >= stack.length - 4; t--) {
        if (OPENERS[text.charCodeAt(stack[t])] === c) {
          match.set(stack[t], i);
          stack.length = t;
          break;
        }
      }
    }
  }
  const out: Span[] = [];
  const push = (s: number, e: number): void => {
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    if (e > s) out.push({ start: s, end: e });
  };
  let start = s0;
  for (let i = s0; i < e0; i++) {
    const c = text.charCodeAt(i);
    // Only an opening mark or a " can start a matched pair.
    const m = (c === 0x22 || OPENERS[c] !== 0) && match.size ? match.get(i) : undefined;
    if (m !== undefined) {
      i = m;
      continue;
    }
    let cut = -1;
    switch (c) {
      case 0xff0c: // ，
      case 0xff1a: // ：
      case 0xff1b: // ；
      case 0x3b: // ;
        cut = i + 1;
        break;
      case 0x3001: // 、
        if (options.enumeration) cut = i + 1;
        break;
      case 0x2c: {
        // , but not 10,000
        const p = text.charCodeAt(i - 1);
        const q = text.charCodeAt(i + 1);
        if (!(isDigit(p) && isDigit(q))) cut = i + 1;
        break;
      }
      case 0x3a: {
        // : but not 14:33 or https://
        const p = text.charCodeAt(i - 1);
        const q = text.charCodeAt(i + 1);
        if (q !== 0x2f && !(isDigit(p) && isDigit(q))) cut = i + 1;
        break;
      }
      case 0x2014: // — and ——
      case 0x2015: {
        let j = i;
        while (j + 1 < e0 && (text.charCodeAt(j + 1) === 0x2014 || text.charCodeAt(j + 1) === 0x2015)) j++;
        push(start, i);
        start = j + 1;
        i = j;
        continue;
      }
      case 0x2d: // " - " and " -- " (a hyphen between spaces is a dash)
      case 0x2013: {
        let j = i;
        while (j + 1 < e0 && text.charCodeAt(j + 1) === 0x2d) j++;
        if (isSpace(text.charCodeAt(i - 1)) && isSpace(text.charCodeAt(j + 1))) {
          push(start, i);
          start = j + 1;
          i = j;
        }
        continue;
      }
    }
    if (cut > 0) {
      push(start, cut);
      start = cut;
    }
  }
  push(start, e0);
  return out;
}
