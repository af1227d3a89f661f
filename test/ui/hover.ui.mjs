#!/usr/bin/env node
// UI test in a real VS Code (code-server 1.139 in Debian's Chromium): installs the packaged extension
// (marginalia.vsix), opens a temporary copy of seeds/, opens 004_c3108abaa56f84f0.txt from the Explorer, hovers
// 英偉達 and checks that the hover card names Nvidia; saves docs/screenshots/hover-entity.png. A quick check of
// one hover (any file, text and expected card with the options); test/ui/editor.ui.mjs is the full UI test
// (entity and figure hovers, Problems panel, quick fix) that CI runs.
//
//   node test/ui/hover.ui.mjs [--vsix FILE] [--screenshot FILE] [--file NAME --text TEXT --expect TEXT] [--keep]
//
// Needs: `bash .ci/install-code-server.sh` (code-server + Node 24 + chromium in .ci-cache/) and a built
// extension (`npm run build`; the .vsix is packaged with `npm run package` when missing or stale).
// Exits 0 on success, 1 with a message on failure; always stops code-server's process group and Chromium.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  COPY_MARKER, ROOT, copyWorkspace, ensureVsix, findTools, installExtension, launchChromium, makeLog, makeSandbox, sleep, startCodeServer, stopAll,
} from "./code-server.mjs";
import { escapeRe, hoverUntil, openFile, openWorkbench, scrollHoverTo } from "./workbench.mjs";

const log = makeLog("hover.ui");
const { values: opts } = parseArgs({
  options: {
    vsix: { type: "string" },
    screenshot: { type: "string", default: path.join(ROOT, "docs/screenshots/hover-entity.png") },
    folder: { type: "string", default: path.join(ROOT, "seeds") }, // copied to a temporary folder, which is opened
    file: { type: "string", default: "004_c3108abaa56f84f0.txt" },
    text: { type: "string", default: "英偉達" },
    expect: { type: "string", default: "Nvidia" },
    keep: { type: "boolean", default: false }, // keep the sandbox (HOME, user data, profile, workspace copy) for debugging
  },
});
const TOTAL_TIMEOUT_MS = 6 * 60_000; // whole test, including the first load of the workbench
const HOVER_TIMEOUT_MS = 120_000; // from the editor appearing until the hover names the entity

async function main() {
  const tools = findTools();
  log(`tools: node24=${path.relative(ROOT, tools.node24)} chromium=${tools.chromium}`);
  const source = fs.readFileSync(path.join(opts.folder, opts.file), "utf8");
  if (!source.includes(opts.text)) throw new Error(`${opts.text} does not occur in ${opts.file}`);

  log("step 1: extension package");
  const vsix = opts.vsix ? path.resolve(opts.vsix) : ensureVsix(path.join(ROOT, "marginalia.vsix"), log);
  log(`  ${path.relative(ROOT, vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB)`);

  const sb = makeSandbox("hover-ui", { "files.exclude": { [`**/${COPY_MARKER}`]: true } });
  const workspace = copyWorkspace(sb, path.resolve(opts.folder));
  let page;
  try {
    log("step 2: code-server --install-extension");
    const installed = installExtension(tools, sb, vsix, log);
    log(`  extensions dir: ${installed.join(", ")}`);

    log("step 3: start code-server");
    const cs = await startCodeServer(tools, sb, { log });

    log("step 4: start Chromium");
    const browser = await launchChromium(tools, sb);
    page = browser.page;
    page.setDefaultTimeout(60_000);
    page.on("pageerror", (e) => log(`  page error: ${e.message.split("\n")[0]}`));

    log(`step 5: open the workbench on ${workspace} (a temporary copy of ${path.relative(ROOT, opts.folder) || opts.folder})`);
    await openWorkbench(page, cs.url, workspace, opts.file);
    log("  workbench and Explorer are up");

    log(`step 6: open ${opts.file} from the Explorer`);
    await openFile(page, opts.file);
    log("  editor is showing the file");

    log(`step 7: hover ${opts.text} until the card names ${opts.expect}`);
    const expectRe = new RegExp(escapeRe(opts.expect), "i");
    const { hover } = await hoverUntil(page, opts.text, expectRe, { log, timeoutMs: HOVER_TIMEOUT_MS });

    log(`step 8: screenshot ${path.relative(ROOT, opts.screenshot)}`);
    await sleep(400); // let the card finish rendering (fonts, markdown)
    // Other hover parts (a diagnostic on the sentence) may come first and push the entity card below the
    // hover's maximum height: scroll the hover so that the part naming the entity is at its top.
    const scrolled = await scrollHoverTo(page, hover, expectRe).catch((e) => `not scrolled: ${e.message}`);
    if (scrolled) log(`  ${scrolled}`);
    fs.mkdirSync(path.dirname(opts.screenshot), { recursive: true });
    await page.screenshot({ path: opts.screenshot });
    if (!(await hover.isVisible())) throw new Error("the hover closed before the screenshot was taken");
    log(`PASS: hover over ${opts.text} names ${opts.expect}`);
  } catch (e) {
    if (page) {
      const shot = path.join(sb.logDir, "failure.png");
      await page.screenshot({ path: shot }).catch(() => {});
      log(`  failure screenshot: ${path.relative(ROOT, shot)}`);
    }
    throw e;
  } finally {
    log("stopping Chromium and code-server");
    await stopAll();
    if (!opts.keep) sb.remove();
    else log(`  kept sandbox ${sb.dir}`);
  }
}

const timer = setTimeout(async () => {
  console.error(`FAIL: hover.ui timed out after ${TOTAL_TIMEOUT_MS / 1000}s`);
  await stopAll();
  process.exit(1);
}, TOTAL_TIMEOUT_MS);
timer.unref();

main().then(
  () => process.exit(0),
  async (e) => {
    console.error(`FAIL: ${e?.stack ?? e}`);
    await stopAll();
    process.exit(1);
  },
);
