// Figures: recognition, normalization, ranges and keys (DESIGN.md §3, §4).
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { findFigures, keyFigures, quantityKind } from "../../server/src/analysis/figures";
import type { Figure, Mention, Span } from "../../server/src/analysis/types";

type Expect = Partial<Pick<Figure, "kind" | "value" | "high" | "qualifier" | "currency" | "classifier" | "display" | "noun" | "chineseNumerals" | "approximate">>;
interface Case {
  /** Sentence the figure is found in. */
  in: string;
  /** Expected `figure.text` (qualifier included when adjacent). */
  fig: string;
  want: Expect;
}

// `high`, `qualifier`, `currency` and `approximate` must be absent when the case does not name them.
const CASES: Case[] = [
  // --- from the seed documents
  { in: "用一個自己也承認”未經過證實”的 DeepSeek 有五萬張走私而來的英偉達 A100、H100 和 H800 顯示卡的流言", fig: "五萬張", want: { kind: "count", value: 50000, classifier: "張", noun: "顯示卡", display: "50,000", chineseNumerals: true } },
  { in: "DeepSeek- V3 模型不可能用600萬美元的低成本訓練而成", fig: "600萬美元", want: { kind: "currency", value: 6000000, currency: "USD", display: "US$6,000,000", noun: "成本", chineseNumerals: false } },
  { in: "这并不是说他们用 600 万美元就做出了别的公司花数十亿才能做的东西", fig: "600 万美元", want: { kind: "currency", value: 6000000, currency: "USD", display: "US$6,000,000" } },
  { in: "SemiAnalysis 的 Dylan Patel 之前报道过 DeepSeek 大约有 5 万块 GPU，但并未得到官方确认。", fig: "5 万块", want: { kind: "count", value: 50000, qualifier: "about", classifier: "块", noun: "GPU", display: "50,000", chineseNumerals: false } },
  { in: "第一种是 H100（美国常用的高端芯片），大约 1 万块左右，这些显然是", fig: "大约 1 万块左右", want: { kind: "count", value: 10000, qualifier: "about", classifier: "块", display: "10,000" } },
  { in: "美国和中国实验室很快就会将其应用于训练数十亿美元的模型。", fig: "数十亿美元", want: { kind: "currency", value: 2e9, high: 9e9, approximate: true, currency: "USD", display: "≈US$2,000,000,000–9,000,000,000", chineseNumerals: true } },
  { in: "中国当局投入了数百亿美元，支持本土企业", fig: "数百亿美元", want: { kind: "currency", value: 2e10, high: 9e10, approximate: true, currency: "USD" } },
  { in: "多家公司肯定会拥有所需的数百万芯片（耗资数百亿美元）", fig: "数百万", want: { kind: "count", value: 2e6, high: 9e6, approximate: true, noun: "芯片", display: "≈2,000,000–9,000,000" } },
  { in: "在 HuggingFace Models Hub 上简单搜索“deepseek”会显示超过 3000 条结果，", fig: "超过 3000 条", want: { kind: "count", value: 3000, qualifier: "over", classifier: "条", noun: "结果", display: "3,000" } },
  { in: "则会显示近 300 条结果。", fig: "近 300 条", want: { kind: "count", value: 300, qualifier: "nearly", classifier: "条" } },
  { in: "这意味着在 2026-2027 年(Amodei 预测我们将达到比人类更智能的 AI 时)", fig: "2026-2027 年", want: { kind: "year", value: 2026, high: 2027, display: "2026–2027" } },
  { in: "预测到2026或2027年我们可能会看到", fig: "2026或2027年", want: { kind: "year", value: 2026, high: 2027, display: "2026–2027" } },
  { in: "社区文章 发布于 2025 年 2 月 1 日", fig: "2025 年 2 月 1 日", want: { kind: "date", value: 20250201, display: "2025-02-01" } },
  { in: "Amodei 本人，在 2024 年 10 月的一篇文章中指出", fig: "2024 年 10 月", want: { kind: "date", value: 20241000, display: "2024-10" } },
  { in: "1月30日，Anthropic首席执行官Dario Amodei写了", fig: "1月30日", want: { kind: "date", value: 130, display: "Jan 30" } },
  { in: "在2023年的更新之后，Nvidia创造了一个新型号H20", fig: "2023年", want: { kind: "year", value: 2023, display: "2023" } },
  { in: "在2022年10月第一次出台实质性出口管制后", fig: "2022年10月", want: { kind: "date", value: 20221000, display: "2022-10" } },
  { in: "Timestamp: 2025-02-07T14:33:55.896318", fig: "2025-02-07T14:33:55.896318", want: { kind: "date", value: 20250207, display: "2025-02-07" } },
  { in: "去年九月,OpenAI的o1模型首次展示了", fig: "九月", want: { kind: "date", value: 900, display: "Sep", chineseNumerals: true } },
  { in: "我们每年大约有 4 倍左右的成本效率提升", fig: "4 倍左右", want: { kind: "multiple", value: 4, qualifier: "about", classifier: "倍", display: "4×" } },
  { in: "不过就算只能起到 10% 的积极效果，也值得一试。", fig: "10%", want: { kind: "percent", value: 10, display: "10%" } },
  { in: "占到 80-90% 的影响因素", fig: "80-90%", want: { kind: "percent", value: 80, high: 90, display: "80–90%" } },
  { in: "Anthropic 在企業級市場搶走了 OpenAI 15%的市場份額", fig: "15%", want: { kind: "percent", value: 15, display: "15%" } },
  { in: "环球近一半(47%)的顶尖人工智能研究职员在中国出生", fig: "47%", want: { kind: "percent", value: 47, noun: "研究职员" } },
  { in: "美国在人工智能发展上相较中国领先一到两年。", fig: "一到两年", want: { kind: "duration", value: 1, high: 2, classifier: "年", display: "1–2 years", chineseNumerals: true } },
  { in: "但在过去两年中，越来越多的专家开始警告", fig: "两年", want: { kind: "duration", value: 2, display: "2 years" } },
  { in: "我们可以把其中的六个月拿来做安全审查和管控", fig: "六个月", want: { kind: "duration", value: 6, classifier: "个月", display: "6 months" } },
  { in: "你在大约一年半前做客 Dwarkesh 的播客时曾说", fig: "大约一年半", want: { kind: "duration", value: 1.5, qualifier: "about", display: "1.5 years" } },
  { in: "从 10 到 15 年的长周期看，英伟达这个说法大概率是正确的", fig: "10 到 15 年", want: { kind: "duration", value: 10, high: 15, display: "10–15 years" } },
  { in: "AI 领域变化太快了，10-15 年简直是“天荒地老”的尺度。", fig: "10-15 年", want: { kind: "duration", value: 10, high: 15 } },
  { in: "美国可能有三到五家企业可以开发前沿模型", fig: "三到五家", want: { kind: "count", value: 3, high: 5, classifier: "家", noun: "企业", display: "3–5" } },
  { in: "中国本可以在过去十几二十年走上一条更自由化的道路", fig: "十几二十年", want: { kind: "duration", value: 11, high: 20, approximate: true } },
  { in: "从公元 700 年到 1700 年，大多数欧洲人都是文盲", fig: "700 年到 1700 年", want: { kind: "year", value: 700, high: 1700, display: "700–1700" } },
  { in: "短短 300 年间，大约 8 亿人的生活发生了根本性的变化", fig: "300 年", want: { kind: "duration", value: 300, display: "300 years" } },
  { in: "短短 300 年间，大约 8 亿人的生活发生了根本性的变化", fig: "大约 8 亿人", want: { kind: "count", value: 800000000, qualifier: "about", classifier: "人", display: "800,000,000" } },
  { in: "在中世纪到十七世纪之间", fig: "十七世纪", want: { kind: "date", value: 17, display: "17th century" } },
  { in: "就好像在某个地方突然出现了一个有一千万居民的国家", fig: "一千万", want: { kind: "count", value: 10000000, noun: "居民", chineseNumerals: true } },
  { in: "最近，一个政府附属的技术智库宣布，17家中国公司已签署了一项新承诺", fig: "17家", want: { kind: "count", value: 17, classifier: "家", noun: "公司" } },
  { in: "值得留意的是，DeepSeek公司仅建立于2023年，员工人数不敷100，", fig: "不敷100", want: { kind: "count", value: 100, qualifier: "under", noun: "员工" } },
  { in: "将来大概会出现193个高度智能的“主权人工智能”模子", fig: "193个", want: { kind: "count", value: 193, classifier: "个" } },
  { in: "而中国有五分之一的人口", fig: "五分之一", want: { kind: "percent", value: 20, display: "20%", chineseNumerals: true } },
  { in: "我觉得最关键的时间窗口是在 2026、2027，最晚 2030 前后。", fig: "2030 前后", want: { kind: "year", value: 2030, qualifier: "about" } },
  { in: "Copyright © 1996-2025 SINA Corporation", fig: "1996-2025", want: { kind: "year", value: 1996, high: 2025 } },
  { in: "24小时滚动播报最新的财经资讯", fig: "24小时", want: { kind: "duration", value: 24, display: "24 hours" } },
  { in: "試圖用一篇萬字長文論證", fig: "萬字", want: { kind: "count", value: 10000, classifier: "字" } },
  { in: "不失時機地撰文幾千字", fig: "幾千字", want: { kind: "count", value: 2000, high: 9000, approximate: true } },
  { in: "幾個月後，還是這名科學家", fig: "幾個月", want: { kind: "duration", value: 2, high: 9, approximate: true, display: "≈2–9 months" } },
  { in: "別忘了，三個月前，DeepMind 的強化學習靈魂人物", fig: "三個月", want: { kind: "duration", value: 3, display: "3 months" } },
  { in: "不是为了阻止像 DeepSeek 这样规模的企业获得几万块 GPU", fig: "几万块", want: { kind: "count", value: 20000, high: 90000, approximate: true, noun: "GPU" } },
  { in: "据说他们使用了三种芯片：H100、H800 和 H20。", fig: "三种", want: { kind: "count", value: 3, classifier: "种", noun: "芯片" } },
  // --- typical news prose, simplified and traditional
  { in: "公司去年营收达到人民币5.6亿元，同比增长百分之四十七。", fig: "人民币5.6亿元", want: { kind: "currency", value: 560000000, currency: "CNY", display: "CN¥560,000,000", noun: "营收" } },
  { in: "公司去年营收达到人民币5.6亿元，同比增长百分之四十七。", fig: "百分之四十七", want: { kind: "percent", value: 47, display: "47%", chineseNumerals: true } },
  { in: "5.6億人民幣的投資", fig: "5.6億人民幣", want: { kind: "currency", value: 560000000, currency: "CNY", display: "CN¥560,000,000" } },
  { in: "據報導，輝達去年出貨逾 300 萬顆晶片，", fig: "逾 300 萬顆", want: { kind: "count", value: 3000000, qualifier: "over", classifier: "顆", noun: "晶片" } },
  { in: "營收約 609 億美元，年增 126%。", fig: "約 609 億美元", want: { kind: "currency", value: 60900000000, qualifier: "about", currency: "USD", display: "US$60,900,000,000" } },
  { in: "平均年薪新台幣 150 萬元。", fig: "新台幣 150 萬元", want: { kind: "currency", value: 1500000, currency: "TWD", display: "NT$1,500,000" } },
  { in: "預計兩到三年完工", fig: "兩到三年", want: { kind: "duration", value: 2, high: 3, display: "2–3 years" } },
  { in: "將創造上萬個就業機會", fig: "上萬個", want: { kind: "count", value: 10000, high: 90000, approximate: true } },
  { in: "較上月增加 3 個百分點", fig: "3 個百分點", want: { kind: "percent", value: 3, classifier: "個百分點", display: "3 pp" } },
  { in: "约有两三百名员工", fig: "两三百名", want: { kind: "count", value: 200, high: 300, approximate: true, qualifier: "about", noun: "员工" } },
  { in: "十几家公司参与了竞标", fig: "十几家", want: { kind: "count", value: 11, high: 19, approximate: true, noun: "公司" } },
  { in: "这家公司市值约 5000 亿美元", fig: "约 5000 亿美元", want: { kind: "currency", value: 5e11, qualifier: "about", currency: "USD", noun: "市值" } },
  { in: "员工超过 2 万名", fig: "超过 2 万名", want: { kind: "count", value: 20000, qualifier: "over", noun: "员工" } },
  { in: "研发投入占营收的 15% 以上", fig: "15% 以上", want: { kind: "percent", value: 15, qualifier: "over" } },
  { in: "该模型有 6710 亿个参数", fig: "6710 亿个", want: { kind: "count", value: 671000000000, noun: "参数", display: "671,000,000,000" } },
  { in: "成本约 557.6 万美元", fig: "约 557.6 万美元", want: { kind: "currency", value: 5576000, qualifier: "about", currency: "USD", display: "US$5,576,000", noun: "成本" } },
  { in: "三成的受访者认为会有变化", fig: "三成", want: { kind: "percent", value: 30, display: "30%" } },
  { in: "二〇二五年二月一日，北京。", fig: "二〇二五年二月一日", want: { kind: "date", value: 20250201, display: "2025-02-01", chineseNumerals: true } },
  { in: "他生于二〇〇一年", fig: "二〇〇一年", want: { kind: "year", value: 2001 } },
  { in: "GDP增长了5.2%，比去年提高0.3个百分点。", fig: "5.2%", want: { kind: "percent", value: 5.2, display: "5.2%" } },
  { in: "股价下跌-3.5%，", fig: "-3.5%", want: { kind: "percent", value: -3.5, display: "-3.5%" } },
  { in: "他用了两个多月", fig: "两个多月", want: { kind: "duration", value: 2, qualifier: "over", display: "2 months" } },
  { in: "花了一个半小时", fig: "一个半小时", want: { kind: "duration", value: 1.5, display: "1.5 hours" } },
  { in: "项目预计耗资５万元", fig: "５万元", want: { kind: "currency", value: 50000, currency: "CNY", chineseNumerals: false } },
  { in: "另有 ５０％ 补贴", fig: "５０％", want: { kind: "percent", value: 50 } },
  { in: "收入从 5 万到 6 万元", fig: "5 万到 6 万元", want: { kind: "currency", value: 50000, high: 60000, currency: "CNY" } },
  { in: "五到六万人参加", fig: "五到六万人", want: { kind: "count", value: 50000, high: 60000 } },
  { in: "10 亿美元左右的融资", fig: "10 亿美元左右", want: { kind: "currency", value: 1e9, qualifier: "about", currency: "USD" } },
  { in: "公元前 221 年，秦统一六国。", fig: "221 年", want: { kind: "year", value: -221, display: "221 BC" } },
  { in: "20 世纪 80 年代的电脑", fig: "80 年代", want: { kind: "year", value: 1980, high: 1989, display: "1980s" } },
  { in: "两倍的速度", fig: "两倍", want: { kind: "multiple", value: 2, display: "2×" } },
  { in: "半年前", fig: "半年", want: { kind: "duration", value: 0.5 } },
  { in: "至少 3 家公司", fig: "至少 3 家", want: { kind: "count", value: 3, qualifier: "at-least" } },
  { in: "多达 1,000 名员工", fig: "多达 1,000 名", want: { kind: "count", value: 1000, qualifier: "up-to" } },
  { in: "两年之内完成", fig: "两年之内", want: { kind: "duration", value: 2, qualifier: "at-most" } },
  // --- English
  { in: "The company spent $5.6 million on training.", fig: "$5.6 million", want: { kind: "currency", value: 5600000, currency: "USD", display: "US$5,600,000" } },
  { in: "It is roughly 10x cheaper.", fig: "roughly 10x", want: { kind: "multiple", value: 10, qualifier: "about", display: "10×" } },
  { in: "Revenue rose 47% to US$1.2 billion.", fig: "US$1.2 billion", want: { kind: "currency", value: 1.2e9, currency: "USD", display: "US$1,200,000,000" } },
  { in: "up from about 800 million dollars", fig: "about 800 million dollars", want: { kind: "currency", value: 8e8, qualifier: "about", currency: "USD" } },
  { in: "Nvidia sold more than 50,000 GPUs in the fourth quarter.", fig: "more than 50,000", want: { kind: "count", value: 50000, qualifier: "over", noun: "GPUs", display: "50,000" } },
  { in: "nearly three times as many", fig: "nearly three times", want: { kind: "multiple", value: 3, qualifier: "nearly" } },
  { in: "plans to hire up to 300 engineers over the next two years", fig: "up to 300", want: { kind: "count", value: 300, qualifier: "up-to", noun: "engineers" } },
  { in: "plans to hire up to 300 engineers over the next two years", fig: "two years", want: { kind: "duration", value: 2, display: "2 years" } },
  { in: "On January 30, 2025, the firm raised €3bn.", fig: "January 30, 2025", want: { kind: "date", value: 20250130, display: "2025-01-30" } },
  { in: "On January 30, 2025, the firm raised €3bn.", fig: "€3bn", want: { kind: "currency", value: 3e9, currency: "EUR", display: "€3,000,000,000" } },
  { in: "on 1 February 2025 it said", fig: "1 February 2025", want: { kind: "date", value: 20250201 } },
  { in: "it said 10k users joined", fig: "10k", want: { kind: "count", value: 10000, noun: "users" } },
  { in: "Between 10 and 15 percent of workers", fig: "10 and 15 percent", want: { kind: "percent", value: 10, high: 15, display: "10–15%" } },
  { in: "tens of thousands of people lost jobs", fig: "tens of thousands", want: { kind: "count", value: 20000, high: 90000, approximate: true, noun: "people" } },
  { in: "billions of dollars are at stake", fig: "billions of dollars", want: { kind: "currency", value: 2e9, high: 9e9, approximate: true, currency: "USD" } },
  { in: "at a cost of $5.58M, far less", fig: "$5.58M", want: { kind: "currency", value: 5580000, currency: "USD", noun: "cost" } },
  { in: "In 2023 the firm had 150 employees.", fig: "2023", want: { kind: "year", value: 2023 } },
  { in: "In 2023 the firm had 150 employees.", fig: "150", want: { kind: "count", value: 150, noun: "employees" } },
  { in: "trained for 55 days on 2,048 GPUs", fig: "55 days", want: { kind: "duration", value: 55, display: "55 days" } },
  { in: "a billion dollars", fig: "a billion dollars", want: { kind: "currency", value: 1e9, currency: "USD" } },
  { in: "a 10-year plan", fig: "10-year", want: { kind: "duration", value: 10, display: "10 years" } },
  { in: "at least 40 percent", fig: "at least 40 percent", want: { kind: "percent", value: 40, qualifier: "at-least" } },
  { in: "costs RMB 200 million", fig: "RMB 200 million", want: { kind: "currency", value: 2e8, currency: "CNY", display: "CN¥200,000,000" } },
  { in: "from 2026-27 onwards", fig: "2026-27", want: { kind: "year", value: 2026, high: 2027, display: "2026–2027" } },
  { in: "WASHINGTON, March 3 (Reuters) - The department said", fig: "March 3", want: { kind: "date", value: 303, display: "Mar 3" } },
  { in: "a move that could cost Nvidia as much as $5.5 billion.", fig: "as much as $5.5 billion", want: { kind: "currency", value: 5.5e9, qualifier: "up-to", currency: "USD" } },
  { in: "Shares fell 6.9% to $108.36 in extended trading", fig: "$108.36", want: { kind: "currency", value: 108.36, currency: "USD", display: "US$108.36" } },
  { in: "has 671 billion parameters and was trained on 14.8 trillion tokens", fig: "671 billion", want: { kind: "count", value: 6.71e11, noun: "parameters" } },
  { in: "Analysts estimated that 20% to 25% of revenue came from China", fig: "20% to 25%", want: { kind: "percent", value: 20, high: 25, display: "20–25%" } },
  { in: "fewer than a dozen staff had left", fig: "fewer than a dozen", want: { kind: "count", value: 12, qualifier: "under", noun: "staff" } },
  { in: "a 24-hour news cycle", fig: "24-hour", want: { kind: "duration", value: 24, display: "24 hours" } },
  { in: "城镇新增就业 1200 万人以上。", fig: "1200 万人以上", want: { kind: "count", value: 12000000, qualifier: "over", classifier: "人" } },
  { in: "中央财政拟安排超长期特别国债 1.3 万亿元", fig: "1.3 万亿元", want: { kind: "currency", value: 1.3e12, currency: "CNY", display: "CN¥1,300,000,000,000" } },
  { in: "我国 5G 基站总数达 425.1 万个", fig: "425.1 万个", want: { kind: "count", value: 4251000, display: "4,251,000" } },
  { in: "去年營收新台幣二兆一千六百億元。", fig: "新台幣二兆一千六百億元", want: { kind: "currency", value: 2.16e12, currency: "TWD", display: "NT$2,160,000,000,000", chineseNumerals: true } },
  { in: "員工逾七萬人", fig: "逾七萬人", want: { kind: "count", value: 70000, qualifier: "over", noun: "員工", chineseNumerals: true } },
  { in: "十余年来一直从事芯片设计", fig: "十余年", want: { kind: "duration", value: 10, qualifier: "over", display: "10 years" } },
  { in: "他今年 45 岁", fig: "45 岁", want: { kind: "count", value: 45, classifier: "岁" } },
  { in: "台积电 28 纳米芯片", fig: "28 纳米", want: { kind: "count", value: 28, classifier: "纳米" } },
  { in: "会议在 3 月 5 日召开", fig: "3 月 5 日", want: { kind: "date", value: 305, display: "Mar 5" } },
];

function figureWithText(text: string, fig: string): Figure | undefined {
  return findFigures(text).find((f) => f.text === fig);
}

test("findFigures: table of real forms", () => {
  assert.ok(CASES.length >= 60, `${CASES.length} cases`);
  for (const c of CASES) {
    const all = findFigures(c.in);
    const f = all.find((x) => x.text === c.fig);
    assert.ok(f, `${c.fig} in ${c.in} — got ${JSON.stringify(all.map((x) => x.text))}`);
    for (const [k, v] of Object.entries(c.want)) {
      assert.deepEqual((f as unknown as Record<string, unknown>)[k], v, `${k} of ${c.fig} (${c.in})`);
    }
    for (const k of ["high", "qualifier", "currency", "approximate"] as const) {
      if (!(k in c.want)) assert.equal(f[k], undefined, `${k} of ${c.fig} should be absent (${c.in})`);
    }
  }
});

// Texts in which no figure at all may be found.
const NONE: string[] = [
  "他说千万不要相信，萬萬不能，万一失败，十分重要。",
  "百度和三星都是公司。",
  "第一，唯一，统一，一些，一样，一起，一直，一定，之一，一旦。",
  "一个非常重要的问题，一种方法，一篇文章，一家公司，一条线。",
  "两个国家，两种截然不同的世界，两极世界，兩名創始人，一塊美國的晶片。",
  "Claude 3.5 Sonnet and GPT-4o beat o1, o3 and R1.",
  "The H100, H800, A100, B100 and H20 chips; Huawei's 910B; ASL3 and ASL4.",
  "OpenThoughts 的OpenThoughts-114k或 Magpie-Align 的Magpie-Reasoning-V2-250K-CoT-Deepseek-R1-Llama-70B。",
  "图片源于:https://foreignpolicy.com/2025/02/03/deepseek-china-ai-artificial-intelligence-united-states-tech-competition/",
  "URL: https://finance.sina.com.cn/roll/2025-02-06/doc-ineiphxe1731617.shtml and www.example.org/2024/10",
  "Windows 11, iPhone 16, Python 3.12, COVID-19, 5G, 3D, 1st, 2nd, 4K.",
  "特朗普2.0 時代的首個AI 大專案",
  "第 3 名，第三名，No. 5，#1，周一，星期五，初一，上一年，同一年，每一天。",
  "两岸关系，一国两制，三心二意，四面八方，五花八门，乱七八糟。",
  "Duration: 0:00 and at 14:33 we met; call 555-1234.",
  "style A fill:#f9f,stroke:#333,stroke-width:2px",
  "1. 核心结论 2) 根本结论 (a) 它将所有可能的场景",
  "几乎所有人，数据中心，半导体，一点点，百科全书，千方百计，将近一半的人。",
  "Keycap 1️⃣ and 2️⃣ emoji are not figures 🤗.",
  "十四五规划，十一五，二十国集团，十九大，零一万物，通义千问，百川。",
  "北京市海淀区中关村大街 27 号，下午 15 点，332 路公交。",
  "客服电话 400-820-8820 或 010-12345678。",
  "S&P 500, Nasdaq 100, Boeing 737, F-35, A320, FY2024, 7-Eleven, 3M, Forbes 400, Route 66, x86, 50/50, 9/11.",
  "一是加强监管，二是扩大开放，三是深化改革。",
  "The 2-for-1 stock split, a 1-2 punch and 3-D printing.",
];

test("findFigures: units of measure take no counted noun", () => {
  assert.equal(figureWithText("台积电 28 纳米芯片", "28 纳米")!.noun, undefined);
});

test("findFigures: things that are not figures", () => {
  for (const t of NONE) assert.deepEqual(findFigures(t).map((f) => f.text), [], t);
});

test("findFigures: seeds have no figures inside model names, URLs or identifiers", () => {
  const seedsDir = path.join(__dirname, "..", "..", "seeds");
  const dir = fs.existsSync(seedsDir) ? seedsDir : path.join(process.cwd(), "seeds");
  for (const name of fs.readdirSync(dir)) {
    const text = fs.readFileSync(path.join(dir, name), "utf8");
    for (const f of findFigures(text)) {
      if (f.kind === "date") continue; // ISO timestamps (2025-02-07T14:33:55) are one date figure
      assert.doesNotMatch(f.text, /[A-Za-z]\d|\d[A-Za-z]{2}|https?:/, `${name}: ${f.text}`);
    }
  }
});

/** Ranges are exact, ordered, disjoint and never split a surrogate pair. */
function checkRanges(text: string, figures: Figure[]): void {
  let prevEnd = 0;
  for (const f of figures) {
    assert.ok(f.start >= 0 && f.start < f.end && f.end <= text.length, `range of ${f.text}`);
    assert.equal(text.slice(f.start, f.end), f.text);
    assert.ok(f.start >= prevEnd, `ordered and disjoint at ${f.text}`);
    prevEnd = f.end;
    const a = text.charCodeAt(f.start);
    const z = text.charCodeAt(f.end - 1);
    assert.ok(!(a >= 0xdc00 && a <= 0xdfff), `start splits a surrogate pair at ${f.text}`);
    assert.ok(!(z >= 0xd800 && z <= 0xdbff), `end splits a surrogate pair at ${f.text}`);
    assert.ok(typeof f.display === "string" && f.display.length > 0, `display of ${f.text}`);
    assert.ok(Number.isFinite(f.value), `value of ${f.text}`);
    if (f.high !== undefined) assert.ok(f.high > f.value, `high > value at ${f.text}`);
  }
}

test("findFigures: ranges in texts with emoji, full-width forms and the seeds", () => {
  const texts = [
    "🤗 DeepSeek 大约有 5 万块 GPU 🚀，成本约 600 万美元😀。",
    "🇨🇳五萬張顯示卡👍、２０２５年１月３０日、数十亿美元🔥",
    "𠀀𠀁 3000 条结果 𠀂，近 300 条 😀😀 47%😀",
    "Emoji 👩‍💻 spent $5.6 million 💸 on 50,000 GPUs 🖥️ in 2024.",
    ...CASES.map((c) => c.in),
  ];
  for (const t of texts) checkRanges(t, findFigures(t));
  const seedsDir = path.join(process.cwd(), "seeds");
  if (fs.existsSync(seedsDir)) {
    for (const name of fs.readdirSync(seedsDir)) {
      const text = fs.readFileSync(path.join(seedsDir, name), "utf8");
      checkRanges(text, findFigures(text));
    }
  }
  const withEmoji = findFigures("🤗 DeepSeek 大约有 5 万块 GPU 🚀，成本约 600 万美元😀。");
  assert.deepEqual(withEmoji.map((f) => f.text), ["5 万块", "约 600 万美元"]);
});

// --- keys

function mentionsFor(text: string, names: Record<string, string>): Mention[] {
  const out: Mention[] = [];
  for (const [surface, id] of Object.entries(names)) {
    let i = -1;
    while ((i = text.indexOf(surface, i + 1)) >= 0) out.push({ start: i, end: i + surface.length, entityId: id, surface, via: "catalog", full: true });
  }
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  return out.filter((m) => !out.some((o) => o !== m && o.start <= m.start && o.end >= m.end && o.end - o.start > m.end - m.start));
}

function sentencesOf(text: string): Span[] {
  const out: Span[] = [];
  let s = 0;
  for (let i = 0; i < text.length; i++) {
    if ("。！？\n".includes(text[i]) || (text[i] === "." && text[i + 1] === " ")) {
      out.push({ start: s, end: i + 1 });
      s = i + 1;
    }
  }
  if (s < text.length) out.push({ start: s, end: text.length });
  return out;
}

const NAMES: Record<string, string> = {
  DeepSeek: "deepseek",
  "DeepSeek- V3": "deepseek-v3",
  "DeepSeek-V3": "deepseek-v3",
  英偉達: "nvidia",
  Nvidia: "nvidia",
  A100: "a100",
  H100: "h100",
  H800: "h800",
  SemiAnalysis: "semianalysis",
  "Dylan Patel": "dylan-patel",
  OpenAI: "openai",
  Anthropic: "anthropic",
};
const PARENTS: Record<string, string> = { "deepseek-v3": "deepseek", a100: "nvidia", h100: "nvidia", h800: "nvidia" };

function keyed(text: string): Figure[] {
  const figures = findFigures(text);
  keyFigures(text, figures, mentionsFor(text, NAMES), sentencesOf(text), (id) => PARENTS[id]);
  return figures;
}

test("keyFigures: the same quantity in two scripts gets the same key", () => {
  const zhHant = keyed("用一個自己也承認”未經過證實”的 DeepSeek 有五萬張走私而來的英偉達 A100、H100 和 H800 顯示卡的流言。");
  const zhHans = keyed("SemiAnalysis 的 Dylan Patel 之前报道过 DeepSeek 大约有 5 万块 GPU，但并未得到官方确认。");
  assert.equal(zhHant[0].subject, "deepseek");
  assert.equal(zhHant[0].key, "deepseek/gpu-count");
  assert.equal(zhHans[0].key, "deepseek/gpu-count");
});

test("keyFigures: subjects are normalized to their root and currencies key costs", () => {
  const f = keyed("力證 DeepSeek- V3 模型不可能用600萬美元的低成本訓練而成。");
  assert.equal(f[0].subject, "deepseek");
  assert.equal(f[0].key, "deepseek/cost-usd");
  // No entity before the figure in its sentence: the nearest one after it.
  const g = keyed("这并不是说他们用 600 万美元就做出了别的东西，而 DeepSeek 的做法正好踩在了这条曲线上。");
  assert.equal(g[0].key, "deepseek/cost-usd");
  // Percent → share.
  const h = keyed("Anthropic 在企業級市場搶走了 OpenAI 15%的市場份額。");
  assert.equal(h[0].key, "openai/share");
});

test("keyFigures: chips are what is counted, not the subject", () => {
  // The nearest mention before 1 万块 is a chip: the count is a chip count, keyed to a non-chip subject.
  const f = keyed("据 SemiAnalysis 报道，DeepSeek 有 H100，大约 1 万块左右。");
  assert.equal(f[0].key, "deepseek/gpu-count");
  // typeOf, when given, decides what is a chip.
  const text = "Nvidia sold 3 million chips.";
  const figures = findFigures(text);
  keyFigures(text, figures, mentionsFor(text, NAMES), sentencesOf(text), () => undefined, (id) => (id === "nvidia" ? "organization" : undefined));
  assert.equal(figures[0].key, "nvidia/gpu-count");
});

test("keyFigures: previous sentence fallback, no subject, years and dates unkeyed", () => {
  const f = keyed("DeepSeek 成立于 2023 年。员工不足 100 人。");
  const year = f.find((x) => x.kind === "year")!;
  assert.equal(year.key, undefined);
  assert.equal(year.subject, undefined);
  const staff = f.find((x) => x.text === "不足 100 人")!;
  assert.equal(staff.noun, "员工");
  assert.equal(staff.key, "deepseek/employee-count");
  const none = keyed("员工不足 100 人。");
  assert.equal(none[0].key, undefined);
  assert.equal(none[0].subject, undefined);
});

test("quantityKind: noun classes, currencies, percents, kinds", () => {
  assert.equal(quantityKind(figureWithText("5 万块 GPU", "5 万块")!), "gpu-count");
  assert.equal(quantityKind(figureWithText("市值约 5000 亿美元", "约 5000 亿美元")!), "market-cap-usd");
  assert.equal(quantityKind(figureWithText("花了 600 万美元", "600 万美元")!), "cost-usd");
  assert.equal(quantityKind(figureWithText("15%的份额", "15%")!), "share");
  assert.equal(quantityKind(figureWithText("三种芯片", "三种")!), "count");
  assert.equal(quantityKind(figureWithText("4 倍", "4 倍")!), "multiple");
});

test("findFigures: random mixed text never throws and keeps ranges exact", () => {
  const alphabet = [..."0123456789０５,.-–~%％$€¥ 年月日个個块張万萬亿億兆千百十一二两三五九〇零几数多余半上约近超过左右以上倍成分之到至或美元人民币GPU颗名代世纪第周星期ABCxkMmbn的，。；\n🤗😀👩‍💻🇨🇳𠀀"];
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < 3000; i++) {
    let s = "";
    const len = 1 + Math.floor(rnd() * 40);
    for (let k = 0; k < len; k++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    checkRanges(s, findFigures(s));
  }
});

test("findFigures: linear on pathological input", () => {
  const inputs = ["一二三四五六七八九十百千万".repeat(4000), "5 ".repeat(20000), "1,2".repeat(10000), "十多多多".repeat(10000), "hundreds of ".repeat(4000)];
  for (const t of inputs) {
    const t0 = performance.now();
    findFigures(t);
    assert.ok(performance.now() - t0 < 2000, `slow on ${t.slice(0, 12)}…`);
  }
});
