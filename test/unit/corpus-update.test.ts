// A document stored again (an edit, a re-read file) must leave the cross-document answers as if the
// corpus had been built from scratch: positions move with the text, counts follow the entities.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Corpus } from "../../server/src/corpus/corpus";

const answers = (c: Corpus, id: string, key: string | undefined) => ({
  mentions: c.mentionsOf(id).map((r) => [r.uri, r.mention.start, r.mention.end]),
  total: c.mentionTotal(id),
  summary: c.mentionSummary(id, 5).top.map((t) => [t.uri, t.count, t.first.start]),
  defining: c.definingMention(id)?.mention.start,
  figures: key ? c.figuresByKey(key).map((r) => [r.uri, r.figure.start, r.figure.value]) : [],
  counts: c.counts,
});

test("storing an edited document again answers as a corpus built from the edited texts", () => {
  const a = "英伟达（Nvidia）称，DeepSeek 大约有 5 万块 GPU。英伟达的股价随后下跌。";
  const b = "据报道，英伟达在中国市场的份额仍然很高，DeepSeek 有 5 万块 GPU。";
  const edits = [
    "前言。" + a, // everything moves; the same entities, counts and figure keys
    a.replace("5 万块", "6 万块"), // a figure's value changes under the same key
    a + "英伟达再次回应。", // one more mention
    "Anthropic 的 Dario Amodei 谈到出口管制。", // other entities altogether
  ];
  for (const edited of edits) {
    const incremental = new Corpus();
    incremental.set("file:///w/a.txt", a);
    incremental.set("file:///w/b.txt", b);
    const id = incremental.get("file:///w/a.txt")!.analysis.mentions[0].entityId;
    const key = incremental.get("file:///w/b.txt")!.analysis.figures.find((f) => f.key)?.key;
    // Asked once before the edit, so that cached answers exist to be forgotten.
    answers(incremental, id, key);
    incremental.set("file:///w/a.txt", edited, 1);
    const fresh = new Corpus();
    fresh.set("file:///w/a.txt", edited, 1);
    fresh.set("file:///w/b.txt", b);
    assert.deepEqual(answers(incremental, id, key), answers(fresh, id, key), edited);
  }
});
