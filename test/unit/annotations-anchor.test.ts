import { test } from "node:test";
import assert from "node:assert/strict";
import {
  anchor,
  anchorAll,
  AnchorDocument,
  CodePointIndex,
  codePointLength,
  codePointToUtf16,
  createSelector,
  splitsSurrogatePair,
  utf16ToCodePoint,
} from "../../server/src/annotations/anchor";
import type { Annotation, Selector, TextPositionSelector, TextQuoteSelector } from "../../server/src/annotations/types";

/** Deterministic pseudo-random text: Chinese characters, English words, punctuation. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const HANZI = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质";
const WORDS = "the chip export control model distillation rumor reportedly GPU Nvidia DeepSeek cluster training cost million billion said according to analysts officials confirmed denied".split(" ");
function randomText(rand: () => number, length: number): string {
  let out = "";
  while (out.length < length) {
    const r = rand();
    if (r < 0.7) out += HANZI[Math.floor(rand() * HANZI.length)];
    else if (r < 0.9) out += " " + WORDS[Math.floor(rand() * WORDS.length)] + " ";
    else if (r < 0.97) out += "，";
    else out += "。\n";
  }
  return out.slice(0, length);
}

function sel(doc: string, quote: string, occurrence = 0): Selector[] {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = doc.indexOf(quote, at + 1);
  assert.ok(at >= 0, `quote not in doc: ${quote}`);
  return createSelector(doc, at, at + quote.length);
}

const ARTICLE = [
  "据知情人士透露，DeepSeek 可能拥有五万张 H100 显卡，但这一说法并未得到官方确认。",
  "SemiAnalysis 的报告称，这家公司的 GPU 总数约为六万张，其中包括 H800 和 H20。",
  "Anthropic CEO Dario Amodei wrote that export controls are working, and that the rumor of 50,000 smuggled GPUs was never confirmed.",
  "英伟达股价当天下跌了 17%，市值蒸发近六千亿美元。",
].join("\n");

test("code point ↔ UTF-16 conversions", () => {
  const text = "a😀b𠀀c\uD800d"; // emoji, astral CJK, a lone high surrogate
  assert.equal(codePointLength(text), 7);
  const idx = new CodePointIndex(text);
  const cps = [...text];
  let u = 0;
  for (let cp = 0; cp <= cps.length; cp++) {
    assert.equal(idx.toUtf16(cp), u, `toUtf16(${cp})`);
    assert.equal(idx.toCodePoint(u), cp, `toCodePoint(${u})`);
    u += cp < cps.length ? cps[cp].length : 0;
  }
  assert.equal(utf16ToCodePoint(text, 2), 1, "inside a pair rounds down");
  assert.equal(codePointToUtf16(text, 99), text.length, "clamped");
  assert.ok(splitsSurrogatePair(text, 2));
  assert.ok(!splitsSurrogatePair(text, 3));
});

test("createSelector: exact, ~32 code points of context, positions in code points", () => {
  const doc = "😀".repeat(40) + "目标文本" + "🎉".repeat(40);
  const start = 80, end = 84; // UTF-16
  const [q, p] = createSelector(doc, start, end);
  assert.equal(q.exact, "目标文本");
  assert.equal(q.prefix, "😀".repeat(32));
  assert.equal(q.suffix, "🎉".repeat(32));
  assert.deepEqual(p, { type: "TextPositionSelector", start: 40, end: 44 });
  // A range edge inside a surrogate pair is widened to the whole character.
  const [q2, p2] = createSelector("ab😀cd", 3, 5);
  assert.equal(q2.exact, "😀c");
  assert.deepEqual([p2.start, p2.end], [2, 4]);
  // No prefix at the start of the document.
  assert.equal(createSelector("abc", 0, 1)[0].prefix, undefined);
  assert.throws(() => createSelector("abc", 2, 2), RangeError);
});

test("unchanged document: anchored by position", () => {
  const s = sel(ARTICLE, "五万张 H100 显卡");
  const a = anchor(ARTICLE, s)!;
  assert.equal(a.method, "position");
  assert.equal(ARTICLE.slice(a.start, a.end), "五万张 H100 显卡");
});

test("insertions before the target: anchored by quote", () => {
  const s = sel(ARTICLE, "the rumor of 50,000 smuggled GPUs was never confirmed");
  const edited = "【编者按】本文有更新。\n新增一段导语，说明背景。\n" + ARTICLE;
  const a = anchor(edited, s)!;
  assert.equal(a.method, "quote");
  assert.equal(edited.slice(a.start, a.end), "the rumor of 50,000 smuggled GPUs was never confirmed");
});

test("emoji / surrogate pairs before the target: code points vs UTF-16", () => {
  const doc = "🚀🚀 开头 𠀀 " + ARTICLE;
  const quote = "市值蒸发近六千亿美元";
  const s = sel(doc, quote);
  const pos = s[1] as TextPositionSelector;
  const u16 = doc.indexOf(quote);
  assert.equal(pos.start, u16 - 3, "three astral characters before the quote: 3 fewer code points than UTF-16 units");
  const a = anchor(doc, s)!;
  assert.equal(a.method, "position");
  assert.equal(a.start, u16);
  assert.equal(doc.slice(a.start, a.end), quote);
  // More emoji inserted before: the position is stale, the quote still matches, UTF-16 offsets come back.
  const edited = "😀😀😀" + doc;
  const b = anchor(edited, s)!;
  assert.equal(b.method, "quote");
  assert.equal(b.start, u16 + 6);
  assert.equal(edited.slice(b.start, b.end), quote);
});

test("edits inside the quote: fuzzy anchoring", () => {
  const quote = "Anthropic CEO Dario Amodei wrote that export controls are working";
  const s = sel(ARTICLE, quote);
  const edited = ARTICLE.replace(quote, "Anthropic's CEO, Dario Amodei, argued that export controls were working");
  const a = anchor(edited, s)!;
  assert.equal(a.method, "fuzzy");
  assert.ok(a.distance! > 0 && a.distance! <= Math.floor(quote.length / 4));
  const got = edited.slice(a.start, a.end);
  assert.match(got, /^Anthropic's CEO, Dario Amodei, argued that export controls were working$/);

  // Chinese: two characters changed, text inserted before.
  const zh = "这家公司的 GPU 总数约为六万张";
  const s2 = sel(ARTICLE, zh);
  const edited2 = "补充：\n" + ARTICLE.replace(zh, "这家公司的 GPU 总量约为六萬张");
  const b = anchor(edited2, s2)!;
  assert.equal(b.method, "fuzzy");
  assert.equal(edited2.slice(b.start, b.end), "这家公司的 GPU 总量约为六萬张");
});

test("deletion of the target: undefined (orphan)", () => {
  const quote = "英伟达股价当天下跌了 17%，市值蒸发近六千亿美元。";
  const s = sel(ARTICLE, quote);
  const edited = ARTICLE.replace(quote, "");
  assert.equal(anchor(edited, s), undefined);
  const ann: Annotation = {
    id: "urn:uuid:orphan",
    type: "Annotation",
    target: { source: "a.txt", selector: s },
    body: { type: "ClaimReview", verdict: "verified" },
  };
  const ok: Annotation = { ...ann, id: "urn:uuid:ok", target: { source: "a.txt", selector: sel(ARTICLE, "H800 和 H20") } };
  const r = anchorAll(edited, [ann, ok]);
  assert.deepEqual(r.orphans.map((a) => a.id), ["urn:uuid:orphan"]);
  assert.deepEqual(r.anchored.map((a) => a.annotation.id), ["urn:uuid:ok"]);
});

test("duplicate occurrences are disambiguated by context", () => {
  const doc = "第一段：传言称他们有五万张显卡，记者无法证实。\n第二段：官方文件显示他们有五万张显卡，并附有采购合同。\n";
  const s = sel(doc, "五万张显卡", 1); // the second one
  const q = s[0] as TextQuoteSelector;
  assert.ok(q.prefix!.endsWith("官方文件显示他们有"));
  // Text inserted before both: the stored position is stale.
  const edited = "导语。\n" + doc;
  const a = anchor(edited, s)!;
  assert.equal(a.method, "quote");
  assert.equal(a.start, edited.lastIndexOf("五万张显卡"));
  // Worse: an edit moves the *other* occurrence exactly onto the stored position; context decides.
  const pos = s[1] as TextPositionSelector;
  const first = doc.indexOf("五万张显卡");
  const shift = pos.start - first; // all BMP: code points = UTF-16 units
  const tricky = "X".repeat(shift) + doc;
  assert.equal(tricky.slice(pos.start, pos.end), "五万张显卡", "the first occurrence now sits at the old position");
  const b = anchor(tricky, s)!;
  assert.equal(b.start, tricky.lastIndexOf("五万张显卡"));
  assert.equal(b.method, "quote");
  // Position wins ties when the context cannot tell.
  const plain = "aaa X aaa X aaa";
  const s3 = createSelector(plain, 10, 11, { context: 0 });
  assert.deepEqual(anchor(plain, s3), { start: 10, end: 11, method: "position" });
});

test("CRLF: selectors made on CRLF text, and line endings converted either way", () => {
  const lf = ARTICLE;
  const crlf = ARTICLE.replace(/\n/g, "\r\n");
  const quote = "确认。\r\nSemiAnalysis 的报告称"; // spans a line break
  const s = sel(crlf, quote);
  const a = anchor(crlf, s)!;
  assert.equal(a.method, "position");
  assert.equal(crlf.slice(a.start, a.end), quote);
  // The file is converted to LF: found by quote, line endings compared normalized.
  const b = anchor(lf, s)!;
  assert.equal(b.method, "quote");
  assert.equal(lf.slice(b.start, b.end), "确认。\nSemiAnalysis 的报告称");
  // Made on LF, the file becomes CRLF: the range includes the whole CRLF, never half of it.
  const s2 = sel(lf, "确认。\nSemiAnalysis 的报告称");
  const c = anchor(crlf, s2)!;
  assert.equal(c.method, "quote");
  assert.equal(crlf.slice(c.start, c.end), quote);
  // A quote ending right before a line break does not swallow the CR.
  const s3 = sel(lf, "并未得到官方确认。");
  const d = anchor("前言\r\n" + crlf, s3)!;
  assert.equal(("前言\r\n" + crlf).slice(d.start, d.end), "并未得到官方确认。");
});

test("fuzzy matches never split a surrogate pair", () => {
  const doc = "前文前文前文。😀😀 重要的说法：这家公司有五万张显卡 🎉🎉。后文后文后文。";
  const s = sel(doc, "😀 重要的说法：这家公司有五万张显卡 🎉");
  const edited = doc.replace("😀 重要的说法：这家公司有五万张显卡 🎉", "😃 重要说法：这家公司有五萬张显卡 🎊");
  const a = anchor(edited, s)!;
  assert.ok(a);
  assert.equal(a.method, "fuzzy");
  assert.ok(!splitsSurrogatePair(edited, a.start) && !splitsSurrogatePair(edited, a.end));
  assert.match(edited.slice(a.start, a.end), /重要说法：这家公司有五萬张显卡/);
});

test("position-only selectors and invalid positions", () => {
  const doc = "a😀bc";
  assert.deepEqual(anchor(doc, [{ type: "TextPositionSelector", start: 1, end: 2 }]), { start: 1, end: 3, method: "position" });
  assert.equal(anchor(doc, [{ type: "TextPositionSelector", start: 1, end: 9 }]), undefined);
  // A bad position never hides a good quote.
  assert.deepEqual(
    anchor(doc, [
      { type: "TextQuoteSelector", exact: "bc" },
      { type: "TextPositionSelector", start: 7, end: 3 },
    ]),
    { start: 3, end: 5, method: "quote" },
  );
});

test("long quotes (> 1000 units) anchor fuzzily by head and tail", () => {
  const rand = prng(7);
  const doc = randomText(rand, 20_000);
  const at = 9_000;
  const s = createSelector(doc, at, at + 3_000);
  const exact = (s[0] as TextQuoteSelector).exact;
  // Edit a few places in the middle and insert text before.
  const editedQuote = exact.slice(0, 1000) + "插入的新句子。" + exact.slice(1010, 2000) + exact.slice(2050);
  const edited = "新的开头。\n".repeat(30) + doc.slice(0, at) + editedQuote + doc.slice(at + 3_000);
  const a = anchor(edited, s)!;
  assert.equal(a.method, "fuzzy");
  assert.equal(edited.slice(a.start, a.end), editedQuote);
});

test("fast on a 1 MB document: moved+edited quote, and an orphan", () => {
  const rand = prng(42);
  const doc = randomText(rand, 1_000_000);
  const at = 700_000;
  const s = createSelector(doc, at, at + 200);
  const exact = (s[0] as TextQuoteSelector).exact;
  // Edit ~10% of the quote, and move it far from its old position.
  const chars = [...exact];
  for (let i = 5; i < chars.length; i += 10) chars[i] = "乙";
  const editedQuote = chars.join("");
  const edited = doc.slice(0, 100_000) + editedQuote + doc.slice(100_000, at) + doc.slice(at + 200);
  const d = new AnchorDocument(edited);
  let t0 = performance.now();
  const a = anchor(d, s)!;
  const moved = performance.now() - t0;
  assert.ok(a, "found");
  assert.equal(a.method, "fuzzy");
  assert.equal(a.start, 100_000);
  assert.equal(a.end, 100_200);

  // Near the old position (the common case).
  const edited2 = doc.slice(0, at) + "插入" + editedQuote + doc.slice(at + 200);
  t0 = performance.now();
  const b = anchor(edited2, s)!;
  const near = performance.now() - t0;
  assert.equal(b.start, at + 2);

  // Orphan: the passage is gone.
  const gone = doc.slice(0, at) + doc.slice(at + 200);
  t0 = performance.now();
  assert.equal(anchor(gone, s), undefined);
  const orphan = performance.now() - t0;
  for (const [what, ms] of [["moved", moved], ["near", near], ["orphan", orphan]] as const) {
    assert.ok(ms < 1500, `${what} took ${ms.toFixed(0)} ms`);
  }
});
