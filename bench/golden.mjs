#!/usr/bin/env node
// Output-identity check for the analysis core: runs analyzeDocument over a deterministic sample of
// the benchmark corpus (every 10th document, the 1 MB ones, the seeds, a few documents again with a
// user catalog, and some edge-case texts) and saves or compares the JSON of every analysis.
// Use it around a performance change: --write before, --check after (same corpus).
//
//   node bench/golden.mjs --write /tmp/golden.json
//   node bench/golden.mjs --check /tmp/golden.json     # exit 1 and the first differences if any
import * as esbuild from "esbuild";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const args = process.argv.slice(2);

const mode = args[0];
const file = args[1];
if ((mode !== "--write" && mode !== "--check") || !file) {
  console.error("usage: node bench/golden.mjs --write FILE | --check FILE");
  process.exit(2);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-golden-"));
const entry = path.join(tmp, "entry.ts");
const src = (p) => JSON.stringify(path.join(root, p));
fs.writeFileSync(
  entry,
  `export { Catalog } from ${src("server/src/analysis/catalog")};
export { analyzeDocument } from ${src("server/src/analysis/analyze")};
import builtin from ${src("server/data/entities.json")};
export { builtin };`,
);
const bundle = path.join(tmp, "analysis.cjs");
await esbuild.build({ entryPoints: [entry], outfile: bundle, bundle: true, platform: "node", target: "node20", format: "cjs", logLevel: "warning" });
const got = analyzeSample(createRequire(import.meta.url)(bundle));

if (mode === "--write") {
  fs.writeFileSync(file, JSON.stringify(got));
  console.log(`wrote ${Object.keys(got).length} analyses to ${file}`);
} else {
  const want = JSON.parse(fs.readFileSync(file, "utf8"));
  let bad = 0;
  for (const k of Object.keys(want)) {
    if (want[k] === got[k]) continue;
    if (bad++ >= 5) continue;
    const a = JSON.parse(want[k]);
    const b = got[k] === undefined ? {} : JSON.parse(got[k]);
    for (const field of Object.keys(a)) {
      const x = JSON.stringify(a[field]);
      const y = JSON.stringify(b[field]);
      if (x === y) continue;
      const xs = Array.isArray(a[field]) ? a[field] : [a[field]];
      const ys = Array.isArray(b[field]) ? b[field] : [b[field]];
      let i = 0;
      while (i < xs.length && JSON.stringify(xs[i]) === JSON.stringify(ys[i])) i++;
      console.log(`${k} .${field} differs at [${i}]:\n  was ${JSON.stringify(xs[i])}\n  now ${JSON.stringify(ys[i])}`);
    }
  }
  console.log(bad ? `${bad} of ${Object.keys(want).length} analyses differ` : `identical (${Object.keys(want).length} analyses)`);
  process.exitCode = bad ? 1 : 0;
}
fs.rmSync(tmp, { recursive: true, force: true });

/** JSON of analyzeDocument for every text of the sample, by name. */
function analyzeSample({ Catalog, analyzeDocument, builtin }) {
  const corpus = path.join(root, "bench/corpus");
  const manifest = JSON.parse(fs.readFileSync(path.join(corpus, "manifest.json"), "utf8"));
  const files = [];
  manifest.files.forEach((f, i) => (i % 10 === 3 || f.big) && files.push(path.join(corpus, f.path)));
  for (const f of fs.readdirSync(path.join(root, "seeds")).sort()) if (f.endsWith(".txt")) files.push(path.join(root, "seeds", f));
  const plain = new Catalog(builtin, []);
  const user = new Catalog(builtin, [
    { id: "user-x", name: "Foo Bar Labs", type: "company", aliases: ["福巴实验室", "FBL"] },
    { id: "deepseek", aliases: ["深度求索公司"] },
  ]);
  const out = {};
  for (const f of files) out[path.relative(root, f)] = JSON.stringify(analyzeDocument(fs.readFileSync(f, "utf8"), plain));
  files.slice(0, 200).forEach((f, i) => i % 20 === 0 && (out[`user:${path.relative(root, f)}`] = JSON.stringify(analyzeDocument(fs.readFileSync(f, "utf8"), user))));
  const edge = [
    "Foo Bar Labs 与福巴实验室(FBL)合作。fbl 不是。深度求索公司发布了 DeepSeek-V3，据传花费 5 万块 GPU。",
    "",
    "ﬁ ㈱ ½ 全角ＡＢＣ１２３ 深度求索（DeepSeek）据悉将融资 1.5 亿美元。",
    "\uFEFF\ud800 lone surrogate 据报道 OpenAI 估值 1570 亿美元",
  ];
  edge.forEach((t, i) => {
    out[`edge${i}`] = JSON.stringify(analyzeDocument(t, plain));
    out[`edge-user${i}`] = JSON.stringify(analyzeDocument(t, user));
  });
  return out;
}
