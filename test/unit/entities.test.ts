import { test } from "node:test";
import assert from "node:assert/strict";
import { Catalog } from "../../server/src/analysis/catalog";
import { foldText } from "../../server/src/analysis/fold";
import { recognizeEntities } from "../../server/src/analysis/entities";
import type { EntityDef } from "../../server/src/analysis/types";

// A small catalog of its own, so these tests say what recognition does, not what the data holds.
const defs: EntityDef[] = [
  { id: "acme-chips", type: "organization", name: "Acme Chips", names: { en: ["Acme Chips", "ACME"], "zh-Hans": ["艾克米芯片"], "zh-Hant": ["艾克米晶片"], regional: ["愛克米"] } },
  { id: "jane-doerr", type: "person", name: "Jane Doerr", names: { en: ["Jane Doerr"], "zh-Hans": ["简·多尔"], "zh-Hant": ["簡·多爾"] } },
  { id: "meta", type: "organization", name: "Meta", names: { en: ["Meta"], "zh-Hans": ["元宇宙公司"], "zh-Hant": ["元宇宙公司"] } },
  { id: "o1", type: "model", name: "o1", names: { en: ["o1"], "zh-Hans": ["o1模型"], "zh-Hant": ["o1模型"] } },
  { id: "zeta-7", type: "model", name: "Zeta-7", names: { en: ["Zeta-7", "Zeta 7"], "zh-Hans": ["泽塔7"], "zh-Hant": ["澤塔7"], short: ["Z7"] } },
];
const catalog = new Catalog(defs);
const run = (text: string) => recognizeEntities(text, foldText(text), catalog);
const surfaces = (text: string) => run(text).mentions.map((m) => `${m.surface}=${m.entityId}`);

test("one entity across scripts and regional forms", () => {
  const text = "艾克米芯片、艾克米晶片與愛克米，以及 Acme Chips 和 ACME。";
  const ms = run(text).mentions;
  assert.deepEqual(ms.map((m) => m.surface), ["艾克米芯片", "艾克米晶片", "愛克米", "Acme Chips", "ACME"]);
  assert.ok(ms.every((m) => m.entityId === "acme-chips"));
  for (const m of ms) assert.equal(text.slice(m.start, m.end), m.surface);
});

test("Latin names need word boundaries and capitals", () => {
  assert.deepEqual(surfaces("metadata and the meta-analysis"), []);
  assert.deepEqual(surfaces("Meta said"), ["Meta=meta"]);
  assert.deepEqual(surfaces("the o1-preview model"), []);
  assert.deepEqual(surfaces("它的o1模型"), ["o1模型=o1"]);
  assert.deepEqual(surfaces("compared with o1, it"), ["o1=o1"]);
  assert.deepEqual(surfaces("full-width ＡＣＭＥ works"), ["ＡＣＭＥ=acme-chips"]);
});

test("short forms count only after the full name", () => {
  const text = "Z7 leads. Later Zeta-7 shipped, and Z7 sold well.";
  const ms = run(text).mentions.filter((m) => m.entityId === "zeta-7");
  assert.deepEqual(ms.map((m) => [m.surface, m.full]), [["Zeta-7", true], ["Z7", false]]);
  assert.equal(ms[1].start, text.lastIndexOf("Z7"));
});

test("person surnames become short forms after the full name, in both scripts", () => {
  const text = "多尔说过。简·多尔(Jane Doerr)认为……后来多尔又说，Doerr agreed.";
  const ms = run(text).mentions.filter((m) => m.entityId === "jane-doerr");
  assert.deepEqual(ms.map((m) => m.surface), ["简·多尔", "Jane Doerr", "多尔", "Doerr"]);
  assert.equal(ms[0].gloss, true);
});

test("a gloss binds an unknown transliterated name to its Latin name, with later short forms", () => {
  const text = "专家卡尔·莫斯特维(Karl Mostvi)表示同意。莫斯特维还指出 Mostvi 的观点。";
  const r = run(text);
  const id = r.mentions[0].entityId;
  assert.equal(r.mentions[0].surface, "卡尔·莫斯特维");
  assert.deepEqual(r.mentions.map((m) => [m.surface, m.entityId === id]), [["卡尔·莫斯特维", true], ["Karl Mostvi", true], ["莫斯特维", true], ["Mostvi", true]]);
  const learned = r.learned.find((l) => l.id === id)!;
  assert.equal(learned.type, "person");
  assert.deepEqual(learned.names, ["卡尔·莫斯特维", "Karl Mostvi"]);
});

test("a gloss of a catalog entity adds its Chinese transliteration as an alias", () => {
  const r = run("学者珍·多尔(Jane Doerr)说");
  assert.deepEqual(r.mentions.map((m) => `${m.surface}=${m.entityId}`), ["珍·多尔=jane-doerr", "Jane Doerr=jane-doerr"]);
  assert.ok(r.learned.some((l) => l.id === "jane-doerr" && l.names.includes("珍·多尔")));
});

test("a gloss does not trust a guessed term boundary for a catalog entity", () => {
  const r = run("基于开放的艾克米（ACME）");
  assert.deepEqual(r.mentions.map((m) => m.surface), ["ACME"]);
});

test("unknown names become candidates", () => {
  const r = run("据罗伯特·海因斯介绍，Zorblax 公司和 Quentin Marsh 都在《Machines of Tomorrow》里出现。");
  const c = r.mentions.filter((m) => m.via === "candidate").map((m) => m.surface);
  assert.deepEqual(c, ["罗伯特·海因斯", "Zorblax", "Quentin Marsh", "Machines of Tomorrow"]);
  const types = Object.fromEntries(r.learned.map((l) => [l.name, l.type]));
  assert.equal(types["罗伯特·海因斯"], "person");
  assert.equal(types["Quentin Marsh"], "person");
  assert.equal(types["Machines of Tomorrow"], "work");
});

test("sentence-initial words and acronyms in English prose are not candidates", () => {
  const r = run("The CEO said that However the API is fine. This is GPU work.");
  assert.deepEqual(r.mentions.filter((m) => m.via === "candidate").map((m) => m.surface), []);
});

test("ranges stay exact after emoji and expanding characters", () => {
  const text = "😀👩‍💻㈱ 艾克米晶片 and ﬁne Jane Doerr";
  for (const m of run(text).mentions) {
    assert.equal(text.slice(m.start, m.end), m.surface);
    const lo = text.charCodeAt(m.start);
    assert.ok(!(lo >= 0xdc00 && lo <= 0xdfff), "range starts inside a surrogate pair");
  }
  assert.deepEqual(run(text).mentions.map((m) => m.surface), ["艾克米晶片", "Jane Doerr"]);
});
