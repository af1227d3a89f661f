// Per-stage cost of the analysis core and of the corpus tables, run in-process on the benchmark
// corpus (no LSP, one thread): where do the milliseconds per MB go?
// Bundled on the fly by bench/profile.mjs (esbuild → /tmp) — not part of the product build.
//
//   node bench/profile.mjs [--out bench/corpus] [--limit MB]
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { serialize } from "node:v8";
import type { EntityDef } from "../server/src/analysis/types";
import { Catalog } from "../server/src/analysis/catalog";
import { analyzeDocument, guessLanguage } from "../server/src/analysis/analyze";
import { foldText } from "../server/src/analysis/fold";
import { recognizeEntities } from "../server/src/analysis/entities";
import { segmentSentences } from "../server/src/analysis/sentences";
import { findFigures, keyFigures } from "../server/src/analysis/figures";
import { findClaims } from "../server/src/analysis/claims";
import { Corpus } from "../server/src/corpus/corpus";
import { documentDiagnostics } from "../server/src/service/diagnostics";
import builtinCatalog from "../server/data/entities.json";

interface Manifest {
  bytes: number;
  files: Array<{ path: string; bytes: number; big?: boolean }>;
}

const args = process.argv.slice(2);
const opt = (k: string, d: string) => {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1] : d;
};
const dir = path.resolve(opt("--out", "bench/corpus"));
const limitMB = Number(opt("--limit", "Infinity"));
const jsonOut = opt("--json", "");
/**
 * Diagnostics are computed for every document by default (as the server publishes them), or for an
 * evenly spaced sample, extrapolated (an overestimate: lazily built corpus caches are amortized over fewer documents).
 */
const diagSample = Number(opt("--diag-sample", "Infinity"));
const MiB = 1048576;

const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")) as Manifest;
const catalog = new Catalog(builtinCatalog as EntityDef[], []);

// CPU time (user + system of this process), not wall time: this machine is shared, and CPU time is
// what the stage itself costs whatever else runs. Wall time is printed for the whole loop.
const stage: Record<string, number> = {};
const add = (k: string, ms: number) => (stage[k] = (stage[k] ?? 0) + ms);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
function time<T>(k: string, fn: () => T): T {
  const t = cpuMs();
  const v = fn();
  add(k, cpuMs() - t);
  return v;
}

let bytes = 0;
let docs = 0;
const texts: Array<{ uri: string; text: string }> = [];
const analyses: ReturnType<typeof analyzeDocument>[] = [];
const perDocMs: Array<{ path: string; bytes: number; ms: number }> = [];
const t0 = performance.now();
for (const f of manifest.files) {
  if (bytes / MiB >= limitMB) break;
  const text = time("read+decode", () => fs.readFileSync(path.join(dir, f.path), "utf8"));
  const td = cpuMs();
  // The same sequence as analyzeDocument, stage by stage.
  const folded = time("fold (foldText)", () => foldText(text));
  const { mentions, learned } = time("entities (recognizeEntities)", () => recognizeEntities(text, folded, catalog));
  const learnedTypes = new Map(learned.map((l) => [l.id, l.type]));
  const sentences = time("sentences (segmentSentences)", () => segmentSentences(text));
  const figures = time("figures (findFigures)", () => findFigures(text));
  time("figure keys (keyFigures)", () => keyFigures(text, figures, mentions, sentences, (id) => catalog.get(id)?.parent));
  const claims = time("claims (findClaims)", () => findClaims(text, sentences, mentions, figures, (id) => catalog.get(id)?.type ?? learnedTypes.get(id)));
  const language = time("language (guessLanguage)", () => guessLanguage(text, folded));
  perDocMs.push({ path: f.path, bytes: f.bytes, ms: cpuMs() - td });
  const a = { language, mentions, learned, figures, sentences, claims };
  // What the worker → main thread hop costs: structured clone of the analysis (both ends).
  time("clone analysis (v8.serialize, one side)", () => serialize(a));
  analyses.push(a);
  texts.push({ uri: pathToFileURL(path.join(dir, f.path)).href, text });
  bytes += f.bytes;
  docs++;
}
const analyzeWall = performance.now() - t0;

// Corpus tables on the main thread.
const corpus = new Corpus(builtinCatalog as EntityDef[]);
time("corpus.set (tables + LineIndex)", () => {
  for (let i = 0; i < texts.length; i++) corpus.set(texts[i].uri, texts[i].text, -1, undefined, analyses[i]);
});
// Memory the index holds on the main thread: texts + analyses + tables (after a full GC if exposed).
analyses.length = 0; // the corpus holds them now
(globalThis as { gc?: () => void }).gc?.();
const heapAfterIndexMB = process.memoryUsage().heapUsed / MiB;
// What sendStatus() computes, once (it runs every 1% of progress).
time("status (one sendStatus computation)", () => {
  let mentions = 0;
  for (const d of corpus.documents()) mentions += d.analysis.mentions.length;
  return [corpus.size, corpus.mentionedEntities().length, mentions, corpus.documents().reduce((s, d) => s + d.analysis.claims.length, 0)];
});
// Diagnostics, as published for every document after indexing: every 1 MB document, plus an evenly
// spaced sample of the others (offset so it never lands on a 1 MB one), extrapolated by count.
let diags = 0;
const isBig = new Set(manifest.files.filter((f) => f.big).map((f) => pathToFileURL(path.join(dir, f.path)).href));
const normal = texts.filter((t) => !isBig.has(t.uri));
const step = Number.isFinite(diagSample) ? Math.max(1, Math.floor(normal.length / Math.max(1, diagSample))) : 1;
const sample = step === 1 ? normal : normal.filter((_, i) => i % step === step >> 1);
let tDiag = cpuMs();
for (const t of sample) diags += documentDiagnostics(corpus, t.uri, {}, []).length;
const diagSampleMs = cpuMs() - tDiag;
tDiag = cpuMs();
for (const t of texts) if (isBig.has(t.uri)) diags += documentDiagnostics(corpus, t.uri, {}, []).length;
const diagBigMs = cpuMs() - tDiag;
add(Number.isFinite(diagSample) ? "diagnostics (documentDiagnostics, all docs, extrapolated from a sample)" : "diagnostics (documentDiagnostics × every document)", (diagSampleMs * normal.length) / Math.max(1, sample.length) + diagBigMs);

// A keystroke in the first 1 MB document, as the server does it: analysis (in a worker),
// corpus.set (main thread), then documentDiagnostics of that document (main thread).
const keystroke: Record<string, number> = {};
const bigFile = manifest.files.find((f) => f.big);
const bigIdx = bigFile ? texts.findIndex((t) => t.uri.endsWith(bigFile.path)) : -1;
if (bigIdx >= 0) {
  const { uri, text } = texts[bigIdx];
  const edited = text.slice(0, text.length >> 1) + "的" + text.slice(text.length >> 1);
  // Median of 5: a single run can land on a major GC.
  const k = (name: string, fn: () => unknown) => {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = cpuMs();
      fn();
      runs.push(cpuMs() - t);
    }
    keystroke[name] = Math.round(runs.sort((x, y) => x - y)[2]);
  };
  let a!: ReturnType<typeof analyzeDocument>;
  k("analyzeDocument (worker)", () => (a = analyzeDocument(edited, catalog)));
  k("structured clone of the analysis (v8.serialize, one side)", () => serialize(a));
  k("corpus.set (main thread)", () => corpus.set(uri, edited, 2, undefined, a));
  let n = 0;
  k("documentDiagnostics of that document (main thread)", () => (n = documentDiagnostics(corpus, uri, {}, []).length));
  k("documentDiagnostics, severity off (main thread)", () => documentDiagnostics(corpus, uri, { rumor: "off", unconfirmed: "off", speculation: "off", disputed: "off", "figure-mismatch": "off" }, []));
  keystroke.diagnostics = n;
  keystroke.claims = a.claims.length;
  keystroke.MB = +(Buffer.byteLength(edited) / MiB).toFixed(2);
}

const mb = bytes / MiB;
const rows = Object.entries(stage).map(([k, ms]) => ({ stage: k, ms: Math.round(ms), msPerMB: +(ms / mb).toFixed(1) }));
const analysisMs = ["fold (foldText)", "entities (recognizeEntities)", "sentences (segmentSentences)", "figures (findFigures)", "figure keys (keyFigures)", "claims (findClaims)", "language (guessLanguage)"].reduce((s, k) => s + (stage[k] ?? 0), 0);
perDocMs.sort((a, b) => b.ms / b.bytes - a.ms / a.bytes);
const big = perDocMs.filter((d) => manifest.files.find((f) => f.path === d.path)?.big);
const summary = {
  docs,
  MB: +mb.toFixed(1),
  analysisMsTotal: Math.round(analysisMs),
  analysisMBps: +(mb / (analysisMs / 1000)).toFixed(2),
  loopWallMs: Math.round(analyzeWall),
  heapAfterIndexMB: Math.round(heapAfterIndexMB),
  objects: (() => {
    let mentions = 0, sentences = 0, claims = 0, figures = 0;
    for (const d of corpus.documents()) {
      mentions += d.analysis.mentions.length;
      sentences += d.analysis.sentences.length;
      claims += d.analysis.claims.length;
      figures += d.analysis.figures.length;
    }
    return { mentions, sentences, claims, figures };
  })(),
  diagnosticsSample: { documents: sample.length, cpuMs: Math.round(diagSampleMs), msPerDocument: +(diagSampleMs / Math.max(1, sample.length)).toFixed(1), bigDocuments: isBig.size, bigCpuMs: Math.round(diagBigMs), diagnostics: diags },
  keystroke,
  bigDocs: big.map((d) => ({ path: d.path, MB: +(d.bytes / MiB).toFixed(2), ms: Math.round(d.ms) })),
  analysisBySize: [4, 16, 64, 256, 2048].map((kb, i, all) => {
    const lo = i === 0 ? 0 : all[i - 1] * 1024;
    const docs = perDocMs.filter((d) => d.bytes >= lo && d.bytes < kb * 1024);
    const b = docs.reduce((x, d) => x + d.bytes, 0);
    const ms = docs.reduce((x, d) => x + d.ms, 0);
    return { sizeKB: `${lo / 1024}–${kb}`, documents: docs.length, MB: +(b / MiB).toFixed(1), cpuMsPerMB: +(ms / (b / MiB)).toFixed(1) };
  }),
  slowestPerByte: perDocMs.slice(0, 5).map((d) => ({ path: d.path, KB: Math.round(d.bytes / 1024), ms: +d.ms.toFixed(1) })),
};
console.log(`analysis core, one thread, ${docs} documents, ${mb.toFixed(1)} MB (CPU time)`);
console.log("| stage | CPU ms | CPU ms/MB |\n|---|---:|---:|");
for (const r of rows) console.log(`| ${r.stage} | ${r.ms} | ${r.msPerMB} |`);
console.log(JSON.stringify(summary, null, 1));
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ rows, summary }, null, 1));
