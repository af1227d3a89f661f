#!/usr/bin/env node
// Bundles bench/keystroke.ts with esbuild into a temporary folder and runs it: the incremental
// splice of one-character edits in the 1 MB documents, in-process, against a full analysis.
//   node bench/keystroke.mjs [--out bench/corpus] [--edits 200]
import * as esbuild from "esbuild";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-keystroke-"));
const out = path.join(tmp, "keystroke.js");
await esbuild.build({ entryPoints: [path.join(here, "keystroke.ts")], outfile: out, bundle: true, platform: "node", target: "node20", format: "cjs", sourcemap: "inline", logLevel: "warning" });
const r = spawnSync(process.execPath, ["--max-old-space-size=4096", out, ...process.argv.slice(2)], { stdio: "inherit", cwd: path.resolve(here, "..") });
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(r.status ?? 1);
