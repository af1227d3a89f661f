// Numerals in Chinese (simplified and traditional), Arabic (ASCII and full-width) and English words.
//
// `scanNumeral(text, pos)` reads the numeral that starts at `pos` and is the building block of figure
// recognition (figures.ts); `parseChineseNumber(s)` and `parseNumber(s)` read a whole string.
//
// Vague magnitudes (documented decision):
//   - 数/數/几/幾 before a unit stand for a digit 2..9: 数十 = 20..90, 几万 = 20,000..90,000,
//     数十亿 = 2e9..9e9 ("billions"), 数百亿 = 2e10..9e10 ("tens of billions").
//   - 几/幾 after a unit stands for a digit 1..9 in the next place: 十几 = 11..19, 二十几 = 21..29, 一百几十 = 110..190.
//   - A lone 几 (几个月) is 2..9.
//   - 上 before a bare unit means "reaching": 上百 = 100..900, 上万 = 10,000..90,000.
//   - Two adjacent digits are a range: 两三 = 2..3, 三五 = 3..5, 三四十 = 30..40.
//   - 多/余/餘 after a round number (一百多, 100多万, 十多) do not widen the value: the numeral keeps its
//     round value and is flagged `over` (the figure gets qualifier "over").
//   - English plurals: dozens = 24..108, hundreds = 200..900, tens of thousands = 20,000..90,000,
//     billions = 2e9..9e9.
//   All of these are `approximate`; `parseChineseNumber` returns the low end, `parseNumber` both ends.

import data from "../../data/figures.json";

export interface Numeral {
  start: number;
  end: number;
  value: number;
  high?: number;
  /** Vague magnitude (数十亿, 几万, 十几, 两三, dozens). */
  approximate: boolean;
  /** Followed by 多/余 (一百多, 100多万): "more than". */
  over: boolean;
  /** Written with Chinese numerals (no Arabic digits, no English words). */
  chinese: boolean;
  /** Written with English number words. */
  english: boolean;
  integer: boolean;
  /** Arabic: number of digits of the integer part; Chinese positional (二〇二五): number of digits. */
  intDigits: number;
  /** Arabic with thousands separators (10,000). */
  grouped: boolean;
  /** A multiplier or a Chinese unit character is part of the numeral (5万, 五萬, 十七, 5 million). */
  multiplied: boolean;
  /** A multiplier (万, 亿, million) written after Arabic digits or English words; 1 when none. */
  multiplier: number;
  /** A single Chinese digit, unit or vague character with nothing else (一, 两, 几, 十, 百, 半). */
  lone: boolean;
  /** Chinese units only (百, 千万, 万亿). */
  unitOnly: boolean;
  /** Chinese digits read position by position (二〇二五). */
  positional: boolean;
  /** Arabic integer written with a leading zero (02). */
  leadingZero: boolean;
}

const DIGIT: Record<string, number> = data.chineseDigits;
const UNIT: Record<string, number> = data.chineseUnits;
const BIG: Record<string, number> = data.chineseBigUnits;
const ARABIC_MULT: Record<string, number> = data.arabicMultipliers;
const MULT_BLOCK: Record<string, string[]> = data.multiplierBlockers;
const ENGLISH_MULT: Record<string, number> = data.englishMultipliers;

// Character categories of Chinese numerals.
const C_DIGIT = 1, C_UNIT = 2, C_BIG = 3, C_VAGUE = 4, C_VAGUE_PREFIX = 5, C_POINT = 6, C_OVER = 7;
/** Category by UTF-16 code unit (0 = not a Chinese numeral character). */
const CAT_CODE = new Uint8Array(65536);
const setCat = (c: string, k: number) => (CAT_CODE[c.charCodeAt(0)] = k);
for (const c of Object.keys(DIGIT)) setCat(c, C_DIGIT);
for (const c of Object.keys(UNIT)) setCat(c, C_UNIT);
for (const c of Object.keys(BIG)) setCat(c, C_BIG);
for (const c of data.vagueDigits) setCat(c, data.vaguePrefixOnly.includes(c) ? C_VAGUE_PREFIX : C_VAGUE);
for (const c of data.decimalPoints) setCat(c, C_POINT);
for (const c of data.overSuffixes) setCat(c, C_OVER);
/** Category of the character `c` (a one-character string, possibly undefined), undefined when none. */
const CAT = {
  get(c: string | undefined): number | undefined {
    if (c === undefined || c.length === 0) return undefined;
    return CAT_CODE[c.charCodeAt(0)] || undefined;
  },
  has(c: string | undefined): boolean {
    return c !== undefined && c.length > 0 && CAT_CODE[c.charCodeAt(0)] !== 0;
  },
};
/** Category of the code unit at text[i], 0 when none. */
function catAt(text: string, i: number): number {
  return i < text.length ? CAT_CODE[text.charCodeAt(i)] : 0;
}
const REACH = new Set<string>(data.reachPrefix);
const HALF = "半";
/** Characters after 多/余 that make a word (多数, 多少, 多样), so 多 is not "more than". */
const OVER_BLOCK = new Set("数數少么麼样樣种種元".split(""));

/** Category of a character as a Chinese numeral, 0 when it is none. */
export function chineseCategory(c: string): number {
  return CAT.get(c) ?? 0;
}
/** Category of the character at text[i] as a Chinese numeral, 0 when none. */
export function chineseCategoryAt(text: string, i: number): number {
  return catAt(text, i);
}
export function isChineseNumeralChar(c: string): boolean {
  const k = CAT.get(c);
  return k !== undefined && k !== C_POINT && k !== C_OVER;
}
export function isChineseDigit(c: string): boolean {
  return CAT.get(c) === C_DIGIT;
}
export function isBigUnit(c: string): boolean {
  return CAT.get(c) === C_BIG;
}
/** Value of a big unit character (万 → 1e4, 亿 → 1e8, 兆 → 1e12), 1 for anything else. */
export function bigUnitValue(c: string): number {
  return BIG[c] ?? 1;
}
export function isUnitChar(c: string): boolean {
  const k = CAT.get(c);
  return k === C_UNIT || k === C_BIG;
}

/** Value of an Arabic digit (ASCII or full-width) at code unit `code`, or -1. */
export function arabicDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 0xff10 && code <= 0xff19) return code - 0xff10;
  return -1;
}

/** Round away binary noise (5.6 * 1e8 → 560000000, 1.15e8 → 115000000). */
export function clean(v: number): number {
  return Number.isInteger(v) || !Number.isFinite(v) ? v : Number(v.toPrecision(12));
}

function isSpace(code: number): boolean {
  return code === 32 || code === 0xa0 || code === 0x2009 || code === 0x202f || code === 0x2005 || code === 0x2006;
}
function isLatinLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function blank(start: number): Numeral {
  return {
    start, end: start, value: 0, approximate: false, over: false, chinese: false, english: false, integer: true,
    intDigits: 0, grouped: false, multiplied: false, multiplier: 1, lone: false, unitOnly: false, positional: false,
    leadingZero: false,
  };
}

/**
 * Read a numeral starting exactly at `pos`: Arabic digits (with separators, decimals, and a following
 * multiplier 万/亿/千/百/million/billion), a run of Chinese numerals, or 上百-style reach. English number
 * words are read by `scanEnglishNumber`. Returns undefined when nothing numeric starts at `pos`.
 */
export function scanNumeral(text: string, pos: number): Numeral | undefined {
  const code = text.charCodeAt(pos);
  if (arabicDigit(code) >= 0) return scanArabic(text, pos);
  const c = text[pos];
  if (REACH.has(c)) {
    const u = text[pos + 1];
    if (u !== undefined && (CAT.get(u) === C_UNIT || CAT.get(u) === C_BIG) && u !== "十" && u !== "拾") {
      const n = scanChinese(text, pos + 1);
      if (n && n.unitOnly) {
        n.start = pos;
        n.high = clean(n.value * 9);
        n.approximate = true;
        return n;
      }
    }
    return undefined;
  }
  if (c === HALF) {
    const n = blank(pos);
    n.end = pos + 1;
    n.value = 0.5;
    n.integer = false;
    n.chinese = true;
    n.lone = true;
    return n;
  }
  if (CAT.has(c)) return scanChinese(text, pos);
  return undefined;
}

function scanArabic(text: string, pos: number): Numeral {
  const n = blank(pos);
  const len = text.length;
  let i = pos;
  let v = 0;
  let d: number;
  while (i < len && (d = arabicDigit(text.charCodeAt(i))) >= 0) {
    v = v * 10 + d;
    n.intDigits++;
    i++;
  }
  n.leadingZero = n.intDigits > 1 && arabicDigit(text.charCodeAt(pos)) === 0;
  // Thousands separators: groups of exactly three digits after a first group of at most three.
  if (n.intDigits <= 3 && !n.leadingZero) {
    while (
      text.charCodeAt(i) === 44 /* , */ &&
      arabicDigit(text.charCodeAt(i + 1)) >= 0 &&
      arabicDigit(text.charCodeAt(i + 2)) >= 0 &&
      arabicDigit(text.charCodeAt(i + 3)) >= 0 &&
      arabicDigit(text.charCodeAt(i + 4)) < 0
    ) {
      v = v * 1000 + arabicDigit(text.charCodeAt(i + 1)) * 100 + arabicDigit(text.charCodeAt(i + 2)) * 10 + arabicDigit(text.charCodeAt(i + 3));
      n.intDigits += 3;
      n.grouped = true;
      i += 4;
    }
  }
  // Decimal part.
  const dot = text.charCodeAt(i);
  if ((dot === 46 || dot === 0xff0e) && arabicDigit(text.charCodeAt(i + 1)) >= 0) {
    i++;
    let frac = 0;
    let scale = 1;
    while (i < len && (d = arabicDigit(text.charCodeAt(i))) >= 0) {
      frac = frac * 10 + d;
      scale *= 10;
      i++;
    }
    v = v + frac / scale;
    n.integer = false;
  }
  n.value = n.integer ? v : clean(v);
  n.end = i;
  applyMultipliers(text, n);
  return n;
}

/** Multipliers after Arabic digits: [多/余] 万/亿/千/百 chain, or an English scale word; then a trailing 多/余. */
function applyMultipliers(text: string, n: Numeral): void {
  let i = n.end;
  let j = i;
  if (isSpace(text.charCodeAt(j))) j++;
  let over = false;
  if ((catAt(text, j) || undefined) === C_OVER && ARABIC_MULT[text[j + 1]] !== undefined && n.integer && n.value >= 10) {
    over = true;
    j++;
  }
  let mult = 1;
  let k = j;
  let count = 0;
  while (count < 3) {
    const c = text[k];
    const m = ARABIC_MULT[c];
    if (m === undefined) break;
    // A smaller multiplier may only precede a bigger one (千万, 百亿), never follow it (万千).
    if (count > 0 && m <= 100 && mult >= 10000) break;
    const blockers = MULT_BLOCK[c];
    if (blockers && blockers.some((b) => text.startsWith(b, k + 1))) break;
    // 百分之 after a number is not a multiplier.
    mult *= m;
    k++;
    count++;
  }
  if (count > 0) {
    n.value = clean(n.value * mult);
    n.multiplier = mult;
    n.multiplied = true;
    n.end = k;
    if (over) n.over = true;
  } else if (!over) {
    // English scale word: "5.6 million", "3 billion".
    let w = i;
    if (isSpace(text.charCodeAt(w))) w++;
    const word = readLatinWord(text, w);
    if (word) {
      const m = ENGLISH_MULT[word.toLowerCase()];
      if (m !== undefined && (word.length > 2 || w === i)) {
        n.value = clean(n.value * m);
        n.multiplier = m;
        n.multiplied = true;
        n.end = w + word.length;
      }
    }
  }
  trailingOver(text, n);
}

/** 多/余/餘 right after a round number (100多, 十多, 5万多), unless they start a word (多数, 多少). */
function trailingOver(text: string, n: Numeral): void {
  const c = text[n.end];
  if (CAT.get(c) !== C_OVER || n.over) return;
  if (!n.integer || n.value < 10) return;
  if (!n.multiplied && !n.chinese && n.value % 10 !== 0) return;
  const next = text[n.end + 1];
  if (next !== undefined && OVER_BLOCK.has(next)) return;
  n.over = true;
  n.end++;
}

/** The ASCII letter run starting at `pos` ("" when none). */
export function readLatinWord(text: string, pos: number): string {
  let k = pos;
  while (k < text.length && isLatinLetter(text.charCodeAt(k))) k++;
  return text.slice(pos, k);
}

function scanChinese(text: string, pos: number): Numeral | undefined {
  const len = text.length;
  let k = pos;
  const first = (catAt(text, pos) || undefined);
  if (first === undefined || first === C_POINT || first === C_OVER) return undefined;
  if (first === C_VAGUE_PREFIX) {
    const u = (catAt(text, pos + 1) || undefined);
    if (u !== C_UNIT && u !== C_BIG) return undefined;
  }
  while (k < len) {
    const cat = (catAt(text, k) || undefined);
    if (cat === undefined) break;
    if (cat === C_VAGUE_PREFIX && k !== pos) break;
    if (cat === C_POINT) {
      if ((catAt(text, k - 1) || undefined) !== C_DIGIT || (catAt(text, k + 1) || undefined) !== C_DIGIT) break;
    } else if (cat === C_OVER) {
      const nx = (catAt(text, k + 1) || undefined);
      if (nx !== C_BIG && nx !== C_UNIT) break;
    }
    k++;
    if (k - pos >= 24) break;
  }
  // Longest valid prefix of the run.
  for (let end = k; end > pos; end--) {
    const lastCat = (catAt(text, end - 1) || undefined);
    if (lastCat === C_POINT || lastCat === C_OVER) continue;
    const n = evalChinese(text, pos, end);
    if (n) {
      // A numeral cut inside a run of digits (十四五, 十一五 are plan names) is no numeral, except a
      // vague one followed by its upper end (十几二十).
      if (end < k && (catAt(text, end) || undefined) === C_DIGIT && !n.approximate) return undefined;
      trailingOver(text, n);
      return n;
    }
  }
  return undefined;
}

interface EvalState {
  vague: boolean;
  ranged: boolean;
  over: boolean;
  hasUnit: boolean;
  hasDigit: boolean;
  decimal: boolean;
}

/** Value of the Chinese numeral text[start, end) with vague digits at their low or high end; NaN when malformed. */
function evalRun(text: string, start: number, end: number, hi: boolean, st: EvalState): number {
  // Groups already closed by a big unit (亿, 万, 兆), largest first: [unit, value].
  const groups: number[][] = [];
  let section = 0; // below the smallest big unit
  let pend = -1; // pending digit
  let pendVague = false;
  let lastUnit = 0;
  let sectionUnit = Infinity;
  let zero = false;
  let inFrac = false;
  let fracScale = 0.1;
  for (let k = start; k < end; k++) {
    const c = text[k];
    const cat = CAT.get(c);
    if (cat === C_DIGIT) {
      const d = DIGIT[c];
      st.hasDigit = true;
      if (inFrac) {
        section += d * fracScale;
        fracScale /= 10;
        continue;
      }
      if (d === 0) {
        if (pend >= 0 || k === start) return NaN; // 零 opens no numeral but 零 itself and 零点五
        zero = true;
        continue;
      }
      if (pend >= 0) {
        if (pendVague) return NaN;
        // Two adjacent digits before a unit: a range (三四十 = 30..40, 两三百 = 200..300).
        const nx = (catAt(text, k + 1) || undefined);
        if ((d === pend + 1 || (pend === 3 && d === 5)) && (nx === C_UNIT || nx === C_BIG) && !st.ranged) {
          st.ranged = true;
          if (hi) pend = d;
          continue;
        }
        return NaN;
      }
      pend = d;
      continue;
    }
    if (cat === C_VAGUE || cat === C_VAGUE_PREFIX) {
      if (pend >= 0 || inFrac) return NaN;
      st.vague = true;
      st.hasDigit = true;
      pendVague = true;
      pend = hi ? 9 : lastUnit > 0 ? 1 : 2;
      continue;
    }
    if (cat === C_POINT) {
      if (pend < 0 || inFrac) return NaN;
      section += pend;
      pend = -1;
      inFrac = true;
      st.decimal = true;
      continue;
    }
    if (cat === C_OVER) {
      st.over = true;
      continue;
    }
    if (cat === C_UNIT) {
      if (inFrac) return NaN;
      const u = UNIT[c];
      st.hasUnit = true;
      if (pend < 0) {
        if (k === start || (zero && u === 10)) pend = 1;
        else return NaN;
      }
      if (u >= sectionUnit) return NaN;
      sectionUnit = u;
      section += pend * u;
      pend = -1;
      pendVague = false;
      lastUnit = u;
      zero = false;
      continue;
    }
    if (cat === C_BIG) {
      // 一亿五千万, 万亿, 二兆一千六百億: everything smaller than this unit is multiplied by it.
      const b = BIG[c];
      st.hasUnit = true;
      inFrac = false;
      let seg = section + (pend > 0 ? pend : 0);
      while (groups.length && groups[groups.length - 1][0] < b) seg += groups.pop()![1];
      if (groups.length && groups[groups.length - 1][0] === b) return NaN; // 万 twice in one section
      if (seg === 0) {
        if (k === start) seg = 1;
        else return NaN;
      }
      groups.push([b, seg * b]);
      section = 0;
      pend = -1;
      pendVague = false;
      lastUnit = b;
      sectionUnit = Infinity;
      zero = false;
      continue;
    }
    return NaN;
  }
  if (pend >= 0) {
    // 三千五 = 3500, 一万五 = 15000, 十五 = 15; but 一百零五 = 105.
    if (lastUnit >= 10 && !zero) pend *= lastUnit / 10;
    section += pend;
  }
  let total = section;
  for (const g of groups) total += g[1];
  return total;
}

function evalChinese(text: string, start: number, end: number): Numeral | undefined {
  const n = blank(start);
  n.end = end;
  n.chinese = true;
  const st: EvalState = { vague: false, ranged: false, over: false, hasUnit: false, hasDigit: false, decimal: false };
  // Positional runs: digits only (二〇二五, 一九四九) or two adjacent digits (两三, 三五).
  let digitsOnly = true;
  for (let k = start; k < end; k++) {
    if ((catAt(text, k) || undefined) !== C_DIGIT) {
      digitsOnly = false;
      break;
    }
  }
  if (digitsOnly) {
    if (end - start === 1) {
      n.value = DIGIT[text[start]];
      n.lone = true;
      return n;
    }
    const a = DIGIT[text[start]];
    const b = DIGIT[text[start + 1]];
    if (end - start === 2 && a >= 1 && (b === a + 1 || (a === 3 && b === 5))) {
      n.value = a;
      n.high = b;
      n.approximate = true;
      return n;
    }
    let hasZero = false;
    let v = 0;
    for (let k = start; k < end; k++) {
      const d = DIGIT[text[k]];
      if (d === 0) hasZero = true;
      v = v * 10 + d;
    }
    if (end - start >= 3 || hasZero) {
      n.value = v;
      n.positional = true;
      n.intDigits = end - start;
      return n;
    }
    return undefined;
  }
  const lo = evalRun(text, start, end, false, st);
  if (Number.isNaN(lo)) return undefined;
  // 百/千/万/亿 may open a numeral only when units follow (百万, 千万): 万一 is not 11,000.
  const c0 = (catAt(text, start) || undefined);
  if ((c0 === C_BIG || (c0 === C_UNIT && UNIT[text[start]] !== 10)) && st.hasDigit) return undefined;
  const st2: EvalState = { vague: false, ranged: false, over: false, hasUnit: false, hasDigit: false, decimal: false };
  const hi = st.vague || st.ranged ? evalRun(text, start, end, true, st2) : lo;
  n.value = clean(lo);
  if (hi !== lo && !Number.isNaN(hi)) n.high = clean(hi);
  n.approximate = st.vague || st.ranged;
  n.over = st.over;
  n.integer = !st.decimal;
  n.multiplied = st.hasUnit;
  n.unitOnly = st.hasUnit && !st.hasDigit;
  n.lone = end - start === 1 && (!st.hasUnit || UNIT[text[start]] === 10 || !st.hasDigit);
  return n;
}

// ---------------------------------------------------------------------------------------------
// English number words: "two", "twenty-five", "five million", "a thousand", "two dozen",
// "tens of thousands", "hundreds of millions", "billions".

const EN_SMALL: Record<string, number> = data.englishNumberWords;
const EN_SCALE: Record<string, number> = data.englishScaleWords;
const EN_VAGUE: Record<string, number[]> = data.englishVague;

/** Lower-cased words that may start an English numeral. */
export const ENGLISH_NUMBER_STARTS: string[] = [
  ...Object.keys(EN_SMALL).filter((w) => w !== "a" && w !== "an"),
  ...Object.keys(EN_SCALE),
  ...Object.keys(EN_VAGUE),
];

function wordAt(text: string, pos: number): string {
  return readLatinWord(text, pos).toLowerCase();
}

/**
 * Read English number words starting at `pos` (which must be a word start). "a"/"an" count only before
 * hundred/thousand/million/billion/dozen. Vague plurals (dozens, hundreds of millions) are approximate.
 */
export function scanEnglishNumber(text: string, pos: number): Numeral | undefined {
  const n = blank(pos);
  n.english = true;
  let w = wordAt(text, pos);
  if (!w) return undefined;
  // Vague plurals.
  const vague = EN_VAGUE[w];
  if (vague) {
    let lo = vague[0];
    let hi = vague[1];
    let end = pos + w.length;
    const m = /^\s+of\s+([A-Za-z]+)/y;
    m.lastIndex = 0;
    const rest = text.slice(end, end + 24);
    const mm = m.exec(rest);
    if (mm) {
      const inner = mm[1].toLowerCase();
      const scale = inner === "thousands" ? 1e3 : inner === "millions" ? 1e6 : inner === "billions" ? 1e9 : 0;
      if (scale && (w === "tens" || w === "hundreds" || w === "dozens")) {
        lo *= scale;
        hi *= scale;
        end += mm[0].length;
      }
    }
    n.value = clean(lo);
    n.high = clean(hi);
    n.approximate = true;
    n.multiplied = true;
    n.end = end;
    return n;
  }
  let total = 0;
  let current = 0;
  let seen = false;
  let last: "" | "small" | "tens" | "hundred" | "scale" = "";
  let k = pos;
  let end = pos;
  let scaled = false;
  for (let guard = 0; guard < 12; guard++) {
    w = wordAt(text, k);
    if (!w) break;
    const small = EN_SMALL[w];
    const scale = EN_SCALE[w];
    if (small !== undefined && w !== "dozen") {
      if (w === "a" || w === "an") {
        if (seen) break;
        // Only before a scale word or dozen.
        let j = k + w.length;
        while (isSpace(text.charCodeAt(j))) j++;
        const nx = wordAt(text, j);
        if (EN_SCALE[nx] === undefined && nx !== "dozen") break;
      }
      if (last === "") current = small;
      else if (last === "tens" && small < 10) current += small;
      else if (last === "hundred" || last === "scale") current += small;
      else break;
      last = small >= 20 && small % 10 === 0 ? "tens" : "small";
      seen = true;
    } else if (w === "dozen") {
      if (!seen || last === "scale") break;
      current = (current || 1) * 12;
      scaled = true;
      last = "hundred";
    } else if (scale !== undefined) {
      if (!seen || (last === "scale" && current === 0)) break;
      if (scale === 100) {
        if (last === "hundred") break;
        current = (current || 1) * 100;
        last = "hundred";
      } else {
        total += (current || 1) * scale;
        current = 0;
        last = "scale";
      }
      scaled = true;
    } else if (w === "and" && (last === "hundred" || last === "scale")) {
      // "two hundred and fifty": accept only when a number word follows.
      let j = k + 3;
      while (isSpace(text.charCodeAt(j))) j++;
      const nx = wordAt(text, j);
      if (EN_SMALL[nx] === undefined || nx === "a" || nx === "an" || nx === "dozen") break;
      k = j;
      continue;
    } else break;
    k += w.length;
    end = k;
    // Separator to the next word: one space or a hyphen (twenty-five).
    const c = text.charCodeAt(k);
    if (c === 45 /* - */ || isSpace(c)) {
      const nx = wordAt(text, k + 1);
      if (nx && ((EN_SMALL[nx] !== undefined && nx !== "a" && nx !== "an") || EN_SCALE[nx] !== undefined || nx === "and" || nx === "dozen")) {
        k++;
        continue;
      }
    }
    break;
  }
  if (!seen) return undefined;
  n.value = total + current;
  n.end = end;
  n.multiplied = scaled;
  n.lone = !scaled && n.value < 10;
  if (n.value === 0) return undefined;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Whole-string parsing.

export interface ParsedNumber {
  value: number;
  high?: number;
  approximate: boolean;
  over: boolean;
  chinese: boolean;
}

/** Parse a whole string as one number (Arabic, Chinese, mixed, English words); vague ones give both ends. */
export function parseNumber(s: string): ParsedNumber | undefined {
  const t = s.trim();
  if (!t) return undefined;
  const idiom = (data.vagueIdioms as Record<string, number[]>)[t];
  if (idiom) return { value: idiom[0], high: idiom[1], approximate: true, over: false, chinese: true };
  let n: Numeral | undefined;
  if (isLatinLetter(t.charCodeAt(0))) n = scanEnglishNumber(t, 0);
  else {
    const c = t.charCodeAt(0);
    let neg = false;
    let start = 0;
    if ((c === 45 || c === 0x2212) && t.length > 1) {
      neg = true;
      start = 1;
    }
    n = scanNumeral(t, start);
    if (n && neg) {
      n.value = -n.value;
      if (n.high !== undefined) n.high = -n.high;
    }
  }
  if (!n || n.end !== t.length) return undefined;
  const r: ParsedNumber = { value: n.value, approximate: n.approximate, over: n.over, chinese: n.chinese };
  if (n.high !== undefined) r.high = n.high;
  return r;
}

/**
 * Parse a whole string as a number: 10,000 · 5.6 · ５万 · 五萬 · 一千万 · 两 · 二〇二五 · 三千五百 · 零 ·
 * 壹贰叁 · 5.6亿 · 600萬 · 5 万 · 三点五 · 数十亿 (low end, 2e9) · 几万 (20,000) · 上百 (100) · five million.
 * Returns undefined when the string is not a single number.
 */
export function parseChineseNumber(s: string): number | undefined {
  return parseNumber(s)?.value;
}

/** Format a number with thousands separators (and at most `decimals` decimals). */
export function formatNumber(v: number, decimals = 6): string {
  const neg = v < 0;
  const a = Math.abs(v);
  let s: string;
  if (Number.isInteger(a) && a < 1e21) {
    const ip = String(a);
    if (ip.length <= 3) s = ip;
    else {
      const head = ip.length % 3 || 3;
      s = ip.slice(0, head);
      for (let k = head; k < ip.length; k += 3) s += "," + ip.slice(k, k + 3);
    }
  } else if (a >= 1e21) s = a.toExponential(3);
  else {
    const fixed = a.toFixed(decimals);
    let [ip, fp] = fixed.split(".");
    if (fp) fp = fp.replace(/0+$/, "");
    let out = "";
    for (let k = ip.length; k > 0; k -= 3) out = ip.slice(Math.max(0, k - 3), k) + (out ? "," + out : "");
    s = fp ? `${out}.${fp}` : out;
  }
  return neg ? "-" + s : s;
}
