// The persisted index: what is written is read back exactly; anything else (another key, a cut-off
// file, garbage) is ignored rather than trusted.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { EntityDef } from "../../server/src/analysis/types";
import { Catalog } from "../../server/src/analysis/catalog";
import { analyzeText } from "../../server/src/corpus/pool";
import { IndexCache } from "../../server/src/corpus/indexCache";
import { summarizeEntities } from "../../server/src/analysis/entitySummary";
import builtin from "../../server/data/entities.json";

const catalog = new Catalog(builtin as EntityDef[]);
const texts = fs
  .readdirSync("seeds")
  .sort()
  .map((f) => fs.readFileSync(path.join("seeds", f), "utf8"));
const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-idx-")), "index.bin");

test("a saved index loads back the same packed analyses, line tables, sizes and times", async () => {
  const file = tmp();
  const cache = new IndexCache(file, "k1");
  const results = texts.map((t) => analyzeText(t, catalog));
  results.forEach((r, i) => cache.put(`file:///w/${i}.txt`, 1000 + i, 1700000000000.5 + i, r.packed, r.lines));
  await cache.save();
  const again = new IndexCache(file, "k1");
  assert.equal(await again.load(), true);
  assert.equal(again.size, texts.length);
  assert.equal(again.changed, false, "a loaded index has nothing to write");
  results.forEach((r, i) => {
    assert.equal(again.lookup(`file:///w/${i}.txt`, 1000 + i, 1700000000000.5 + i + 1), undefined, "another modification time is a miss");
    const d = again.lookup(`file:///w/${i}.txt`, 1000 + i, 1700000000000.5 + i)!;
    assert.ok(d);
    assert.deepEqual([...d.packed.ints], [...r.packed.ints]);
    assert.deepEqual([...d.packed.nums].map(String), [...r.packed.nums].map(String));
    assert.deepEqual([...d.lines], [...r.lines]);
    assert.deepEqual(d.packed.strings, r.packed.strings);
    assert.deepEqual(d.packed.learned, r.packed.learned);
    assert.equal(d.packed.language, r.packed.language);
    const e = summarizeEntities(r.packed);
    assert.deepEqual(d.entities.ids, e.ids);
    assert.deepEqual([...d.entities.data], [...e.data]);
  });
});

test("an index written for other entities, cut short, or not an index is ignored", async () => {
  const file = tmp();
  const cache = new IndexCache(file, "k1");
  const r = analyzeText(texts[0], catalog);
  cache.put("file:///w/a.txt", 1, 2, r.packed, r.lines);
  await cache.save();
  assert.equal(await new IndexCache(file, "k2").load(), false, "another key");
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(file, bytes.subarray(0, bytes.length - 17));
  assert.equal(await new IndexCache(file, "k1").load(), false, "truncated");
  fs.writeFileSync(file, "not an index at all");
  assert.equal(await new IndexCache(file, "k1").load(), false, "garbage");
  assert.equal(await new IndexCache(file + ".missing", "k1").load(), false, "missing");
});

test("writing the index removes indexes of earlier versions from the storage folder, nothing else", async () => {
  const file = tmp();
  const dir = path.dirname(file);
  fs.writeFileSync(path.join(dir, "index-v1.bin"), "old");
  fs.writeFileSync(path.join(dir, "notes.txt"), "the user's");
  const cache = new IndexCache(path.join(dir, "index-v9.bin"), "k");
  const r = analyzeText(texts[0], catalog);
  cache.put("file:///w/a.txt", 1, 2, r.packed, r.lines);
  await cache.save();
  assert.deepEqual(fs.readdirSync(dir).sort(), ["index-v9.bin", "notes.txt"]);
});

test("documents loaded from an index read their analyses from the file they came from, even after a newer index replaced it", async () => {
  const file = tmp();
  const cache = new IndexCache(file, "k1");
  const results = texts.map((t) => analyzeText(t, catalog));
  results.forEach((r, i) => cache.put(`file:///w/${i}.txt`, i, i, r.packed, r.lines));
  await cache.save();
  const loaded = new IndexCache(file, "k1");
  assert.equal(await loaded.load(), true);
  const docs = results.map((_, i) => loaded.lookup(`file:///w/${i}.txt`, i, i)!);
  // What storing a document needs is known before its arrays are read.
  docs.forEach((d, i) => {
    assert.equal(d.mentionCount, results[i].packed.ints[0]);
    assert.equal(d.claimCount, results[i].packed.ints[3]);
    assert.deepEqual(d.learned, results[i].packed.learned);
  });
  // Another index written over the same path (a later save): the loaded documents still read the old one.
  const other = new IndexCache(file, "k1");
  other.put("file:///w/other.txt", 1, 1, results[0].packed, results[0].lines);
  await other.save();
  docs.forEach((d, i) => {
    assert.deepEqual([...d.packed.ints], [...results[i].packed.ints]);
    assert.deepEqual([...d.lines], [...results[i].lines]);
  });
  // And the loaded cache, written again, keeps every document.
  loaded.put("file:///w/new.txt", 9, 9, results[1].packed, results[1].lines);
  await loaded.save();
  const third = new IndexCache(file, "k1");
  assert.equal(await third.load(), true);
  assert.equal(third.size, texts.length + 1);
  assert.deepEqual([...third.lookup("file:///w/0.txt", 0, 0)!.packed.ints], [...results[0].packed.ints]);
});
