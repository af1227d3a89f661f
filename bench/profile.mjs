#!/usr/bin/env node
// Bundles bench/stages.ts with esbuild into a temporary folder and runs it: per-stage ms/MB of the
// analysis core and the corpus tables over the benchmark corpus. Arguments pass through.
//   node bench/profile.mjs [--out bench/corpus] [--limit MB] [--json file]
import * as esbuild from "esbuild";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-bench-"));
const out = path.join(tmp, "stages.js");
await esbuild.build({ entryPoints: [path.join(here, "stages.ts")], outfile: out, bundle: true, platform: "node", target: "node20", format: "cjs", sourcemap: "inline", logLevel: "warning" });
const extra = process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(" ") : [];
const r = spawnSync(process.execPath, ["--max-old-space-size=6144", "--expose-gc", ...extra, out, ...process.argv.slice(2)], { stdio: "inherit", cwd: path.resolve(here, "..") });
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(r.status ?? 1);
