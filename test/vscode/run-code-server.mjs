#!/usr/bin/env node
// Runs the extension-host test suite (out/test/vscode/suite/index.js) inside code-server, the way
// @vscode/test-web runs web-extension tests: code-server is started with the smoke-test driver enabled, the
// workbench URL carries extensionDevelopmentPath/extensionTestsPath in its `payload`, the suite's run()
// executes in the real Node extension host, and its outcome reaches the page as window.codeAutomationExit(code).
// The workspace is a temporary copy of --folder (default seeds/), made in the sandbox under os.tmpdir() and
// removed afterwards, because the suite writes marginalia.json: the repository's seeds/ is never modified.
// Exits with the suite's code (0 = all passed; 1 when any case fails, the host does not answer, or anything breaks).
//
//   node test/vscode/run-code-server.mjs [--extensionDevelopmentPath DIR] [--extensionTestsPath FILE] [--folder DIR] [--keep]
//
// Needs `bash .ci/install-code-server.sh`, a built extension (dist/) and the bundled suite
// (`node esbuild.mjs --tests`; both builds are run here when their output is missing).
// On machines that can download VS Code, test/vscode/run-electron.mjs runs the same suite in VS Code desktop.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT, copyWorkspace, findTools, launchChromium, makeLog, makeSandbox, startCodeServer, stopAll } from "../ui/code-server.mjs";

const log = makeLog("vscode-suite");
const { values: opts } = parseArgs({
  options: {
    extensionDevelopmentPath: { type: "string", default: ROOT },
    extensionTestsPath: { type: "string", default: path.join(ROOT, "out/test/vscode/suite/index.js") },
    folder: { type: "string", default: path.join(ROOT, "seeds") }, // copied to a temporary folder, which is opened
    timeout: { type: "string", default: "300" }, // seconds for the whole run
    keep: { type: "boolean", default: false }, // keep the sandbox (and the workspace copy with its marginalia.json)
  },
});
const extDir = path.resolve(opts.extensionDevelopmentPath);
const testsPath = path.resolve(opts.extensionTestsPath);
const folder = path.resolve(opts.folder);
const timeoutMs = Number(opts.timeout) * 1000;

function build(what, args) {
  log(`  ${what} is missing: npm run ${args.join(" ")}`);
  const r = spawnSync("npm", ["run", "--silent", ...args], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`npm run ${args.join(" ")} failed (exit ${r.status})`);
}

async function main() {
  const tools = findTools();
  if (extDir === ROOT && !fs.existsSync(path.join(ROOT, "dist/extension.js"))) build("dist/extension.js", ["build"]);
  if (testsPath.startsWith(path.join(ROOT, "out/test")) && !fs.existsSync(testsPath)) build(path.relative(ROOT, testsPath), ["build", "--", "--tests"]);
  for (const p of [path.join(extDir, "package.json"), testsPath, folder]) {
    if (!fs.existsSync(p)) throw new Error(`${p} does not exist`);
  }
  log(`extension: ${extDir}`);
  log(`suite:     ${testsPath}`);

  const sb = makeSandbox("vscode-suite");
  const workspace = copyWorkspace(sb, folder);
  log(`folder:    ${workspace} (a temporary copy of ${path.relative(ROOT, folder) || folder})`);
  const suiteLog = path.join(sb.logDir, "suite.log");
  fs.writeFileSync(suiteLog, "");
  try {
    log("step 1: start code-server with the smoke-test driver");
    const cs = await startCodeServer(tools, sb, { log, extraArgs: ["--vscode-option", "enable-smoke-test-driver"] });

    log("step 2: start Chromium");
    const { page } = await launchChromium(tools, sb);

    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    await page.exposeFunction("codeAutomationExit", async (code, logs) => {
      // logs: the window's log files ({ relativePath, contents }[]), kept for CI artifacts.
      try {
        for (const l of Array.isArray(logs) ? logs : []) {
          if (!l?.relativePath || typeof l.contents !== "string") continue;
          const out = path.join(sb.logDir, "vscode-logs", l.relativePath.replace(/\.\.+/g, "_"));
          fs.mkdirSync(path.dirname(out), { recursive: true });
          fs.writeFileSync(out, l.contents);
        }
      } catch {}
      resolveExit(code);
    });
    await page.exposeFunction("codeAutomationLog", (type, args) => {
      const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ");
      fs.appendFileSync(suiteLog, `[${type}] ${text}\n`);
      // The window's log, which carries the extension host's console: echo the suite's lines and errors, but
      // not the closed network's (no extension gallery).
      if (text.includes("[marginalia suite")) console.log(`    ${text}`);
      else if (type === "error" && !/ENOTFOUND|ERR_NAME_NOT_RESOLVED|EAI_AGAIN/.test(text)) {
        console.log(`    [error] ${text.split("\n").slice(0, 12).join("\n    ")}`);
      }
    });
    page.on("console", (msg) => fs.appendFileSync(suiteLog, `[console.${msg.type()}] ${msg.text()}\n`));
    page.on("pageerror", (e) => fs.appendFileSync(suiteLog, `[pageerror] ${e.stack ?? e}\n`));

    const authority = `127.0.0.1:${cs.port}`;
    const remote = (p) => `vscode-remote://${authority}${p.split(path.sep).map(encodeURIComponent).join("/")}`;
    const payload = [
      ["extensionDevelopmentPath", remote(extDir)],
      ["extensionTestsPath", remote(testsPath)],
    ];
    const url = `${cs.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    log("step 3: open the workbench; the suite runs in the extension host");
    await page.goto(url, { waitUntil: "domcontentloaded" });

    const code = await Promise.race([
      exited,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no result from the extension host within ${timeoutMs / 1000}s (see ${path.relative(ROOT, suiteLog)})`)), timeoutMs).unref(),
      ),
    ]);
    log(`extension host exited with code ${code}; logs in ${path.relative(ROOT, sb.logDir)}/`);
    return typeof code === "number" ? code : 1;
  } finally {
    log("stopping Chromium and code-server");
    await stopAll();
    if (!opts.keep) sb.remove();
    else log(`  kept sandbox ${sb.dir}`);
  }
}

main().then(
  (code) => {
    if (code !== 0) console.error(`FAIL: the extension-host suite failed (exit ${code})`);
    else log("PASS: extension-host suite");
    process.exit(code);
  },
  async (e) => {
    console.error(`FAIL: ${e?.stack ?? e}`);
    await stopAll();
    process.exit(1);
  },
);
