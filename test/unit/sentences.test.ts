import { test } from "node:test";
import assert from "node:assert/strict";
import { segmentSentences, clausesOf, MAX_SENTENCE, type Sentence } from "../../server/src/analysis/sentences";
import type { Span } from "../../server/src/analysis/types";

const texts = (text: string, spans: Span[]): string[] => spans.map((s) => text.slice(s.start, s.end));
const seg = (text: string): string[] => texts(text, segmentSentences(text));

/** Every span inside the text, ordered, non-overlapping, trimmed, not splitting a surrogate pair. */
function checkSpans(text: string, spans: Span[]): void {
  let prev = 0;
  for (const s of spans) {
    assert.ok(s.start >= prev && s.start < s.end && s.end <= text.length, `bad span ${JSON.stringify(s)}`);
    assert.ok(!/^\s|\s$/.test(text.slice(s.start, s.end)), `untrimmed span ${JSON.stringify(text.slice(s.start, s.end))}`);
    for (const o of [s.start, s.end]) {
      const c = text.charCodeAt(o);
      assert.ok(!(o > 0 && o < text.length && c >= 0xdc00 && c <= 0xdfff), `span boundary ${o} splits a surrogate pair`);
    }
    prev = s.end;
  }
}

test("Chinese terminators, closing quotes stay with their sentence", () => {
  assert.deepEqual(seg("今天下雨。明天会晴吗？当然！先这样；再说"), ["今天下雨。", "明天会晴吗？", "当然！", "先这样；", "再说"]);
  assert.deepEqual(seg("他说：“好的。”然后走了。"), ["他说：“好的。”", "然后走了。"]);
  assert.deepEqual(seg("（这是括号里的话。）下一句。"), ["（这是括号里的话。）", "下一句。"]);
  assert.deepEqual(seg("真的吗？！不会吧。"), ["真的吗？！", "不会吧。"]);
  assert.deepEqual(seg("他們說「這樣不行。」於是作罷。"), ["他們說「這樣不行。」", "於是作罷。"]);
});

test("a closing quote after a space still closes the quotation", () => {
  assert.deepEqual(seg("他的反应是： “哦，真便宜。 ” 也许出于偏见。"), ["他的反应是： “哦，真便宜。 ”", "也许出于偏见。"]);
});

test("English boundaries: abbreviations, initials, decimals, lower-case continuations", () => {
  assert.deepEqual(seg("Dr. Smith arrived at 5 p.m. yesterday. He said growth was 5.6 percent. Mr. Lee disagreed."), [
    "Dr. Smith arrived at 5 p.m. yesterday.",
    "He said growth was 5.6 percent.",
    "Mr. Lee disagreed.",
  ]);
  assert.deepEqual(seg("Costs rose, e.g. for chips, i.e. GPUs. Apple vs. Google is old news."), ["Costs rose, e.g. for chips, i.e. GPUs.", "Apple vs. Google is old news."]);
  assert.deepEqual(seg("See No. 5 in the list. J. R. R. Tolkien wrote it. The U.S. economy grew."), ["See No. 5 in the list.", "J. R. R. Tolkien wrote it.", "The U.S. economy grew."]);
  assert.deepEqual(seg("Claude 3.5 Sonnet is a model. Version 2.0.1 shipped!"), ["Claude 3.5 Sonnet is a model.", "Version 2.0.1 shipped!"]);
  assert.deepEqual(seg("Wait... What happened? Nobody knows!"), ["Wait...", "What happened?", "Nobody knows!"]);
  assert.deepEqual(seg('He said "it is over." Then he left.'), ['He said "it is over."', "Then he left."]);
  assert.deepEqual(seg("Visit https://example.com/a?b=1. Then stop."), ["Visit https://example.com/a?b=1.", "Then stop."]);
});

test("mixed scripts: a period or question mark followed by CJK ends a sentence", () => {
  assert.deepEqual(seg("DeepSeek released R1.随后股市下跌。Why?因为成本。"), ["DeepSeek released R1.", "随后股市下跌。", "Why?", "因为成本。"]);
});

test("line breaks always end a sentence; list markers do not", () => {
  assert.deepEqual(seg("标题\n第一句没有句号\n\n  1. 第一点。第二句。\n2. 第二点"), ["标题", "第一句没有句号", "1. 第一点。", "第二句。", "2. 第二点"]);
  assert.deepEqual(seg("a line\r\nanother line\rthird"), ["a line", "another line", "third"]);
});

test("whitespace is trimmed (ASCII, NBSP, ideographic space)", () => {
  const text = "  你好。 \u3000世界。\u00a0 ";
  const spans = segmentSentences(text);
  assert.deepEqual(texts(text, spans), ["你好。", "世界。"]);
  checkSpans(text, spans);
});

test("quotations: inner sentences are split and carry quoteFrom", () => {
  const text = "张三指出：“芯片短缺会持续两年。新工厂要到明年才能投产。”记者问。";
  const spans = segmentSentences(text) as Sentence[];
  assert.deepEqual(texts(text, spans), ["张三指出：“芯片短缺会持续两年。", "新工厂要到明年才能投产。”", "记者问。"]);
  assert.equal(spans[0].quoteFrom, undefined);
  assert.equal(spans[1].quoteFrom, text.indexOf("“"));
  assert.equal(spans[2].quoteFrom, undefined);
  // nested quotation marks of the same kind
  const t2 = "他说：“我的办法是“缓和战略”。这很有效。”";
  const s2 = segmentSentences(t2) as Sentence[];
  assert.equal(s2.length, 2);
  assert.equal(s2[1].quoteFrom, t2.indexOf("“"));
  // state resets at a line break (unbalanced marks in scraped text)
  const t3 = "他说：“没有结尾。\n下一行。";
  assert.equal((segmentSentences(t3) as Sentence[])[1].quoteFrom, undefined);
});

test("emoji and surrogate pairs are never split", () => {
  const text = "好🤗。A😀Bc. 𠮷野家很好吃！Hugging Face🤗 这样的公司。";
  const spans = segmentSentences(text);
  checkSpans(text, spans);
  assert.deepEqual(texts(text, spans), ["好🤗。", "A😀Bc.", "𠮷野家很好吃！", "Hugging Face🤗 这样的公司。"]);
});

test("over-long sentences are cut, at a clause separator when possible, never inside a surrogate pair", () => {
  const unit = "这是一段没有句号的很长的话，";
  const text = unit.repeat(400);
  const spans = segmentSentences(text);
  checkSpans(text, spans);
  assert.ok(spans.length > 1);
  for (const s of spans) assert.ok(s.end - s.start <= MAX_SENTENCE);
  for (const s of spans.slice(0, -1)) assert.equal(text[s.end - 1], "，");
  const emoji = "😀".repeat(5000);
  const es = segmentSentences(emoji);
  checkSpans(emoji, es);
  assert.equal(es.reduce((n, s) => n + s.end - s.start, 0), emoji.length);
});

test("linear time: a 20 MB single line", () => {
  const block = "DeepSeek 大约有 5 万块 GPU，但并未得到官方确认 and the U.S. said so 5.6 times 🤗 ";
  const text = block.repeat(Math.ceil(20_000_000 / block.length));
  const t0 = performance.now();
  const spans = segmentSentences(text);
  const ms = performance.now() - t0;
  assert.ok(ms < 5000, `took ${ms} ms`);
  assert.ok(spans.length > 10_000);
  assert.ok(spans[spans.length - 1].end <= text.length);
  for (let i = 0; i < spans.length; i += 997) assert.ok(spans[i].end - spans[i].start <= MAX_SENTENCE);
  const t1 = performance.now();
  const nopunct = "无".repeat(20_000_000);
  const s2 = segmentSentences(nopunct);
  assert.ok(performance.now() - t1 < 5000);
  assert.equal(s2.length, Math.ceil(20_000_000 / MAX_SENTENCE));
});

test("clausesOf: separators, brackets, numbers, URLs, dashes", () => {
  const c = (t: string, opt?: { enumeration?: boolean }) => texts(t, clausesOf(t, { start: 0, end: t.length }, opt));
  assert.deepEqual(c("第一，第二，第三。"), ["第一，", "第二，", "第三。"]);
  assert.deepEqual(c("It has 10,000 GPUs, and more at 14:33: see https://x.com/a."), ["It has 10,000 GPUs,", "and more at 14:33:", "see https://x.com/a."]);
  assert.deepEqual(c("有传言称（我在博客里也提到了，我自己没做判断），该模型是蒸馏的。"), ["有传言称（我在博客里也提到了，我自己没做判断），", "该模型是蒸馏的。"]);
  assert.deepEqual(c("他说“如果，那么”，然后走了"), ["他说“如果，那么”，", "然后走了"]);
  assert.deepEqual(c("取得的成果—— 用一个流言，力证其结论"), ["取得的成果", "用一个流言，", "力证其结论"]);
  assert.deepEqual(c("A100、H100 和 H800 显卡"), ["A100、H100 和 H800 显卡"]);
  assert.deepEqual(c("A100、H100 和 H800 显卡", { enumeration: true }), ["A100、", "H100 和 H800 显卡"]);
  assert.deepEqual(c("2026-2027 年 - 也许更晚"), ["2026-2027 年", "也许更晚"]);
  // a sub-span of the text
  const t = "前文。甲，乙。后文";
  assert.deepEqual(texts(t, clausesOf(t, { start: 3, end: 7 })), ["甲，", "乙。"]);
});
