// References of an entity, as the editor receives them: every mention of it in the corpus, once each,
// with ranges that cover the mention; in corpus order for a whole answer, and with the requesting
// document first when they are streamed as partial results.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { EntityDef } from "../../server/src/analysis/types";
import { Corpus } from "../../server/src/corpus/corpus";
import { entityReferenceChunks, entityReferences } from "../../server/src/service/navigation";
import builtin from "../../server/data/entities.json";

const corpus = new Corpus(builtin as EntityDef[]);
for (const f of fs.readdirSync("seeds").sort()) corpus.set(`file:///seeds/${f}`, fs.readFileSync(path.join("seeds", f), "utf8"));
// A person nobody's catalog knows, named by a gloss in one document and found as a bare candidate
// in others (one entity under two ids), and CRLF and lone CR line endings.
corpus.set("file:///extra/a.txt", "德国工程师卡尔·莫斯特维（Karl Mostvi）表示，出口管制正在收紧。\r\n莫斯特维认为英伟达的H20仍有市场。\r\n");
corpus.set("file:///extra/b.txt", "卡尔·莫斯特维说，DeepSeek 的成本被低估了。\r卡尔·莫斯特维还提到英伟达。\r英伟达回应称……\n");
corpus.set("file:///extra/c.txt", "Karl Mostvi said Nvidia would adapt. Mostvi added that DeepSeek surprised him.\n");

const textAt = (uri: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }) => {
  const d = corpus.get(uri)!;
  return d.text.slice(d.lines.offsetAt(range.start), d.lines.offsetAt(range.end));
};
const key = (l: { uri: string; range: { start: { line: number; character: number } } }) => `${l.uri}#${l.range.start.line}:${l.range.start.character}`;

/** Every entity with a mention to ask from: the middle of a mention in the middle of its list. */
function askers(): Array<{ id: string; uri: string; offset: number }> {
  const out = [];
  for (const id of corpus.mentionedEntities()) {
    const all = corpus.mentionsOf(id);
    const r = all[all.length >> 1];
    const offset = (r.mention.start + r.mention.end) >> 1;
    // Skip a mention nested in another entity's (the cursor would name the inner one).
    if (corpus.canonical(corpus.mentionAt(r.uri, offset)!.entityId) === corpus.canonical(id)) out.push({ id, uri: r.uri, offset });
  }
  return out;
}

test("references list every mention of the entity once, in corpus order, with ranges that cover the mention", () => {
  const cases = askers();
  assert.ok(cases.length > 50, `${cases.length} entities`);
  assert.ok(cases.some((c) => corpus.mentionsOf(c.id).some((r) => r.mention.entityId !== corpus.canonical(c.id))), "no entity known under several ids");
  for (const { id, uri, offset } of cases) {
    const refs = entityReferences(corpus, uri, offset, true)!;
    const mentions = corpus.mentionsOf(id);
    assert.equal(refs.length, mentions.length, id);
    refs.forEach((l, i) => {
      assert.equal(l.uri, mentions[i].uri, id);
      assert.equal(textAt(l.uri, l.range), mentions[i].mention.surface, `${id} in ${l.uri}`);
    });
    assert.equal(new Set(refs.map(key)).size, refs.length, `${id}: a location twice`);
  }
});

test("without the declaration, references leave out exactly the defining mention", () => {
  for (const { id, uri, offset } of askers()) {
    const all = entityReferences(corpus, uri, offset, true)!;
    const some = entityReferences(corpus, uri, offset, false)!;
    const def = corpus.definingMention(id)!;
    const defKey = key({ uri: def.uri, range: { start: corpus.get(def.uri)!.lines.positionAt(def.mention.start) } });
    assert.deepEqual(some.map(key), all.map(key).filter((k) => k !== defKey), id);
  }
});

test("streamed references bring the requesting document's mentions first, then the others in corpus order", () => {
  for (const { id, uri, offset } of askers()) {
    const whole = entityReferences(corpus, uri, offset, true)!;
    const chunks = [...entityReferenceChunks(corpus, uri, offset, { currentFirst: true })!];
    const streamed = chunks.flat();
    assert.deepEqual([...streamed.map(key)].sort(), [...whole.map(key)].sort(), id);
    for (const c of chunks) assert.ok(c.length > 0 && c.every((l) => l.uri === c[0].uri), `${id}: a chunk is one document's`);
    assert.equal(chunks[0][0].uri, uri, id);
    const rest = chunks.slice(1).map((c) => c[0].uri);
    assert.deepEqual(rest, [...rest].sort(), `${id}: not in corpus order`);
    assert.ok(!rest.includes(uri), id);
  }
});

test("no entity under the cursor: no references", () => {
  const plain = corpus.get("file:///extra/c.txt")!.text.indexOf("would") + 2;
  assert.equal(entityReferences(corpus, "file:///extra/c.txt", plain, true), null);
  assert.equal(entityReferenceChunks(corpus, "file:///extra/c.txt", plain), null);
  assert.equal(entityReferences(corpus, "file:///nowhere.txt", 3, true), null);
});
