// Entity recognition for one document (DESIGN.md §4): catalog names by longest match on the folded
// text, glosses that bind a Chinese and an English name, short forms that refer back to a full name
// seen earlier, and candidate entities (transliterated names with ·, capitalized Latin names).
import type { EntityType, LearnedEntity, Mention, Span } from "./types";
import { needsCapital, surnameForms, type Catalog } from "./catalog";
import { toOriginal, type FoldedText } from "./fold";
import { selectLongest, type Match } from "./matcher";
import lexicon from "../../data/names.json";

const TRANSLIT = new Set([...lexicon.transliteration]);
/** TRANSLIT by code unit: the candidate scan tests every character around each ·. */
const TRANSLIT_CODE = new Uint8Array(0x10000);
for (const ch of TRANSLIT) if (ch.length === 1) TRANSLIT_CODE[ch.charCodeAt(0)] = 1;
const isTranslit = (c: number) => TRANSLIT_CODE[c] === 1; // NaN (outside the text): false
const STOP_WORDS = new Set(lexicon.latinStopWords.map((w) => w.toLowerCase()));
const GLOSS_DELIMITERS = new Set([...lexicon.glossDelimiters]);

/** From this many distinct short forms in a document on, they are found by the catalog's trie rather than one indexOf each. */
const SHORT_FORMS_BY_TRIE = 32;

export interface EntityResult {
  mentions: Mention[];
  learned: LearnedEntity[];
}

const isAsciiWord = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isHan = (c: number) => (c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff);

/** A slug for learned entity ids, from a folded name: `learned:paul-triolo`, `learned:保罗·特里奥罗`. */
export function learnedId(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-")
    .replace(/[^\p{L}\p{N}·\-]+/gu, "")
    .replace(/-+/g, "-");
  return `learned:${slug}`;
}

export function recognizeEntities(original: string, folded: FoldedText, catalog: Catalog): EntityResult {
  const text = folded.text;
  const mentions: Mention[] = [];
  const learned = new Map<string, LearnedEntity>();
  // Folded offset → 1 + index of the mention that claims it (0: free). Claimed ranges never overlap, so
  // checking or releasing a range costs its length rather than the number of mentions (a 20 MB line
  // has 10⁵ of them: a list scanned per check made recognition quadratic).
  const owner = new Int32Array(text.length);
  const folds: Span[] = []; // folded range of each mention
  const dead: boolean[] = []; // mentions replaced by a gloss
  const firstFull = new Map<string, number>(); // entityId → folded start of its first full mention
  // folded form → entity ids it may refer to, and whether it is a full name of that entity (from a gloss)
  const shortForms = new Map<string, Map<string, boolean>>();

  const orig = (s: number, e: number) => toOriginal(folded, s, e);
  const push = (s: number, e: number, entityId: string, via: Mention["via"], full: boolean, gloss = false) => {
    const r = orig(s, e);
    const m: Mention = { start: r.start, end: r.end, entityId, surface: original.slice(r.start, r.end), via, full };
    if (gloss) m.gloss = gloss;
    mentions.push(m);
    folds.push({ start: s, end: e });
    owner.fill(mentions.length, s, e);
    if (full && !firstFull.has(entityId)) firstFull.set(entityId, s);
  };
  const overlapsTaken = (s: number, e: number) => {
    for (let i = s; i < e; i++) if (owner[i] !== 0) return true;
    return false;
  };
  /** Drops the mentions that lie entirely inside a folded range. */
  const release = (s: number, e: number) => {
    for (let i = s; i < e; i++) {
      const k = owner[i] - 1;
      if (k < 0 || dead[k] || folds[k].start < s || folds[k].end > e) continue;
      dead[k] = true;
      owner.fill(0, folds[k].start, folds[k].end);
    }
  };

  // Phase 1: catalog full names, leftmost-longest, with boundary and case rules for Latin names.
  const capitalOnly = catalog.capitalOnly;
  const full = catalog.matcher.findLongest(text, (s, e, p) => latinOk(original, folded, text, s, e, capitalOnly[p] === 1), { wordStartsOnly: true });
  for (const m of full) push(m.start, m.end, catalog.patternEntity[m.pattern], catalog.patternVia[m.pattern], true);

  // Phase 2: glosses — 保罗·特里奥罗(Paul Triolo), 深度求索（DeepSeek）, CCP (中国共产党).
  for (const g of findGlosses(text, catalog)) {
    const hanName = original.slice(orig(g.han.start, g.han.end).start, orig(g.han.start, g.han.end).end);
    const latinName = original.slice(orig(g.latin.start, g.latin.end).start, orig(g.latin.start, g.latin.end).end);
    const knownLatin = catalog.lookup(latinName);
    const knownHan = catalog.lookup(hanName);
    const known = knownLatin ?? knownHan;
    // A catalog entity named on the Latin side takes the Chinese side as an alias only when it is a
    // transliteration (达里奥·阿莫代伊) or already one of its names; a guessed term boundary is not
    // trusted enough to become an alias (基于人类反馈的强化学习(RLHF) must not make 强化学习 RLHF).
    const sides = knownLatin && knownHan?.entityId !== knownLatin.entityId && !hanName.includes("·") ? [g.latin] : [g.han, g.latin];
    let id: string;
    if (known) {
      id = known.entityId;
      // Record the new name so other documents' mentions of it (and the hover card) join this entity.
      if (sides.length === 2 && !(knownLatin && knownHan)) learned.set(`${id}\u0000${hanName}\u0000${latinName}`, { id, type: catalog.get(id)?.type ?? "concept", name: catalog.get(id)?.name ?? latinName, names: [hanName, latinName], via: "gloss" });
    } else {
      id = learnedId(text.slice(g.latin.start, g.latin.end));
      const type: EntityType = guessType(hanName, latinName);
      learned.set(id, { id, type, name: latinName, names: [hanName, latinName], via: "gloss" });
    }
    for (const side of sides) {
      // Replace any catalog mention inside the gloss with the gloss mention covering the whole name.
      release(side.start, side.end);
      if (overlapsTaken(side.start, side.end)) continue;
      push(side.start, side.end, id, known ? (catalog.userIds.has(id) ? "user" : "catalog") : "gloss", true, true);
    }
    // The names bound here recur later in full or as short forms (特里奥罗, Triolo).
    if (sides.length === 1) continue;
    addShort(shortForms, text.slice(g.han.start, g.han.end), id, true);
    addShort(shortForms, text.slice(g.latin.start, g.latin.end), id, true);
    for (const s of [...surnameForms(text.slice(g.han.start, g.han.end)), ...surnameForms(text.slice(g.latin.start, g.latin.end))]) addShort(shortForms, s, id, false);
  }

  // Phase 3: short forms of entities whose full name came earlier (catalog short names, surnames).
  for (const [id] of firstFull) for (const form of catalog.shortForms(id)) addShort(shortForms, form, id, false);
  const shortHits: Array<Match & { id: string; isFull: boolean }> = [];
  const addShortHit = (at: number, end: number, id: string, isFull: boolean) => {
    // The case rule needs the original surface only for a name that starts with a Latin letter or digit.
    const capitalOnly = isAsciiWord(text.charCodeAt(at)) && needsCapital(original.slice(orig(at, end).start, orig(at, end).end));
    if (latinOk(original, folded, text, at, end, capitalOnly)) shortHits.push({ start: at, end, pattern: -1, id, isFull });
  };
  /** The single entity a short form refers to, and from where on (after its first full mention), if any. */
  const referent = (ids: Map<string, boolean>): { id: string; isFull: boolean; from: number } | undefined => {
    if (ids.size !== 1) return undefined; // ambiguous short form: skip rather than guess
    const [[id, isFull]] = ids;
    const from = firstFull.get(id);
    return from === undefined ? undefined : { id, isFull, from };
  };
  // indexOf is very fast per form, but a document naming many entities has hundreds of forms: then
  // one pass of the catalog's short-form trie finds them all. The order of the hits does not matter
  // (selectLongest sorts them, and no two hits share both ends).
  const wanted = [...shortForms].filter(([, ids]) => ids.size === 1);
  const useTrie = wanted.length >= SHORT_FORMS_BY_TRIE;
  for (const [form, ids] of wanted) {
    if (useTrie && catalog.isShortForm(form)) continue;
    const r = referent(ids);
    if (r) for (let at = text.indexOf(form, r.from); at >= 0; at = text.indexOf(form, at + 1)) addShortHit(at, at + form.length, r.id, r.isFull);
  }
  if (useTrie)
    catalog.shortMatcher.forEach(text, (at, end, p) => {
      const ids = shortForms.get(catalog.shortPatterns[p]);
      const r = ids && referent(ids);
      if (r && at >= r.from) addShortHit(at, end, r.id, r.isFull);
    }, 0, text.length, { wordStartsOnly: true });
  for (const m of selectLongest(shortHits) as typeof shortHits) {
    if (overlapsTaken(m.start, m.end)) continue;
    push(m.start, m.end, m.id, m.id.startsWith("learned:") ? "learned" : catalog.userIds.has(m.id) ? "user" : "catalog", m.isFull);
  }

  // Phase 4: candidates nobody knows yet.
  for (const c of findCandidates(original, folded, text)) {
    if (overlapsTaken(c.start, c.end)) continue;
    const surface = original.slice(orig(c.start, c.end).start, orig(c.start, c.end).end);
    const known = catalog.lookup(surface);
    const id = known?.entityId ?? learnedId(text.slice(c.start, c.end));
    if (!known && !learned.has(id)) learned.set(id, { id, type: c.type, name: surface, names: [surface], via: "candidate" });
    push(c.start, c.end, id, known ? "catalog" : "candidate", true);
  }

  return { mentions: mentions.filter((_, i) => !dead[i]).sort((a, b) => a.start - b.start), learned: [...learned.values()] };
}

function addShort(map: Map<string, Map<string, boolean>>, form: string, id: string, isFull: boolean): void {
  if (form.length < 2) return;
  const ids = map.get(form) ?? new Map<string, boolean>();
  ids.set(id, (ids.get(id) ?? false) || isFull);
  map.set(form, ids);
}

function guessType(han: string, latin: string): EntityType {
  if (han.includes("·")) return "person";
  if (/^[A-Z]{2,6}$/.test(latin)) return "organization";
  if (/^[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}$/.test(latin) && han.length <= 6) return "person";
  return "concept";
}

/**
 * Latin-script names need word boundaries (Meta ≠ metadata, o1 ≠ o1-preview) and, when the catalog
 * writes them capitalized and without digits, a capital in the text too (Claude, not claude).
 */
function latinOk(original: string, folded: FoldedText, text: string, start: number, end: number, capitalOnly: boolean): boolean {
  const first = text.charCodeAt(start);
  const last = text.charCodeAt(end - 1);
  if (isAsciiWord(first) && start > 0 && isWordChar(text.charCodeAt(start - 1))) return false;
  if (isAsciiWord(last) && end < text.length && isWordChar(text.charCodeAt(end))) return false;
  const short = end - start <= 3;
  if (short && isAsciiWord(last) && text.charCodeAt(end) === 0x2d && isAsciiWord(text.charCodeAt(end + 1))) return false;
  if (short && isAsciiWord(first) && start >= 2 && text.charCodeAt(start - 1) === 0x2d && isAsciiWord(text.charCodeAt(start - 2))) return false;
  if (isAsciiWord(first) && capitalOnly) {
    const o = toOriginal(folded, start, end);
    const c = original.charCodeAt(o.start);
    if (!(c >= 0x41 && c <= 0x5a) && !(c >= 0xff21 && c <= 0xff3a)) return false;
  }
  return true;
}

function isWordChar(c: number): boolean {
  if (Number.isNaN(c)) return false;
  if (isAsciiWord(c)) return true;
  return c >= 0xc0 && c < 0x2000 && c !== 0xd7 && c !== 0xf7; // Latin-1 and other alphabetic scripts
}

interface Gloss {
  han: Span;
  latin: Span;
}

/** Finds 汉名(Latin) and Latin(汉名) pairs on the folded text (full-width parentheses are folded). */
export function findGlosses(text: string, catalog: Catalog): Gloss[] {
  const out: Gloss[] = [];
  for (let open = text.indexOf("("); open >= 0; open = text.indexOf("(", open + 1)) {
    const close = text.indexOf(")", open + 1);
    if (close < 0 || close - open > 64) continue;
    const inner = trimSpan(text, open + 1, close);
    if (inner.end <= inner.start) continue;
    const innerText = text.slice(inner.start, inner.end);
    let before = open;
    while (before > 0 && text.charCodeAt(before - 1) === 0x20) before--;
    if (/^[a-z][a-z0-9 .'&-]*[a-z0-9.]$/.test(innerText) && before > 0 && isHan(text.charCodeAt(before - 1))) {
      const han = hanNameBefore(text, before, catalog);
      if (han) out.push({ han, latin: inner });
    } else if (/^[\u3400-\u9fff·]{2,6}$/.test(innerText) && before > 0 && isAsciiWord(text.charCodeAt(before - 1))) {
      const latin = latinNameBefore(text, before);
      if (latin) out.push({ han: inner, latin });
    }
  }
  return out;
}

function trimSpan(text: string, s: number, e: number): Span {
  while (s < e && /\s/.test(text[s])) s++;
  while (e > s && /\s/.test(text[e - 1])) e--;
  return { start: s, end: e };
}

/**
 * The Chinese name ending at `end`: a catalog name (…看模型蒸馏 → 模型蒸馏), else a transliteration
 * around ·, else a short term (≤ 4 characters) after a delimiter.
 */
function hanNameBefore(text: string, end: number, catalog: Catalog): Span | undefined {
  let s = end;
  while (s > 0 && (isHan(text.charCodeAt(s - 1)) || text[s - 1] === "·")) s--;
  // A catalog name ending here is the best boundary there is.
  for (let b = s; b <= end - 2; b++) if (catalog.lookup(text.slice(b, end))) return { start: b, end };
  const run = text.slice(s, end);
  const dot = run.lastIndexOf("·");
  if (dot >= 0) {
    // Walk back over transliteration characters before the first dot of the name.
    let firstDot = s + dot;
    let k = firstDot;
    while (k > s) {
      const ch = text[k - 1];
      if (ch === "·") {
        firstDot = k - 1;
        k--;
        continue;
      }
      if (!TRANSLIT.has(ch) || firstDot - k >= 6) break;
      k--;
    }
    if (firstDot - k >= 1 && end - (s + dot) - 1 >= 1) return { start: k, end };
    return undefined;
  }
  let a = end;
  while (a > s && !GLOSS_DELIMITERS.has(text[a - 1])) a--;
  if (end - a >= 2 && end - a <= 4) return { start: a, end };
  return undefined;
}

function latinNameBefore(text: string, end: number): Span | undefined {
  let s = end;
  while (s > 0 && /[a-z0-9 .'&-]/.test(text[s - 1])) s--;
  const span = trimSpan(text, s, end);
  const words = text.slice(span.start, span.end).split(/\s+/);
  if (words.length > 4 || span.end - span.start < 2) return undefined;
  return span;
}

const LATIN = "A-Za-z\\u00C0-\\u024F";
const TITLE = /《([A-Za-z][A-Za-z0-9 ,:'’&.-]{2,80})》/g;
const CAPITALIZED = new RegExp(
  `(?<![${LATIN}0-9_.@/-])[A-Z][${LATIN}0-9]*(?:[-'][A-Z0-9][${LATIN}0-9]*)*(?:\\s[A-Z][${LATIN}0-9]+(?:-[A-Z][${LATIN}0-9]*)*){0,3}(?![${LATIN}0-9_@/])`,
  "g",
);

/** /\s/ for a capitalized-name match, whose only non-word characters are the \s between its words. */
function hasSpace(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0xc0 && c <= 0x24f) || c === 0x2d || c === 0x27)) return true;
  }
  return false;
}

/** /[a-z][A-Z]/ without a regular expression (run on every capitalized word of an English text). */
function isCamel(s: string): boolean {
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) {
      const p = s.charCodeAt(i - 1);
      if (p >= 0x61 && p <= 0x7a) return true;
    }
  }
  return false;
}

/** A Han character just before or after [start, end) (one other character may stand between). */
function isHanNear(text: string, start: number, end: number): boolean {
  return isHan(text.charCodeAt(start - 1)) || isHan(text.charCodeAt(end)) || isHan(text.charCodeAt(start - 2)) || isHan(text.charCodeAt(end + 1));
}

interface Candidate extends Span {
  type: EntityType;
}

/** Unknown names worth offering: X·Y transliterations and capitalized Latin names. */
function findCandidates(original: string, folded: FoldedText, text: string): Candidate[] {
  const out: Candidate[] = [];
  // Transliterated names: runs of transliteration characters joined by ·.
  for (let dot = text.indexOf("·"); dot >= 0; dot = text.indexOf("·", dot + 1)) {
    let a = dot;
    while (a > 0 && isTranslit(text.charCodeAt(a - 1)) && dot - a < 5) a--;
    let b = dot + 1;
    for (;;) {
      let c = b;
      while (c < text.length && isTranslit(text.charCodeAt(c)) && c - b < 6) c++;
      if (c === b) break;
      b = c;
      if (text.charCodeAt(b) === 0xb7 && isTranslit(text.charCodeAt(b + 1))) b++;
      else break;
    }
    if (dot - a >= 1 && b - dot - 1 >= 1) out.push({ start: a, end: b, type: "person" });
    dot = Math.max(dot, b - 1);
  }
  // Capitalized Latin names, on the original text where case is visible (offsets map back by folding).
  if (folded.map) return out; // offsets of the original do not match the folded text; skip the rare case
  // Latin titles in 《》 are works (《Machines of Loving Grace》), whatever their capitalization.
  const titles: Span[] = [];
  for (const m of original.matchAll(TITLE)) {
    const start = m.index! + 1;
    titles.push({ start, end: start + m[1].length });
    out.push({ start, end: start + m[1].length, type: "work" });
  }
  for (const m of original.matchAll(CAPITALIZED)) {
    if (titles.length && titles.some((t) => m.index! >= t.start && m.index! < t.end)) continue;
    let surface = m[0];
    let start = m.index!;
    // Most matches are one capitalized word in English prose: rejected below unless next to Han text
    // or camel-cased, so test that before splitting into words.
    if (!hasSpace(surface) && !isHanNear(original, start, start + surface.length) && !isCamel(surface)) continue;
    // Drop leading stop words (The, In…) and trailing ones.
    const words = surface.split(/\s/);
    while (words.length && STOP_WORDS.has(words[0].toLowerCase())) {
      start += words[0].length + 1;
      words.shift();
    }
    while (words.length && STOP_WORDS.has(words[words.length - 1].toLowerCase())) words.pop();
    if (!words.length) continue;
    surface = words.join(" ");
    const end = start + surface.length;
    if (surface.length < 3) continue;
    const inHanContext = isHanNear(original, start, end);
    const camel = isCamel(surface);
    const multi = words.length >= 2;
    if (!inHanContext && !camel && !multi) continue;
    if (/^[A-Z0-9-]+$/.test(surface) && surface.length <= 4) continue; // CEO, API, GPU: acronyms are not names by themselves
    if (/\d/.test(surface) && !multi) continue; // model-like identifiers are left to the catalog
    out.push({ start, end, type: multi && /^[A-Z][a-z]+(?: [A-Z][a-z]+)+$/.test(surface) ? "person" : "organization" });
  }
  return out.sort((x, y) => x.start - y.start);
}
