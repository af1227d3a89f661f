// Claims: which sentences assert something, who says so, and how sure the text is about it.
//
// One claim per asserting sentence (a sentence-long qualifier such as "此消息尚未得到证实。" joins the
// claim before it instead). Skipped: headings (a short line without terminal punctuation), fragments
// with fewer than MIN_CONTENT letters/digits/CJK characters, URL and metadata lines ("URL: …",
// "Timestamp: …"), fenced code (``` … ```, mermaid), markup/code-looking lines, and questions (unless
// a rumor/unconfirmed/disputed cue marks them).
//
// Certainty, from the cues that survive negation (strongest first):
//   disputed (否认, denied…) > rumor (传言, 据说, reportedly…) > unverified (未经证实, unconfirmed…)
//   > hedged (speculation only: 可能, may…) > attributed (a speaker, no cue) > asserted.
// Negation cues (已证实, confirmed, 不是谣言…) cancel rumor/unconfirmed cues in their clause; a clause that
// is nothing but a qualifier ("但已被证实") cancels in the clause before it. Negation cues are not
// listed in Claim.cues.
//
// Attribution (speaker + verb), first that applies:
//   1. explicit: an entity mention (person/organization/government/place/work or unknown type), a
//      named source noun (消息人士, analysts) or a capitalized Latin name right before a reporting verb,
//      with only adverbs, "在…中/时" phrases, an appositive or a resumptive pronoun (，他…) between;
//      据/根据 X 报道/称, "according to X", and "…,” said X";
//   2. the speaker of the sentence that opened the quotation this sentence is in (Sentence.quoteFrom);
//   3. a short tail sentence after a closing quote: “……。”特朗普说。
//   4. the interview turn: "Name：" / "Name:" labels that recur in the document (or that are exactly an
//      entity mention) make Name the speaker of what follows until the next label (问/Q labels reset
//      it); such turns have a speaker and no verb.
// "attributed" means a speaker was found (with a verb, or through a turn label).
//
// Range: the whole sentence (minus a speaker label and list markers) when it is short; otherwise
// the clauses holding the deciding cues, plus the clause a bare qualifier ("但并未得到官方确认")
// qualifies, plus what a lead-in cue introduces ("有传言称，X", "据说：X"). Trailing clause separators
// are trimmed; sentence terminators and closing quotes are kept.

import { lowerBound } from "./spans";
import type { Certainty, Claim, Cue, CueKind, Figure, Mention, Span, Speaker } from "./types";
import { lexiconLists, scanLexicon, type LexHit } from "./cues";
import { clausesOf, isCJK, isSpace, type Sentence } from "./sentences";

export type TypeOf = (entityId: string) => string | undefined;

/** Fewer content characters (letters, digits, CJK) than this: a fragment, not a claim. */
export const MIN_CONTENT = 6;
/** Sentences with at most this many content characters are never narrowed. */
export const NARROW_MIN = 50;
/** A code fence left open longer than this (code units) is considered closed. */
const MAX_FENCE = 20_000;
/** Entity types that can speak. `undefined` (unknown, learned) is allowed too. */
const SPEAKER_TYPES = new Set(["person", "organization", "government", "place", "work"]);

const WARN_KINDS = new Set<CueKind>(["disputed", "rumor", "unconfirmed"]);
const RANK: Record<CueKind, number> = { disputed: 4, rumor: 3, unconfirmed: 2, speculation: 1, negation: 0 };
const CERTAINTY: Record<CueKind, Certainty> = { disputed: "disputed", rumor: "rumor", unconfirmed: "unverified", speculation: "hedged", negation: "asserted" };

const labelStop = new Set(lexiconLists.speakerLabelStop.map((w) => w.toLowerCase()));
const turnReset = new Set(lexiconLists.turnResetLabels.map((w) => w.toLowerCase()));
const fillerEn = new Set<string>();
const fillerZh: string[] = [];
for (const w of lexiconLists.qualifierFillers) (/^[A-Za-z' ]+$/.test(w) ? fillerEn.add(w.toLowerCase()) : fillerZh.push(w));
fillerZh.sort((a, b) => b.length - a.length);
/** Chinese fillers by first code unit, longest first. */
const fillerZhByFirst = new Map<number, string[]>();
for (const w of fillerZh) {
  const k = w.charCodeAt(0);
  const list = fillerZhByFirst.get(k);
  if (list) list.push(w);
  else fillerZhByFirst.set(k, [w]);
}
const concessiveZh = lexiconLists.concessives.filter((w) => !/^[A-Za-z ]+$/.test(w));
const concessiveEn = lexiconLists.concessives.filter((w) => /^[A-Za-z ]+$/.test(w)).map((w) => w.toLowerCase());

/** English words allowed between a speaker and the verb ("Trump has also said"). */
const AUX = new Set([
  "has", "have", "had", "also", "previously", "later", "then", "once", "again", "repeatedly", "publicly", "recently", "earlier",
  "has also", "would", "will", "did", "does", "do", "is", "was", "were", "are", "had also", "himself", "herself", "itself", "themselves",
  "further", "separately", "privately", "openly", "explicitly", "reportedly", "once", "first", "initially", "subsequently",
]);
/** Capitalized words that are not names. */
const NOT_NAMES = new Set([
  "he", "she", "they", "it", "we", "i", "you", "the", "this", "that", "these", "those", "a", "an", "his", "her", "their", "our", "its",
  "my", "your", "some", "many", "most", "one", "but", "and", "or", "so", "if", "as", "in", "on", "at", "for", "to", "of", "who", "which",
  "what", "when", "there", "here", "others", "all", "both", "each", "no", "not", "yet", "still", "however", "also", "then",
]);
const PRONOUN_RESUME = /^(他们|她们|他們|她們|他|她|它|其|該|该|此人|he|she|they|it)/i;

/** Letters, digits and CJK characters, one byte per BMP code unit (tested once per character of every sentence). */
const CONTENT = new Uint8Array(0x10000);
for (let c = 0; c < 0x10000; c++) CONTENT[c] = isContentCode(c) ? 1 : 0;

function isContent(c: number): boolean {
  return CONTENT[c] === 1; // NaN (past the end of a string) reads undefined: false, as before
}

function isContentCode(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) ||
    (c >= 0x370 && c <= 0x4ff) ||
    isCJK(c) ||
    (c >= 0xff10 && c <= 0xff19) ||
    (c >= 0xff21 && c <= 0xff3a) ||
    (c >= 0xff41 && c <= 0xff5a)
  );
}

function contentCount(text: string, s: number, e: number, cap = Infinity): number {
  let n = 0;
  for (let i = s; i < e && n < cap; i++) if (isContent(text.charCodeAt(i))) n++;
  return n;
}

const TERMINALS = new Set([..."。！？!?.；;…｡"].map((c) => c.charCodeAt(0)));
const CLOSERS = new Set([..."”’」』）)]】》〉〕\"'»›*"].map((c) => c.charCodeAt(0)));
const SEPARATORS = new Set([..."，,、：:；;—―-–"].map((c) => c.charCodeAt(0)));

/** The last character that is not a closing mark, or -1. */
function lastSignificant(text: string, s: number, e: number): number {
  let i = e - 1;
  while (i >= s && (CLOSERS.has(text.charCodeAt(i)) || isSpace(text.charCodeAt(i)))) i--;
  return i >= s ? text.charCodeAt(i) : -1;
}


// ---------------------------------------------------------------------------------------------
// Speaker labels ("Dario Amodei：", "特里奥罗:", "问:")

interface Label {
  start: number;
  /** Offset of the colon. */
  colon: number;
  /** Offset just after the colon and the spaces after it. */
  end: number;
  text: string;
}

function isLatinNameChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x27 || c === 0x2019 || c === 0x2e || c === 0x2d || (c >= 0xc0 && c <= 0x24f);
}

/** Candidate labels in [s, e): a short name right before a colon, at the sentence start or after a space or terminator. */
function labelCandidates(text: string, s: number, e: number): Label[] {
  const out: Label[] = [];
  for (let p = s; p < e; p++) {
    const c = text.charCodeAt(p);
    if (c !== 0xff1a && c !== 0x3a) continue;
    if (c === 0x3a) {
      const q = text.charCodeAt(p + 1);
      if (q === 0x2f || (q >= 0x30 && q <= 0x39)) continue;
    }
    let b = p;
    while (b > s && p - b < 3 && (text.charCodeAt(b - 1) === 0x20 || text.charCodeAt(b - 1) === 0x3000)) b--;
    const labelEnd = b;
    let a = b;
    const c0 = text.charCodeAt(b - 1);
    if (b > s && isCJK(c0)) {
      while (a > s && labelEnd - a < 8 && (isCJK(text.charCodeAt(a - 1)) || text.charCodeAt(a - 1) === 0xb7 || text.charCodeAt(a - 1) === 0x30fb)) a--;
      if (labelEnd - a > 6) continue;
    } else if (b > s && isLatinNameChar(c0)) {
      // Up to four capitalized words separated by single spaces.
      let words = 0;
      let k = b;
      for (;;) {
        let w = k;
        while (w > s && k - w < 24 && isLatinNameChar(text.charCodeAt(w - 1))) w--;
        if (w === k) break;
        const fc = text.charCodeAt(w);
        if (!(fc >= 0x41 && fc <= 0x5a)) break;
        words++;
        a = w;
        if (words >= 4 || w - 1 <= s || text.charCodeAt(w - 1) !== 0x20) break;
        k = w - 1;
      }
      if (words === 0) continue;
    } else continue;
    if (a === labelEnd) continue;
    // The label must start a sentence, follow a space, a terminator or a closing mark.
    if (a > s) {
      const pc = text.charCodeAt(a - 1);
      if (!(isSpace(pc) || TERMINALS.has(pc) || CLOSERS.has(pc))) continue;
      if (CLOSERS.has(pc) && pc === 0x2a) continue; // **bold:**
    }
    let end = p + 1;
    while (end < e && isSpace(text.charCodeAt(end))) end++;
    out.push({ start: a, colon: p, end, text: text.slice(a, labelEnd) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

interface Attribution {
  speaker: Speaker;
  verb?: string;
  /** Offset of the verb (for quotation inheritance). */
  verbPos: number;
}

interface Ctx {
  text: string;
  mentions: Mention[];
  typeOf: TypeOf;
}

function canSpeak(ctx: Ctx, m: Mention): boolean {
  const t = ctx.typeOf(m.entityId);
  return t === undefined || SPEAKER_TYPES.has(t);
}

function speakerOf(m: Mention): Speaker {
  return { name: m.surface, entityId: m.entityId, span: { start: m.start, end: m.end } };
}

/** The last mention that ends at or before `pos` and starts at or after `from`. */
function mentionBefore(ctx: Ctx, from: number, pos: number): Mention | undefined {
  const ms = ctx.mentions;
  let i = lowerBound(ms, pos) - 1;
  let best: Mention | undefined;
  for (let k = 0; i >= 0 && k < 8; i--, k++) {
    const m = ms[i];
    if (m.start < from) break;
    if (m.end <= pos && (!best || m.end > best.end)) best = m;
  }
  return best;
}

/** Up to `max` mentions ending at or before `pos` (and starting at or after `from`), nearest first. */
function mentionsBefore(ctx: Ctx, from: number, pos: number, max: number): Mention[] {
  const out: Mention[] = [];
  for (let i = lowerBound(ctx.mentions, pos) - 1; i >= 0 && out.length < max; i--) {
    const m = ctx.mentions[i];
    if (m.start < from) break;
    if (m.end <= pos) out.push(m);
  }
  return out.sort((a, b) => b.end - a.end);
}

function mentionAt(ctx: Ctx, pos: number, maxSkip: number): Mention | undefined {
  const ms = ctx.mentions;
  const i = lowerBound(ms, pos);
  return i < ms.length && ms[i].start - pos <= maxSkip ? ms[i] : undefined;
}

/** What may stand between a speaker and its reporting verb. */
function gapOk(gapRaw: string): boolean {
  const g = gapRaw.trim();
  if (g === "" || g === "的" || g === "'s" || g === "’s") return true;
  if (/[。！？!?；;：:“”"「」]/.test(g)) return false;
  if (/^[A-Za-z0-9 ,'’-]+$/.test(g)) {
    if (g.startsWith(",") && g.endsWith(",") && g.length > 3 && g.length <= 80) return true; // appositive: "Sam Altman, the chief executive, said"
    const words = g.toLowerCase().split(/\s+/);
    return words.every((w) => AUX.has(w));
  }
  if (/的/.test(g)) return false; // X 的创始人说: the head noun, not X, is the speaker
  const commas = g.split(/[，,]/);
  if (commas.length === 1) return cjkGapOk(g);
  if (commas.length === 2) {
    const [a, b] = commas.map((x) => x.trim());
    if (a.length > 6 || !cjkGapOk(a)) return false;
    const m = PRONOUN_RESUME.exec(b);
    const rest = m ? b.slice(m[0].length).trim() : b;
    if (!m && !b.startsWith("在")) return false;
    return b.length <= 30 && cjkGapOk(rest);
  }
  return false;
}

/** Adverbs and time words that may stand between a speaker and its verb (曾, 之前, 公开…). */
const ADVERBS = [
  "之前", "此前", "早前", "先前", "曾经", "曾經", "已经", "已經", "随后", "隨後", "随即", "隨即", "今天", "昨天", "昨日", "近日", "日前", "最近",
  "公开", "公開", "明确", "明確", "直接", "多次", "一再", "再次", "坚决", "堅決", "一直", "也曾", "还曾", "還曾", "本人", "自己", "同时", "同時",
  "则", "則", "更", "又", "也", "还", "還", "曾", "已", "亦", "均", "都", "并", "並", "就", "甚至", "还是", "還是", "倒是", "进一步", "進一步",
];
ADVERBS.sort((a, b) => b.length - a.length);

function stripAdverbs(g: string): string {
  let t = g.trim();
  for (let guard = 0; guard < 8; guard++) {
    const a = ADVERBS.find((w) => t.startsWith(w));
    if (!a) break;
    t = t.slice(a.length).trim();
  }
  for (let guard = 0; guard < 8; guard++) {
    const a = ADVERBS.find((w) => t.endsWith(w));
    if (!a) break;
    t = t.slice(0, t.length - a.length).trim();
  }
  return t;
}

function cjkGapOk(g0: string): boolean {
  const g = g0.trim();
  if (g.length <= 2) return true;
  const t = stripAdverbs(g);
  if (t === "") return true;
  if (/^(在|于|於)/.test(t) && t.length <= 30 && /(中|里|裡|上|时|時|间|間|内|內|后|後)$/.test(t)) return true;
  if (/^(对|對|向|跟|给|給)/.test(t) && t.length <= 12) return true;
  return false;
}

const NAME_RUN = /[A-Z][A-Za-z0-9'’\-]*(?:[ \u00a0]+(?:[A-Z][A-Za-z0-9'’\-]*|de|van|von|der|da|bin|al|le))*/g;

/** A capitalized Latin name (no catalog needed) right before `pos`, with an acceptable gap. */
function latinNameBefore(text: string, from: number, pos: number): Speaker | undefined {
  const s = Math.max(from, pos - 60);
  const slice = text.slice(s, pos);
  const runs: RegExpExecArray[] = [];
  NAME_RUN.lastIndex = 0;
  for (let m = NAME_RUN.exec(slice); m; m = NAME_RUN.exec(slice)) runs.push(m);
  for (let r = runs.length - 1; r >= 0 && r >= runs.length - 3; r--) {
    const sp = nameRun(text, from, pos, s, runs[r]);
    if (sp) return sp;
  }
  return undefined;
}

function nameRun(text: string, from: number, pos: number, s: number, last: RegExpExecArray): Speaker | undefined {
  let name = last[0];
  let start = s + last.index;
  // Drop leading non-name words ("The Dario" never happens, but "He" / "The" alone do).
  const words = name.split(/[ \u00a0]+/);
  while (words.length && NOT_NAMES.has(words[0].toLowerCase())) {
    start += words[0].length;
    words.shift();
    while (start < pos && isSpace(text.charCodeAt(start))) start++;
  }
  if (!words.length) return undefined;
  name = words.join(" ");
  if (words.length === 1 && name.length < 2) return undefined;
  const end = start + text.slice(start, pos).indexOf(words[words.length - 1]) + words[words.length - 1].length;
  const before = start > from ? text.charCodeAt(start - 1) : 0x20;
  if (isContent(before) && !isCJK(before)) return undefined;
  const gap = text.slice(end, pos);
  if (!gapOk(gap) || (/[\u3400-\u9fff]/.test(gap) && gap.trim().length > 4 && !/^\s*在/.test(gap))) return undefined;
  return { name, span: { start, end } };
}

const JU_MARKER = /[据據]/;
const JU_NOT = new Set([..."数數证證票单單论論占佔凭憑字收"].map((c) => c.charCodeAt(0)));
const STOP_BACK = new Set([..."，,。：:；;！？!?“”\"「」（）()"].map((c) => c.charCodeAt(0)));

function detectSpeaker(ctx: Ctx, s: number, e: number, hits: LexHit[], verbLimit = e, rangeStart = s): Attribution | undefined {
  const { text } = ctx;
  let prevSource: LexHit | undefined;
  for (const h of hits) {
    if (h.kind === "source") {
      prevSource = h;
      continue;
    }
    if (h.kind !== "verb") continue;
    if (h.start >= verbLimit) break;
    const after = h.end < text.length ? text.charCodeAt(h.end) : 0;
    if (after === 0x201d || after === 0x300d || after === 0x300f || after === 0x300b) continue; // a title: “中国说”
    let pb = h.start - 1;
    while (pb >= s && isSpace(text.charCodeAt(pb))) pb--;
    const before = pb >= s ? text.charCodeAt(pb) : 0;
    if (before === 0x7684 || before === 0x4e4b) continue; // 的预测 / 之说: the verb is used as a noun
    if (after === 0x7684) continue; // 提出的主张: a relative clause, not a report
    // The speaker comes early ("X said that…") or at the very end ("…, X said").
    if (h.start >= rangeStart && contentCount(text, rangeStart, h.start, 41) > 40 && contentCount(text, h.end, e, 13) > 12) continue;
    const lw = h.word.toLowerCase().replace(/\s+/g, " ");
    if (lw === "according to") {
      let p = h.end;
      while (p < e && isSpace(text.charCodeAt(p))) p++;
      const m = mentionAt(ctx, p, 4);
      if (m && m.end <= e && canSpeak(ctx, m)) return { speaker: speakerOf(m), verb: h.word, verbPos: h.start };
      let q = p;
      while (q < e && q - p < 60 && !STOP_BACK.has(text.charCodeAt(q)) && text.charCodeAt(q) !== 0x2e) q++;
      const name = text.slice(p, q).trim();
      if (name && contentCount(name, 0, name.length) >= 2 && q - p < 60) return { speaker: { name, span: { start: p, end: p + name.length } }, verb: h.word, verbPos: h.start };
      continue;
    }
    // 据 / 根据 X 报道 / 称 / 透露
    for (let b = h.start - 1; b >= s && h.start - b <= 30; b--) {
      const c = text.charCodeAt(b);
      if (STOP_BACK.has(c)) break;
      if (JU_MARKER.test(text[b]) && !JU_NOT.has(text.charCodeAt(b - 1))) {
        const xs = b + 1;
        const x = text.slice(xs, h.start).trim().replace(/的$/, "");
        if (!x || /^我/.test(x)) break; // 据我所知: "as far as I know", not a source
        const m = mentionBefore(ctx, xs, h.start);
        if (m && canSpeak(ctx, m)) return { speaker: speakerOf(m), verb: h.word, verbPos: h.start };
        if (x.length <= 24) {
          const off = xs + text.slice(xs, h.start).indexOf(x);
          return { speaker: { name: x, span: { start: off, end: off + x.length } }, verb: h.word, verbPos: h.start };
        }
        break;
      }
    }
    // Speaker before the verb: an entity mention, a source noun, or a capitalized Latin name.
    let best: Attribution | undefined;
    let bestEnd = -1;
    for (const m of mentionsBefore(ctx, s, h.start, 4)) {
      if (h.start - m.end > 90) break;
      if (canSpeak(ctx, m) && gapOk(text.slice(m.end, h.start))) {
        best = { speaker: speakerOf(m), verb: h.word, verbPos: h.start };
        bestEnd = m.end;
        break;
      }
    }
    if (prevSource && prevSource.end <= h.start && prevSource.end > bestEnd && gapOk(text.slice(prevSource.end, h.start))) {
      const owner = mentionBefore(ctx, s, prevSource.start);
      const sp =
        owner && canSpeak(ctx, owner) && prevSource.start - owner.end <= 3 && /^[\s的'’s]*$/.test(text.slice(owner.end, prevSource.start))
          ? speakerOf(owner)
          : { name: prevSource.word, span: { start: prevSource.start, end: prevSource.end } };
      best = { speaker: sp, verb: h.word, verbPos: h.start };
      bestEnd = prevSource.end;
    }
    if (!best) {
      const ln = latinNameBefore(text, s, h.start);
      if (ln && !mentionOverlaps(ctx, ln.span!)) best = { speaker: ln, verb: h.word, verbPos: h.start };
    }
    if (best) return best;
    // "…,” said X" / "…, said X"
    if (/^(said|says|told|wrote|writes|added|argued|argues|warned|noted|explained|insisted|asserted|claimed|stated|predicted)$/.test(lw)) {
      let b = h.start - 1;
      while (b >= s && isSpace(text.charCodeAt(b))) b--;
      const pc = b >= s ? text.charCodeAt(b) : 0;
      if (pc === 0x2c || pc === 0x201d || pc === 0x22 || pc === 0xff0c) {
        let p = h.end;
        while (p < e && isSpace(text.charCodeAt(p))) p++;
        const m2 = mentionAt(ctx, p, 0);
        if (m2 && canSpeak(ctx, m2)) return { speaker: speakerOf(m2), verb: h.word, verbPos: h.start };
        NAME_RUN.lastIndex = 0;
        const rest = text.slice(p, Math.min(e, p + 60));
        const nm = /^[A-Z][A-Za-z0-9'’\-]*(?:[ \u00a0]+[A-Z][A-Za-z0-9'’\-]*)*/.exec(rest);
        if (nm && !NOT_NAMES.has(nm[0].split(/\s+/)[0].toLowerCase())) return { speaker: { name: nm[0], span: { start: p, end: p + nm[0].length } }, verb: h.word, verbPos: h.start };
      }
    }
  }
  return undefined;
}

function mentionOverlaps(ctx: Ctx, span: Span): boolean {
  const i = lowerBound(ctx.mentions, span.start);
  for (let k = Math.max(0, i - 2); k < ctx.mentions.length && ctx.mentions[k].start < span.end; k++) if (ctx.mentions[k].end > span.start) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Clause shapes

/** Content characters left in [s, e) once `cut` spans and filler words are removed (bracketed asides skipped when asked). */
function remainder(text: string, s: number, e: number, cut: Span[], skipBrackets = false, limit = Infinity): number {
  let n = 0;
  let depth = 0;
  let i = s;
  let ci = cut.length ? Math.max(0, lowerBound(cut, s) - 1) : 0;
  while (i < e) {
    while (ci < cut.length && cut[ci].end <= i) ci++;
    if (ci < cut.length && cut[ci].start <= i) {
      i = cut[ci].end;
      continue;
    }
    const c = text.charCodeAt(i);
    if (skipBrackets) {
      if (c === 0xff08 || c === 0x28) {
        depth++;
        i++;
        continue;
      }
      if ((c === 0xff09 || c === 0x29) && depth > 0) {
        depth--;
        i++;
        continue;
      }
      if (depth > 0) {
        i++;
        continue;
      }
    }
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
      let j = i;
      while (j < e && isContent(text.charCodeAt(j)) && !isCJK(text.charCodeAt(j))) j++;
      if (!fillerEn.has(text.slice(i, j).toLowerCase())) n += j - i;
      if (n > limit) return n;
      i = j;
      continue;
    }
    if (isCJK(c)) {
      let len = 0;
      const cands = fillerZhByFirst.get(c);
      if (cands)
        for (const f of cands) {
          if (i + f.length <= e && text.startsWith(f, i)) {
            len = f.length;
            break;
          }
        }
      if (len) {
        i += len;
        continue;
      }
      if (++n > limit) return n;
      i++;
      continue;
    }
    if (isContent(c) && ++n > limit) return n;
    i++;
  }
  return n;
}

function startsConcessive(text: string, c: Span): boolean {
  const t = text.slice(c.start, Math.min(c.end, c.start + 16));
  if (concessiveZh.some((w) => t.startsWith(w))) return true;
  const lw = t.toLowerCase();
  return concessiveEn.some((w) => lw.startsWith(w) && !/[a-z]/.test(lw.charAt(w.length)));
}

/** Clause openings that continue the previous clause's subject: 不仅具有争议性 / 而且… */
const CONTINUATIONS = ["不仅", "不僅", "不但", "不只", "而且", "并且", "並且", "也", "还", "還", "却", "卻", "则", "則", "都", "均", "亦", "and ", "but also "];

/** Clause openings that point back at the previous clause: ", a claim X has not confirmed" / "，这一说法未经证实". */
const ANAPHORA = [
  "a claim", "claims that", "a figure", "a report", "an allegation", "allegations", "which", "this ", "that claim", "the claim", "the figure", "the report",
  "这一说法", "這一說法", "这个说法", "這個說法", "此说", "此說", "这一消息", "這一消息", "此消息", "该消息", "該消息", "该说法", "該說法",
  "这一数字", "這一數字", "这个数字", "這個數字", "此数字", "此數字", "此事", "这些说法", "這些說法", "对此", "對此",
];

function startsWithAny(text: string, c: Span, words: string[]): boolean {
  const t = text.slice(c.start, Math.min(c.end, c.start + 12)).toLowerCase();
  return words.some((w) => t.startsWith(w));
}

function certaintyOf(cues: Cue[], hasSpeaker: boolean): Certainty {
  let top: CueKind | undefined;
  for (const c of cues) if (c.kind !== "negation" && (!top || RANK[c.kind] > RANK[top])) top = c.kind;
  if (top) return CERTAINTY[top];
  return hasSpeaker ? "attributed" : "asserted";
}

const MARKER_CHARS = new Set([..."•·●○◦▪■□◆◇★☆‣⁃∙*+>#-(（"].map((c) => c.charCodeAt(0)));

/**
 * Whether a list marker (skipMarkers' expression) can start at `s`: most sentences start with a
 * character that rules it out, and then the expression is not run at all.
 */
function mayStartMarker(text: string, s: number): boolean {
  const c = text.charCodeAt(s);
  if (MARKER_CHARS.has(c) || (c >= 0x30 && c <= 0x39) || (c >= 0xff10 && c <= 0xff19)) return true;
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
    const d = text.charCodeAt(s + 1); // a. / b) before a space
    return d === 0x2e || d === 0x29;
  }
  return false;
}

/** Moves `s` past list markers, bullets and markdown prefixes. */
function skipMarkers(text: string, s: number, e: number): number {
  for (let guard = 0; guard < 4 && s < e; guard++) {
    if (!mayStartMarker(text, s)) break;
    const rest = text.slice(s, Math.min(e, s + 48));
    const m = /^(?:\*\*[^*\n]{1,30}?[：:]\s*\*\*|\*\*[^*\n]{1,30}\*\*\s*[：:]|[•·●○◦▪■□◆◇★☆‣⁃∙*+>#-]+|\(?[0-9０-９]{1,3}[.)）、]|[（(][0-9０-９a-zA-Z一二三四五六七八九十]{1,3}[)）]|[a-zA-Z][.)](?=\s))/.exec(rest);
    if (!m || (m[0] === "-" && !isSpace(text.charCodeAt(s + 1)))) break;
    s += m[0].length;
    while (s < e && isSpace(text.charCodeAt(s))) s++;
  }
  return s;
}

const URL_RE = /(?:https?:\/\/|www\.)[^\s，。、；）)」』”]+/g;
const CODE_RE = /-->|==>|<--|^\s*(?:style|classDef|class|subgraph|graph|flowchart|sequenceDiagram)\b[^。！？.!?\u3400-\u9fff]*$|^\s*end\s*$|^\s*<\/?[A-Za-z_][\w-]*>\s*$|[{}]\s*$/;

/**
 * Where the document's colons (: and ：) are, so sentences without one skip the label and metadata
 * checks (most sentences; indexOf finds the colons much faster than a loop over every character).
 */
class ColonIndex {
  private readonly at: number[] = [];

  constructor(text: string) {
    const half: number[] = [];
    for (let i = text.indexOf(":"); i >= 0; i = text.indexOf(":", i + 1)) this.at.push(i);
    for (let i = text.indexOf("："); i >= 0; i = text.indexOf("：", i + 1)) half.push(i);
    if (half.length) this.at = this.at.concat(half).sort((a, b) => a - b);
  }

  /** Whether a colon lies in [s, e). */
  has(s: number, e: number): boolean {
    const at = this.at;
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid] < s) lo = mid + 1;
      else hi = mid;
    }
    return lo < at.length && at[lo] < e;
  }
}

function isMetadata(text: string, s: number, e: number): boolean {
  const m = /^\s*([A-Za-z][A-Za-z _-]{0,24}|[\u3400-\u9fff]{1,6})\s*[:：]/.exec(text.slice(s, Math.min(e, s + 40)));
  return !!m && labelStop.has(m[1].trim().toLowerCase());
}

// ---------------------------------------------------------------------------------------------

/**
 * What findClaims knows about the rest of the document when it runs over a window of it (incremental
 * re-analysis): how often each speaker label occurs in the whole document, and the interview turn open
 * where the window starts.
 */
export interface ClaimContext {
  labelCounts?: ReadonlyMap<string, number>;
  turn?: Speaker;
  /** The code fence open where the window starts (offset of its opening line, in window coordinates). */
  fenceFrom?: number;
}

/** Where the code fence open at `pos` began (fences are toggled and closed as findClaims does), if one is. */
export function openFenceAt(text: string, sentences: readonly Span[], pos: number): number | undefined {
  let inFence = false;
  let fenceStart = 0;
  for (const { start, end } of sentences) {
    if (start >= pos) break;
    const s = Math.max(0, start);
    if (Math.min(text.length, end) <= s) continue;
    if (text.startsWith("```", s) || text.startsWith("~~~", s)) {
      inFence = !inFence;
      fenceStart = s;
    } else if (inFence && s - fenceStart > MAX_FENCE) inFence = false;
  }
  if (inFence && pos - fenceStart > MAX_FENCE) return undefined;
  return inFence ? fenceStart : undefined;
}

/** How often each speaker label occurs in the given sentences. */
export function countLabels(text: string, sentences: readonly Span[], into = new Map<string, number>(), sign = 1): Map<string, number> {
  for (const { start, end } of sentences) for (const l of labelCandidates(text, start, end)) into.set(l.text, (into.get(l.text) ?? 0) + sign);
  return into;
}

export function findClaims(text: string, sentences: Span[], mentions: Mention[], figures: Figure[], typeOf: TypeOf, context?: ClaimContext): Claim[] {
  const ms = mentions.length < 2 || mentions.every((m, i) => i === 0 || mentions[i - 1].start <= m.start) ? mentions : [...mentions].sort((a, b) => a.start - b.start);
  const ctx: Ctx = { text, mentions: ms, typeOf };
  const figOrder = figures.map((_, i) => i).sort((a, b) => figures[a].start - figures[b].start);
  const figSorted = figOrder.map((i) => figures[i]);

  const colons = new ColonIndex(text);
  // Pass 1: speaker labels, counted over the document.
  const labelsBySentence: (Label[] | undefined)[] = new Array(sentences.length);
  const labelCount = new Map<string, number>();
  for (let si = 0; si < sentences.length; si++) {
    const { start, end } = sentences[si];
    if (!colons.has(start, end)) continue; // a label needs a colon
    const ls = labelCandidates(text, start, end);
    if (!ls.length) continue;
    labelsBySentence[si] = ls;
    for (const l of ls) labelCount.set(l.text, (labelCount.get(l.text) ?? 0) + 1);
  }
  const countOf = context?.labelCounts ?? labelCount;
  const labelRole = (l: Label): "reset" | Speaker | undefined => {
    const key = l.text.toLowerCase();
    if (labelStop.has(key)) return undefined;
    if (turnReset.has(key)) return (countOf.get(l.text) ?? 0) >= 2 || l.start === 0 ? "reset" : undefined;
    const i = lowerBound(ms, l.start);
    const m = i < ms.length && ms[i].start === l.start && ms[i].end === l.start + l.text.length ? ms[i] : undefined;
    if (m && canSpeak(ctx, m)) return speakerOf(m);
    if ((countOf.get(l.text) ?? 0) >= 2) return { name: l.text, span: { start: l.start, end: l.start + l.text.length } };
    return undefined;
  };

  const claims: Claim[] = [];
  const attributions: (Attribution | undefined)[] = new Array(sentences.length);
  const claimOfSentence: number[] = new Array(sentences.length).fill(-1);
  const consumed = new Set<number>();
  let inFence = context?.fenceFrom !== undefined;
  let fenceStart = context?.fenceFrom ?? 0;
  let turn: Speaker | undefined = context?.turn;

  const finish = (claim: Claim): void => {
    const ids: string[] = [];
    for (let i = lowerBound(ms, claim.start); i < ms.length && ms[i].start < claim.end; i++) if (ms[i].end <= claim.end && !ids.includes(ms[i].entityId)) ids.push(ms[i].entityId);
    claim.entityIds = ids;
    const figs: number[] = [];
    for (let i = lowerBound(figSorted, claim.start); i < figSorted.length && figSorted[i].start < claim.end; i++) if (figSorted[i].end <= claim.end) figs.push(figOrder[i]);
    claim.figures = figs;
    claim.certainty = certaintyOf(claim.cues, !!claim.speaker);
  };

  for (let si = 0; si < sentences.length; si++) {
    const sent = sentences[si] as Sentence;
    const s = Math.max(0, sent.start);
    const e = Math.min(text.length, sent.end);
    if (e <= s) continue;
    // Fenced code blocks.
    if (text.startsWith("```", s) || text.startsWith("~~~", s)) {
      inFence = !inFence;
      fenceStart = s;
      continue;
    }
    if (inFence && s - fenceStart > MAX_FENCE) inFence = false; // an unclosed fence does not swallow the document
    if (inFence) continue;

    let lineStart = s;
    while (lineStart > 0 && !isNewline(text.charCodeAt(lineStart - 1)) && isSpace(text.charCodeAt(lineStart - 1))) lineStart--;
    let lineEnd = e;
    while (lineEnd < text.length && !isNewline(text.charCodeAt(lineEnd)) && isSpace(text.charCodeAt(lineEnd))) lineEnd++;
    const wholeLine = (lineStart === 0 || isNewline(text.charCodeAt(lineStart - 1))) && (lineEnd === text.length || isNewline(text.charCodeAt(lineEnd)));

    if (colons.has(s, Math.min(e, s + 40)) && isMetadata(text, s, e)) continue;

    // Speaker labels inside the sentence: the last one opens a turn; the claim starts after it.
    let cs = s;
    const labels = labelsBySentence[si];
    if (labels) {
      for (const l of labels) {
        const role = labelRole(l);
        if (!role) continue;
        turn = role === "reset" ? undefined : role;
        cs = l.end;
      }
    }
    const ce = e;
    cs = skipMarkers(text, cs, ce);
    if (cs >= ce) continue;
    if (consumed.has(si)) continue;

    // One pass: content characters, and whether a URL or code-like punctuation is present.
    let content = 0;
    let urlish = false;
    let codeish = false;
    for (let i = cs; i < ce; i++) {
      const c = text.charCodeAt(i);
      if (isContent(c)) content++;
      else if (c === 0x2f && text.charCodeAt(i - 1) === 0x3a) urlish = true; // :/
      else if (c === 0x3e || c === 0x3c || c === 0x7b || c === 0x7d || c === 0x3b) codeish = true; // > < { } ;
      else if (c === 0x2e && (text.charCodeAt(i - 1) | 0x20) === 0x77) urlish = true; // www.
    }
    if (content < MIN_CONTENT) continue;
    if (urlish) {
      const noUrl = text.slice(cs, ce).replace(URL_RE, " ");
      if (contentCount(noUrl, 0, noUrl.length) < MIN_CONTENT) continue;
    }
    const last = lastSignificant(text, cs, ce);
    const terminal = last >= 0 && TERMINALS.has(last);
    if (wholeLine && !terminal && ce - cs <= 40) {
      turn = undefined; // a heading line ends an interview turn
      continue;
    }
    if ((codeish || wholeLine) && CODE_RE.test(text.slice(cs, ce))) continue;
    const question = last === 0xff1f || last === 0x3f;

    const hits = scanLexicon(text, { start: cs, end: ce });

    // Cues, negation, narrowing.
    const rawCues: Cue[] = [];
    for (const h of hits) if (h.kind !== "verb" && h.kind !== "source") rawCues.push({ start: h.start, end: h.end, kind: h.kind as CueKind, word: h.word });
    const { start, end, cues, qualifierOnly, negationOnly } = rawCues.length
      ? narrow(text, cs, ce, rawCues, content)
      : { start: cs, end: ce, cues: [] as Cue[], qualifierOnly: false, negationOnly: false };

    // Attribution.
    const attr = attribute(ctx, sentences, si, cs, ce, hits, start, end, attributions, consumed);
    const speaker = attr?.speaker ?? turn;

    const warn = cues.some((c) => WARN_KINDS.has(c.kind));
    if (question && !warn) continue;

    // A sentence that only qualifies the one before ("此消息尚未得到证实。" / "这已被证实。") joins its claim.
    const prevIdx = si > 0 ? claimOfSentence[si - 1] : -1;
    if ((qualifierOnly || negationOnly) && prevIdx >= 0 && prevIdx === claims.length - 1 && !/\n\s*\n/.test(text.slice(claims[prevIdx].end, s))) {
      const prev = claims[prevIdx];
      if (negationOnly) prev.cues = prev.cues.filter((c) => c.kind !== "rumor" && c.kind !== "unconfirmed");
      else prev.cues = [...prev.cues, ...cues];
      prev.end = ce;
      finish(prev);
      claimOfSentence[si] = prevIdx;
      continue;
    }

    // `text` is added last, by finish(): analyzeDocument deletes it, and deleting an object's last
    // property is cheap where deleting another one turns the object into a slow dictionary.
    const claim: Claim = { start, end, certainty: "asserted", cues, entityIds: [], figures: [] };
    if (speaker) claim.speaker = speaker;
    if (attr?.verb) claim.verb = attr.verb;
    finish(claim);
    claimOfSentence[si] = claims.length;
    claims.push(claim);
  }
  return claims as Array<Claim & { text: string }>; // finish() set every text
}

/**
 * The speaker of one sentence: stated in it, inherited from the sentence that opened its
 * quotation, or named by a short tail sentence after it (“……。”特朗普说。), which is then consumed.
 * Records the sentence's own attribution in `attributions`.
 */
function attribute(
  ctx: Ctx,
  sentences: Span[],
  si: number,
  cs: number,
  ce: number,
  hits: LexHit[],
  start: number,
  end: number,
  attributions: (Attribution | undefined)[],
  consumed: Set<number>,
): Attribution | undefined {
  const { text } = ctx;
  const sent = sentences[si] as Sentence;
  let attr = detectSpeaker(ctx, cs, ce, hits, end, start);
  if (attr) attributions[si] = attr;
  if (!attr && sent.quoteFrom !== undefined) {
    const qi = findSentence(sentences, sent.quoteFrom);
    const qa = qi >= 0 ? attributions[qi] : undefined;
    if (qa && qa.verbPos < sent.quoteFrom) attr = { ...qa };
  }
  if (!attr && si + 1 < sentences.length && CLOSERS.has(text.charCodeAt(ce - 1))) {
    const nx = sentences[si + 1];
    const gap = text.slice(ce, nx.start);
    if (!/\n\s*\n/.test(gap) && contentCount(text, nx.start, nx.end) <= 20) {
      const nh = scanLexicon(text, nx);
      const na = detectSpeaker(ctx, nx.start, nx.end, nh);
      if (na && na.speaker.span) {
        const verbHit = nh.find((h) => h.start === na.verbPos);
        const cut = [na.speaker.span, verbHit ?? { start: na.verbPos, end: na.verbPos }];
        if (remainder(text, nx.start, nx.end, cut, false, 2) <= 2) {
          attr = na;
          consumed.add(si + 1);
        }
      }
    }
  }
  return attr;
}

interface Narrowed {
  start: number;
  end: number;
  cues: Cue[];
  qualifierOnly: boolean;
  negationOnly: boolean;
}

/**
 * Cues, negation and narrowing of one sentence with cues: which cues survive negation, whether the
 * sentence only qualifies the one before, and the range of the claim. A function of its own (not
 * part of findClaims' loop) so the optimizing compiler handles two moderate functions instead of one
 * huge one, and a late deoptimization here does not recompile all of findClaims.
 */
function narrow(text: string, cs: number, ce: number, rawCues: Cue[], content: number): Narrowed {
  let start = cs;
  let end = ce;
  let cues: Cue[] = [];
  let qualifierOnly = false;
  let negationOnly = false;
  const clauses = clausesOf(text, { start: cs, end: ce });
  const clauseOf = (pos: number): number => {
    let lo = 0;
    let hi = clauses.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (clauses[mid].start <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const cueSpans = rawCues as Span[];
  const qualMemo = new Map<number, boolean>();
  const isQualifier = (ci: number): boolean => {
    let q = qualMemo.get(ci);
    if (q === undefined) qualMemo.set(ci, (q = remainder(text, clauses[ci].start, clauses[ci].end, cueSpans, false, 2) <= 2));
    return q;
  };
  const cancelled = new Set<Cue>();
  const targets = new Set<number>();
  for (const neg of rawCues) {
    if (neg.kind !== "negation") continue;
    const ci = clauseOf(neg.start);
    targets.add(ci);
    if (isQualifier(ci)) for (let j = ci - 1; j >= 0 && j >= ci - 3; j--) {
      targets.add(j);
      if (!startsConcessive(text, clauses[j]) && !isQualifier(j)) break;
    }
  }
  if (targets.size) for (const c of rawCues) if ((c.kind === "rumor" || c.kind === "unconfirmed") && targets.has(clauseOf(c.start))) cancelled.add(c);
  const surviving = rawCues.filter((c) => c.kind !== "negation" && !cancelled.has(c));
  negationOnly = surviving.length === 0 && cancelled.size === 0 && rawCues.some((c) => c.kind === "negation") && clauses.every((_, i) => isQualifier(i));
  if (surviving.length) {
    const topWarn = surviving.some((c) => WARN_KINDS.has(c.kind));
    const deciding = surviving.filter((c) => (topWarn ? WARN_KINDS.has(c.kind) : c.kind === "speculation"));
    const core = new Set<number>();
    for (const c of deciding) core.add(clauseOf(c.start));
    qualifierOnly = topWarn && clauses.every((_, i) => isQualifier(i)) && !surviving.some((c) => c.kind === "rumor" || c.kind === "speculation");
    // Deciding cues per clause (both lists are in document order).
    const mineOf = new Map<number, Cue[]>();
    for (const c of deciding) {
      const ci = clauseOf(c.start);
      const list = mineOf.get(ci);
      if (list) list.push(c);
      else mineOf.set(ci, [c]);
    }
    let leadInFrom = Infinity;
    for (const ci of [...core]) {
      if (isQualifier(ci)) {
        for (let j = ci - 1; j >= 0 && j >= ci - 3; j--) {
          core.add(j);
          if (!startsConcessive(text, clauses[j]) && !isQualifier(j)) break;
        }
      }
      const cl = clauses[ci];
      const mine = mineOf.get(ci) ?? [];
      const lastCue = mine[mine.length - 1];
      const leadIn =
        lastCue &&
        remainder(text, cl.start, lastCue.start, cueSpans, false, 1) <= 1 &&
        remainder(text, lastCue.end, cl.end, [], true, 8) - leadInTail(text, lastCue.end, Math.min(cl.end, lastCue.end + 16)) <= 1;
      const colon = /[：:]\s*$/.test(text.slice(cl.start, cl.end));
      // A hedge that opens its clause (似乎“便宜”了很多) qualifies the subject stated in the clause before.
      const firstCue = mine[0];
      if (!topWarn && firstCue && ci > 0 && remainder(text, cl.start, firstCue.start, cueSpans, false, 0) === 0 && !/[：:；;—―-]\s*$/.test(text.slice(clauses[ci - 1].start, clauses[ci - 1].end)))
        core.add(ci - 1);
      if (leadIn) leadInFrom = Math.min(leadInFrom, ci + 1);
      else if (colon && ci + 1 < clauses.length) core.add(ci + 1);
    }
    if (leadInFrom < clauses.length) core.add(clauses.length - 1); // the hull then covers everything after the lead-in
    if (core.size) {
      const firstCore = Math.min(...core);
      if (firstCore > 0 && (startsWithAny(text, clauses[firstCore], CONTINUATIONS) || startsWithAny(text, clauses[firstCore], ANAPHORA))) core.add(firstCore - 1);
      for (const c of deciding) {
        if (c.kind !== "disputed") continue;
        const ci = clauseOf(c.start);
        if (ci + 1 < clauses.length && remainder(text, c.end, clauses[ci].end, [], false, 12) <= 12 && !/[：:]\s*$/.test(text.slice(clauses[ci].start, clauses[ci].end)) && !startsConcessive(text, clauses[ci + 1]) && !startsWithAny(text, clauses[ci + 1], CONTINUATIONS))
          core.add(ci + 1);
      }
    }
    if (content > NARROW_MIN && core.size) {
      const idx = [...core].sort((a, b) => a - b);
      start = clauses[idx[0]].start;
      end = clauses[idx[idx.length - 1]].end;
      // Trim trailing clause separators (keep terminators and closing quotes) and leading dashes.
      while (end > start && (SEPARATORS.has(text.charCodeAt(end - 1)) || isSpace(text.charCodeAt(end - 1)))) end--;
      while (start < end && (SEPARATORS.has(text.charCodeAt(start)) || isSpace(text.charCodeAt(start)) || text.charCodeAt(start) === 0x2a)) start++;
      start = skipMarkers(text, start, end);
    }
    cues = surviving.filter((c) => c.start >= start && c.end <= end);
  }
  return { start, end, cues, qualifierOnly, negationOnly };
}

/** Content characters of what may follow a lead-in cue: 称, 说, 道, that. */
function leadInTail(text: string, s: number, e: number): number {
  const t = text.slice(s, e).replace(/[（(][^）)]*[）)]/g, "").trim();
  const m = /^(称|稱|说|說|道|指|表示|that)/i.exec(t);
  return m ? m[0].length : 0;
}

function isNewline(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

function findSentence(sentences: Span[], pos: number): number {
  let lo = 0;
  let hi = sentences.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sentences[mid].start <= pos) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans >= 0 && pos < sentences[ans].end ? ans : -1;
}
