// Property-based tests (fast-check): the analyzers and the language features never throw and never
// hand out a bad range, whatever the text — arbitrary Unicode, lone surrogates, combining marks,
// emoji sequences, RTL text, NUL bytes, CRLF and lone CR line endings, a byte-order mark, real
// Chinese sentences, catalog names and figures mixed together. See docs/RELIABILITY.md.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import type { EntityDef, Span } from "../../server/src/analysis/types";
import { Catalog, fullNames } from "../../server/src/analysis/catalog";
import { analyzeDocument } from "../../server/src/analysis/analyze";
import { LineIndex } from "../../server/src/analysis/lines";
import { Corpus } from "../../server/src/corpus/corpus";
import { hover } from "../../server/src/service/hover";
import { entityDefinition, entityHighlights, entityReferences, figureOrClaimDefinition, figureOrClaimReferences } from "../../server/src/service/navigation";
import { documentDiagnostics } from "../../server/src/service/diagnostics";
import { semanticTokens } from "../../server/src/service/semanticTokens";
import { inlayHints } from "../../server/src/service/inlayHints";
import { documentSymbols, workspaceSymbols } from "../../server/src/service/symbols";
import { codeActions } from "../../server/src/service/codeActions";
import { codeLenses, resolveCodeLens } from "../../server/src/service/codeLens";
import { anchorAll, createSelector, makeAnnotation, type AnchoredAnnotation } from "../../server/src/annotations";
import builtin from "../../server/data/entities.json";

const catalog = new Catalog(builtin as EntityDef[]);
// Reproducible by default; FC_SEED=<n> FC_RUNS=<n> explore further (docs/RELIABILITY.md).
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20250207;
const runs = (n: number) => (process.env.FC_RUNS ? Number(process.env.FC_RUNS) : n);

// ---- inputs

const seedTexts = fs
  .readdirSync("seeds")
  .sort()
  .map((f) => fs.readFileSync(path.join("seeds", f), "utf8"));
/** Real sentences from the seed articles (simplified and traditional Chinese, English, mixed). */
const sentences = seedTexts
  .flatMap((t) => t.split(/(?<=[。！？.!?])|\n/))
  .map((s) => s.trim())
  .filter((s) => s.length >= 6 && s.length <= 200);
const catalogNames = (builtin as EntityDef[]).flatMap((e) => fullNames(e)).filter((n) => n.length <= 40);

const ODD = [
  "\uD800", // lone high surrogate
  "\uDFFF", // lone low surrogate
  "\uDBFF\uD800", // two highs
  "\uDC00\uD83D", // low then high
  "😀",
  "👩‍👩‍👧‍👦", // ZWJ family
  "🏳️‍🌈",
  "🇨🇳🇺🇸", // regional indicators
  "👍🏽", // skin tone modifier
  "e\u0301", // combining acute
  "\u0301\u0302\u0303", // stacked combining marks with no base
  "Z\u0351\u0352\u0353\u0354\u0355",
  "مرحبا بالعالم", // Arabic (RTL)
  "שלום", // Hebrew (RTL)
  "\u202Eevil\u202C", // RTL override
  "\u200F\u200E", // RTL/LTR marks
  "\u0000",
  "\u0000\u0000",
  "\r\n",
  "\r",
  "\n",
  "\n\n",
  "\r\r\n",
  "\uFEFF", // byte-order mark (anywhere)
  "\u2028",
  "\u2029",
  "\u000B\u000C\u0085",
  "\t",
  "\u3000", // ideographic space
  "\u00A0",
  "\u200B", // zero-width space
  "\uFFFD",
  "\uFFFF",
  "𠀀𪚥", // astral Han (surrogate pairs)
  "𝟓𝟎", // mathematical digits (surrogate pairs)
  "ＤｅｅｐＳｅｅｋ",
  "（", "）", "(", ")", "“", "”", "「", "」", "《", "》", "·", "・", "，", "。", "：", ":", "；", "！", "？", "、", "…", "——",
  "说", "表示", "称", "据说", "传言", "流言", "聽說", "未经证实", "并未得到官方确认", "未經過證實", "可能", "也许", "否认", "reportedly", "according to", "said", "might", "never confirmed", "rumor",
  "保罗·特里奥罗(Paul Triolo)", "深度求索（DeepSeek）", "模型蒸馏(model distillation)", "Amodei", "特里奥罗",
  "5 万块 GPU", "五萬張", "600萬美元", "$5.6 million", "US$6,000,000", "47%", "2026-2027", "一到两年", "数十亿", "约", "大约", "近", "超过", "不足", "roughly", "about", "over",
  "1,000,000,000,000,000,000,000", "9".repeat(400), "一二三四五六七八九十百千万亿兆", "〇", "两", "半", "0.", ".5", "1e309", "-", "–", "~", "%", "‰", "倍", "萬", "億",
  "https://example.org/a?b=(c)", "a@b.c", "{\"x\":1}", "\\", "`", "*_[]<>|~",
];

const fragment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ODD) },
  { weight: 3, arbitrary: fc.constantFrom(...sentences) },
  { weight: 3, arbitrary: fc.constantFrom(...catalogNames) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 6 }) }, // any code point, astral included
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 6 }) }, // raw UTF-16 units: lone surrogates anywhere
);
const mixedText = fc.array(fragment, { maxLength: 40 }).map((xs) => xs.join(""));
/** A uniform position in [0, 1] (fc.double favours extreme and tiny values, which would splice everything at 0). */
const fraction = fc.integer({ min: 0, max: 1_000_000 }).map((x) => x / 1_000_000);
/** A real article with fragments spliced in at random places (including inside surrogate pairs). */
const mutatedArticle = fc
  .tuple(fc.nat(seedTexts.length - 1), fc.array(fc.tuple(fraction, fragment), { maxLength: 12 }), fc.boolean())
  .map(([i, inserts, crlf]) => {
    let t = seedTexts[i].slice(0, 6000);
    if (crlf) t = t.replace(/\n/g, "\r\n");
    for (const [at, frag] of inserts) {
      const o = Math.floor(at * t.length);
      t = t.slice(0, o) + frag + t.slice(o);
    }
    return t;
  });
const anyText = fc.oneof(mixedText, mutatedArticle, fc.string({ unit: "binary", maxLength: 200 }));

// ---- checks

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
/** True when an offset falls between the two halves of a surrogate pair. */
function splitsPair(text: string, o: number): boolean {
  return o > 0 && o < text.length && isHigh(text.charCodeAt(o - 1)) && isLow(text.charCodeAt(o));
}

function checkSpan(text: string, s: Span | undefined, what: string): void {
  if (!s) return;
  assert.ok(Number.isInteger(s.start) && Number.isInteger(s.end), `${what}: non-integer span ${s.start}..${s.end}`);
  assert.ok(0 <= s.start && s.start <= s.end && s.end <= text.length, `${what}: span ${s.start}..${s.end} outside 0..${text.length}`);
  assert.ok(!splitsPair(text, s.start) && !splitsPair(text, s.end), `${what}: span ${s.start}..${s.end} splits a surrogate pair`);
}

function checkAnalysis(text: string): void {
  const a = analyzeDocument(text, catalog);
  for (const m of a.mentions) {
    checkSpan(text, m, "mention");
    assert.ok(m.end > m.start, "empty mention");
    assert.equal(m.surface, text.slice(m.start, m.end), "mention surface is the text it covers");
  }
  for (const f of a.figures) {
    checkSpan(text, f, "figure");
    assert.ok(f.end > f.start, "empty figure");
    assert.ok(typeof f.value === "number" && !Number.isNaN(f.value), `figure value ${f.value}`);
    assert.equal(typeof f.display, "string");
  }
  for (const s of a.sentences) checkSpan(text, s, "sentence");
  for (const c of a.claims) {
    checkSpan(text, c, "claim");
    for (const q of c.cues) checkSpan(text, q, "cue");
    checkSpan(text, c.speaker?.span, "speaker");
    for (const i of c.figures) assert.ok(i >= 0 && i < a.figures.length, `claim figure index ${i}`);
  }
  // Items the corpus binary-searches must be sorted by start.
  for (const list of [a.mentions, a.figures]) for (let i = 1; i < list.length; i++) assert.ok(list[i - 1].start <= list[i].start, "sorted by start");
}

type Pos = { line: number; character: number };
type Rng = { start: Pos; end: Pos };

/** A position is valid when it lies on an existing line, within its content, and not inside a pair. */
function checkPos(lines: LineIndex, p: Pos, what: string): number {
  assert.ok(Number.isInteger(p.line) && Number.isInteger(p.character), `${what}: non-integer position ${JSON.stringify(p)}`);
  assert.ok(p.line >= 0 && p.line < lines.lineCount, `${what}: line ${p.line} of ${lines.lineCount}`);
  const o = lines.starts[p.line] + p.character;
  assert.ok(p.character >= 0 && o <= lines.lineEnd(p.line), `${what}: character ${p.character} past the end of line ${p.line}`);
  assert.ok(!splitsPair(lines.text, o), `${what}: position ${JSON.stringify(p)} splits a surrogate pair`);
  return o;
}

function checkRange(lines: LineIndex, r: Rng, what: string): void {
  const s = checkPos(lines, r.start, `${what}.start`);
  const e = checkPos(lines, r.end, `${what}.end`);
  assert.ok(s <= e, `${what}: start after end`);
}

/** One LineIndex per text: a check over the real text of the document, built once. */
const lineIndexes = new Map<string, LineIndex>();
function linesOf(text: string): LineIndex {
  let l = lineIndexes.get(text);
  if (!l) lineIndexes.set(text, (l = new LineIndex(text)));
  return l;
}

function checkLocation(corpus: Corpus, l: { uri: string; range: Rng }, what: string): void {
  const d = corpus.get(l.uri);
  assert.ok(d, `${what}: location in an unknown document ${l.uri}`);
  checkRange(linesOf(d.text), l.range, what);
}

/** Offsets that may start or end an annotation: not inside a surrogate pair. */
function codePointOffset(text: string, o: number): number {
  o = Math.max(0, Math.min(o, text.length));
  return splitsPair(text, o) ? o - 1 : o;
}

/** User annotations on a few spans of a text (one per pair of offsets), anchored to it. */
function annotate(text: string, offsets: number[]): AnchoredAnnotation[] {
  const list = [];
  for (let i = 0; i + 1 < offsets.length && list.length < 4; i += 2) {
    const s = codePointOffset(text, Math.min(offsets[i], offsets[i + 1]));
    const e = codePointOffset(text, Math.max(offsets[i], offsets[i + 1]));
    if (e > s) list.push(makeAnnotation({ source: "doc.txt", selector: createSelector(text, s, e), verdict: (["false", "verified", "disputed", "unverified"] as const)[i % 4], now: "2025-01-01T00:00:00Z" }));
  }
  return anchorAll(text, list).anchored;
}

/** Every language feature at a set of offsets (and at every claim/figure/mention) of one document. */
function checkService(corpus: Corpus, uri: string, offsets: number[]): void {
  const doc = corpus.get(uri)!;
  const L = linesOf(doc.text);
  const text = doc.text;
  const a = doc.analysis;
  const anchored = annotate(text, offsets);
  const probes = new Set<number>([0, text.length, ...offsets.map((o) => Math.min(o, text.length))]);
  for (const x of [...a.mentions, ...a.figures, ...a.claims].slice(0, 40)) (probes.add(x.start), probes.add(x.end), probes.add((x.start + x.end) >> 1));
  for (const o of probes) {
    const h = hover(corpus, uri, o);
    if (h) (checkRange(L, h.range, "hover"), assert.equal(typeof h.contents.value, "string"));
    for (const l of entityDefinition(corpus, uri, o) ?? []) checkLocation(corpus, l, "entityDefinition");
    for (const l of figureOrClaimDefinition(corpus, uri, o) ?? []) checkLocation(corpus, l, "figureOrClaimDefinition");
    for (const l of entityReferences(corpus, uri, o, true) ?? []) checkLocation(corpus, l, "entityReferences");
    for (const l of entityReferences(corpus, uri, o, false) ?? []) checkLocation(corpus, l, "entityReferences(no decl)");
    for (const l of figureOrClaimReferences(corpus, uri, o) ?? []) checkLocation(corpus, l, "figureOrClaimReferences");
    for (const h2 of entityHighlights(corpus, uri, o) ?? []) checkRange(L, h2.range, "highlight");
    for (const act of codeActions(corpus, uri, o, Math.min(text.length, o + 7), anchored)) {
      for (const arg of act.command.arguments ?? []) {
        const t = arg as { range?: Rng };
        if (t.range) checkRange(L, t.range, "codeAction target");
      }
    }
  }
  for (const d of documentDiagnostics(corpus, uri, {}, anchored)) {
    checkRange(L, d.range, `diagnostic ${d.code}`);
    for (const r of d.relatedInformation ?? []) checkLocation(corpus, r.location, "relatedInformation");
  }
  for (const h of inlayHints(corpus, uri, 0, text.length)) checkPos(L, h.position, "inlayHint");
  for (const s of documentSymbols(corpus, uri)) {
    checkRange(L, s.range, "symbol.range");
    checkRange(L, s.selectionRange, "symbol.selectionRange");
    for (const c of s.children ?? []) (checkRange(L, c.range, "child.range"), checkRange(L, c.selectionRange, "child.selectionRange"));
  }
  for (const lens of codeLenses(corpus, uri)) {
    checkRange(L, lens.range, "codeLens");
    const r = resolveCodeLens(corpus, lens);
    for (const l of ((r.command?.arguments?.[2] as Array<{ uri: string; range: Rng }>) ?? [])) checkLocation(corpus, l, "codeLens location");
  }
  // Semantic tokens: relative encoding decoded; each token on one line, non-empty, inside it.
  const data = semanticTokens(corpus, uri, anchored).data;
  assert.equal(data.length % 5, 0);
  let line = 0;
  let ch = 0;
  let prevEnd = -1;
  for (let i = 0; i < data.length; i += 5) {
    const [dl, dc, len] = data.slice(i, i + 3);
    assert.ok(dl >= 0 && len > 0, "token delta/length");
    line += dl;
    ch = dl === 0 ? ch + dc : dc;
    const s = checkPos(L, { line, character: ch }, "token start");
    const e = checkPos(L, { line, character: ch + len }, "token end");
    assert.ok(s >= prevEnd, "tokens do not overlap");
    prevEnd = e;
  }
  for (const w of workspaceSymbols(corpus, text.slice(0, 3))) checkLocation(corpus, w.location, "workspaceSymbol");
}

// ---- properties

test("analyzeDocument never throws and every span lies inside the text, never splitting a surrogate pair", () => {
  fc.assert(
    fc.property(anyText, (text) => checkAnalysis(text)),
    { seed, numRuns: runs(300) },
  );
});

test("analyzeDocument on every seed with a byte-order mark, CRLF and lone CR line endings", () => {
  for (const t of seedTexts) for (const v of [t, "\uFEFF" + t, t.replace(/\n/g, "\r\n"), t.replace(/\n/g, "\r"), t.replace(/。/g, "。\u0000")]) checkAnalysis(v);
});

test("LineIndex round-trips every offset that does not split a pair, and clamps the rest", () => {
  fc.assert(
    fc.property(anyText, fc.array(fc.integer({ min: -5, max: 7000 }), { maxLength: 30 }), (text, offsets) => {
      const L = new LineIndex(text);
      for (const o of offsets) {
        const p = L.positionAt(o);
        const back = checkPos(L, p, "positionAt");
        const clamped = Math.max(0, Math.min(o, text.length));
        if (!splitsPair(text, clamped)) {
          // An offset inside a line break maps to the end of that line; everything else round-trips.
          if (clamped <= L.lineEnd(p.line)) assert.equal(back, clamped);
        }
        assert.equal(L.offsetAt(p), back);
      }
    }),
    { seed, numRuns: runs(300) },
  );
});

test("hover, definition, references, diagnostics, tokens, hints, symbols, code actions and lenses stay inside the documents", () => {
  fc.assert(
    fc.property(fc.array(anyText, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(8000), { maxLength: 12 }), (texts, offsets) => {
      const corpus = new Corpus(builtin as EntityDef[]);
      // The random documents next to a real one, so cross-document links are exercised too.
      corpus.set("file:///w/seed.txt", seedTexts[2].slice(0, 4000));
      texts.forEach((t, i) => corpus.set(`file:///w/doc${i}.txt`, t));
      for (let i = 0; i < texts.length; i++) checkService(corpus, `file:///w/doc${i}.txt`, offsets);
      checkService(corpus, "file:///w/seed.txt", offsets.slice(0, 4));
      // Out-of-range and unknown-document queries answer nothing rather than throw.
      assert.equal(hover(corpus, "file:///w/none.txt", 3), null);
      assert.deepEqual(documentDiagnostics(corpus, "file:///w/none.txt"), []);
      assert.deepEqual(semanticTokens(corpus, "file:///w/none.txt"), { data: [] });
      hover(corpus, "file:///w/doc0.txt", -1);
      hover(corpus, "file:///w/doc0.txt", 1e9);
      hover(corpus, "file:///w/doc0.txt", NaN);
    }),
    { seed, numRuns: runs(50) },
  );
});

test("annotations survive any edit of their document: anchored inside the new text, or orphans — never lost", (t) => {
  let made = 0;
  let orphaned = 0;
  const edit = fc.array(fc.tuple(fraction, fc.nat(40), fragment), { maxLength: 8 });
  fc.assert(
    fc.property(fc.oneof(mutatedArticle.map((t) => t.slice(0, 3000)), mixedText), fc.array(fraction, { minLength: 2, maxLength: 8 }), edit, (text, at, edits) => {
      const anns = annotate(text, at.map((f) => Math.floor(f * text.length))).map((x) => x.annotation);
      made += anns.length;
      // Unchanged text: every annotation anchors where it was made.
      const same = anchorAll(text, anns);
      assert.equal(same.orphans.length, 0, "an unchanged text anchors every annotation");
      let edited = text;
      for (const [where, del, frag] of edits) {
        const s = codePointOffset(edited, Math.floor(where * edited.length));
        const e = codePointOffset(edited, s + del);
        edited = edited.slice(0, s) + frag + edited.slice(Math.max(s, e));
      }
      const r = anchorAll(edited, anns);
      assert.equal(r.anchored.length + r.orphans.length, anns.length, "no annotation is lost");
      assert.deepEqual(new Set([...r.anchored.map((x) => x.annotation.id), ...r.orphans.map((x) => x.id)]), new Set(anns.map((x) => x.id)));
      for (const x of r.anchored) {
        checkSpan(edited, x.anchor, `anchor (${x.anchor.method})`);
        assert.ok(x.anchor.end > x.anchor.start, "a non-empty anchor");
      }
      orphaned += r.orphans.length;
    }),
    { seed, numRuns: runs(150) },
  );
  t.diagnostic(`${made} annotations, ${orphaned} orphaned by the edits`);
  assert.ok(made > 150 && orphaned > 0, "the property saw annotations anchored and orphaned");
});

test("a 1 MB single line is analysed once, with every span inside it", () => {
  const unit = sentences.filter((s) => !/[\r\n]/.test(s)).slice(0, 50).join(" ") + " 👩‍👩‍👧 \uD800 e\u0301 مرحبا \u0000 ";
  let line = "";
  while (line.length < 1_000_000) line += unit;
  line = line.slice(0, 1_000_000);
  const t0 = Date.now();
  checkAnalysis(line);
  const corpus = new Corpus(builtin as EntityDef[]);
  corpus.set("file:///w/big.txt", line);
  const d = corpus.get("file:///w/big.txt")!;
  assert.equal(d.lines.lineCount, 1);
  const L = new LineIndex(d.text);
  for (const x of documentDiagnostics(corpus, d.uri)) checkRange(L, x.range, "diagnostic");
  const data = semanticTokens(corpus, d.uri).data;
  assert.ok(data.length > 0);
  assert.ok(Date.now() - t0 < 60_000, "analysed within a minute");
});
