// The compact form the corpus keeps and the workers send: nothing a feature reads may change when an
// analysis is packed and rebuilt, and positions from a line table must equal those from the text.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import type { DocumentAnalysis, EntityDef } from "../../server/src/analysis/types";
import { Catalog } from "../../server/src/analysis/catalog";
import { analyzeDocument } from "../../server/src/analysis/analyze";
import { packAnalysis, unpackAnalysis } from "../../server/src/analysis/packed";
import { LineIndex } from "../../server/src/analysis/lines";
import { lineTable, StoredLines } from "../../server/src/analysis/lineTable";
import { Corpus } from "../../server/src/corpus/corpus";
import builtin from "../../server/data/entities.json";

const catalog = new Catalog(builtin as EntityDef[]);
const texts = fs
  .readdirSync("seeds")
  .sort()
  .map((f) => fs.readFileSync(path.join("seeds", f), "utf8"));

/** What a feature can observe: every field as plain JSON; sentences are kept as spans only. */
const plain = (a: DocumentAnalysis) => {
  const o = JSON.parse(JSON.stringify(a)) as DocumentAnalysis;
  return { ...o, sentences: o.sentences.map((s) => ({ start: s.start, end: s.end })) };
};

test("a packed analysis rebuilds to the same mentions, figures, claims and sentences", () => {
  let claims = 0;
  for (const text of texts) {
    const a = analyzeDocument(text, catalog);
    claims += a.claims.length;
    assert.deepEqual(plain(unpackAnalysis(packAnalysis(a), text)), plain(a));
    // Read lazily (a closed file): the same values, the text read only through the reader.
    assert.deepEqual(plain(unpackAnalysis(packAnalysis(a), () => text)), plain(a));
  }
  assert.ok(claims > 20, "the seeds exercise claims with cues, speakers and figures");
});

test("positions from a line table equal those from the text, for every line ending", () => {
  const piece = fc.constantFrom("a", "中", "\n", "\r\n", "\r", " ", "😀", "é");
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 60 }), fc.nat(), (parts, k) => {
      const text = parts.join("");
      const index = new LineIndex(text);
      const stored = new StoredLines(lineTable(text));
      assert.equal(stored.lineCount, index.lineCount);
      for (let line = 0; line < index.lineCount; line++) {
        assert.equal(stored.lineStart(line), index.lineStart(line));
        assert.equal(stored.lineEnd(line), index.lineEnd(line));
      }
      // Analysis offsets never split a surrogate pair; compare on those.
      const o = k % (text.length + 1);
      if (o > 0 && o < text.length && /[\udc00-\udfff]/.test(text[o])) return;
      assert.deepEqual(stored.positionAt(o), index.positionAt(o));
      const p = index.positionAt(o);
      assert.equal(stored.offsetAt(p), index.offsetAt(p));
    }),
    { seed: 20261123, numRuns: 300 },
  );
});

test("a corpus answers the same from packed analyses of closed files as from texts in memory", () => {
  const inMemory = new Corpus(builtin as EntityDef[]);
  const closed = new Corpus(builtin as EntityDef[]);
  let reads = 0;
  texts.forEach((text, i) => {
    const uri = `file:///w/${i}.txt`;
    inMemory.set(uri, text);
    const a = analyzeDocument(text, closed.catalog);
    closed.setPacked(uri, packAnalysis(a), lineTable(text), 0, undefined, () => (reads++, text));
  });
  const ids = inMemory.mentionedEntities().sort();
  assert.deepEqual(closed.mentionedEntities().sort(), ids);
  for (const id of ids) {
    const refs = (c: Corpus) => c.mentionsOf(id).map((r) => [r.uri, r.mention.start, r.mention.end, r.mention.full, !!r.mention.gloss]);
    assert.deepEqual(refs(closed), refs(inMemory), id);
    assert.equal(closed.mentionTotal(id), inMemory.mentionTotal(id));
    assert.equal(closed.documentFrequency(id), inMemory.documentFrequency(id));
    const def = (c: Corpus) => {
      const d = c.definingMention(id);
      return d && [d.uri, d.mention.start];
    };
    assert.deepEqual(def(closed), def(inMemory));
  }
  assert.equal(reads, 0, "no feature above needed a closed file's text");
  const doc = closed.get("file:///w/0.txt")!;
  const m = doc.analysis.mentions[0];
  assert.equal(m.surface, texts[0].slice(m.start, m.end), "a surface is read from the file when asked for");
  assert.ok(reads > 0);
  assert.deepEqual(closed.counts, inMemory.counts);
});
