#!/usr/bin/env node
// Runs the extension-host test suite (out/test/vscode/suite/index.js) in VS Code desktop through
// @vscode/test-electron, which downloads VS Code from Microsoft's update servers. For developer machines that
// can reach them; on the project's machines and in CI that download fails (getaddrinfo ENOTFOUND
// update.code.visualstudio.com): there, test/vscode/run-code-server.mjs runs the same suite in code-server.
// Like that runner, it opens a temporary copy of --folder (default seeds/), because the suite writes
// marginalia.json; the copy is removed afterwards, so the repository's seeds/ is never modified.
//
//   npm run build && node esbuild.mjs --tests && node test/vscode/run-electron.mjs [--version stable|1.x.y]
// (on Linux without a display: xvfb-run -a node test/vscode/run-electron.mjs)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runTests } from "@vscode/test-electron";
import { copyWorkspace } from "../ui/code-server.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { values: opts } = parseArgs({
  options: {
    version: { type: "string", default: process.env.VSCODE_VERSION || "stable" },
    extensionDevelopmentPath: { type: "string", default: ROOT },
    extensionTestsPath: { type: "string", default: path.join(ROOT, "out/test/vscode/suite/index.js") },
    folder: { type: "string", default: path.join(ROOT, "seeds") }, // copied to a temporary folder, which is opened
    keep: { type: "boolean", default: false }, // keep the profile and the workspace copy
  },
});

for (const p of [path.join(opts.extensionDevelopmentPath, "dist/extension.js"), opts.extensionTestsPath]) {
  if (!fs.existsSync(p)) {
    console.error(`FAIL: ${p} is missing: run \`npm run build && node esbuild.mjs --tests\` first`);
    process.exit(1);
  }
}

// A throwaway profile so the user's settings and extensions stay out of the run.
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-electron-"));
fs.mkdirSync(path.join(profile, "user-data", "User"), { recursive: true });
fs.writeFileSync(
  path.join(profile, "user-data", "User", "settings.json"),
  JSON.stringify({ "workbench.startupEditor": "none", "chat.disableAIFeatures": true, "security.workspace.trust.enabled": false }, null, 2),
);
const workspace = copyWorkspace({ dir: profile }, path.resolve(opts.folder));
console.log(`workspace: ${workspace} (a temporary copy of ${path.resolve(opts.folder)})`);

let code = 1;
try {
  code = await runTests({
    version: opts.version,
    extensionDevelopmentPath: path.resolve(opts.extensionDevelopmentPath),
    extensionTestsPath: path.resolve(opts.extensionTestsPath),
    launchArgs: [
      workspace,
      "--disable-extensions", // other installed extensions; the one under development still loads
      "--disable-workspace-trust",
      "--skip-welcome",
      "--skip-release-notes",
      `--user-data-dir=${path.join(profile, "user-data")}`,
      `--extensions-dir=${path.join(profile, "extensions")}`,
    ],
  });
  console.log(code === 0 ? "PASS: extension-host suite (VS Code desktop)" : `FAIL: extension-host suite exited with ${code}`);
} catch (e) {
  console.error(`FAIL: ${e?.message ?? e}`);
  if (/ENOTFOUND|ECONNREFUSED|EAI_AGAIN/.test(String(e?.message ?? e))) {
    console.error("This machine cannot download VS Code; run `node test/vscode/run-code-server.mjs` instead.");
  }
  code = 1;
} finally {
  if (opts.keep) console.log(`kept ${profile}`);
  else fs.rmSync(profile, { recursive: true, force: true });
}
process.exit(code);
