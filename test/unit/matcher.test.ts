import { test } from "node:test";
import assert from "node:assert/strict";
import { PatternMatcher, selectLongest } from "../../server/src/analysis/matcher";

test("finds overlapping patterns and selects leftmost-longest", () => {
  const m = new PatternMatcher();
  const p = ["美国", "美国商务部", "商务部", "he", "she", "hers"].map((x) => m.add(x));
  const text = "美国商务部说 ushers";
  const all = m.findAll(text);
  const names = all.map((x) => text.slice(x.start, x.end)).sort();
  assert.deepEqual(names, ["he", "hers", "she", "商务部", "美国", "美国商务部"].sort());
  const chosen = selectLongest(all).map((x) => text.slice(x.start, x.end));
  assert.deepEqual(chosen, ["美国商务部", "she"]);
  assert.equal(new Set(p).size, 6);
});

test("duplicate patterns share an index; empty matcher finds nothing", () => {
  const m = new PatternMatcher();
  assert.equal(m.add("abc"), m.add("abc"));
  assert.deepEqual(new PatternMatcher().findAll("anything"), []);
});

test("agrees with a naive search on random text", () => {
  const alphabet = "ab英伟达c";
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pick = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join("");
  const patterns = [...new Set(Array.from({ length: 30 }, () => pick(1 + Math.floor(rnd() * 4))))];
  const m = new PatternMatcher();
  for (const p of patterns) m.add(p);
  const text = pick(400);
  const got = m.findAll(text).map((x) => `${x.start}:${text.slice(x.start, x.end)}`).sort();
  const want: string[] = [];
  for (const p of patterns) for (let i = text.indexOf(p); i >= 0; i = text.indexOf(p, i + 1)) want.push(`${i}:${p}`);
  assert.deepEqual(got, want.sort());
});

test("findLongest equals selectLongest over findAll, with and without a boundary rule", () => {
  const alphabet = "ab英伟达c";
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pick = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join("");
  for (let round = 0; round < 20; round++) {
    const m = new PatternMatcher();
    for (let i = 0; i < 25; i++) m.add(pick(1 + Math.floor(rnd() * 5)));
    const text = pick(300);
    // A rule that rejects some candidates: the next longest (or a later start) must win instead.
    const rule = (s: number, e: number) => (s * 7 + e) % 3 !== 0;
    const key = (xs: Array<{ start: number; end: number }>) => xs.map((x) => `${x.start}-${x.end}`);
    assert.deepEqual(key(m.findLongest(text)), key(selectLongest(m.findAll(text))));
    assert.deepEqual(key(m.findLongest(text, rule)), key(selectLongest(m.findAll(text), (x) => rule(x.start, x.end))));
  }
});

test("forEach reports every occurrence by start, shorter first", () => {
  const m = new PatternMatcher();
  ["美国", "美国商务部", "国商"].forEach((x) => m.add(x));
  const text = "美国商务部";
  const seen: string[] = [];
  m.forEach(text, (s, e) => void seen.push(`${s}:${text.slice(s, e)}`));
  assert.deepEqual(seen, ["0:美国", "0:美国商务部", "1:国商"]);
});
