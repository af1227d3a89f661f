#!/usr/bin/env node
// Deterministic benchmark corpus: N documents (default 10,000, about 100 MB) recombined from the
// seed articles in seeds/, so the workload looks like real sources:
//   - seed paragraphs split into sentences (at 。！？!? and newlines) and recombined into documents
//     of varied (log-normal) length, a few of them 1 MB (used by the edit benchmark);
//   - entities renamed: a catalog name is swapped for another entity of the same type
//     (server/data/entities.json), and new people/companies are invented with glosses,
//     e.g. 卡尔·莫斯特维(Karl Mostvi) on first mention and 莫斯特维 after;
//   - figures changed: Arabic numbers get other values, Chinese numerals other digits;
//   - about a quarter of the documents converted to traditional script (opencc-js, cn → tw);
//   - about a tenth written in English from templates (attribution, rumor and hedging cues).
// Only node built-ins plus opencc-js (a dependency of the project). Idempotent: a manifest in the
// output folder records the parameters; a second run with the same ones does nothing.
//
//   node bench/generate-corpus.mjs [--docs 10000] [--mb 100] [--out bench/corpus] [--seed 1] [--force]
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const GENERATOR_VERSION = 3;
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const require = createRequire(import.meta.url);
const MiB = 1024 * 1024;

// ---------------------------------------------------------------- arguments
export function parseArgs(argv) {
  const a = { docs: 10000, mb: 100, out: path.join(root, "bench", "corpus"), seed: 1, force: false, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => argv[++i];
    if (k === "--docs") a.docs = Number(v());
    else if (k === "--mb") a.mb = Number(v());
    else if (k === "--out") a.out = path.resolve(v());
    else if (k === "--seed") a.seed = Number(v());
    else if (k === "--force") a.force = true;
    else if (k === "--quiet") a.quiet = true;
    else if (k === "-h" || k === "--help") {
      console.log("usage: node bench/generate-corpus.mjs [--docs N] [--mb M] [--out DIR] [--seed S] [--force]");
      process.exit(0);
    } else throw new Error(`unknown argument ${k}`);
  }
  if (!(a.docs >= 1) || !(a.mb > 0)) throw new Error("--docs and --mb must be positive");
  return a;
}

// ---------------------------------------------------------------- PRNG (mulberry32 + helpers)
export function rng(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}
const hashSeed = (...xs) => xs.reduce((h, x) => Math.imul(h ^ (x >>> 0), 0x9e3779b1) >>> 0, 0x811c9dc5);

// ---------------------------------------------------------------- seeds → sentences
const SENTENCE = /[^。！？!?\n]*(?:[。！？!?]+[”"’」』）)]*|\n|$)/g;

function splitSentences(text) {
  const out = [];
  for (const m of text.matchAll(SENTENCE)) {
    const s = m[0].replace(/\n$/, "").trim();
    if (s.length >= 4) out.push(s);
    if (m[0] === "") break;
  }
  return out;
}

// ---------------------------------------------------------------- entity catalog
const isLatin = (s) => !/[\u3400-\u9fff]/.test(s);

function loadCatalog() {
  const entities = JSON.parse(fs.readFileSync(path.join(root, "server", "data", "entities.json"), "utf8"));
  const byType = new Map();
  const nameToEntity = new Map();
  for (const e of entities) {
    const zh = e.names["zh-Hans"]?.find((n) => !isLatin(n)) ?? e.names["zh-Hant"]?.find((n) => !isLatin(n));
    const en = e.names.en?.[0] ?? e.name;
    const ent = { id: e.id, type: e.type, en, zh: zh ?? en, zhShort: e.names.short?.find((n) => !isLatin(n) && n.length >= 2), description: e.description?.en };
    if (!byType.has(e.type)) byType.set(e.type, []);
    byType.get(e.type).push(ent);
    const all = [...(e.names.en ?? []), ...(e.names["zh-Hans"] ?? []), ...(e.names["zh-Hant"] ?? []), ...(e.names.regional ?? []), ...(e.names.short ?? [])];
    for (const n of all) {
      if (isLatin(n) ? n.length < 3 : n.length < 2) continue;
      if (!nameToEntity.has(n)) nameToEntity.set(n, { ent, latin: isLatin(n) });
    }
  }
  // Names by first character, longest first: a leftmost-longest scan without a giant regex.
  const byFirst = new Map();
  for (const n of [...nameToEntity.keys()].sort((a, b) => b.length - a.length)) {
    if (!byFirst.has(n[0])) byFirst.set(n[0], []);
    byFirst.get(n[0]).push(n);
  }
  return { byType, nameToEntity, byFirst };
}

const WORD = /[A-Za-z0-9]/;
/** Leftmost-longest catalog names in a sentence (Latin names on word boundaries). */
function* findNames(s, catalog) {
  for (let i = 0; i < s.length; ) {
    let hit;
    for (const n of catalog.byFirst.get(s[i]) ?? []) {
      if (!s.startsWith(n, i)) continue;
      if (isLatin(n) && (WORD.test(s[i - 1] ?? "") || WORD.test(s[i + n.length] ?? ""))) continue;
      hit = n;
      break;
    }
    if (hit) {
      yield { index: i, name: hit };
      i += hit.length;
    } else i++;
  }
}

// Figures: Arabic numbers (with separators and decimals), and a Chinese digit before a magnitude.
const FIGURE = /\d+(?:[.,]\d+)*|[一二两三四五六七八九](?=[十百千万萬亿億])/g;
const ZH_DIGITS = "一二两三四五六七八九";

/** Pre-splits a sentence into literal parts and slots (entity names, figures) filled per document. */
function compile(sentence, catalog) {
  const slots = [];
  for (const m of findNames(sentence, catalog)) {
    const { ent, latin } = catalog.nameToEntity.get(m.name);
    slots.push({ start: m.index, end: m.index + m.name.length, kind: "entity", ent, latin, surface: m.name });
  }
  for (const m of sentence.matchAll(FIGURE)) {
    const start = m.index;
    const end = start + m[0].length;
    if (slots.some((s) => s.start < end && start < s.end)) continue;
    // Leave URLs and alphanumeric model names (H100, o1, V3) alone.
    const before = sentence[start - 1] ?? "";
    if (/[A-Za-z/:_-]/.test(before)) continue;
    slots.push({ start, end, kind: "figure", surface: m[0] });
  }
  slots.sort((a, b) => a.start - b.start);
  const parts = [];
  let at = 0;
  for (const s of slots) {
    parts.push(sentence.slice(at, s.start), s);
    at = s.end;
  }
  parts.push(sentence.slice(at));
  return parts;
}

// ---------------------------------------------------------------- invented names
const LATIN_ON = ["Ka", "Mo", "Ve", "Do", "Li", "Te", "Ma", "So", "Bre", "Ta", "Ro", "Ga", "Fe", "O", "Ha", "Ne", "Qui", "Se", "U", "Za", "Stra", "Vi"];
const LATIN_NUC = ["", "r", "n", "l", "s", "v"];
const LATIN_CODA = ["", "n", "l", "r", "s", "k", "th", "v", "d", "m", "i", "a"];

function inventPerson(r, translit) {
  const word = (syll) => {
    let s = "";
    for (let i = 0; i < syll; i++) s += (i === 0 ? r.pick(LATIN_ON) : r.pick(LATIN_ON).toLowerCase()) + (i === syll - 1 ? r.pick(LATIN_CODA) : r.pick(LATIN_NUC));
    if (s.length < 3) s += "n";
    return s;
  };
  const given = word(1 + r.int(2));
  const family = word(2 + r.int(2));
  const zhWord = (n) => Array.from({ length: n }, () => r.pick(translit)).join("");
  const zhGiven = zhWord(2 + r.int(2));
  const zhFamily = zhWord(3 + r.int(2));
  return { type: "person", en: `${given} ${family}`, enShort: family, zh: `${zhGiven}·${zhFamily}`, zhShort: zhFamily };
}

const ORG_SUFFIX_ZH = ["科技", "智能", "半导体", "数据", "云"];
const ORG_SUFFIX_EN = ["Tech", "AI", "Semiconductor", "Data", "Cloud"];
function inventOrg(r, translit) {
  const k = r.int(ORG_SUFFIX_ZH.length);
  const zhCore = Array.from({ length: 2 + r.int(2) }, () => r.pick(translit)).join("");
  const enCore = r.pick(LATIN_ON) + r.pick(LATIN_NUC) + r.pick(LATIN_CODA);
  return { type: "organization", en: `${enCore} ${ORG_SUFFIX_EN[k]}`, enShort: enCore, zh: `${zhCore}${ORG_SUFFIX_ZH[k]}`, zhShort: zhCore + ORG_SUFFIX_ZH[k] };
}

// ---------------------------------------------------------------- figures
function newFigure(r, surface) {
  if (ZH_DIGITS.includes(surface)) return r.pick([...ZH_DIGITS]);
  const digits = surface.replace(/[.,]/g, "");
  const n = Number(digits);
  if (/^(19|20)\d\d$/.test(surface)) return String(2015 + r.int(13)); // a year stays a year
  if (surface.includes(".")) return (Number(surface.replace(/,/g, "")) * (0.5 + r.next() * 1.5)).toFixed(surface.split(".").pop().length);
  const scaled = Math.max(1, Math.round(n * (0.3 + r.next() * 2.4)));
  return surface.includes(",") ? scaled.toLocaleString("en-US") : String(scaled);
}

// ---------------------------------------------------------------- English documents
const EN_TEMPLATES = [
  "{P} said that {O} had trained {M} on about {N} {C} chips.",
  "According to {O}, the cost of training {M} was about US${N} million.",
  "{O} reportedly acquired {N},000 {C} GPUs, a claim that has never been confirmed.",
  "Analysts at {O} argued that export controls on the {C} may slow progress by {N} percent.",
  "{P} may announce a new model next year, people familiar with the matter said.",
  "The rumor that {O} smuggled {N},000 {C} accelerators has not been independently verified.",
  "In a statement, {P} denied that {O} had used {M} outputs for distillation.",
  "{P}, the chief executive of {O}, wrote that {M} is roughly {N} times cheaper to run.",
  "Shares of {O} fell {N} percent after the release of {M}.",
  "{O} might open a data center with over {N},000 {C} chips, according to a filing.",
  "It is unclear whether {M} was trained with fewer than {N},000 GPUs.",
  "{P} told reporters that {O} employs nearly {N} researchers.",
];

function englishSentence(r, catalog, cast) {
  const t = r.pick(EN_TEMPLATES);
  const ofType = (type, fallback) => {
    const list = catalog.byType.get(type) ?? catalog.byType.get(fallback);
    return r.pick(list);
  };
  return t.replace(/\{([POMCN])\}/g, (_, k) => {
    if (k === "N") return String(2 + r.int(r.chance(0.5) ? 98 : 998));
    if (k === "P") {
      if (cast.length && r.chance(0.5)) {
        const c = r.pick(cast);
        const first = !c.seen;
        c.seen = true;
        return first ? c.en : c.enShort;
      }
      return ofType("person").en;
    }
    if (k === "O") return ofType("organization").en;
    if (k === "M") return ofType("model").en;
    return ofType("chip").en;
  });
}

// ---------------------------------------------------------------- one document
function buildDocument(i, targetBytes, ctx) {
  const r = rng(hashSeed(ctx.seed, i, 0xd0c));
  const { pool, bySeed, catalog, translit } = ctx;
  const english = r.chance(0.1);
  const traditional = !english && r.chance(0.25);
  // Per-document cast: renamed catalog entities and invented people/companies.
  const rename = new Map();
  const invented = [];
  const nInvented = r.chance(0.5) ? 1 + r.int(3) : 0;
  for (let k = 0; k < nInvented; k++) invented.push(r.chance(0.7) ? inventPerson(r, translit) : inventOrg(r, translit));
  const renameP = 0.15 + r.next() * 0.3;
  const entitySurface = (slot) => {
    let target = rename.get(slot.ent.id);
    if (target === undefined) {
      target = slot.ent;
      if (r.chance(renameP)) {
        const inv = invented.find((x) => x.type === slot.ent.type && !x.bound);
        if (inv && r.chance(0.6)) {
          inv.bound = true;
          target = inv;
        } else target = r.pick(catalog.byType.get(slot.ent.type));
      }
      rename.set(slot.ent.id, target);
    }
    if (target === slot.ent) return slot.surface; // kept as written (any script, short or full)
    if (target.enShort !== undefined) {
      // An invented entity: a gloss on first mention, short forms after.
      const first = !target.seen;
      target.seen = true;
      if (slot.latin) return first ? target.en : r.chance(0.5) ? target.enShort : target.en;
      return first ? `${target.zh}(${target.en})` : r.chance(0.6) ? target.zhShort : target.zh;
    }
    return slot.latin ? target.en : target.zh;
  };

  const home = r.int(bySeed.length); // most sentences from one seed: a document stays on topic
  const parts = [];
  let bytes = 0;
  let paragraph = [];
  let paraLen = 2 + r.int(6);
  while (bytes < targetBytes) {
    let s;
    if (english) s = englishSentence(r, catalog, invented);
    else {
      const c = r.chance(0.7) ? r.pick(bySeed[home]) : r.pick(pool);
      s = "";
      for (const p of c) {
        if (typeof p === "string") s += p;
        else if (p.kind === "entity") s += entitySurface(p);
        else s += r.chance(0.6) ? newFigure(r, p.surface) : p.surface;
      }
    }
    paragraph.push(s);
    bytes += Buffer.byteLength(s) + 1;
    if (paragraph.length >= paraLen) {
      parts.push(paragraph.join(english ? " " : ""));
      paragraph = [];
      paraLen = 2 + r.int(6);
    }
  }
  if (paragraph.length) parts.push(paragraph.join(english ? " " : ""));
  let text = parts.join("\n") + "\n";
  if (traditional) text = ctx.toTraditional(text);
  return { text, language: english ? "en" : traditional ? "zh-Hant" : "zh-Hans" };
}

/** Target sizes: `big` documents of 1 MB, the rest log-normal, summing to the total. */
function sizes(docs, totalBytes, seed) {
  const r = rng(hashSeed(seed, 0x5e5));
  const big = Math.min(docs, Math.max(1, Math.round(docs / 2000)));
  const bigSize = Math.min(MiB, Math.floor(totalBytes / (big + 1)));
  const rest = docs - big;
  const out = [];
  const weights = Array.from({ length: rest }, () => Math.exp(r.normal() * 0.9));
  const wsum = weights.reduce((a, b) => a + b, 0);
  const remaining = Math.max(0, totalBytes - big * bigSize);
  for (const w of weights) out.push(Math.max(200, Math.min(256 * 1024, Math.round((w / wsum) * remaining))));
  // Big documents spread through the corpus at deterministic positions.
  const bigAt = new Set(Array.from({ length: big }, (_, k) => Math.floor(((k + 0.5) * docs) / big)));
  const all = [];
  let j = 0;
  for (let i = 0; i < docs; i++) all.push(bigAt.has(i) ? bigSize : out[j++]);
  return { sizes: all, bigAt };
}

export function docPath(i) {
  const id = String(i).padStart(5, "0");
  return path.join("docs", id.slice(0, 3), `${id}.txt`);
}

// ---------------------------------------------------------------- main
export async function generate(args) {
  const t0 = performance.now();
  const log = args.quiet ? () => {} : (m) => console.error(m);
  const manifestPath = path.join(args.out, "manifest.json");
  const params = { docs: args.docs, mb: args.mb, seed: args.seed, generator: GENERATOR_VERSION };
  if (!args.force && fs.existsSync(manifestPath)) {
    try {
      const m = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
      if (JSON.stringify(m.params) === JSON.stringify(params) && m.files.every((f) => fs.existsSync(path.join(args.out, f.path)))) {
        log(`corpus up to date: ${m.files.length} documents, ${(m.bytes / MiB).toFixed(1)} MB in ${path.relative(process.cwd(), args.out) || "."}`);
        return m;
      }
    } catch {
      /* regenerate */
    }
  }
  // Only ever remove what this generator writes.
  fs.rmSync(path.join(args.out, "docs"), { recursive: true, force: true });
  fs.rmSync(manifestPath, { force: true });

  const catalog = loadCatalog();
  const names = JSON.parse(fs.readFileSync(path.join(root, "server", "data", "names.json"), "utf8"));
  const translit = [...names.transliteration];
  const seedDir = path.join(root, "seeds");
  const bySeed = fs
    .readdirSync(seedDir)
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .map((f) => splitSentences(fs.readFileSync(path.join(seedDir, f), "utf8")).map((s) => compile(s, catalog)));
  const pool = bySeed.flat();
  const OpenCC = require("opencc-js");
  const toTraditional = OpenCC.Converter({ from: "cn", to: "tw" });
  const ctx = { seed: args.seed, pool, bySeed, catalog, translit, toTraditional };

  const { sizes: targets, bigAt } = sizes(args.docs, Math.round(args.mb * MiB), args.seed);
  const files = [];
  let bytes = 0;
  const made = new Set();
  for (let i = 0; i < args.docs; i++) {
    const rel = docPath(i);
    const dir = path.dirname(path.join(args.out, rel));
    if (!made.has(dir)) fs.mkdirSync(dir, { recursive: true }), made.add(dir);
    const { text, language } = buildDocument(i, targets[i], ctx);
    const buf = Buffer.from(text, "utf8");
    fs.writeFileSync(path.join(args.out, rel), buf);
    bytes += buf.length;
    files.push({ path: rel.split(path.sep).join("/"), bytes: buf.length, language, big: bigAt.has(i) || undefined });
    if (!args.quiet && (i + 1) % 1000 === 0) log(`  ${i + 1}/${args.docs} documents, ${(bytes / MiB).toFixed(1)} MB`);
  }
  const manifest = {
    params,
    bytes,
    documents: files.length,
    languages: files.reduce((m, f) => ((m[f.language] = (m[f.language] ?? 0) + 1), m), {}),
    big: files.filter((f) => f.big).map((f) => f.path),
    files,
  };
  fs.writeFileSync(manifestPath, JSON.stringify(manifest));
  log(`generated ${files.length} documents, ${(bytes / MiB).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${args.out}`);
  return manifest;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  generate(parseArgs(process.argv.slice(2))).catch((e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  });
}
