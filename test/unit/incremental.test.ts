// Incremental re-analysis: a window around an edit, spliced into the previous analysis, must give
// what a full analysis of the new text gives (for edits that do not change names, labels or fences
// used elsewhere in the document), and must always hand out offsets that are valid in the new text.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { DocumentAnalysis, EntityDef } from "../../server/src/analysis/types";
import { Catalog } from "../../server/src/analysis/catalog";
import { analyzeDocument } from "../../server/src/analysis/analyze";
import { mergeChanges, spliceAnalysis, warmUpSplice, type OffsetChange } from "../../server/src/analysis/incremental";
import { Corpus } from "../../server/src/corpus/corpus";
import { DiagnosticsCache, documentDiagnostics } from "../../server/src/service/diagnostics";
import builtinCatalog from "../../server/data/entities.json";
import { prng } from "../prng";

const catalog = new Catalog(builtinCatalog as EntityDef[], []);
const seeds = path.resolve("seeds");
const seedLines = fs
  .readdirSync(seeds)
  .filter((f) => f.endsWith(".txt"))
  .sort()
  .flatMap((f) => fs.readFileSync(path.join(seeds, f), "utf8").split(/\r?\n/))
  .filter((l) => l.trim() !== "");


/** A long multi-paragraph document: the seeds' lines, shuffled, some paragraphs separated by a blank line. */
function documentOf(seed: number, chars: number): string {
  const r = prng(seed);
  const out: string[] = [];
  let n = 0;
  while (n < chars) {
    const line = seedLines[Math.floor(r() * seedLines.length)];
    out.push(line, ...(r() < 0.3 ? [""] : []));
    n += line.length + 1;
  }
  return out.join("\n");
}

/** Clones an analysis (spliceAnalysis takes the previous one over). */
const clone = (a: DocumentAnalysis): DocumentAnalysis => structuredClone(a);

/** The analysis in a form that compares equal when the results are the same (learned entities as a set). */
function comparable(a: DocumentAnalysis) {
  return { ...a, learned: a.learned.map((l) => JSON.stringify(l)).sort() };
}

function assertValid(a: DocumentAnalysis, text: string, what: string): void {
  for (const k of ["sentences", "mentions", "figures", "claims"] as const) {
    const items = a[k] as Array<{ start: number; end: number }>;
    items.forEach((x, i) => {
      assert.ok(Number.isInteger(x.start) && Number.isInteger(x.end) && 0 <= x.start && x.start <= x.end && x.end <= text.length, `${what}: ${k}[${i}] [${x.start}, ${x.end}) out of the text (${text.length})`);
      if (i > 0) assert.ok(items[i - 1].start <= x.start, `${what}: ${k} not sorted at ${i}`);
    });
  }
  for (const m of a.mentions) assert.equal(m.surface, text.slice(m.start, m.end), `${what}: mention surface`);
  for (const f of a.figures) assert.equal(f.text.length > 0, true);
  a.claims.forEach((c, i) => {
    for (const fi of c.figures) {
      const f = a.figures[fi];
      assert.ok(f && f.start >= c.start && f.end <= c.end, `${what}: claim ${i} points at figure ${fi} outside it`);
    }
    for (const q of c.cues) assert.ok(q.start >= 0 && q.end <= text.length && text.slice(q.start, q.end).length === q.end - q.start, `${what}: cue`);
  });
}

/** An offset where inserting or deleting a character changes nothing that the rest of the document depends on. */
function quietOffset(text: string, a: DocumentAnalysis, r: () => number): number | undefined {
  for (let tries = 0; tries < 50; tries++) {
    const at = 1 + Math.floor(r() * (text.length - 2));
    const lineStart = text.lastIndexOf("\n", at - 1) + 1;
    let lineEnd = text.indexOf("\n", at);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    // Not in a line with a speaker label, a fence, a gloss or markup; not next to a name.
    if (/[:：`~()（）*#]/.test(line) || lineEnd - lineStart < 4) continue;
    if (a.mentions.some((m) => m.start - 1 <= at && at <= m.end + 1)) continue;
    if (/\s/.test(text[at]) || /\s/.test(text[at - 1])) continue;
    return at;
  }
  return undefined;
}

test("a quiet edit inside a paragraph: the splice equals the full analysis", () => {
  let spliced = 0;
  let tried = 0;
  for (const seed of [1, 2, 3]) {
    const r = prng(seed * 7919);
    let text = documentOf(seed, 90_000);
    let analysis = analyzeDocument(text, catalog);
    for (let k = 0; k < 12; k++) {
      const at = quietOffset(text, analysis, r);
      if (at === undefined) continue;
      const insert = r() < 0.7;
      const piece = insert ? ["的", "了", "，", "x", "5"][Math.floor(r() * 5)] : "";
      const change = { start: at, end: insert ? at : at + 1, insertedLength: piece.length };
      const next = text.slice(0, change.start) + piece + text.slice(change.end);
      const full = analyzeDocument(next, catalog);
      const res = spliceAnalysis(text, clone(analysis), next, change, catalog);
      tried++;
      if (res) {
        spliced++;
        assertValid(res.analysis, next, `seed ${seed} edit ${k}`);
        assert.deepEqual(comparable(res.analysis), comparable(full), `seed ${seed}, edit ${k}: ${insert ? `insert ${piece}` : "delete"} at ${at}`);
        assert.ok(res.window.end - res.window.start < next.length, "only a window was analysed");
      }
      text = next;
      analysis = full;
    }
  }
  // The window path is the rule, not the exception.
  assert.ok(tried > 20 && spliced >= tried * 0.8, `${spliced} of ${tried} edits spliced`);
});

test("a chain of splices (each on the previous splice) stays equal to the full analysis", () => {
  const r = prng(4242);
  let text = documentOf(9, 80_000);
  let analysis = analyzeDocument(text, catalog);
  for (let k = 0; k < 15; k++) {
    const at = quietOffset(text, analysis, r);
    if (at === undefined) continue;
    const next = text.slice(0, at) + "的" + text.slice(at);
    const res = spliceAnalysis(text, analysis, next, { start: at, end: at, insertedLength: 1 }, catalog);
    const full = analyzeDocument(next, catalog);
    if (res) assert.deepEqual(comparable(res.analysis), comparable(full), `edit ${k} at ${at}`);
    text = next;
    analysis = res ? res.analysis : full;
  }
});

test("any edit, names and labels and line breaks included: offsets stay valid in the new text", () => {
  const r = prng(77);
  let text = documentOf(5, 70_000);
  let analysis = analyzeDocument(text, catalog);
  const pieces = ["", "的", "\n", "：", "Dario Amodei", "（DeepSeek）", "据说", "```", " ", "5万块GPU。"];
  for (let k = 0; k < 40; k++) {
    const at = Math.floor(r() * text.length);
    const del = r() < 0.4 ? Math.min(text.length - at, 1 + Math.floor(r() * 40)) : 0;
    const piece = pieces[Math.floor(r() * pieces.length)];
    const next = text.slice(0, at) + piece + text.slice(at + del);
    const res = spliceAnalysis(text, analysis, next, { start: at, end: at + del, insertedLength: piece.length }, catalog);
    if (res) {
      assertValid(res.analysis, next, `edit ${k}`);
      analysis = res.analysis;
    } else analysis = analyzeDocument(next, catalog);
    text = next;
  }
});

test("a change that does not match the texts is refused", () => {
  const text = documentOf(3, 5_000);
  const a = analyzeDocument(text, catalog);
  assert.equal(spliceAnalysis(text, a, text + "x", { start: 0, end: 0, insertedLength: 2 }, catalog), undefined);
});

test("changes applied one after the other merge into one change of the original text", () => {
  const r = prng(99);
  for (let k = 0; k < 300; k++) {
    const original = documentOf(k, 200).slice(0, 50 + Math.floor(r() * 100));
    let text = original;
    const changes: OffsetChange[] = [];
    for (let n = 1 + Math.floor(r() * 4); n > 0; n--) {
      const start = Math.floor(r() * (text.length + 1));
      const end = Math.min(text.length, start + Math.floor(r() * 5));
      const ins = "abc".slice(0, Math.floor(r() * 4));
      changes.push({ start, end, text: ins });
      text = text.slice(0, start) + ins + text.slice(end);
    }
    const m = mergeChanges(changes)!;
    assert.ok(m.start >= 0 && m.start <= m.end && m.end <= original.length);
    assert.equal(original.slice(0, m.start) + text.slice(m.start, m.start + m.insertedLength) + original.slice(m.end), text);
  }
});

test("diagnostics after spliced keystrokes equal a fresh computation, and those a keystroke left as they were are the same objects", () => {
  // What the server does while the user types in a large open document: one cache, one generation.
  const r = prng(515);
  const uri = "file:///w/big.txt";
  const corpus = new Corpus(builtinCatalog as EntityDef[]);
  corpus.set("file:///w/other.txt", documentOf(12, 20_000)); // related claims and disagreeing figures
  let text = documentOf(11, 70_000);
  corpus.set(uri, text);
  const store = new DiagnosticsCache();
  let generation = 1; // changes with a full analysis, not with a spliced keystroke
  let before = documentDiagnostics(corpus, uri, {}, [], { store, generation });
  assert.ok(before.length > 50, `only ${before.length} diagnostics in the document`);
  let spliced = 0;
  let handedBack = 0;
  let total = 0;
  for (let k = 0; k < 12; k++) {
    const at = 1 + Math.floor(r() * (text.length - 2));
    // A character, or Enter: every line below moves, so the diagnostics there change (their ranges).
    const typed = r() < 0.4 ? "\n" : "的";
    const next = text.slice(0, at) + typed + text.slice(at);
    const res = spliceAnalysis(text, corpus.get(uri)!.analysis, next, { start: at, end: at, insertedLength: 1 }, corpus.catalog);
    text = next;
    if (!res) {
      corpus.set(uri, text); // the full analysis, as the server falls back to
      before = documentDiagnostics(corpus, uri, {}, [], { store, generation: ++generation });
      continue;
    }
    spliced++;
    corpus.set(uri, text, k + 2, "big.txt", res.analysis);
    const after = documentDiagnostics(corpus, uri, {}, [], { store, generation });
    const fresh = documentDiagnostics(corpus, uri, {}, [], { store: new DiagnosticsCache(), generation: 0 });
    assert.deepEqual(after, fresh, `keystroke ${k} at ${at}`);
    const previous = new Set(before);
    for (const d of after) if (previous.has(d)) handedBack++;
    total += after.length;
    before = after;
  }
  assert.ok(spliced >= 6, `${spliced} of 12 keystrokes spliced`);
  // Only the diagnostics that a keystroke changed are built anew: with a line break, those below it.
  assert.ok(handedBack >= total * 0.5, `${handedBack} of ${total} diagnostics handed back`);
});

test("warming up for keystrokes takes one step per window, through windows that cut surrogate pairs, and none for a short text", () => {
  // Astral characters everywhere, so windows cut through surrogate pairs.
  const text = documentOf(21, 60_000).replace(/。/g, "𠮷。");
  let steps = 0;
  for (const _ of warmUpSplice(text, catalog, 12, 1500)) steps++;
  assert.equal(steps, 12);
  assert.equal([...warmUpSplice("短文。", catalog, 12, 1500)].length, 0);
});
