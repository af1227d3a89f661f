// The TextMate injection grammar (syntaxes/marginalia.injection.tmLanguage.json), tokenized the way
// VS Code does it: vscode-textmate + vscode-oniguruma, injected into the empty text.plain grammar
// the extension contributes for plaintext and into a small stand-in for markdown's grammar.
// Run from the repository root (the cwd of `npm test`): paths resolve against it.

import { test, before } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import * as oniguruma from "vscode-oniguruma";
import * as vsctm from "vscode-textmate";

const ROOT = process.cwd();
const INJECTION = "syntaxes/marginalia.injection.tmLanguage.json";
const PLAINTEXT = "syntaxes/plaintext.tmLanguage.json";

const FIGURE = "constant.numeric.figure.marginalia";
const QUOTE = "string.quoted.double.marginalia";
const RUMOR = "keyword.control.cue.rumor.marginalia";
const SPECULATION = "keyword.other.cue.speculation.marginalia";

/**
 * A stand-in for VS Code's markdown grammar (extensions/markdown-basics): the same scope names for
 * paragraphs, code, links and emphasis, so the selector's exclusions are exercised.
 */
const MARKDOWN: vsctm.IRawGrammar = JSON.parse(
  JSON.stringify({
    scopeName: "text.html.markdown",
    patterns: [
      { begin: "^(`{3,})(.*)$", end: "^(\\1)\\s*$", name: "markup.fenced_code.block.markdown" },
      { begin: "^(?=\\S)", end: "$", name: "meta.paragraph.markdown", patterns: [{ include: "#inline" }] },
    ],
    repository: {
      inline: {
        patterns: [
          { match: "`[^`]+`", name: "markup.inline.raw.string.markdown" },
          {
            match: "(\\[)([^\\]]*)(\\])(\\()([^)]*)(\\))",
            captures: { 2: { name: "string.other.link.title.markdown", patterns: [{ include: "#inline" }] }, 5: { name: "markup.underline.link.markdown" } },
          },
          { begin: "\\*\\*", end: "\\*\\*", name: "markup.bold.markdown", patterns: [{ include: "#inline" }] },
        ],
      },
    },
  }),
);

let plain: vsctm.IGrammar;
let markdown: vsctm.IGrammar;

before(async () => {
  // Resolved from the repository root, so the same code works bundled into out/test/unit/.
  const wasm = fs.readFileSync(createRequire(path.join(ROOT, "package.json")).resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName === "text.html.markdown") return MARKDOWN;
      const file = { "text.plain": PLAINTEXT, "marginalia.injection": INJECTION }[scopeName];
      if (!file) return null;
      return vsctm.parseRawGrammar(fs.readFileSync(path.join(ROOT, file), "utf8"), path.join(ROOT, file));
    },
    // package.json: "injectTo": ["text.plain", "text.html.markdown"]
    getInjections: (scopeName: string) => (scopeName === "text.plain" || scopeName === "text.html.markdown" ? ["marginalia.injection"] : undefined),
  });
  plain = (await registry.loadGrammar("text.plain"))!;
  markdown = (await registry.loadGrammar("text.html.markdown"))!;
  assert.ok(plain && markdown);
});

interface Tok {
  text: string;
  scopes: string[];
}

function tokenize(text: string, grammar = plain): Tok[][] {
  let stack = vsctm.INITIAL;
  return text.split("\n").map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

const has = (t: Tok, scope: string) => t.scopes.some((s) => s === scope || s.startsWith(scope + "."));

/** The maximal runs of text whose tokens carry `scope`, in order. */
function spans(text: string, scope: string, grammar = plain): string[] {
  const out: string[] = [];
  for (const line of tokenize(text, grammar)) {
    let run = "";
    for (const t of line) {
      if (has(t, scope)) run += t.text;
      else if (run) out.push(run), (run = "");
    }
    if (run) out.push(run);
  }
  return out;
}

test("the injection applies to the empty text.plain grammar the extension contributes", () => {
  const base = JSON.parse(fs.readFileSync(path.join(ROOT, PLAINTEXT), "utf8"));
  assert.equal(base.scopeName, "text.plain");
  assert.deepEqual(base.patterns, []);
  const [line] = tokenize("共 47% 的人");
  assert.ok(line.every((t) => t.scopes[0] === "text.plain"));
  assert.ok(line.some((t) => t.text === "47%" && has(t, FIGURE)));
});

test("figures: Arabic numerals with separators, multipliers, currencies and units", () => {
  assert.deepEqual(spans("據傳 DeepSeek 有五萬張走私而來的 A100、H100 和 H800 顯示卡", FIGURE), ["五萬張"]);
  assert.deepEqual(spans("Dylan Patel 之前报道过 DeepSeek 大约有 5 万块 GPU，但并未得到官方确认。", FIGURE), ["5 万块"]);
  assert.deepEqual(spans("力證 DeepSeek- V3 模型不可能用600萬美元的低成本訓練而成。", FIGURE), ["600萬美元"]);
  assert.deepEqual(spans("The startup reportedly spent $5.6 million on the final training run.", FIGURE), ["$5.6 million"]);
  assert.deepEqual(spans("环球近一半(47%)的顶尖人工智能研究职员在中国出生", FIGURE), ["47%"]);
  assert.deepEqual(spans("会显示超过 3000 条结果，如果输入相同的查询，则会显示近 300 条结果", FIGURE), ["3000 条", "300 条"]);
  assert.deepEqual(spans("US$5.6M, ¥100万元, 人民币5000万元, 3千万美元, 1,250,000 users, 10k stars, 3.5 billion yuan, 5千克", FIGURE), [
    "US$5.6M",
    "¥100万元",
    "人民币5000万元",
    "3千万美元",
    "1,250,000",
    "10k",
    "3.5 billion yuan",
    "5千克",
  ]);
  assert.deepEqual(spans("revenue rose 12 percent over 3 years, a 10-year high and 2.5 times the forecast", FIGURE), ["12 percent", "3 years", "10-year", "2.5 times"]);
});

test("figures: dates, ranges and years", () => {
  assert.deepEqual(spans("社区文章 发布于 2025 年 2 月 1 日", FIGURE), ["2025 年 2 月 1 日"]);
  assert.deepEqual(spans("1月16日消息,美国在与中国的人工智能比赛中", FIGURE), ["1月16日"]);
  assert.deepEqual(spans("这意味着在 2026-2027 年(Amodei 预测", FIGURE), ["2026", "2027 年"]);
  assert.deepEqual(spans("Timestamp: 2025-02-07T14:33:55.896318", FIGURE), ["2025-02-07"]);
  assert.deepEqual(spans("从 10 到 15 年的长周期看", FIGURE), ["10", "15 年"]);
});

test("figures: Chinese numerals", () => {
  assert.deepEqual(spans("美国政府一千万美元的补贴", FIGURE), ["一千万美元"]);
  assert.deepEqual(spans("但在过去两年中,越来越多的专家开始警告", FIGURE), ["两年"]);
  assert.deepEqual(spans("他们使用了三种芯片,投入了数百亿美元,几个月后又有十几家公司", FIGURE), ["三种", "数百亿美元", "几个月", "十几家"]);
  assert.deepEqual(spans("试图用一篇萬字长文论证", FIGURE), ["萬字"]);
  assert.deepEqual(spans("百分之五十的人和三分之一的公司", FIGURE), ["百分之五十", "三分之一"]);
  assert.deepEqual(spans("他们花了十分钟", FIGURE), ["十分钟"]);
  assert.deepEqual(spans("约三点五亿美元,五点十分开会", FIGURE), ["三点五亿美元"]);
  // Ordinals, weekdays, words and lone 一/两 with a counting classifier are not figures.
  assert.deepEqual(spans("第一种是 H100,星期五发布,这是唯一的、十分重要的一个问题,三星和百度都是之一", FIGURE), []);
  assert.deepEqual(spans("两个国家都拥有极其强大且可能危险的AI系统", FIGURE), []);
  assert.deepEqual(spans("千万不要这样做", FIGURE), []);
});

test("figures: model names, versions, identifiers and times are not figures", () => {
  for (const line of [
    "OpenAI 的 o1 和 o3 模型,以及 GPT-4o 模型",
    "H100、H800 和 H20,华为 910B,Llama-70B",
    "DeepSeek V3 和 R1,Claude 3.5 Sonnet,version 1.65.2",
    "OpenThoughts-114k 或 Magpie-Reasoning-V2-250K-CoT-Deepseek-R1-Llama-70B",
    "会议于 14:33 开始,COVID-19 之后",
  ])
    assert.deepEqual(spans(line, FIGURE), [], line);
  assert.deepEqual(spans("训练 H100 花了 6 个月,GPT-4o 的成本为 $100 million", FIGURE), ["6 个月", "$100 million"]);
});

test("figures: digits inside URLs are not figures", () => {
  const line = "URL: https://finance.sina.com.cn/roll/2025-02-06/doc-ineiphxe1731617.shtml 发布于 2025 年";
  assert.deepEqual(spans(line, FIGURE), ["2025 年"]);
  assert.deepEqual(spans(line, "meta.link.url.marginalia"), ["https://finance.sina.com.cn/roll/2025-02-06/doc-ineiphxe1731617.shtml"]);
});

test("quotations: “…”, 「…」, 『…』 and \"…\" on one line", () => {
  assert.deepEqual(spans("美国总统唐纳德·特朗普表示,这是一则“警钟”。", QUOTE), ["“警钟”"]);
  assert.deepEqual(spans("他說「這是『單極世界』的開始」,然後離開。", QUOTE), ["「這是『單極世界』的開始」"]);
  assert.deepEqual(spans("所謂『主權人工智能』模型", QUOTE), ["『主權人工智能』"]);
  assert.deepEqual(spans('  • "如果美国实验室尚未发现 DeepSeek 开发的效率创新,那么美国和中国实验室很快就会将其应用于训练数十亿美元的模型。"', QUOTE), [
    '"如果美国实验室尚未发现 DeepSeek 开发的效率创新,那么美国和中国实验室很快就会将其应用于训练数十亿美元的模型。"',
  ]);
  assert.deepEqual(spans('He said "the chips were smuggled" and left; she is 5\'10" tall.', QUOTE), ['"the chips were smuggled"']);
  // Figures and cues inside a quotation keep their own scope under the string scope.
  const [line] = tokenize("他说“据说要花数十亿美元”。");
  const inner = line.find((t) => t.text === "数十亿美元")!;
  assert.ok(has(inner, QUOTE) && has(inner, FIGURE));
  assert.ok(line.some((t) => t.text === "据说" && has(t, QUOTE) && has(t, RUMOR)));
  // Delimiters carry punctuation scopes.
  assert.ok(line.some((t) => t.text === "“" && has(t, "punctuation.definition.string.begin.marginalia")));
});

test("quotations: unterminated, multi-line or overlong quotations are not highlighted", () => {
  assert.deepEqual(spans("他说“如果美国实验室尚未发现它们\n,但 DeepSeek 论文的影响”已经显而易见", QUOTE), []);
  assert.deepEqual(spans("“" + "长".repeat(500) + "”", QUOTE), []);
  assert.deepEqual(spans("“" + "长".repeat(300) + "”", QUOTE).length, 1);
});

test("cues: rumor and unconfirmed share one scope", () => {
  assert.deepEqual(spans("未发布的完整o3模型据说在性能上表现出显著的进一步飞跃", RUMOR), ["据说"]);
  assert.deepEqual(spans("聽說他們走私了晶片", RUMOR), ["聽說"]);
  assert.deepEqual(spans("用一個連他自己也知道未經證實的流言", RUMOR), ["未經證實", "流言"]);
  assert.deepEqual(spans("用一個自己也承認”未經過證實”的 DeepSeek", RUMOR), ["未經過證實"]);
  assert.deepEqual(spans("DeepSeek reportedly used 50,000 chips; the rumor was unconfirmed.", RUMOR), ["reportedly", "rumor", "unconfirmed"]);
  assert.deepEqual(spans("Rumour has it that the figure could not be independently verified.", RUMOR), ["Rumour has it", "could not be independently verified"]);
  assert.deepEqual(spans("有传言称(我在博客里也提到了),DeepSeek 可能是蒸馏了 OpenAI 的模型,不确定真伪", RUMOR), ["有传言称", "不确定真伪"]);
  // Windowed rule: a negation, then a verification verb within a few characters.
  assert.deepEqual(spans("但并未得到公司证实。", RUMOR), ["并未得到公司证实"]);
  assert.deepEqual(spans("大约有 5 万块 GPU,但并未得到官方确认。", RUMOR), ["并未得到官方确认"]);
});

test("cues: speculation has its own scope", () => {
  assert.deepEqual(spans("中国很可能会拥有足够的芯片,AI 系统可能太聪明", SPECULATION), ["很可能", "可能"]);
  assert.deepEqual(spans("The rule might slow them down and may backfire, perhaps.", SPECULATION), ["might", "may", "perhaps"]);
  assert.deepEqual(spans("中国很可能会拥有足够的芯片", RUMOR), []);
  const [line] = tokenize("might");
  assert.ok(has(line[0], "markup.italic"));
});

test("cues: entries hidden by longer ones stay quiet, as in cues.ts", () => {
  // 不可能 is ignored, 可能的话 is ignored, 并非不可能 is speculation as a whole.
  assert.deepEqual(spans("出口管制不可能绝对有效", SPECULATION), []);
  assert.deepEqual(spans("如果有可能的话,我也支持", SPECULATION), []);
  assert.deepEqual(spans("这确实难度很大,但我觉得并非不可能。", SPECULATION), ["并非不可能"]);
  // "could not" is ignored; "could not be verified" is unconfirmed; capitalized May is the month.
  assert.deepEqual(spans("They could not say. In May the claim could not be verified. It could work.", SPECULATION), ["could"]);
  assert.deepEqual(spans("They could not say. In May the claim could not be verified.", RUMOR), ["could not be verified"]);
  // 据说 is rumor but 根据说 (ignore) is not; confirmed rumors are negations, not cues.
  assert.deepEqual(spans("根据说明书", RUMOR), []);
  assert.deepEqual(spans("这并非传言,已被证实", RUMOR), []);
  assert.deepEqual(spans("这并非传言,已被证实", "meta.cue.negation.marginalia"), ["并非传言", "已被证实"]);
  // English entries sit on word boundaries.
  assert.deepEqual(spans("the mayor and the rumormonger", SPECULATION), []);
  assert.deepEqual(spans("the mayor and the rumormonger", RUMOR), []);
});

test("markdown: highlighted in prose, not in code, link destinations or structure", () => {
  const md = [
    "2025 年,据说 DeepSeek 花了 $5.6 million,这是“警钟”。",
    "```",
    "据说 5 万块",
    "```",
    "见 `据说 47%` 和 [报告 47%](https://example.com/2025/47)。",
    "**据说** 600萬美元",
  ].join("\n");
  assert.deepEqual(spans(md, FIGURE, markdown), ["2025 年", "$5.6 million", "47%", "600萬美元"]);
  assert.deepEqual(spans(md, RUMOR, markdown), ["据说", "据说"]);
  assert.deepEqual(spans(md, QUOTE, markdown), ["“警钟”"]);
  // The paragraph still opens at column 0 although the line starts with a figure (no L: priority).
  const lines = tokenize(md, markdown);
  assert.ok(lines[0][0].scopes.includes("meta.paragraph.markdown"));
  assert.ok(lines[5].some((t) => t.text === "据说" && has(t, "markup.bold") && has(t, RUMOR)));
});

test("real seed lines tokenize without surprises and quickly", () => {
  const dir = path.join(ROOT, "seeds");
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".txt")) : [];
  const start = performance.now();
  let figures = 0;
  for (const f of files) {
    for (const line of tokenize(fs.readFileSync(path.join(dir, f), "utf8")))
      for (const t of line) {
        if (has(t, FIGURE)) {
          figures++;
          assert.doesNotMatch(t.text, /^(?:[A-Za-z]+\d|o\d$|H\d{2,3}$)/, `${f}: ${t.text}`);
        }
      }
  }
  assert.ok(files.length === 0 || figures > 0);
  assert.ok(performance.now() - start < 5000, "seed tokenization took too long");
});

test("no catastrophic backtracking on pathological lines", () => {
  const lines = [
    "1,".repeat(3000),
    "1.".repeat(3000),
    "“" + "一二三四五六七八九十百千万亿".repeat(400),
    '"' + "a ".repeat(3000),
    "万".repeat(5000),
    "数十几百千".repeat(1000),
    "并未".repeat(2000) + "得到",
    "could not be ".repeat(1000),
    "$".repeat(2000) + "5",
    "https://" + "a/1".repeat(2000),
  ];
  const start = performance.now();
  for (const line of lines) tokenize(line);
  assert.ok(performance.now() - start < 3000, `took ${Math.round(performance.now() - start)} ms`);
});

test("the committed grammars are what scripts/build-grammar.mjs generates from the lexicon", async () => {
  const script = pathToFileURL(path.join(ROOT, "scripts/build-grammar.mjs")).href;
  const { buildGrammars } = (await import(script)) as { buildGrammars: () => Record<string, string> };
  const generated = buildGrammars();
  assert.deepEqual(Object.keys(generated).sort(), [INJECTION, PLAINTEXT].sort());
  for (const [rel, text] of Object.entries(generated)) {
    const onDisk = fs.readFileSync(path.join(ROOT, rel), "utf8").replace(/\r\n/g, "\n");
    assert.ok(onDisk === text, `${rel} is stale: run node scripts/build-grammar.mjs`);
  }
  const g = JSON.parse(generated[INJECTION]);
  assert.equal(g.scopeName, "marginalia.injection");
  // One selector per injectTo scope (package.json), no L: priority, markdown code excluded.
  const selectors = (g.injectionSelector as string).split(",").map((s) => s.trim().split(/\s+/));
  assert.deepEqual(selectors.map((s) => s[0]), ["text.plain", "text.html.markdown"]);
  for (const excluded of ["-markup.fenced_code", "-markup.inline.raw", "-markup.raw"]) assert.ok(selectors[1].includes(excluded), excluded);
});
