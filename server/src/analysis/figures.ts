// Figures (DESIGN.md §3, §4): numbers with their unit, qualifier, normalized display and a key
// (subject entity + quantity kind) that links figures across documents.
//
// findFigures scans the text once: a tight loop over UTF-16 code units with a lookup table jumps to
// the next character that can start a numeral (Arabic or Chinese digit, Chinese unit, English number
// word) and skips URLs whole; at each candidate a bounded parser reads the numeral, its multiplier, a
// range partner, the unit after it (classifier, currency, %, 倍, 年/月/日…) and the qualifiers around
// it. Every look-ahead and look-behind is bounded by a few characters, so the scan is linear in the
// text. All words (units, currencies, qualifiers, counted nouns, exceptions) come from
// server/data/figures.json.
//
// Conservative rules (documented decisions):
//   - A lone Chinese 一/两/兩/几/幾/半 (no unit character) is a figure only with a date, duration,
//     percent or multiple unit (一年, 两年, 一到两年, 两倍, 几个月, 半年); never with a counting
//     classifier (一个, 一种, 一篇, 一家) — too many of those are not quantities.
//   - Other lone digits (三…九, 十) and bare units (百, 千, 万) need a unit or classifier (三种, 十年, 万字).
//   - Chinese numerals with units (五萬, 十七, 三千五百, 数十亿) are figures even without a unit.
//   - Positional Chinese digits (二〇二五) are figures only as years (二〇二五年).
//   - Ordinals (第一, No. 3), weekdays (周五, 星期一), words (唯一, 统一, 万一, 十分, 百度, 三星),
//     adverbs (千万不要, 萬萬不能) are not figures.
//   - A numeral glued to Latin letters or inside an identifier (H100, GPT-4o, o1, 910B, ASL3,
//     OpenThoughts-114k, Llama-70B) is not a figure; nor are numbers inside URLs, times (14:33) and
//     version numbers after a product name (Claude 3.5, Sonnet 3.5, 2.0).
//   - Bare Arabic numbers without any unit are figures (kind "number") when ≥ 10; bare 4-digit
//     numbers 1800–2199 are years.
//
// Values: date figures encode yyyymmdd as a number (2025-02-01 → 20250201, 2024年10月 → 20241000,
// 1月30日 → 130: a 0 stands for an unknown part); durations count their unit (classifier / display
// say which); fractions (五分之一) and 成 (三成) are percents.

import { lowerBound } from "./spans";
import data from "../../data/figures.json";
import type { Figure, FigureKind, Mention, Qualifier, Span } from "./types";
import {
  type Numeral,
  arabicDigit,
  clean,
  formatNumber,
  readLatinWord,
  scanEnglishNumber,
  scanNumeral,
  chineseCategory,
  chineseCategoryAt,
  isUnitChar,
  isBigUnit,
  bigUnitValue,
  ENGLISH_NUMBER_STARTS,
} from "./numbers";

// ---------------------------------------------------------------------------------------------
// Lexicon tables

/**
 * Longest-match word table keyed by first code unit (and by last code unit for look-behind). Keys
 * are numbers: looking up text[pos] as a string made a new one-character string for every CJK character.
 */
class WordTable<T> {
  private byFirst = new Map<number, { word: string; lower: string; value: T; latin: boolean }[]>();
  private byLast = new Map<number, { word: string; lower: string; value: T; latin: boolean }[]>();
  add(word: string, value: T): void {
    if (!word) return;
    const latin = /[A-Za-z]/.test(word);
    const lower = latin ? word.toLowerCase() : word;
    const e = { word, lower, value, latin };
    const f = lower.charCodeAt(0);
    const l = lower.charCodeAt(lower.length - 1);
    for (const [map, key] of [
      [this.byFirst, f],
      [this.byLast, l],
    ] as const) {
      let list = map.get(key);
      if (!list) map.set(key, (list = []));
      const at = list.findIndex((x) => x.lower === lower);
      if (at >= 0) list[at] = e; // later entries override earlier ones (年 is a year before a duration)
      else list.push(e);
      list.sort((a, b) => b.word.length - a.word.length);
    }
  }
  /** Longest entry starting at `pos`; Latin entries are case-insensitive and must end at a word boundary. */
  match(text: string, pos: number): { word: string; value: T; end: number } | undefined {
    if (pos < 0 || pos >= text.length) return undefined;
    const c = text.charCodeAt(pos);
    const list = this.byFirst.get(c) ?? (isLetterAt(text, pos) ? this.byFirst.get(asciiLower(c)) : undefined);
    if (!list) return undefined;
    let win: string | undefined; // lower-cased text at pos, read once for Latin entries
    for (const e of list) {
      const end = pos + e.word.length;
      if (e.latin) {
        if (win === undefined) win = text.slice(pos, pos + list[0].word.length).toLowerCase();
        if (!win.startsWith(e.lower)) continue;
        if (isLetterAt(text, end) && isLetterAt(text, end - 1)) continue;
      } else if (!text.startsWith(e.word, pos)) continue;
      return { word: text.slice(pos, end), value: e.value, end };
    }
    return undefined;
  }
  /** Longest entry ending exactly at `end`; Latin entries must start at a word boundary. */
  matchBefore(text: string, end: number, minStart = 0): { word: string; value: T; start: number } | undefined {
    if (end - 1 < 0 || end - 1 >= text.length) return undefined;
    const c = text.charCodeAt(end - 1);
    const list = this.byLast.get(c) ?? (isLetterAt(text, end - 1) ? this.byLast.get(asciiLower(c)) : undefined);
    if (!list) return undefined;
    for (const e of list) {
      const start = end - e.word.length;
      if (start < minStart) continue;
      if (e.latin) {
        if (text.slice(start, end).toLowerCase() !== e.lower) continue;
        if (isLetterAt(text, start - 1) && isLetterAt(text, start)) continue;
      } else if (!text.startsWith(e.word, start)) continue;
      return { word: text.slice(start, end), value: e.value, start };
    }
    return undefined;
  }
}

/** Lower case of an ASCII letter's code. */
function asciiLower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function isLetterAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isAlnumAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19);
}
function isDigitAt(text: string, i: number): boolean {
  return arabicDigit(text.charCodeAt(i)) >= 0;
}
function isSpaceAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c === 32 || c === 0xa0 || c === 0x2009 || c === 0x202f || c === 0x3000 || c === 0x2005 || c === 0x2006;
}
function isCjkAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return (c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff);
}

type TailKind = "percent" | "pp" | "multiple" | "currency" | "duration" | "count" | "year" | "month" | "day" | "century" | "decade" | "tenths";
interface TailInfo {
  kind: TailKind;
  currency?: string;
  unit?: string; // duration unit (year, month…)
}
interface Tail extends TailInfo {
  word: string;
  start: number;
  end: number;
  /** Added to the value (一个半月: +0.5). */
  plus?: number;
  over?: boolean;
}

const ZH_TAILS = new WordTable<TailInfo>();
const EN_TAILS = new WordTable<TailInfo>();
const CURRENCY_PREFIX = new WordTable<string>();
const CURRENCY_DISPLAY: Record<string, string> = {};
const GENERIC_CURRENCY_SUFFIX = new Set<string>(data.genericCurrencySuffixes);

for (const c of data.classifiers) ZH_TAILS.add(c, { kind: "count" });
for (const [w, unit] of Object.entries(data.durations as Record<string, string>)) ZH_TAILS.add(w, { kind: "duration", unit });
for (const w of data.dayWords) ZH_TAILS.add(w, { kind: "day" });
ZH_TAILS.add("年", { kind: "year", unit: "year" });
ZH_TAILS.add("月", { kind: "month" });
ZH_TAILS.add("日", { kind: "day" });
ZH_TAILS.add("世纪", { kind: "century" });
ZH_TAILS.add("世紀", { kind: "century" });
ZH_TAILS.add("年代", { kind: "decade" });
for (const w of data.multipleWords) ZH_TAILS.add(w, { kind: "multiple" });
for (const w of data.percentSigns) ZH_TAILS.add(w, { kind: "percent" });
for (const w of Object.keys(data.percentWords)) ZH_TAILS.add(w, { kind: "pp" });
for (const w of data.tenthsPercent) ZH_TAILS.add(w, { kind: "tenths" });
for (const w of data.englishPercent) EN_TAILS.add(w, { kind: w.startsWith("percentage") ? "pp" : "percent" });
for (const w of data.englishMultiple) EN_TAILS.add(w, { kind: "multiple" });
for (const [w, unit] of Object.entries(data.englishDurations as Record<string, string>)) EN_TAILS.add(w, { kind: "duration", unit });
for (const [code, c] of Object.entries(data.currencies as Record<string, { display: string; prefixes: string[]; suffixes: string[]; english: string[] }>)) {
  CURRENCY_DISPLAY[code] = c.display;
  for (const p of c.prefixes) CURRENCY_PREFIX.add(p, code);
  for (const s of c.suffixes) {
    ZH_TAILS.add(s, { kind: "currency", currency: code });
    // Chinese currency names also open a figure (人民币 5 亿, 新台幣 150 萬元).
    if (s.length >= 2 && !data.genericCurrencySuffixes.includes(s)) CURRENCY_PREFIX.add(s, code);
  }
  for (const s of c.english) EN_TAILS.add(s, { kind: "currency", currency: code });
}

const QUAL_BEFORE = new WordTable<Qualifier>();
const QUAL_AFTER = new WordTable<Qualifier>();
for (const [q, words] of Object.entries(data.qualifiersBefore)) for (const w of words) QUAL_BEFORE.add(w, q as Qualifier);
for (const [q, words] of Object.entries(data.qualifiersAfter)) for (const w of words) QUAL_AFTER.add(w, q as Qualifier);
const QUAL_AFTER_DURATION_ONLY = new Set<string>(data.qualifiersAfterDurationOnly);
const QUAL_BLOCKERS: Record<string, string[]> = data.qualifierBlockers;
const QUAL_LINKS = new Set<string>(data.qualifierLinks);

const CLASSIFIER_BLOCKERS: Record<string, string[]> = data.classifierBlockers;
const VARIETY = new Set<string>(data.varietyClassifiers);
const YEAR_BLOCKERS: string[] = data.yearBlockers;
const DURATION_AFTER_YEAR: string[] = data.durationAfterYear;
const ERA = new WordTable<true>();
for (const w of data.yearEraPrefixes) ERA.add(w, true);
const BLOCK_BEFORE = new WordTable<true>();
for (const w of data.blockBefore) BLOCK_BEFORE.add(w, true);
const ORDINAL = new WordTable<true>();
for (const w of data.ordinalPrefixes) ORDINAL.add(w, true);
const NOT_FIGURES_BY_CHAR = new Map<string, { word: string; offset: number }[]>();
for (const w of data.notFigures) {
  // Index each phrase under each of its numeral characters, with the offset of that character.
  for (let k = 0; k < w.length; k++) {
    const c = w[k];
    if (!chineseCategory(c) && c !== "半") continue;
    let list = NOT_FIGURES_BY_CHAR.get(c);
    if (!list) NOT_FIGURES_BY_CHAR.set(c, (list = []));
    list.push({ word: w, offset: k });
  }
}
const VAGUE_IDIOMS: Record<string, number[]> = data.vagueIdioms;
const IDIOMS_BY_CHAR = new Map<string, { word: string; offset: number }[]>();
for (const w of Object.keys(VAGUE_IDIOMS)) {
  const k = [...w].findIndex((c) => chineseCategory(c) > 0);
  let list = IDIOMS_BY_CHAR.get(w[k]);
  if (!list) IDIOMS_BY_CHAR.set(w[k], (list = []));
  list.push({ word: w, offset: k });
}
const ADVERB_AFTER = new Set<string>(data.adverbAfterBareUnits);
const REJECT_AFTER = new WordTable<true>();
for (const w of data.rejectAfter) REJECT_AFTER.add(w, true);
const MEASURE = new Set<string>(data.measureClassifiers);
const TENTHS_FOLLOWERS = new Set<string>(data.tenthsPercentFollowers);
const MONTHS: Record<string, number> = data.monthNames;
const MONTH_DISPLAY: string[] = data.monthDisplay;
const DURATION_DISPLAY: Record<string, string[]> = data.durationDisplay;
const LETTER_MULT: Record<string, number> = data.letterMultipliers;
const CURRENCY_LETTER_MULT: Record<string, number> = data.currencyLetterMultipliers;
const VERSION_EXEMPT = new Set<string>((data as { versionRuleExemptWords?: string[] }).versionRuleExemptWords ?? []);
const CHIP_NAME = new RegExp(data.chipNamePattern);
const CLAUSE_STOP_CODES = new Set<number>(data.clauseStops.map((c: string) => c.charCodeAt(0)));
const NOUN_WINDOW: number = data.nounWindow;
const NOUN_LOOKBACK: number = data.nounLookBack;
const COUNT_WORDS: string[] = data.countWords;

interface NounClass {
  name: string;
  quantity: string;
  money: boolean;
}
const NOUN_CLASS = new Map<string, NounClass>();
const NOUNS = new WordTable<NounClass>();
for (const [name, c] of Object.entries(data.nouns as Record<string, { quantity: string; money?: boolean; words: string[] }>)) {
  const cls: NounClass = { name, quantity: c.quantity, money: !!c.money };
  for (const w of c.words) {
    NOUN_CLASS.set(w.toLowerCase(), cls);
    NOUNS.add(w, cls);
  }
}
const CHIP_TOKEN_RE = /(?<![A-Za-z0-9-])[A-Z]{1,3}\d{2,4}[A-Z]{0,2}(?![A-Za-z0-9-])|(?<![A-Za-z0-9-])\d{3,4}[A-Z]{1,2}(?![A-Za-z0-9-])/g;

/** The noun class of a counted noun (GPU → gpu-count), if any. */
export function nounClassOf(noun: string | undefined): NounClass | undefined {
  if (!noun) return undefined;
  const c = NOUN_CLASS.get(noun.toLowerCase());
  if (c) return c;
  if (CHIP_NAME.test(noun)) return NOUN_CLASS.get("gpu");
  return undefined;
}

// Candidate starts: Arabic/full-width digits, Chinese numeral characters, English number words; URLs
// are skipped whole. A lookup table over UTF-16 code units keeps the scan a tight loop.
const ZH_NUMERAL_CHARS = "零〇○一二三四五六七八九两兩壹贰貳叁參肆伍陆陸柒捌玖十拾百佰千仟万萬亿億兆几幾数數半";
const C_NUM = 1;
const C_LATIN = 2;
const CAND = new Uint8Array(65536);
for (let c = 48; c <= 57; c++) CAND[c] = C_NUM;
for (let c = 0xff10; c <= 0xff19; c++) CAND[c] = C_NUM;
for (const ch of ZH_NUMERAL_CHARS) CAND[ch.charCodeAt(0)] = C_NUM;
const EN_STARTS = new Set<string>(ENGLISH_NUMBER_STARTS.map((w) => w.toLowerCase()));
const EN_HASHES = new Set<number>();
for (const w of EN_STARTS) {
  let h = 0;
  for (let k = 0; k < w.length; k++) h = (Math.imul(h, 31) + (w.charCodeAt(k) | 32)) | 0;
  EN_HASHES.add(h);
}
let EN_MIN = 99;
let EN_MAX = 0;
for (const w of EN_STARTS) {
  CAND[w.charCodeAt(0)] = C_LATIN;
  CAND[w.toUpperCase().charCodeAt(0)] = C_LATIN;
  EN_MIN = Math.min(EN_MIN, w.length);
  EN_MAX = Math.max(EN_MAX, w.length);
}
for (const ch of "hHwW") if (!CAND[ch.charCodeAt(0)]) CAND[ch.charCodeAt(0)] = C_LATIN;

/** Position of the next candidate at or after `from` (text.length when none). */
function nextCandidate(text: string, from: number): number {
  const len = text.length;
  for (let i = from; i < len; i++) {
    const c = text.charCodeAt(i);
    const k = CAND[c];
    if (k === 0) continue;
    if (k === C_NUM) return i;
    // Latin letter: only at a word start.
    if (i > 0 && isLetterAt(text, i - 1)) continue;
    let e = i + 1;
    while (e < len && isLetterAt(text, e)) e++;
    const wl = e - i;
    // URLs: skip to the end of the printable ASCII run.
    if ((c === 104 || c === 72) && (text.startsWith("http://", i) || text.startsWith("https://", i))) {
      i = urlEnd(text, i) - 1;
      continue;
    }
    if ((c === 119 || c === 87) && text.startsWith("www.", i)) {
      i = urlEnd(text, i) - 1;
      continue;
    }
    if (wl >= EN_MIN && wl <= EN_MAX) {
      // Hash the lower-cased word without allocating; confirm on a hit.
      let h = 0;
      for (let k = i; k < e; k++) h = (Math.imul(h, 31) + (text.charCodeAt(k) | 32)) | 0;
      if (EN_HASHES.has(h) && EN_STARTS.has(text.slice(i, e).toLowerCase())) return i;
    }
    i = e - 1;
  }
  return len;
}

function urlEnd(text: string, i: number): number {
  let k = i;
  while (k < text.length) {
    const c = text.charCodeAt(k);
    if (c < 0x21 || c > 0x7e) break;
    k++;
  }
  return k;
}

// ---------------------------------------------------------------------------------------------
// Scanner

interface Core {
  n: Numeral;
  start: number;
  end: number;
  arabic: boolean;
  negative: boolean;
  letterMult: boolean;
}

/** Result of parsing at a candidate: a figure, or where to resume scanning. */
interface Parsed {
  figure?: Figure;
  skip: number;
}

/** Skip an identifier run (H100, GPT-4o, Magpie-Reasoning-V2-250K) from `pos`. */
function skipIdentifier(text: string, pos: number): number {
  let k = pos;
  while (k < text.length) {
    const c = text.charCodeAt(k);
    if (isAlnumAt(text, k) || c === 95) k++;
    else if ((c === 45 || c === 46 || c === 47) && isAlnumAt(text, k + 1)) k++;
    else break;
  }
  return Math.max(k, pos + 1);
}

/** Arabic core at `pos` with the identifier checks; undefined + skip when the digits are part of an identifier. */
function arabicCore(text: string, pos: number, minStart: number): { core?: Core; skip: number } {
  // Glued before: letter/digit/underscore, or [-_./:] after an alphanumeric (GPT-4, R1-Llama-70B, 14:33).
  const b = text.charCodeAt(pos - 1);
  if (pos > 0) {
    if (isAlnumAt(text, pos - 1) || b === 95 || b === 35 /* # */ || b === 64 /* @ */) return { skip: skipIdentifier(text, pos) };
    if ((b === 45 || b === 95 || b === 46 || b === 47 || b === 58) && isAlnumAt(text, pos - 2)) {
      // "2026-2027" is consumed by the first number; reaching here means the left side was not a figure.
      return { skip: skipIdentifier(text, pos) };
    }
  }
  const n = scanNumeral(text, pos)!;
  let end = n.end;
  // Keycap emoji (1️⃣), times (14:33), versions (1.2.3), fractions/paths (24/7).
  const a = text.charCodeAt(end);
  if (a === 0xfe0f || a === 0x20e3) return { skip: end + 1 };
  if (a === 64 /* @ */) return { skip: skipIdentifier(text, end + 1) };
  if (a === 58 /* : */ && isDigitAt(text, end + 1)) {
    let k = end;
    while (k < text.length && (isDigitAt(text, k) || text[k] === ":" || (text[k] === "." && isDigitAt(text, k + 1)))) k++;
    return { skip: k };
  }
  if ((a === 46 || a === 47 || a === 95) && isAlnumAt(text, end + 1) && !n.multiplied) {
    // Dates such as 2025/02/07 and 2025.02.07 are read by the caller before this check.
    if (!(a === 47 && n.intDigits === 4) && !(a === 46 && n.intDigits === 4)) return { skip: skipIdentifier(text, pos) };
  }
  let negative = false;
  let start = pos;
  if ((b === 0x2212 || b === 45) && pos - 1 >= minStart) {
    const bb = text.charCodeAt(pos - 2);
    if (pos - 1 === 0 || isSpaceAt(text, pos - 2) || bb === 40 || bb === 0xff08 || isCjkAt(text, pos - 2) || bb === 10) {
      negative = true;
      start = pos - 1;
    }
  }
  return { core: { n, start, end, arabic: true, negative, letterMult: false }, skip: end };
}

interface Build {
  start: number;
  end: number;
  value: number;
  high?: number;
  approximate: boolean;
  qualifier?: Qualifier;
  currency?: string;
  classifier?: string;
  kind: FigureKind;
  chinese: boolean;
  unit?: string; // duration unit
  pp?: boolean;
  century?: boolean;
  decade?: boolean;
  variety?: boolean;
}

function makeTail(v: TailInfo, word: string, start: number, end: number): Tail {
  return { kind: v.kind, currency: v.currency, unit: v.unit, word, start, end };
}

/** Read the unit after a numeral ending at `p` (optionally after one space). */
function readTail(text: string, p: number, english: boolean): Tail | undefined {
  let q = p;
  if (isSpaceAt(text, q) && !isSpaceAt(text, q + 1)) q++;
  const c = text[q];
  if (c === undefined) return undefined;
  // Glued multiple signs: 10x, 3×.
  if (q === p && (c === "x" || c === "X" || c === "×") && !isAlnumAt(text, q + 1)) {
    return { kind: "multiple", word: c, start: q, end: q + 1 };
  }
  if (c === "×" && !isDigitAt(text, q + 1)) return { kind: "multiple", word: c, start: q, end: q + 1 };
  // Hyphenated English units: 10-year, 5-fold.
  if (c === "-" && q === p && isLetterAt(text, q + 1)) {
    const m = EN_TAILS.match(text, q + 1);
    if (m && (m.value.kind === "duration" || m.value.kind === "multiple")) {
      return makeTail(m.value, m.word, q, m.end);
    }
    return undefined;
  }
  if (isLetterAt(text, q)) {
    if (q === p && !english) return undefined; // glued letters: identifier (handled by the caller)
    const m = EN_TAILS.match(text, q);
    if (m) return makeTail(m.value, m.word, q, m.end);
    return undefined;
  }
  const m = ZH_TAILS.match(text, q);
  if (!m) return undefined;
  const t: Tail = makeTail(m.value, m.word, q, m.end);
  const next = text[m.end];
  if (t.kind === "count") {
    const bl = CLASSIFIER_BLOCKERS[m.word];
    if (bl && next !== undefined && bl.some((w) => text.startsWith(w, m.end))) return undefined;
    // 个半月, 个多月: a duration with a half or "more than".
    if ((m.word === "个" || m.word === "個") && (next === "半" || next === "多")) {
      const d = ZH_TAILS.match(text, m.end + 1);
      if (d && d.value.kind === "duration" || (d && d.value.kind === "month")) {
        const unit = d.value.kind === "month" ? "month" : d.value.unit;
        return { kind: "duration", unit, word: text.slice(q, d.end), start: q, end: d.end, plus: next === "半" ? 0.5 : 0, over: next === "多" };
      }
    }
  }
  if (t.kind === "year") {
    if (YEAR_BLOCKERS.some((w) => text.startsWith(w, m.end))) return undefined;
  }
  if (t.kind === "tenths") {
    if (next !== undefined && isCjkAt(text, m.end) && !TENTHS_FOLLOWERS.has(next)) return undefined;
  }
  return t;
}

/** Qualifier right before `pos` (after an optional space and link character); `adjacent` when nothing but space separates. */
function qualifierBefore(text: string, pos: number, minStart: number): { q: Qualifier; start: number; adjacent: boolean } | undefined {
  let k = pos;
  if (isSpaceAt(text, k - 1)) k--;
  let adjacent = true;
  let m = QUAL_BEFORE.matchBefore(text, k, minStart);
  if (!m && QUAL_LINKS.has(text[k - 1])) {
    let j = k - 1;
    if (isSpaceAt(text, j - 1)) j--;
    m = QUAL_BEFORE.matchBefore(text, j, minStart);
    adjacent = false;
  }
  if (!m) return undefined;
  // Latin qualifiers need a space before the number ("about 5", not "about5").
  if (/[A-Za-z.]$/.test(m.word) && k === pos && isAlnumAt(text, pos)) return undefined;
  const bl = QUAL_BLOCKERS[m.word] ?? QUAL_BLOCKERS[m.word.toLowerCase()];
  if (bl) {
    if (/[A-Za-z]/.test(m.word)) {
      let j = m.start - 1;
      while (isSpaceAt(text, j)) j--;
      let s = j;
      while (s >= 0 && isLetterAt(text, s)) s--;
      const prev = text.slice(s + 1, j + 1).toLowerCase();
      if (prev && bl.includes(prev)) return undefined;
    } else if (bl.some((w) => text.startsWith(w, m!.start - w.length))) return undefined;
  }
  return { q: m.value, start: m.start, adjacent };
}

/** Currency sign or code right before `pos` (after an optional space). */
function currencyBefore(text: string, pos: number, minStart: number): { code: string; start: number } | undefined {
  let k = pos;
  if (isSpaceAt(text, k - 1)) k--;
  const m = CURRENCY_PREFIX.matchBefore(text, k, minStart);
  if (!m) return undefined;
  // Codes written in letters need a space or sign boundary before the number (RMB 5, USD5); "$" may be glued.
  if (/[A-Za-z]$/.test(m.word) && isLetterAt(text, m.start - 1)) return undefined;
  return { code: m.value, start: m.start };
}

function monthNameBefore(text: string, pos: number): { month: number; start: number } | undefined {
  let k = pos - 1;
  if (!isSpaceAt(text, k)) return undefined;
  k--;
  if (text[k] === ".") k--;
  let s = k;
  while (s >= 0 && isLetterAt(text, s)) s--;
  const w = text.slice(s + 1, k + 1);
  if (!w) return undefined;
  const month = MONTHS[w.toLowerCase()];
  if (!month) return undefined;
  if (w[0] < "A" || w[0] > "Z") return undefined; // months are capitalized; "may" is a verb
  return { month, start: s + 1 };
}

function monthNameAfter(text: string, pos: number): { month: number; end: number } | undefined {
  if (!isSpaceAt(text, pos)) return undefined;
  const w = readLatinWord(text, pos + 1);
  if (!w || w[0] < "A" || w[0] > "Z") return undefined;
  const month = MONTHS[w.toLowerCase()];
  if (!month) return undefined;
  let end = pos + 1 + w.length;
  if (text[end] === "." && w.length <= 4) end++;
  return { month, end };
}

/** A small integer numeral (Arabic or Chinese) at `pos`, for months and days. */
function smallInt(text: string, pos: number, max: number): { value: number; end: number } | undefined {
  const n = scanNumeral(text, pos);
  if (!n || !n.integer || n.approximate || n.over || n.value < 1 || n.value > max) return undefined;
  if (!n.chinese && n.multiplied) return undefined;
  if (isDigitAt(text, pos) && isAlnumAt(text, pos - 1)) return undefined;
  return { value: n.value, end: n.end };
}

/** Chinese month/day after a year or month tail: 2024 年 10 月, 1月30日, 二〇二五年二月一日. */
function chineseDateRest(text: string, pos: number, wantMonth: boolean): { month?: number; day?: number; end: number } | undefined {
  let q = pos;
  if (isSpaceAt(text, q)) q++;
  let month: number | undefined;
  if (wantMonth) {
    const m = smallInt(text, q, 12);
    if (!m) return undefined;
    let r = m.end;
    if (isSpaceAt(text, r)) r++;
    if (text[r] !== "月") return undefined;
    month = m.value;
    q = r + 1;
    const after = q;
    let s = q;
    if (isSpaceAt(text, s)) s++;
    const d = smallInt(text, s, 31);
    if (d) {
      let e = d.end;
      if (isSpaceAt(text, e)) e++;
      if (text[e] === "日" || text[e] === "号" || text[e] === "號") return { month, day: d.value, end: e + 1 };
    }
    return { month, end: after };
  }
  const d = smallInt(text, q, 31);
  if (!d) return undefined;
  let e = d.end;
  if (isSpaceAt(text, e)) e++;
  if (text[e] === "日" || text[e] === "号" || text[e] === "號") return { day: d.value, end: e + 1 };
  return undefined;
}

/** ISO-style numeric dates at a 4-digit year: 2025-02-07, 2025/2/7, 2025.02.07, with an optional time. */
function isoDate(text: string, n: Numeral): { value: number; end: number; month: number; day: number } | undefined {
  if (n.intDigits !== 4 || !n.integer || n.multiplied || n.grouped) return undefined;
  const sep = text[n.end];
  if (sep !== "-" && sep !== "/" && sep !== ".") return undefined;
  const read2 = (p: number): { v: number; end: number } | undefined => {
    const d1 = arabicDigit(text.charCodeAt(p));
    if (d1 < 0) return undefined;
    const d2 = arabicDigit(text.charCodeAt(p + 1));
    if (d2 < 0) return { v: d1, end: p + 1 };
    if (isDigitAt(text, p + 2)) return undefined;
    return { v: d1 * 10 + d2, end: p + 2 };
  };
  const m = read2(n.end + 1);
  if (!m || m.v < 1 || m.v > 12 || text[m.end] !== sep) return undefined;
  const d = read2(m.end + 1);
  if (!d || d.v < 1 || d.v > 31) return undefined;
  let end = d.end;
  if (isAlnumAt(text, end) && text[end] !== "T") return undefined;
  // Optional time: T14:33:55.896318, " 14:33", Z or offset.
  if ((text[end] === "T" || text[end] === " ") && isDigitAt(text, end + 1) && isDigitAt(text, end + 2) && text[end + 3] === ":") {
    let k = end + 1;
    while (k < text.length && (isDigitAt(text, k) || text[k] === ":" || (text[k] === "." && isDigitAt(text, k + 1)))) k++;
    if (text[k] === "Z") k++;
    else if ((text[k] === "+" || text[k] === "-") && isDigitAt(text, k + 1) && isDigitAt(text, k + 2)) {
      k += 3;
      if (text[k] === ":" && isDigitAt(text, k + 1)) k += 3;
    }
    end = k;
  } else if (text[end] === "T") return undefined;
  return { value: n.value * 10000 + m.v * 100 + d.v, end, month: m.v, day: d.v };
}

function isYearNumber(text: string, n: Numeral, start: number, tailEnd: number): boolean {
  if (ERA.matchBefore(text, isSpaceAt(text, start - 1) ? start - 1 : start)) return n.integer && !n.multiplied && n.value > 0;
  if (n.positional) return n.intDigits >= 2 && n.intDigits <= 4;
  if (n.chinese || !n.integer || n.multiplied || n.grouped || n.intDigits !== 4) return false;
  if (n.value < 1000 || n.value > 2999) return false;
  if (n.value < 1900 && DURATION_AFTER_YEAR.some((w) => text.startsWith(w, tailEnd))) return false;
  return true;
}

function bcBefore(text: string, start: number): boolean {
  const m = ERA.matchBefore(text, isSpaceAt(text, start - 1) ? start - 1 : start);
  return !!m && /前$/.test(m.word);
}

function isLoneLight(text: string, core: Core): boolean {
  // 一/两/兩/几/幾/半 without unit: kept only with date/duration/percent/multiple units.
  if (!core.n.lone || !core.n.chinese) return false;
  return LIGHT_CHARS.has(text[core.start]);
}

function notFigureAt(text: string, pos: number): boolean {
  const list = NOT_FIGURES_BY_CHAR.get(text[pos]);
  if (!list) return false;
  for (const e of list) if (text.startsWith(e.word, pos - e.offset)) return true;
  return false;
}

// Characters that may follow a lone Chinese digit in a figure: the first characters of units, range
// separators, spaces. Light digits (一, 两, 几, 半) take only date/duration/percent/multiple units.
const LONE_NEXT = new Set<string>();
const LIGHT_LONE_NEXT = new Set<string>();
{
  const addFirst = (set: Set<string>, w: string) => set.add(w[0]);
  for (const w of data.classifiers) addFirst(LONE_NEXT, w);
  for (const c of Object.values(data.currencies as Record<string, { suffixes: string[] }>)) {
    for (const w of c.suffixes) {
      addFirst(LONE_NEXT, w);
      if (w.length > 1) addFirst(LIGHT_LONE_NEXT, w);
    }
  }
  const light = [
    ...Object.keys(data.durations), ...data.dayWords, "年", "月", "日", "世纪", "世紀", ...data.multipleWords,
    ...data.percentSigns, ...Object.keys(data.percentWords), ...data.tenthsPercent,
    "个", "個", "到", "至", "或", "-", "–", "~", "～", "〜", "－", " ", "\u3000", "分", "百", "千", "万", "萬", "亿", "億", "十",
    ...data.digitsForRanges,
  ];
  for (const w of light) {
    addFirst(LIGHT_LONE_NEXT, w);
    addFirst(LONE_NEXT, w);
  }
}

const LIGHT_CHARS = new Set<string>(data.lightDigits);
/** After 一个/两个: only durations (一个月, 两个小时, 一个半月, 两个多月). */
const LIGHT_AFTER_GE = new Set<string>(["半", "多", "月"]);
for (const w of Object.keys(data.durations)) if ((w[0] === "个" || w[0] === "個") && w.length > 1) LIGHT_AFTER_GE.add(w[1]);

const RANGE_SEPS = new WordTable<"dash" | "to" | "or" | "and">();
for (const w of ["-", "–", "—", "~", "～", "〜", "－"]) RANGE_SEPS.add(w, "dash");
for (const w of ["至", "到", "to", "through", "至到"]) RANGE_SEPS.add(w, "to");
for (const w of ["或", "或者", "or"]) RANGE_SEPS.add(w, "or");
RANGE_SEPS.add("and", "and");

/** Read a numeral core (Arabic, Chinese or English) at `pos` for the right side of a range. */
function rangeCore(text: string, pos: number): Core | undefined {
  if (isDigitAt(text, pos)) {
    const n = scanNumeral(text, pos);
    if (!n) return undefined;
    // Glued letters other than multipliers (5M, 10k, 3x) make an identifier (A100-H100 is no range).
    if (isLetterAt(text, n.end) && !/^[xXkKmMbBT](?![A-Za-z])|^(?:bn|mn|tn)(?![A-Za-z])/.test(text.slice(n.end, n.end + 3))) return undefined;
    return { n, start: pos, end: n.end, arabic: true, negative: false, letterMult: false };
  }
  if (isLetterAt(text, pos)) {
    const n = scanEnglishNumber(text, pos);
    if (!n) return undefined;
    return { n, start: pos, end: n.end, arabic: false, negative: false, letterMult: false };
  }
  const n = scanNumeral(text, pos);
  if (!n) return undefined;
  return { n, start: pos, end: n.end, arabic: false, negative: false, letterMult: false };
}

/** Glued letter multipliers: 10k, $5.6M, €3bn. */
function letterMultiplier(text: string, core: Core, currency: boolean): void {
  if (!core.arabic || core.n.multiplied) return;
  const p = core.end;
  if (!isLetterAt(text, p)) return;
  let w = readLatinWord(text, p);
  if (w.length > 2) return;
  let m: number | undefined;
  if (currency) m = CURRENCY_LETTER_MULT[w] ?? LETTER_MULT[w];
  else if (w.length === 1) {
    m = LETTER_MULT[w];
    if (m !== undefined && core.n.intDigits < 2 && core.n.integer) m = undefined; // 4K video
  }
  if (m === undefined) {
    if (currency && w.length === 2) {
      w = w[0];
      m = CURRENCY_LETTER_MULT[w];
      if (m === undefined) return;
    } else return;
  }
  const after = p + w.length;
  if (isAlnumAt(text, after) || (text[after] === "-" && isAlnumAt(text, after + 1))) return;
  core.n = { ...core.n, value: clean(core.n.value * m), multiplier: m, multiplied: true };
  core.end = after;
  core.letterMult = true;
}

function parseAt(text: string, pos: number, minStart: number): Parsed {
  const ch = text[pos];
  const code = text.charCodeAt(pos);

  // Phrases that only look like numerals: 十分, 百度, 万一, 三星…
  if (!isDigitAt(text, pos) && !isLetterAt(text, pos) && notFigureAt(text, pos)) {
    let k = pos + 1;
    while (k < text.length && chineseCategoryAt(text, k)) k++;
    return { skip: k };
  }

  // Vague idioms: 成千上万.
  const idioms = IDIOMS_BY_CHAR.get(ch);
  if (idioms) {
    for (const e of idioms) {
      const s = pos - e.offset;
      if (s >= minStart && text.startsWith(e.word, s)) {
        const [lo, hi] = VAGUE_IDIOMS[e.word];
        const b: Build = { start: s, end: s + e.word.length, value: lo, high: hi, approximate: true, kind: "number", chinese: true };
        return finish(text, b, minStart);
      }
    }
  }

  // Fast path for a single Chinese numeral character followed by nothing that can continue a figure.
  if (code >= 0x3400 && code < 0xff00) {
    const nx = text[pos + 1];
    if (nx === undefined) return { skip: pos + 1 };
    if (!chineseCategory(nx)) {
      const light = LIGHT_CHARS.has(ch);
      if (!(light ? LIGHT_LONE_NEXT : LONE_NEXT).has(nx)) return { skip: pos + 1 };
      if (light && (nx === "个" || nx === "個") && !LIGHT_AFTER_GE.has(text[pos + 2])) return { skip: pos + 1 };
    }
  }

  // Percent written first: 百分之四十七, 千分之五.
  if ((ch === "百" || ch === "千") && text.startsWith("分之", pos + 1)) {
    const p = pos + 3;
    const core = rangeCore(text, p);
    if (!core) return { skip: p };
    const b: Build = {
      start: pos,
      end: core.end,
      value: ch === "千" ? clean(core.n.value / 10) : core.n.value,
      approximate: core.n.approximate,
      kind: "percent",
      chinese: core.n.chinese,
    };
    if (core.n.high !== undefined) b.high = ch === "千" ? clean(core.n.high / 10) : core.n.high;
    // Range: 百分之十到百分之二十, 百分之十到二十.
    let r = core.end;
    if (isSpaceAt(text, r)) r++;
    const sep = RANGE_SEPS.match(text, r);
    if (sep && sep.value !== "and" && sep.value !== "or") {
      let q = sep.end;
      if (isSpaceAt(text, q)) q++;
      if (text.startsWith(ch + "分之", q)) q += 3;
      const c2 = rangeCore(text, q);
      if (c2 && c2.n.value > core.n.value) {
        b.high = ch === "千" ? clean(c2.n.value / 10) : c2.n.value;
        b.end = c2.end;
      }
    }
    return finish(text, b, minStart);
  }

  // The numeral itself.
  let core: Core | undefined;
  if (isLetterAt(text, pos)) {
    let start = pos;
    // "a billion", "an estimated"…: the article opens the numeral.
    const art = /(?:^|[^A-Za-z])(an?)\s$/i.exec(text.slice(Math.max(0, pos - 4), pos));
    if (art && pos - art[1].length - 1 >= minStart) start = pos - art[1].length - 1;
    let n = start !== pos ? scanEnglishNumber(text, start) : undefined;
    if (!n || n.end <= pos) {
      start = pos;
      n = scanEnglishNumber(text, pos);
    }
    if (!n) return { skip: pos + readLatinWord(text, pos).length };
    core = { n, start, end: n.end, arabic: false, negative: false, letterMult: false };
  } else if (arabicDigit(code) >= 0) {
    const r = arabicCore(text, pos, minStart);
    if (!r.core) return { skip: r.skip };
    core = r.core;
  } else {
    // 上百, 上千万: "reaching" a bare unit.
    if (isUnitChar(ch) && text[pos - 1] === "上" && pos - 1 >= minStart && !chineseCategoryAt(text, pos - 2)) {
      const n = scanNumeral(text, pos - 1);
      if (n) core = { n, start: pos - 1, end: n.end, arabic: false, negative: false, letterMult: false };
    }
    if (!core) {
      const n = scanNumeral(text, pos);
      if (!n) return { skip: pos + 1 };
      // Fast path: a lone digit (一个, 一些, 两国, 半导体) followed by nothing that could be its unit.
      if (n.lone && !n.unitOnly) {
        const nx = text[n.end];
        const light = LIGHT_CHARS.has(ch);
        if (nx === undefined || !(light ? LIGHT_LONE_NEXT : LONE_NEXT).has(nx)) return { skip: n.end };
      }
      core = { n, start: pos, end: n.end, arabic: false, negative: false, letterMult: false };
    }
  }
  // Ordinals and weekdays: 第一, 第 3 名, No. 5, 周五, 星期一, 初一.
  {
    let k = core.start;
    if (isSpaceAt(text, k - 1)) k--;
    if (ORDINAL.matchBefore(text, k)) return { skip: skipNumeralRun(text, core.end) };
  }

  // Currency prefix ($, US$, 人民币…) — needed now for glued letter multipliers ($5.6M).
  const cur = currencyBefore(text, core.start, minStart);
  letterMultiplier(text, core, !!cur);
  if (core.arabic) {
    // Glued letters that are no unit: 910B, 5G, 3D, 1st, 1980s.
    const a = core.end;
    if (isLetterAt(text, a) && !core.n.multiplied) {
      const l = text[a];
      const glueOk = (l === "x" || l === "X") && !isAlnumAt(text, a + 1);
      if (!glueOk) return { skip: skipIdentifier(text, pos) };
    }
  }

  // Juxtaposed vague range: 十几二十年 = 11..20 years.
  if (!core.arabic && core.n.approximate && chineseCategoryAt(text, core.end)) {
    const top = core.n.high ?? core.n.value;
    const b2 = scanNumeral(text, core.end);
    if (b2 && !b2.approximate && !b2.lone && b2.value > top && b2.value <= top * 3) {
      core.n = { ...core.n, high: b2.value, end: b2.end };
      core.end = b2.end;
    }
  }
  const n = core.n;

  // ISO dates and timestamps: 2025-02-07, 2025-02-07T14:33:55.896318.
  if (core.arabic && !core.negative) {
    const iso = isoDate(text, n);
    if (iso) {
      const b: Build = { start: core.start, end: iso.end, value: iso.value, approximate: false, kind: "date", chinese: false };
      return finish(text, b, minStart, { dateParts: [n.value, iso.month, iso.day] });
    }
  }

  // English dates: January 30, 2025 · Jan. 30 · 1 February 2025 · January 2025.
  if (core.arabic && n.integer && !n.multiplied && !n.grouped && !core.negative) {
    const mb = monthNameBefore(text, core.start);
    if (mb && mb.start >= minStart) {
      if (n.value >= 1 && n.value <= 31 && n.intDigits <= 2) {
        let end = core.end;
        let year = 0;
        const ym = /^,?\s(\d{4})(?![\d.,]?\d)/.exec(text.slice(end, end + 7));
        if (ym) {
          year = Number(ym[1]);
          end += ym[0].length;
        }
        const b: Build = { start: mb.start, end, value: year * 10000 + mb.month * 100 + n.value, approximate: false, kind: "date", chinese: false };
        return finish(text, b, minStart, { dateParts: [year, mb.month, n.value] });
      }
      if (n.intDigits === 4 && n.value >= 1000 && n.value <= 2999) {
        const b: Build = { start: mb.start, end: core.end, value: n.value * 10000 + mb.month * 100, approximate: false, kind: "date", chinese: false };
        return finish(text, b, minStart, { dateParts: [n.value, mb.month, 0] });
      }
    }
    const ma = n.value >= 1 && n.value <= 31 && n.intDigits <= 2 ? monthNameAfter(text, core.end) : undefined;
    if (ma) {
      let end = ma.end;
      let year = 0;
      const ym = /^,?\s(\d{4})(?![\d.,]?\d)/.exec(text.slice(end, end + 7));
      if (ym) {
        year = Number(ym[1]);
        end += ym[0].length;
      }
      const b: Build = { start: core.start, end, value: year * 10000 + ma.month * 100 + n.value, approximate: false, kind: "date", chinese: false };
      return finish(text, b, minStart, { dateParts: [year, ma.month, n.value] });
    }
  }

  // Fractions: 五分之一, 三分之二 → percent.
  if (text.startsWith("分之", core.end) && n.integer && n.value > 0) {
    const y = rangeCore(text, core.end + 2);
    if (y && y.n.value > 0) {
      const b: Build = { start: core.start, end: y.end, value: clean((y.n.value / n.value) * 100), approximate: false, kind: "percent", chinese: n.chinese };
      return finish(text, b, minStart, { fraction: true });
    }
  }

  // English vague and scaled numbers may name their unit after "of": billions of dollars.
  let tail = readTail(text, core.end, !core.arabic || core.letterMult || n.multiplied);
  if (!tail && n.english && n.multiplied) {
    const of = /^\s+of\s+/.exec(text.slice(core.end, core.end + 6));
    if (of) {
      const t = readTail(text, core.end + of[0].length, true);
      if (t && t.kind === "currency") tail = t;
    }
  }
  // Words after a number that make it no quantity: clock times (15 点), bus routes (332 路), floors.
  if (!tail) {
    let q = core.end;
    if (isSpaceAt(text, q)) q++;
    if (REJECT_AFTER.match(text, q)) return { skip: q };
  }

  // Range: 2026-2027, 10 到 15 年, 一到两年, 80-90%, $5-6 million, 2026或2027年, between 10 and 15.
  let high: number | undefined = n.high;
  let value = n.value;
  let end = tail ? tail.end : core.end;
  let approximate = n.approximate;
  let over = n.over;
  let rangeLone = false;
  const yearLikeA = core.arabic && n.integer && n.intDigits === 4 && !n.multiplied && !n.grouped;
  if (!core.negative) {
    let r = end;
    if (isSpaceAt(text, r)) r++;
    const sep = RANGE_SEPS.match(text, r);
    let ok = !!sep;
    if (sep) {
      if (sep.word === "—" && (text[sep.end] === "—" || text[r - 1] === "—")) ok = false;
      if (sep.value === "dash" && r !== end && !isSpaceAt(text, sep.end)) ok = false; // "10 -15"
      if (sep.value === "and") ok = /between\s$/i.test(text.slice(Math.max(0, core.start - 8), core.start));
      if (/^[a-z]/i.test(sep.word) && (r === end || !isSpaceAt(text, sep.end))) ok = false;
    }
    if (ok && sep) {
      let q = sep.end;
      if (isSpaceAt(text, q)) q++;
      // Repeated currency sign: $5 to $6 million.
      if (cur) {
        const m = CURRENCY_PREFIX.match(text, q);
        if (m && m.value === cur.code) {
          q = m.end;
          if (isSpaceAt(text, q)) q++;
        }
      }
      const c2 = rangeCore(text, q);
      if (c2 && !(c2.arabic && isoDate(text, c2.n))) {
        letterMultiplier(text, c2, !!cur);
        const tail2 = readTail(text, c2.end, !c2.arabic || c2.n.multiplied);
        let v1 = value;
        let v2 = c2.n.high ?? c2.n.value;
        // 5到6万 / 1-2 million: the left side takes the right side's multiplier.
        if (c2.n.multiplier > 1 && n.multiplier === 1 && !n.chinese && !c2.n.chinese) v1 = clean(v1 * c2.n.multiplier);
        else if (c2.n.chinese && c2.n.multiplied && n.lone && !n.multiplied && c2.n.value >= 10000 && isBigUnit(text[c2.end - 1])) {
          // 五到六万, 三到五亿: the left digit takes the right side's last big unit.
          v1 = clean(v1 * bigUnitValue(text[c2.end - 1]));
        }
        // 2026-27: a two-digit right side completes the left year.
        if (yearLikeA && c2.arabic && c2.n.intDigits === 2 && c2.n.integer && v2 < v1) {
          const full = Math.floor(v1 / 100) * 100 + v2;
          if (full > v1) v2 = full;
        }
        let good = v2 > v1;
        if (tail) {
          // Both sides carry the unit: 2022 年到 2023 年, 80%-90%; the right side must repeat it.
          if (!tail2 || tail2.kind !== tail.kind || (tail.currency && tail2.currency !== tail.currency)) good = false;
        }
        if (sep.value === "or" && !tail2 && !(yearLikeA && c2.n.intDigits === 4)) good = false;
        if (sep.value === "dash" && !c2.arabic !== !core.arabic) good = false;
        // Phone numbers and codes (555-1234, 010-12345678, 400-820-8820): not a range, not a figure.
        if (sep.value === "dash" && !tail && !tail2 && core.arabic && c2.arabic && !c2.n.grouped) {
          if ((n.intDigits <= 3 && c2.n.intDigits >= 4) || (text[c2.end] === sep.word && isDigitAt(text, c2.end + 1)) || n.leadingZero)
            return { skip: skipIdentifier(text, c2.end) };
        }
        if (tail2 && tail2.kind === "count" && !tail && sep.value === "dash" && core.arabic && n.intDigits >= 4) good = false;
        if (good) {
          value = v1;
          high = v2;
          approximate = approximate || c2.n.approximate;
          over = over || c2.n.over;
          if (tail2) tail = tail2;
          end = tail2 ? tail2.end : c2.end;
          rangeLone = c2.n.lone;
        }
      }
    }
  }

  const b: Build = {
    start: core.start,
    end,
    value: core.negative ? -value : value,
    approximate,
    kind: "number",
    chinese: n.chinese,
  };
  if (high !== undefined && high !== value) b.high = core.negative ? -high : high;
  if (cur) {
    b.currency = cur.code;
    b.kind = "currency";
  }
  let qualifierAfterOver = over;

  // Interpret the unit.
  let dateParts: [number, number, number] | undefined;
  if (tail) {
    switch (tail.kind) {
      case "percent":
        b.kind = "percent";
        if (tail.word === "‰") {
          b.value = clean(b.value / 10);
          if (b.high !== undefined) b.high = clean(b.high / 10);
        }
        break;
      case "pp":
        b.kind = "percent";
        b.pp = true;
        b.classifier = tail.word;
        break;
      case "tenths":
        if (!n.chinese || text[core.start] === "一" || !n.integer || b.value > 10) return { skip: end };
        b.kind = "percent";
        b.value = clean(b.value * 10);
        if (b.high !== undefined) b.high = clean(b.high * 10);
        break;
      case "multiple":
        b.kind = "multiple";
        b.classifier = tail.word;
        break;
      case "currency":
        b.kind = "currency";
        // 新台幣 150 萬元, 港币 100 元: a named currency before the number wins over the generic 元.
        if (!(cur && GENERIC_CURRENCY_SUFFIX.has(tail.word))) b.currency = tail.currency;
        break;
      case "duration":
        b.kind = "duration";
        b.unit = tail.unit;
        b.classifier = tail.word;
        if (tail.plus) b.value = clean(b.value + tail.plus);
        if (tail.over) qualifierAfterOver = true;
        break;
      case "count":
        b.kind = "count";
        b.classifier = tail.word;
        b.variety = VARIETY.has(tail.word);
        break;
      case "year": {
        const yearLike = isYearNumber(text, n, core.start, tail.end);
        if (yearLike && (b.high === undefined || b.high <= 2999)) {
          b.kind = "year";
          // 公元前 221 年: before the common era.
          if (bcBefore(text, core.start) && b.high === undefined) {
            b.value = -b.value;
            break;
          }
          // 2024 年 10 月 (1 日): a date.
          if (b.high === undefined) {
            const rest = chineseDateRest(text, tail.end, true);
            if (rest) {
              b.kind = "date";
              b.end = rest.end;
              end = rest.end;
              dateParts = [b.value, rest.month!, rest.day ?? 0];
              b.value = b.value * 10000 + rest.month! * 100 + (rest.day ?? 0);
            }
          }
        } else {
          if (n.positional) return { skip: end };
          b.kind = "duration";
          b.unit = "year";
          b.classifier = tail.word;
          // 一年半: one and a half years.
          if (text[end] === "半" && b.high === undefined) {
            b.value = clean(b.value + 0.5);
            end++;
            b.end = end;
          }
        }
        break;
      }
      case "month": {
        if (!n.integer || n.approximate || n.multiplied && !n.chinese || b.high !== undefined || b.value < 1 || b.value > 12) return { skip: end };
        b.kind = "date";
        const rest = chineseDateRest(text, tail.end, false);
        const day = rest?.day ?? 0;
        if (rest) {
          end = rest.end;
          b.end = end;
        }
        dateParts = [0, b.value, day];
        b.value = b.value * 100 + day;
        break;
      }
      case "day": {
        // A day alone: only Arabic digits with 日 (30日: the 30th; 45 日: 45 days). Chinese 三日 is too
        // ambiguous and 27 号 is as often a house number as a date.
        if (tail.word !== "日" || n.chinese) return { skip: end };
        if (!n.integer || n.multiplied || b.value < 1 || b.value > 31 || b.high !== undefined) {
          b.kind = "duration";
          b.unit = "day";
          b.classifier = tail.word;
          break;
        }
        b.kind = "date";
        dateParts = [0, 0, b.value];
        break;
      }
      case "century":
        if (!n.integer || n.value < 1 || n.value > 30 || b.high !== undefined) return { skip: end };
        b.kind = "date";
        b.century = true;
        b.classifier = tail.word;
        break;
      case "decade": {
        if (!n.integer || n.multiplied || n.chinese) return { skip: end };
        let y = b.value;
        if (n.intDigits === 2 && y % 10 === 0) y = 1900 + y;
        else if (!(n.intDigits === 4 && y % 10 === 0)) return { skip: end };
        b.kind = "year";
        b.value = y;
        b.high = y + 9;
        b.decade = true;
        break;
      }
    }
  } else if (b.kind === "number" && core.arabic) {
    // Bare Arabic numbers.
    if (b.high === undefined || yearLikeA) {
      if (yearLikeA && n.value >= 1800 && n.value <= 2199 && (b.high === undefined || b.high <= 2199)) b.kind = "year";
    }
  }

  // 2026或2027年 style ranges where only the right side had 年 are years too (handled above via tail).
  if (b.kind === "year" && b.high !== undefined && b.high <= b.value) return { skip: end };

  // --- keep or drop (conservative rules)
  const lone = n.lone && !n.english;
  const lightLone = isLoneLight(text, core);
  const k = b.kind;
  if (n.english) {
    if (!n.multiplied && !n.approximate) {
      const strong = k === "duration" || k === "percent" || k === "multiple" || k === "currency";
      if (!strong) {
        // Two companies, three GPUs: a count when a counted noun follows at once.
        const noun = isSpaceAt(text, end) ? nounAt(text, end + 1) : undefined;
        if (!noun || n.value < 2) return { skip: end };
      }
      if (n.value === 1 && k !== "duration") return { skip: end };
    }
  } else if (n.chinese) {
    if (lone || rangeLone || (n.approximate && !n.multiplied) || n.unitOnly) {
      // Lone digits and bare units need a unit; blockers before lone digits (唯一, 统一, 上一, 周五).
      if (lone && !n.unitOnly && BLOCK_BEFORE.matchBefore(text, core.start)) return { skip: end };
      const hasUnit = !!tail || !!cur;
      if (!hasUnit) {
        if (n.unitOnly && !lone && nounAt(text, core.end) && !ADVERB_AFTER.has(text[core.end])) {
          // 百万用户, 千万居民
        } else return { skip: core.end };
      }
      if (lightLone) {
        const allowed = k === "duration" || k === "percent" || k === "multiple" || k === "date" || (k === "currency" && (tail?.word.length ?? 0) > 1);
        if (!allowed) return { skip: end };
      }
      if (n.unitOnly && ADVERB_AFTER.has(text[core.end]) && !tail) return { skip: end };
    }
    if (n.positional && k !== "year" && k !== "date") return { skip: end };
    // Bare Chinese numbers under 100 are names more often than quantities (十九大, 二十国集团, 十几).
    if (!tail && !cur && b.high === undefined && Math.abs(b.value) < 100 && !nounAt(text, core.end)) return { skip: end };
    if (!tail && !cur && b.high !== undefined && b.high < 100 && !nounAt(text, core.end)) return { skip: end };
    if (n.unitOnly && (text[core.end] === "不" || text[core.end] === "别" || text[core.end] === "別")) return { skip: end };
  } else {
    // Arabic.
    if (k === "number") {
      if (n.leadingZero) return { skip: end };
      if (b.high === undefined && n.integer && Math.abs(b.value) < 10 && !n.multiplied) return { skip: end };
      if (b.high !== undefined && Math.abs(b.high) < 10 && !n.multiplied) return { skip: end }; // 1-2 punch
      // Version numbers: 2.0, Claude 3.5, Windows 11.
      if (!n.integer && !n.multiplied && /\.0+$/.test(text.slice(core.start, core.end))) return { skip: end };
      if (!n.multiplied && b.high === undefined) {
        let j = core.start - 1;
        if (isSpaceAt(text, j)) {
          let s = j - 1;
          while (s >= 0 && isLetterAt(text, s)) s--;
          const w = text.slice(s + 1, j);
          if (w && /[A-Z]/.test(w) && !VERSION_EXEMPT.has(w.toLowerCase()) && !MONTHS[w.toLowerCase()]) return { skip: end };
        }
      }
    }
  }

  // Noun-less "over" from 多/余 becomes the qualifier.
  if (qualifierAfterOver) b.qualifier = "over";

  b.end = end;
  return finish(text, b, minStart, { dateParts });
}

/** A counted-noun word starting exactly at `pos`. */
function nounAt(text: string, pos: number): string | undefined {
  return NOUNS.match(text, pos)?.word;
}

/** Counted-noun words in text[from, to), in order; `visit` returns true to stop. */
function scanNouns(text: string, from: number, to: number, visit: (word: string, start: number, end: number, cls: NounClass) => boolean): void {
  for (let k = from; k < to; k++) {
    if (isLetterAt(text, k) && k > 0 && isLetterAt(text, k - 1)) continue; // Latin words match at word starts only
    const m = NOUNS.match(text, k);
    if (!m || m.end > to) continue;
    if (visit(m.word, k, m.end, m.value)) return;
    k = m.end - 1;
  }
}

function skipNumeralRun(text: string, pos: number): number {
  let k = pos;
  while (k < text.length && (chineseCategoryAt(text, k) || isDigitAt(text, k))) k++;
  return k;
}

interface FinishOptions {
  dateParts?: [number, number, number];
  fraction?: boolean;
}

/** Qualifiers around the figure, then the display. */
function finish(text: string, b: Build, minStart: number, opts: FinishOptions = {}): Parsed {
  // Qualifier after: 左右, 以上, or more.
  {
    let p = b.end;
    const sp = isSpaceAt(text, p);
    if (sp) p++;
    const m = QUAL_AFTER.match(text, p);
    if (m && (!QUAL_AFTER_DURATION_ONLY.has(m.word) || b.kind === "duration") && b.kind !== "date") {
      const latin = /^[A-Za-z]/.test(m.word);
      if ((!latin || sp || m.word.startsWith("-")) && !(m.word.startsWith("-") && sp)) {
        if (!(b.kind === "year" && m.value !== "about")) {
          b.qualifier = b.qualifier ?? m.value;
          b.end = m.end;
        }
      }
    }
  }
  // Currency prefix before the start (for figures whose start was not the numeral: ranges, idioms).
  if (b.kind !== "date" && b.kind !== "year") {
    const cur = currencyBefore(text, b.start, minStart);
    if (cur) {
      if (!b.currency) {
        b.currency = cur.code;
        b.kind = "currency";
      }
      b.start = cur.start;
    }
  }
  if (b.kind !== "date") {
    // Years take only an adjacent "about" (约 2030 年); other figures any qualifier.
    const q = qualifierBefore(text, b.start, minStart);
    if (q && (b.kind !== "year" || (q.q === "about" && q.adjacent))) {
      b.qualifier = q.q;
      if (q.adjacent) b.start = q.start;
    }
  }
  const figure: Figure = {
    start: b.start,
    end: b.end,
    text: text.slice(b.start, b.end),
    kind: b.kind,
    value: b.value,
    display: display(b, opts),
    chineseNumerals: b.chinese,
  };
  if (b.high !== undefined) figure.high = b.high;
  if (b.approximate) figure.approximate = true;
  if (b.qualifier) figure.qualifier = b.qualifier;
  if (b.currency) figure.currency = b.currency;
  if (b.classifier) figure.classifier = b.classifier;
  return { figure, skip: b.end };
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : n % 10 === 1 ? "st" : n % 10 === 2 ? "nd" : n % 10 === 3 ? "rd" : "th";
  return `${n}${s}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

function display(b: Build, opts: FinishOptions): string {
  const approx = b.approximate ? "≈" : "";
  const range = (f: (v: number) => string, sepSuffix = ""): string =>
    b.high !== undefined ? `${f(b.value)}–${f(b.high)}${sepSuffix}` : `${f(b.value)}${sepSuffix}`;
  switch (b.kind) {
    case "currency": {
      const sym = CURRENCY_DISPLAY[b.currency ?? ""] ?? `${b.currency} `;
      return `${approx}${sym}${range((v) => formatNumber(v, 2))}`;
    }
    case "percent":
      if (b.pp) return `${approx}${range((v) => formatNumber(v, 2))} pp`;
      return `${approx}${range((v) => formatNumber(v, opts.fraction ? 1 : 2))}%`;
    case "multiple":
      return `${approx}${range((v) => formatNumber(v, 2))}×`;
    case "duration": {
      const names = DURATION_DISPLAY[b.unit ?? "year"] ?? [b.unit ?? "", b.unit ?? ""];
      const plural = b.high !== undefined || b.value !== 1;
      return `${approx}${range((v) => formatNumber(v, 2))} ${plural ? names[1] : names[0]}`;
    }
    case "year":
      if (b.decade) return `${b.value}s`;
      if (b.value < 0 && b.high === undefined) return `${-b.value} BC`;
      return range((v) => String(v));
    case "date": {
      if (b.century) return `${ordinal(b.value)} century`;
      const [y, m, d] = opts.dateParts ?? [Math.floor(b.value / 10000), Math.floor(b.value / 100) % 100, b.value % 100];
      if (y && m && d) return `${y}-${pad2(m)}-${pad2(d)}`;
      if (y && m) return `${y}-${pad2(m)}`;
      if (m && d) return `${MONTH_DISPLAY[m - 1]} ${d}`;
      if (m) return MONTH_DISPLAY[m - 1];
      if (d) return `day ${d}`;
      return String(b.value);
    }
    default:
      return `${approx}${range((v) => formatNumber(v, 4))}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Counted nouns

function clauseBounds(text: string, from: number, dir: 1 | -1, limit: number): number {
  let k = from;
  if (dir === 1) {
    const max = Math.min(text.length, from + limit);
    while (k < max) {
      const c = text.charCodeAt(k);
      if (CLAUSE_STOP_CODES.has(c)) break;
      if (c === 46 /* . */ && (k + 1 >= text.length || isSpaceAt(text, k + 1) || text.charCodeAt(k + 1) === 10)) break;
      k++;
    }
    return k;
  }
  const min = Math.max(0, from - limit);
  while (k > min) {
    const c = text.charCodeAt(k - 1);
    if (CLAUSE_STOP_CODES.has(c) || (c === 46 && isSpaceAt(text, k))) break;
    k--;
  }
  return k;
}

const CONNECTOR_CHARS = new Set<string>([...data.qualifierLinks, ...data.connectorChars]);

/** Text made only of qualifiers and linking characters (超过, 约有, 共, 达到). */
function isConnector(s: string): boolean {
  let k = 0;
  while (k < s.length) {
    if (isSpaceAt(s, k) || CONNECTOR_CHARS.has(s[k])) {
      k++;
      continue;
    }
    const m = QUAL_BEFORE.match(s, k);
    if (!m) return false;
    k = m.end;
  }
  return true;
}

function attachNouns(text: string, figures: Figure[]): void {
  for (let i = 0; i < figures.length; i++) {
    const f = figures[i];
    if (f.kind === "year" || f.kind === "date" || f.kind === "duration" || f.kind === "multiple") continue;
    if (f.classifier && MEASURE.has(f.classifier)) continue; // 28 纳米芯片: nanometres, not chips
    const nextStart = i + 1 < figures.length ? figures[i + 1].start : text.length;
    const stop = Math.min(clauseBounds(text, f.end, 1, NOUN_WINDOW), nextStart);
    const money = f.kind === "currency";
    let noun: string | undefined;
    scanNouns(text, f.end, stop, (word, _s, _e, cls) => {
      if (f.kind === "percent" || cls.money === money) {
        noun = word;
        return true;
      }
      return false;
    });
    if (!noun && (f.kind === "count" || f.kind === "number") && f.classifier) {
      // A chip model number as the noun: 1 万块 H100.
      CHIP_TOKEN_RE.lastIndex = 0;
      const c = CHIP_TOKEN_RE.exec(text.slice(f.end, stop));
      if (c) noun = c[0];
    }
    if (!noun && (money || f.kind === "count" || f.kind === "number")) {
      // Look back within the clause: 员工人数不足100, 成本为 600 万美元.
      const prevEnd = i > 0 ? figures[i - 1].end : 0;
      const from = Math.max(prevEnd, clauseBounds(text, f.start, -1, NOUN_LOOKBACK));
      scanNouns(text, from, f.start, (word, _s, end, cls) => {
        if (cls.money !== money) return false;
        // A counted noun before a count must be followed by a count word (员工人数不足100) or only by
        // qualifiers and linking words (员工超过 2 万名).
        const between = text.slice(end, f.start);
        if (!money && !COUNT_WORDS.some((w) => between.startsWith(w) || between.startsWith(" " + w)) && !isConnector(between)) return false;
        noun = word;
        return false; // keep the last one
      });
    }
    if (noun) {
      f.noun = noun;
      if (f.kind === "number") f.kind = "count";
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Public API

/** All figures of `text` in document order, with exact UTF-16 ranges. */
export function findFigures(text: string): Figure[] {
  const out: Figure[] = [];
  let minStart = 0;
  let pos = nextCandidate(text, 0);
  while (pos < text.length) {
    const r = parseAt(text, pos, minStart);
    let next: number;
    if (r.figure && r.figure.start >= minStart && r.figure.end > r.figure.start) {
      out.push(r.figure);
      minStart = r.figure.end;
      next = r.figure.end;
    } else next = Math.max(r.skip, pos + 1);
    pos = nextCandidate(text, next);
  }
  attachNouns(text, out);
  return out;
}

/** The quantity kind of a figure's key: gpu-count, cost-usd, share, duration… */
export function quantityKind(f: Figure): string {
  const cls = nounClassOf(f.noun);
  if (f.kind === "currency") {
    const ccy = (f.currency ?? "xxx").toLowerCase();
    return cls && cls.money ? `${cls.quantity}-${ccy}` : `cost-${ccy}`;
  }
  if (f.kind === "percent") return "share";
  if ((f.kind === "count" || f.kind === "number") && cls && !cls.money && !(f.classifier && VARIETY.has(f.classifier))) return cls.quantity;
  return f.kind;
}

function isChipMention(m: Mention, typeOf?: (id: string) => string | undefined): boolean {
  const t = typeOf?.(m.entityId);
  if (t) return t === "chip";
  const s = m.surface.replace(/\s+/g, "");
  return CHIP_NAME.test(s) || nounClassOf(s)?.name === "gpu";
}

/**
 * Set `subject` and `key` of each figure. The subject is the entity mentioned nearest before the figure
 * in its sentence (else nearest after it in the sentence, else the last one of the previous sentence),
 * reduced to its root with `parentOf` (DeepSeek-V3 → deepseek). When the figure counts chips, chip
 * mentions are skipped (they are what is counted, not who has them), as are mentions inside the
 * figure's noun phrase; a classifier count whose nearest preceding mention is a chip (H100…，大约 1 万块)
 * counts that chip. Years and dates are never keyed. `typeOf` (optional) gives entity types;
 * without it chips are recognized by their surface (H100, 910B, 芯片).
 */
export function keyFigures(
  text: string,
  figures: Figure[],
  mentions: Mention[],
  sentences: Span[],
  parentOf: (id: string) => string | undefined,
  typeOf?: (id: string) => string | undefined,
): void {
  const ms = mentions.slice().sort((a, b) => a.start - b.start || a.end - b.end);
  const ss = sentences.slice().sort((a, b) => a.start - b.start);
  const root = (id: string): string => {
    let cur = id;
    for (let k = 0; k < 8; k++) {
      const p = parentOf(cur);
      if (!p || p === cur) break;
      cur = p;
    }
    return cur;
  };
  // Index of the last mention starting before `pos`.
  const lastBefore = (pos: number): number => lowerBound(ms, pos) - 1;
  const sentenceOf = (pos: number): number => {
    let lo = 0;
    let hi = ss.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ss[mid].start <= pos) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    return i >= 0 && pos < ss[i].end ? i : -1;
  };
  for (const f of figures) {
    if (f.kind === "year" || f.kind === "date") {
      delete f.subject;
      delete f.key;
      continue;
    }
    let quantity = quantityKind(f);
    let chipCount = quantity === "gpu-count";
    // 第一种是 H100…，大约 1 万块: a classifier count right after a chip name counts that chip.
    if (!chipCount && f.kind === "count" && !f.noun && f.classifier && !VARIETY.has(f.classifier)) {
      const si0 = sentenceOf(f.start);
      const s0 = si0 >= 0 ? ss[si0].start : 0;
      for (let k = lastBefore(f.start); k >= 0 && ms[k].start >= s0; k--) {
        if (ms[k].end > f.start) continue;
        if (isChipMention(ms[k], typeOf)) {
          quantity = "gpu-count";
          chipCount = true;
        }
        break;
      }
    }
    // The noun phrase after the figure (五萬張走私而來的英偉達 A100…顯示卡): its mentions are not the subject.
    let nounEnd = f.end;
    if (f.noun) {
      const at = text.indexOf(f.noun, f.end);
      if (at >= 0 && at - f.end <= NOUN_WINDOW) nounEnd = at + f.noun.length;
    }
    const eligible = (m: Mention): boolean => {
      if (m.end > f.start && m.start < f.end) return false;
      if (chipCount && isChipMention(m, typeOf)) return false;
      return true;
    };
    const si = sentenceOf(f.start);
    const sStart = si >= 0 ? ss[si].start : 0;
    const sEnd = si >= 0 ? ss[si].end : text.length;
    let found: Mention | undefined;
    for (let k = lastBefore(f.start); k >= 0 && ms[k].start >= sStart; k--) {
      if (ms[k].end <= f.start && eligible(ms[k])) {
        found = ms[k];
        break;
      }
    }
    if (!found) {
      for (let k = lastBefore(f.end) + 1; k < ms.length && ms[k].start < sEnd; k++) {
        const m = ms[k];
        if (m.start < nounEnd || m.end > sEnd) continue;
        if (eligible(m)) {
          found = m;
          break;
        }
      }
    }
    if (!found && si > 0) {
      const prev = ss[si - 1];
      for (let k = lastBefore(prev.end); k >= 0 && ms[k].start >= prev.start; k--) {
        if (ms[k].end <= prev.end && eligible(ms[k])) {
          found = ms[k];
          break;
        }
      }
    }
    if (found) {
      f.subject = root(found.entityId);
      f.key = `${f.subject}/${quantity}`;
    } else {
      delete f.subject;
      delete f.key;
    }
  }
}
