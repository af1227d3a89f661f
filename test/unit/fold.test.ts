import { test } from "node:test";
import assert from "node:assert/strict";
import { foldText, foldString, toOriginal } from "../../server/src/analysis/fold";

test("traditional and regional forms fold to simplified, keeping length", () => {
  for (const [a, b] of [
    ["英偉達", "英伟达"],
    ["單極世界", "单极世界"],
    ["萬張顯示卡", "万张显示卡"],
    ["臺灣", "台湾"],
  ]) {
    assert.equal(foldString(a), foldString(b), `${a} ~ ${b}`);
    assert.equal(foldText(a).text.length, a.length);
  }
});

test("full-width Latin, case and middle dots fold", () => {
  assert.equal(foldString("ＤｅｅｐＳｅｅｋ"), "deepseek");
  assert.equal(foldString("保羅•特里奧羅"), foldString("保罗·特里奥罗"));
  assert.equal(foldString("保罗・特里奥罗"), foldString("保罗·特里奥罗"));
  assert.equal(foldString("DeepSeek–R1"), "deepseek-r1");
  assert.equal(foldString("（Paul Triolo）"), "(paul triolo)");
});

test("identity offset map when every unit folds to one unit, including surrogate pairs", () => {
  const text = "😀英偉達 👩‍💻 ＤｅｅｐＳｅｅｋ 𠀋字";
  const f = foldText(text);
  assert.equal(f.map, undefined);
  assert.equal(f.text.length, text.length);
  // Surrogate pairs pass through untouched, so a match after them has the same offsets.
  const at = f.text.indexOf("英伟达");
  assert.equal(text.slice(at, at + 3), "英偉達");
  assert.equal(f.text.slice(0, 2), "😀");
});

test("a byte-order mark and lone surrogates keep their offsets", () => {
  const text = "\uFEFFab\uD800cd\uDC00ef";
  const f = foldText(text);
  assert.equal(f.text.length, text.length);
  assert.equal(f.text.indexOf("cd"), text.indexOf("cd"));
});

test("expanding compatibility characters get an exact offset map", () => {
  const text = "x㈱英偉達ﬁn";
  const f = foldText(text);
  assert.ok(f.map, "map expected");
  assert.equal(f.text, "x(株)英伟达fin");
  const at = f.text.indexOf("英伟达");
  const r = toOriginal(f, at, at + 3);
  assert.equal(text.slice(r.start, r.end), "英偉達");
  const fi = f.text.indexOf("fin");
  const r2 = toOriginal(f, fi, fi + 3);
  assert.equal(text.slice(r2.start, r2.end), "ﬁn");
  const k = f.text.indexOf("株");
  const r3 = toOriginal(f, k, k + 1);
  assert.equal(text.slice(r3.start, r3.end), "㈱");
});
