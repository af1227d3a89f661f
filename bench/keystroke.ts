// A keystroke in the 1 MB documents, in-process: how long the incremental splice takes (CPU ms) and
// how often it differs from a full analysis of the same text. Random one-character insertions,
// deletions and short pastes at random offsets; each edit applies to the previous edit's text.
//
//   node bench/keystroke.mjs [--out bench/corpus] [--edits 200]   (KEYSTROKE_DEBUG=1 prints each difference)
import fs from "node:fs";
import path from "node:path";
import type { DocumentAnalysis, EntityDef } from "../server/src/analysis/types";
import { Catalog } from "../server/src/analysis/catalog";
import { analyzeDocument } from "../server/src/analysis/analyze";
import { spliceAnalysis } from "../server/src/analysis/incremental";
import { Corpus } from "../server/src/corpus/corpus";
import { documentDiagnostics, DiagnosticsCache } from "../server/src/service/diagnostics";
import builtinCatalog from "../server/data/entities.json";

const args = process.argv.slice(2);
const opt = (k: string, d: string) => {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1] : d;
};
const dir = path.resolve(opt("--out", "bench/corpus"));
const edits = Number(opt("--edits", "200"));
const corpusDocs = Number(opt("--corpus-docs", "300"));
const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")) as { big: string[]; files: Array<{ path: string }> };
const catalog = new Catalog(builtinCatalog as EntityDef[], []);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);

/** What differs between two analyses, by part (empty: equal). */
function diff(a: DocumentAnalysis, b: DocumentAnalysis): string[] {
  const out: string[] = [];
  const norm = (x: DocumentAnalysis) => ({ ...x, learned: [...x.learned].map((l) => JSON.stringify(l)).sort() });
  const na = norm(a);
  const nb = norm(b);
  for (const k of ["mentions", "sentences", "figures", "claims", "learned", "language"] as const) if (JSON.stringify(na[k]) !== JSON.stringify(nb[k])) out.push(k);
  return out;
}

const rows: Array<{ doc: string; spliceMs: number[]; fullMs: number[]; differs: number; fallbacks: number; parts: Record<string, number>; claimDiffs: number }> = [];
for (const rel of manifest.big) {
  let text = fs.readFileSync(path.join(dir, rel), "utf8");
  let analysis = analyzeDocument(text, catalog);
  const row = { doc: rel, spliceMs: [] as number[], fullMs: [] as number[], differs: 0, fallbacks: 0, parts: {} as Record<string, number>, claimDiffs: 0 };
  const per = Math.ceil(edits / manifest.big.length);
  for (let k = 0; k < per; k++) {
    const at = Math.floor(rnd() * text.length);
    const kind = rnd();
    let start = at;
    let end = at;
    let ins = "的";
    if (kind < 0.2) (end = Math.min(text.length, at + 1), (ins = ""));
    else if (kind < 0.3) {
      const from = Math.floor(rnd() * (text.length - 40));
      ins = text.slice(from, from + 1 + Math.floor(rnd() * 30));
    } else if (kind < 0.4) ins = "x";
    const next = text.slice(0, start) + ins + text.slice(end);
    let t = cpuMs();
    const r = spliceAnalysis(text, analysis, next, { start, end, insertedLength: ins.length }, catalog);
    row.spliceMs.push(cpuMs() - t);
    t = cpuMs();
    const full = analyzeDocument(next, catalog);
    row.fullMs.push(cpuMs() - t);
    if (!r) row.fallbacks++;
    else {
      const d = diff(r.analysis, full);
      if (d.length) {
        row.differs++;
        for (const p of d) row.parts[p] = (row.parts[p] ?? 0) + 1;
        if (process.env.KEYSTROKE_DEBUG) {
          console.error(rel, start, end, JSON.stringify(ins), d, r.window, r.core);
          for (const p of d) {
            if (p === "learned" || p === "language") continue;
            const xa = (r.analysis as any)[p] as any[];
            const xb = (full as any)[p] as any[];
            const i = xa.findIndex((x, k) => JSON.stringify(x) !== JSON.stringify(xb[k]));
            console.error("  ", p, i, xa.length, xb.length, JSON.stringify(xa[i]), JSON.stringify(xb[i]), JSON.stringify(next.slice(Math.min(xa[i]?.start ?? 0, xb[i]?.start ?? 0) - 20, (xb[i]?.end ?? 0) + 10)));
          }
        }
      }
    }
    text = next;
    analysis = full; // as the server does once the full re-analysis has settled
  }
  rows.push(row);
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.99) - 1)];
const all = rows.flatMap((r) => r.spliceMs);
const n = all.length;
const differs = rows.reduce((s, r) => s + r.differs, 0);
const fallbacks = rows.reduce((s, r) => s + r.fallbacks, 0);
for (const r of rows) console.log(`${r.doc}: splice median ${med(r.spliceMs).toFixed(2)} ms (full ${med(r.fullMs).toFixed(0)} ms), ${r.differs} differ ${JSON.stringify(r.parts)}, ${r.fallbacks} fall back`);
console.log(`${n} edits: splice CPU median ${med(all).toFixed(2)} ms, p99 ${p99(all).toFixed(2)} ms; differs from the full analysis in ${differs} (${((100 * differs) / n).toFixed(1)} %), falls back to a full analysis in ${fallbacks} (${((100 * fallbacks) / n).toFixed(1)} %)`);

// The whole keystroke as the server does it on its main thread, stage by stage (CPU ms, median):
// splice, corpus.set, documentDiagnostics with the per-claim cache, and the JSON of the notification.
{
  const corpus = new Corpus(builtinCatalog as EntityDef[]);
  const others = manifest.files.filter((f) => !manifest.big.includes(f.path));
  const step = Math.max(1, Math.floor(others.length / Math.max(1, corpusDocs)));
  for (let i = 0; i < others.length; i += step) corpus.set(`file:///c/${others[i].path}`, fs.readFileSync(path.join(dir, others[i].path), "utf8"));
  const rel = manifest.big[0];
  const uri = `file:///c/${rel}`;
  let text = fs.readFileSync(path.join(dir, rel), "utf8");
  corpus.set(uri, text);
  const store = new DiagnosticsCache();
  const generation = 1;
  let diags = documentDiagnostics(corpus, uri, {}, [], { store, generation });
  const stages: Record<string, number[]> = { splice: [], "corpus.set": [], "documentDiagnostics (cached)": [], "JSON of publishDiagnostics": [], total: [] };
  const uncached: number[] = [];
  for (let k = 0; k < 30; k++) {
    const at = Math.floor(text.length * (0.3 + 0.4 * rnd()));
    const next = text.slice(0, at) + "的" + text.slice(at);
    const doc = corpus.get(uri)!;
    const t0 = cpuMs();
    const r = spliceAnalysis(text, doc.analysis, next, { start: at, end: at, insertedLength: 1 }, corpus.catalog);
    const t1 = cpuMs();
    corpus.set(uri, next, k + 2, undefined, r ? r.analysis : analyzeDocument(next, corpus.catalog));
    const t2 = cpuMs();
    diags = documentDiagnostics(corpus, uri, {}, [], { store, generation });
    const t3 = cpuMs();
    JSON.stringify({ jsonrpc: "2.0", method: "textDocument/publishDiagnostics", params: { uri, version: k + 2, diagnostics: diags } });
    const t4 = cpuMs();
    stages.splice.push(t1 - t0);
    stages["corpus.set"].push(t2 - t1);
    stages["documentDiagnostics (cached)"].push(t3 - t2);
    stages["JSON of publishDiagnostics"].push(t4 - t3);
    stages.total.push(t4 - t0);
    if (k < 3) {
      const t = cpuMs();
      documentDiagnostics(corpus, uri, {}, []);
      uncached.push(cpuMs() - t);
    }
    text = next;
  }
  const json = JSON.stringify(diags).length;
  console.log(`\nOne keystroke on the main thread (${corpus.size} documents in the corpus, ${diags.length} diagnostics, ${(json / 1024).toFixed(0)} KB of JSON), CPU ms median / max of 30:`);
  for (const [k, xs] of Object.entries(stages)) console.log(`  ${k.padEnd(30)} ${med(xs).toFixed(2)} / ${Math.max(...xs).toFixed(2)}`);
  console.log(`  (documentDiagnostics without the cache: ${med(uncached).toFixed(0)} ms)`);
}
