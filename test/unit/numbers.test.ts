// Numerals: Arabic, Chinese (simplified and traditional), mixed, vague magnitudes, English words.
import test from "node:test";
import assert from "node:assert/strict";
import { formatNumber, parseChineseNumber, parseNumber, scanNumeral } from "../../server/src/analysis/numbers";

// [input, value, high?] — high only for vague magnitudes and adjacent-digit ranges.
const TABLE: [string, number, number?][] = [
  // Arabic
  ["10,000", 10000],
  ["1,234,567.89", 1234567.89],
  ["5.6", 5.6],
  ["2025", 2025],
  ["０", 0],
  ["１２３", 123],
  ["５万", 50000],
  // Chinese, simplified and traditional
  ["零", 0],
  ["〇", 0],
  ["一", 1],
  ["两", 2],
  ["兩", 2],
  ["十", 10],
  ["十七", 17],
  ["二十", 20],
  ["三千五百", 3500],
  ["三千五", 3500],
  ["一万五", 15000],
  ["两百五", 250],
  ["一百零五", 105],
  ["两千零二十五", 2025],
  ["五萬", 50000],
  ["五万", 50000],
  ["一千万", 10000000],
  ["一千萬", 10000000],
  ["一亿五千万", 150000000],
  ["一億五千萬", 150000000],
  ["万亿", 1e12],
  ["二兆一千六百億", 2.16e12],
  ["十万亿", 1e13],
  ["百万", 1000000],
  ["千万", 10000000],
  ["三点五", 3.5],
  ["三點五億", 350000000],
  ["二〇二五", 2025],
  ["一九四九", 1949],
  ["壹贰叁", 123],
  ["壹佰贰拾", 120],
  ["伍萬", 50000],
  // Mixed
  ["5.6亿", 560000000],
  ["5.6億", 560000000],
  ["600萬", 6000000],
  ["600万", 6000000],
  ["5 万", 50000],
  ["3千万", 30000000],
  ["1.5万亿", 1.5e12],
  ["100多万", 1000000],
  // Vague magnitudes (documented: 数/几 = 2..9 before a unit, 1..9 after one; 上 = reaching)
  ["数十", 20, 90],
  ["数十亿", 2e9, 9e9],
  ["數十億", 2e9, 9e9],
  ["数百亿", 2e10, 9e10],
  ["数百万", 2e6, 9e6],
  ["几万", 20000, 90000],
  ["幾萬", 20000, 90000],
  ["几十万", 200000, 900000],
  ["十几", 11, 19],
  ["二十几", 21, 29],
  ["一百几十", 110, 190],
  ["上百", 100, 900],
  ["上萬", 10000, 90000],
  ["两三", 2, 3],
  ["三五", 3, 5],
  ["三四十", 30, 40],
  ["两三百", 200, 300],
  ["几", 2, 9],
  ["成千上万", 1000, 99999],
  // English words
  ["five", 5],
  ["twenty-five", 25],
  ["five million", 5000000],
  ["two hundred and fifty thousand", 250000],
  ["a dozen", 12],
  ["a billion", 1e9],
  ["tens of thousands", 20000, 90000],
  ["hundreds of millions", 2e8, 9e8],
  ["5.6 million", 5600000],
];

test("parseNumber: table of numerals", () => {
  for (const [input, value, high] of TABLE) {
    const r = parseNumber(input);
    assert.ok(r, `parses ${input}`);
    assert.equal(r.value, value, `value of ${input}`);
    assert.equal(r.high, high, `high of ${input}`);
    assert.equal(r.approximate, high !== undefined, `approximate of ${input}`);
    assert.equal(parseChineseNumber(input), value, `parseChineseNumber(${input})`);
  }
  assert.ok(TABLE.length >= 60);
});

test("parseNumber: 多/余 mean 'more than' without widening the value", () => {
  for (const s of ["一百多", "十多", "100多", "二十多万", "三千余"]) {
    const r = parseNumber(s);
    assert.ok(r, s);
    assert.equal(r.over, true, s);
    assert.equal(r.high, undefined, s);
  }
  assert.equal(parseNumber("二十多万")!.value, 200000);
});

test("parseNumber: Chinese vs Arabic script flag", () => {
  assert.equal(parseNumber("五萬")!.chinese, true);
  assert.equal(parseNumber("5 万")!.chinese, false);
  assert.equal(parseNumber("５万")!.chinese, false);
  assert.equal(parseNumber("数十亿")!.chinese, true);
});

test("parseChineseNumber: strings that are not one number", () => {
  for (const s of ["", "数据", "万一", "亿万", "十百", "abc", "一些", "5 万 GPU", "千克", "three apples", "半导体"]) {
    assert.equal(parseChineseNumber(s), undefined, JSON.stringify(s));
  }
});

test("scanNumeral: stops at the end of the numeral and reports it", () => {
  const t = "有五萬張顯示卡";
  const n = scanNumeral(t, 1)!;
  assert.equal(t.slice(n.start, n.end), "五萬");
  assert.equal(n.value, 50000);
  const u = "花了 600 万美元";
  const m = scanNumeral(u, 3)!;
  assert.equal(u.slice(m.start, m.end), "600 万");
  // 千克 is a unit of measure, not a multiplier.
  const k = "重 5千克";
  const w = scanNumeral(k, 2)!;
  assert.equal(k.slice(w.start, w.end), "5");
});

test("formatNumber: thousands separators and trimmed decimals", () => {
  assert.equal(formatNumber(50000), "50,000");
  assert.equal(formatNumber(5600000), "5,600,000");
  assert.equal(formatNumber(1234.5), "1,234.5");
  assert.equal(formatNumber(0.5), "0.5");
  assert.equal(formatNumber(-3.5), "-3.5");
  assert.equal(formatNumber(999), "999");
});
