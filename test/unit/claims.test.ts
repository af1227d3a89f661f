import { test } from "node:test";
import assert from "node:assert/strict";
import { segmentSentences } from "../../server/src/analysis/sentences";
import { findCues, findReportingVerbs, scanLexicon } from "../../server/src/analysis/cues";
import { findClaims } from "../../server/src/analysis/claims";
import type { Claim, Figure, Mention } from "../../server/src/analysis/types";

const TYPES: Record<string, string> = {
  openai: "organization",
  deepseek: "organization",
  semianalysis: "organization",
  "dylan-patel": "person",
  "dario-amodei": "person",
  "zhang-san": "person",
  "wang-xiaoming": "person",
  "jane-doe": "person",
  reuters: "organization",
  h100: "chip",
  "deepseek-r1": "model",
};
const typeOf = (id: string) => TYPES[id];

/** Mentions of every occurrence of each surface (hand-built, as a catalog would). */
function mentionsOf(text: string, names: Record<string, string>): Mention[] {
  const out: Mention[] = [];
  for (const [surface, entityId] of Object.entries(names)) {
    for (let i = text.indexOf(surface); i >= 0; i = text.indexOf(surface, i + surface.length))
      out.push({ entityId, start: i, end: i + surface.length, surface, via: "catalog", full: true });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The claims of a text, each with its text (a slice of the document: findClaims does not keep it). */
function claimsOf(text: string, names: Record<string, string> = {}, figures: Figure[] = []): Array<Claim & { text: string }> {
  const claims = findClaims(text, segmentSentences(text), mentionsOf(text, names), figures, typeOf).map((c) => ({ ...c, text: text.slice(c.start, c.end) }));
  for (const c of claims) {
    assert.ok(c.start >= 0 && c.start < c.end && c.end <= text.length, `claim out of the text: ${JSON.stringify(c)}`);
    for (const o of [c.start, c.end]) {
      const u = text.charCodeAt(o);
      assert.ok(!(o > 0 && o < text.length && u >= 0xdc00 && u <= 0xdfff), "claim boundary splits a surrogate pair");
    }
    for (const cue of c.cues) assert.ok(cue.start >= c.start && cue.end <= c.end && text.slice(cue.start, cue.end) === cue.word);
  }
  return claims;
}
const one = (text: string, names?: Record<string, string>): Claim & { text: string } => {
  const cs = claimsOf(text, names);
  assert.equal(cs.length, 1, `expected one claim, got ${JSON.stringify(cs.map((c) => c.text))}`);
  return cs[0];
};
const kinds = (text: string) => findCues(text).map((c) => `${c.kind}:${c.word}`);

// ---------------------------------------------------------------------------------------------
// Cue lexicons

test("cues: English word boundaries and the month May", () => {
  assert.deepEqual(kinds("It may rain."), ["speculation:may"]);
  assert.deepEqual(kinds("The mayor spoke in May 2024 about dismay."), []);
  assert.deepEqual(kinds("Prices MAY rise; they might, perhaps."), ["speculation:MAY", "speculation:might", "speculation:perhaps"]);
  assert.deepEqual(kinds("The figure could not be independently verified."), ["unconfirmed:could not be independently verified"]);
  assert.deepEqual(kinds("The figure could  not\nbe verified."), ["unconfirmed:could  not\nbe verified"]);
  assert.deepEqual(kinds("They could not buy chips."), []);
  assert.deepEqual(kinds("It was reportedly smuggled; the unconfirmed report was later confirmed."), [
    "rumor:reportedly",
    "unconfirmed:unconfirmed",
    "negation:confirmed",
  ]);
  assert.deepEqual(kinds("Rumours swirled; the company denied it."), ["rumor:Rumours", "disputed:denied"]);
});

test("cues: Chinese false friends", () => {
  assert.deepEqual(kinds("出口管制不可能绝对有效"), []);
  assert.deepEqual(kinds("我们会尽可能地提供帮助"), []);
  assert.deepEqual(kinds("这基本不太可能"), ["speculation:不太可能"]);
  assert.deepEqual(kinds("这种说法大概率是正确的"), ["speculation:大概率"]);
  assert.deepEqual(kinds("存在这样一种可能性"), ["speculation:可能性"]);
  assert.deepEqual(kinds("据说他们使用了三种芯片"), ["rumor:据说"]);
  assert.deepEqual(kinds("根据说明书，数据传输很快"), []);
  assert.deepEqual(kinds("不可否认，这是事实；我无意否认"), []);
  assert.deepEqual(kinds("這並未得到官方確認，也未經過證實"), ["unconfirmed:並未得到官方確認", "unconfirmed:也未經過證實"]);
  assert.deepEqual(kinds("这并非传言，已被证实"), ["negation:并非传言", "negation:已被证实"]);
  assert.deepEqual(kinds("他否認了傳聞"), ["disputed:否認", "rumor:傳聞"]);
});

test("reporting verbs: 说 is a verb, 据说 is not; 说服 and 称为 are neither", () => {
  assert.deepEqual(findReportingVerbs("他说这很好").map((v) => v.word), ["说"]);
  assert.deepEqual(findReportingVerbs("据说这很好").map((v) => v.word), []);
  assert.deepEqual(findReportingVerbs("他说服了老板，称之为胜利").map((v) => v.word), []);
  assert.deepEqual(findReportingVerbs("Analysts said so, according to Reuters.").map((v) => v.word), ["said", "according to"]);
  const text = "前文说。后文表示";
  assert.deepEqual(findReportingVerbs(text, { start: 3, end: text.length }).map((v) => v.word), ["表示"]);
  assert.ok(scanLexicon("消息人士透露").some((h) => h.kind === "source" && h.word === "消息人士"));
});

// ---------------------------------------------------------------------------------------------
// Certainty

test("plain factual sentences are asserted, in both scripts and English", () => {
  const t = "去年九月，某公司的新模型首次展示了比早期聊天机器人更先进的推理能力，而另一家公司现在在资源消耗上远少于它，已与其匹敌。";
  assert.equal(one(t).certainty, "asserted");
  assert.equal(one("該公司成立於2023年，員工人數不足一百人。").certainty, "asserted");
  assert.equal(one("The mayor said in May 2024 that the budget was balanced.").certainty === "hedged", false);
  const c = one("OpenAI 在 2024 年 9 月发布了 o1 模型。", { OpenAI: "openai" });
  assert.equal(c.certainty, "asserted");
  assert.deepEqual(c.entityIds, ["openai"]);
  assert.deepEqual(c.cues, []);
});

test("rumor, unverified, hedged, disputed", () => {
  assert.equal(one("据说他们使用了三种芯片：H100、H800 和 H20。").certainty, "rumor");
  assert.equal(one("聽說他們走私了大量晶片。").certainty, "rumor");
  assert.equal(one("The startup reportedly smuggled thousands of chips into the country.").certainty, "rumor");
  assert.equal(one("该公司拥有五万块显卡的说法至今未经证实。").certainty, "unverified");
  assert.equal(one("這個數字尚未證實，市場仍在觀望。").certainty, "unverified");
  assert.equal(one("The company may have as many as 50,000 GPUs.").certainty, "hedged");
  assert.equal(one("这种计谋大概忽略互助带来的潜伏益处。").certainty, "hedged"); // 大概 as "may": hedged, never a rumor
  assert.equal(one("英伟达这个说法大概率是正确的。").certainty, "hedged");
  assert.equal(one("出口管制不可能绝对有效，这一点大家都清楚。").certainty, "asserted");
  assert.equal(one("我们会尽可能地提供帮助和支持。").certainty, "asserted");
  assert.equal(one("该公司否认了有关其走私芯片的传言。").certainty, "disputed");
  assert.equal(one("不可否认，中国和美国都拥有巨大优势。").certainty, "asserted");
  const h = one("The company might double its cluster next year.");
  assert.deepEqual(h.cues.map((c) => c.word), ["might"]);
});

test("negation cancels rumor and unconfirmed cues", () => {
  assert.equal(one("公司裁员的消息并非传言，而是来自官方公告。").certainty, "asserted");
  assert.equal(one("有传言称该公司将被收购，这一传言已被证实。").certainty, "asserted");
  assert.equal(one("Rumors that the chief executive would resign were confirmed on Monday.").certainty, "asserted");
  // a negation in another, contentful clause does not cancel
  assert.equal(one("据说他们囤积了芯片，而实验已经证实新方法更省电。").certainty, "rumor");
  // a sentence that only confirms joins the claim before it and cancels its rumor
  const cs = claimsOf("据报道，该公司将在下个月裁员一千人。此消息已被证实。");
  assert.equal(cs.length, 1);
  assert.equal(cs[0].certainty, "asserted");
  assert.equal(cs[0].text, "据报道，该公司将在下个月裁员一千人。此消息已被证实。");
  // speculation is not cancelled by a confirmation
  assert.equal(one("It was confirmed that the chip may ship in March.").certainty, "hedged");
});

test("a qualifier sentence joins the claim it qualifies", () => {
  const text = "DeepSeek has about 50,000 GPUs, according to SemiAnalysis. The figure could not be independently verified.";
  const c = one(text, { DeepSeek: "deepseek", SemiAnalysis: "semianalysis" });
  assert.equal(c.certainty, "unverified");
  assert.equal(c.text, text);
  assert.equal(c.speaker?.entityId, "semianalysis");
  assert.equal(c.verb, "according to");
  assert.deepEqual(c.entityIds, ["deepseek", "semianalysis"]);
});

// ---------------------------------------------------------------------------------------------
// Speakers

test("speaker + verb: mention before a reporting verb, with adverbs or 在…中 between", () => {
  const c = one("SemiAnalysis 的 Dylan Patel 之前报道过 DeepSeek 大约有 5 万块 GPU，但并未得到官方确认。", {
    SemiAnalysis: "semianalysis",
    "Dylan Patel": "dylan-patel",
    DeepSeek: "deepseek",
  });
  assert.equal(c.certainty, "unverified");
  assert.equal(c.speaker?.name, "Dylan Patel");
  assert.equal(c.speaker?.entityId, "dylan-patel");
  assert.equal(c.verb, "报道");
  assert.ok(c.text.startsWith("SemiAnalysis") && c.text.endsWith("但并未得到官方确认。"), c.text);
  assert.deepEqual(c.cues.map((x) => x.word), ["并未得到官方确认"]);

  const a = one("Amodei 在其文章中提出，出口管制是决定性的因素。", { Amodei: "dario-amodei" });
  assert.equal(a.certainty, "attributed");
  assert.equal(a.speaker?.entityId, "dario-amodei");
  assert.equal(a.verb, "提出");

  const b = one("问问该公司的首席执行官张三，他在去年接受采访时表示：“问题从来不是资金。”", { 张三: "zhang-san" });
  assert.equal(b.speaker?.name, "张三");
  assert.equal(b.verb, "表示");
});

test("speaker without a catalog: capitalized Latin names, source nouns, 据 X 报道, according to X", () => {
  const a = one("Jane Doe has said the ban will backfire badly.");
  assert.equal(a.speaker?.name, "Jane Doe");
  assert.equal(a.certainty, "attributed");
  const b = one("消息人士透露，该公司正在洽谈新一轮融资。");
  assert.equal(b.speaker?.name, "消息人士");
  assert.equal(b.verb, "透露");
  const c = one("据路透社报道，该公司计划明年在香港上市。");
  assert.equal(c.speaker?.name, "路透社");
  assert.equal(c.verb, "报道");
  const d = one("According to Reuters, the company plans to list next year.", { Reuters: "reuters" });
  assert.equal(d.speaker?.entityId, "reuters");
  const e = one('"We are not worried at all," said Jane Doe.', { "Jane Doe": "jane-doe" });
  assert.equal(e.speaker?.entityId, "jane-doe");
  // a verb used as a noun or inside a title is not an attribution
  assert.equal(one("对未来AI能力的预测存在深刻争议，这并不奇怪。").speaker, undefined);
  assert.equal(one("他受邀做客知名播客“中国说”，谈了很多问题。", { 中国: "china" }).speaker, undefined);
  // pronouns are not speakers
  assert.equal(one("He said the ban will backfire badly.").speaker, undefined);
  // models and chips do not speak
  assert.equal(one("DeepSeek-R1 表示它可以解决这个问题。", { "DeepSeek-R1": "deepseek-r1" }).speaker, undefined);
});

test("interview transcripts: recurring name labels set the speaker until the next label", () => {
  const text = [
    "主持人：今天我们请到了王小明先生。",
    "王小明：谢谢邀请。我认为芯片短缺会持续两年以上。据说有些工厂已经停产了。",
    "主持人：为什么会这样呢？",
    "王小明：因为产能有限，新工厂要到2026年才能投产。",
  ].join("\n");
  const cs = claimsOf(text, { 王小明: "wang-xiaoming" });
  const by = (s: string) => cs.find((c) => c.text.includes(s))!;
  assert.equal(by("今天我们请到了").speaker?.name, "主持人");
  assert.equal(by("芯片短缺").speaker?.name, "王小明");
  assert.equal(by("芯片短缺").certainty, "attributed");
  assert.equal(by("芯片短缺").verb, undefined);
  assert.ok(!by("芯片短缺").text.startsWith("王小明"), "the label is not part of the claim");
  assert.equal(by("据说").certainty, "rumor");
  assert.equal(by("据说").speaker?.name, "王小明");
  assert.equal(by("产能有限").speaker?.name, "王小明");
  // inline labels after a space, Latin names, and 问 resetting the turn
  const t2 = "以下为采访实录： 问:你怎么看这项规则? Jane Doe: 这项规则会削弱竞争力。 问:还有呢? Jane Doe: 成本也会上升。";
  const c2 = claimsOf(t2);
  assert.equal(c2.find((c) => c.text.includes("削弱竞争力"))?.speaker?.name, "Jane Doe");
  assert.equal(c2.find((c) => c.text.includes("成本也会上升"))?.speaker?.name, "Jane Doe");
  // a one-off "Name:" is a speaker label only when it is exactly an entity mention
  const t3 = "Dario Amodei： 出口管制依然有效。";
  assert.equal(one(t3, { "Dario Amodei": "dario-amodei" }).speaker?.entityId, "dario-amodei");
  assert.equal(one("总之：出口管制依然有效。").speaker, undefined);
});

test("quotations spanning several sentences keep the speaker; a short tail attributes the quote", () => {
  const text = "张三在采访中指出：“芯片短缺会持续两年。新工厂要到明年才能投产。”";
  const cs = claimsOf(text, { 张三: "zhang-san" });
  assert.equal(cs.length, 2);
  assert.equal(cs[0].speaker?.entityId, "zhang-san");
  assert.equal(cs[1].speaker?.entityId, "zhang-san");
  assert.equal(cs[1].verb, "指出");
  const t2 = "“芯片短缺会持续两年，新工厂要到明年才能投产。”王小明说。";
  const c2 = claimsOf(t2, { 王小明: "wang-xiaoming" });
  assert.equal(c2.length, 1);
  assert.equal(c2[0].speaker?.entityId, "wang-xiaoming");
  assert.equal(c2[0].verb, "说");
});

// ---------------------------------------------------------------------------------------------
// Ranges

test("range narrowing: the clause holding the cue, not the whole sentence", () => {
  const text =
    "在这篇长文里，作者先回顾了过去十年的产业政策和若干次技术路线之争，随后用一个连他自己也承认“未经证实”的、关于某公司私下囤积十万块高端芯片的传言，力证对方的训练成本不可能只有区区几百万美元。";
  const c = one(text);
  assert.equal(c.certainty, "rumor");
  assert.equal(c.text, "随后用一个连他自己也承认“未经证实”的、关于某公司私下囤积十万块高端芯片的传言");
  assert.deepEqual(c.cues.map((x) => `${x.kind}:${x.word}`), ["unconfirmed:未经证实", "rumor:传言"]);
});

test("range narrowing: a bare qualifier clause attaches to the clause it qualifies", () => {
  const text = "在上周于旧金山举行、吸引了数千名从业者参加的年度行业会议上，分析人士估算该公司已经拥有大约两万块图形处理器，但这一数字并未得到官方确认。";
  const c = one(text);
  assert.equal(c.certainty, "unverified");
  assert.equal(c.text, "分析人士估算该公司已经拥有大约两万块图形处理器，但这一数字并未得到官方确认。");
  const en =
    "At a crowded industry conference in San Francisco last week, several analysts said the company had quietly acquired roughly 20,000 accelerators, although this has not been independently verified.";
  const e = one(en);
  assert.equal(e.certainty, "unverified");
  assert.equal(e.text, "several analysts said the company had quietly acquired roughly 20,000 accelerators, although this has not been independently verified.");
  assert.equal(e.speaker?.name, "analysts");
  assert.equal(e.verb, "said");
});

test("range narrowing: a lead-in rumor cue covers what it introduces", () => {
  const text = "在谈到模型安全时，他补充了很多背景，有传言称（我在博客里也提到了，我自己没做判断），该模型可能是蒸馏了另一家公司的模型。";
  const c = one(text);
  assert.equal(c.certainty, "rumor");
  assert.equal(c.text, "有传言称（我在博客里也提到了，我自己没做判断），该模型可能是蒸馏了另一家公司的模型。");
});

test("figures and entities inside the claim range", () => {
  const text = "在上周于旧金山举行、吸引了数千名从业者参加的年度行业会议上，DeepSeek 的代表宣布了新模型，另据说该公司拥有 5 万块 H100。";
  const fig = (s: string, value: number): Figure => ({ start: text.indexOf(s), end: text.indexOf(s) + s.length, text: s, kind: "count", value, display: String(value), chineseNumerals: false });
  const figures = [fig("数千", 1000), fig("5 万块", 50000)];
  const c = claimsOf(text, { DeepSeek: "deepseek", H100: "h100" }, figures)[0];
  assert.equal(c.certainty, "rumor");
  assert.equal(c.text, "另据说该公司拥有 5 万块 H100。");
  assert.deepEqual(c.figures, [1]);
  assert.deepEqual(c.entityIds, ["h100"]);
});

// ---------------------------------------------------------------------------------------------
// What is not a claim

test("headings, metadata, URLs, code, fragments and questions are not claims", () => {
  const text = [
    "Timestamp: 2025-02-07T14:33:55.896318",
    "URL: https://example.com/roll/2025-02-06/doc.shtml",
    "Status: success",
    "图片源于:https://example.com/2025/02/03/deepseek-china-ai/",
    "结论",
    "```mermaid",
    "graph LR",
    "    A[中美AI竞争]-->B(出口管制：芯片限制);",
    "```",
    "好的。",
    "这真的有效吗？",
    "https://example.com/only-a-link",
    "该公司去年的营收增长了百分之四十。",
  ].join("\n");
  const cs = claimsOf(text);
  assert.deepEqual(cs.map((c) => c.text), ["该公司去年的营收增长了百分之四十。"]);
  // a question with a rumor cue is still flagged
  assert.equal(one("据说他们走私了芯片，这可信吗？").certainty, "rumor");
});

test("emoji and surrogate pairs: every claim lies inside the text", () => {
  const text = "据说🤗他们走私了芯片😀，但未经证实。\n𠮷野家的营收增长了百分之四十🤗。\nThe firm 😀 may expand its 🤗 cluster.";
  const cs = claimsOf(text); // claimsOf checks bounds and surrogate pairs
  assert.deepEqual(cs.map((c) => c.certainty), ["rumor", "asserted", "hedged"]);
});

test("findClaims is fast enough on a long document", () => {
  const para = "SemiAnalysis 的 Dylan Patel 之前报道过 DeepSeek 大约有 5 万块 GPU，但并未得到官方确认。据说他们使用了三种芯片。This may be true, according to Reuters.\n";
  const text = para.repeat(20000); // ~2.4 MB
  const t0 = performance.now();
  const cs = findClaims(text, segmentSentences(text), [], [], () => undefined);
  const ms = performance.now() - t0;
  assert.equal(cs.length, 60000);
  assert.ok(ms < 5000, `took ${ms} ms`);
});

test("English sentences that end at a semicolon or start with a code-ish word are still claims", () => {
  const cs = claimsOf("We need to act now; the window may be closing.\nGraph databases are growing quickly.\nclass C highlight;");
  assert.deepEqual(cs.map((c) => c.text), ["We need to act now;", "the window may be closing.", "Graph databases are growing quickly."]);
});
