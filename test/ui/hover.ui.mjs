#!/usr/bin/env node
// UI test in a real VS Code (code-server 1.139 in Debian's Chromium): installs the packaged extension
// (marginalia.vsix), opens seeds/, opens 004_c3108abaa56f84f0.txt from the Explorer, hovers 英偉達 and
// checks that the hover card names Nvidia; saves docs/screenshots/hover-entity.png.
//
//   node test/ui/hover.ui.mjs [--vsix FILE] [--screenshot FILE] [--keep]
//
// Needs: `bash .ci/install-code-server.sh` (code-server + Node 24 + chromium in .ci-cache/) and a built
// extension (`npm run build`; the .vsix is packaged with `npm run package` when missing or stale).
// Exits 0 on success, 1 with a message on failure; always stops code-server's process group and Chromium.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  ROOT, ensureVsix, findTools, installExtension, launchChromium, makeLog, makeSandbox, sleep, startCodeServer, stopAll,
} from "./code-server.mjs";

const log = makeLog("hover.ui");
const { values: opts } = parseArgs({
  options: {
    vsix: { type: "string" },
    screenshot: { type: "string", default: path.join(ROOT, "docs/screenshots/hover-entity.png") },
    folder: { type: "string", default: path.join(ROOT, "seeds") },
    file: { type: "string", default: "004_c3108abaa56f84f0.txt" },
    text: { type: "string", default: "英偉達" },
    expect: { type: "string", default: "Nvidia" },
    keep: { type: "boolean", default: false }, // keep the sandbox (HOME, user data, profile) for debugging
  },
});
const TOTAL_TIMEOUT_MS = 6 * 60_000; // whole test, including the first load of the workbench
const HOVER_TIMEOUT_MS = 120_000; // from the editor appearing until the hover names the entity

async function main() {
  const tools = findTools();
  log(`tools: node24=${path.relative(ROOT, tools.node24)} chromium=${tools.chromium}`);
  const file = path.join(opts.folder, opts.file);
  const source = fs.readFileSync(file, "utf8");
  const offset = source.indexOf(opts.text);
  if (offset < 0) throw new Error(`${opts.text} does not occur in ${file}`);
  const before = source.slice(0, offset).split("\n");
  const target = { line: before.length, column: before[before.length - 1].length + 1 }; // 1-based, UTF-16
  log(`target: ${opts.text} at ${opts.file}:${target.line}:${target.column}`);

  log("step 1: extension package");
  const vsix = opts.vsix ? path.resolve(opts.vsix) : ensureVsix(path.join(ROOT, "marginalia.vsix"), log);
  log(`  ${path.relative(ROOT, vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB)`);

  const sb = makeSandbox("hover-ui");
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

    log(`step 5: open the workbench on ${path.relative(ROOT, opts.folder) || "."}/`);
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(opts.folder)}`, { waitUntil: "domcontentloaded" });
    await page.locator(".monaco-workbench").waitFor({ state: "visible", timeout: 90_000 });
    const row = page.locator(".explorer-folders-view .monaco-list-row", { hasText: opts.file }).first();
    await row.waitFor({ state: "visible", timeout: 90_000 });
    log("  workbench and Explorer are up");

    log(`step 6: open ${opts.file} from the Explorer`);
    await row.click();
    const editor = page.locator(".editor-group-container.active .monaco-editor .view-lines").first();
    await page.locator(".tabs-container .tab.active", { hasText: opts.file }).first().waitFor({ state: "visible" });
    await editor.waitFor({ state: "visible" });
    log("  editor is showing the file");

    log(`step 7: find ${opts.text} on screen`);
    let box = await findText(page, opts.text);
    if (!box) {
      // Not in view: reveal it with Go to Line/Column (Ctrl+G), then look again.
      await page.locator(".editor-group-container.active .monaco-editor").first().click({ position: { x: 200, y: 10 } });
      await page.keyboard.press("Control+g");
      await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
      await page.keyboard.type(`${target.line}:${target.column}`);
      await page.keyboard.press("Enter");
      await sleep(500);
      box = await findText(page, opts.text);
    }
    if (!box) throw new Error(`${opts.text} is not rendered in the editor (line ${target.line})`);
    log(`  glyphs at x=${box.x.toFixed(0)} y=${box.y.toFixed(0)} (${box.width.toFixed(0)}×${box.height.toFixed(0)})`);

    log("step 8: hover until the card names the entity");
    const t8 = Date.now();
    const hover = page.locator(".monaco-hover:visible").first();
    const expectRe = new RegExp(escapeRe(opts.expect), "i");
    let text = "";
    let attempt = 0;
    while (Date.now() - t8 < HOVER_TIMEOUT_MS) {
      attempt++;
      // Away from the editor (top-left corner of the title bar), and wait until no hover is showing: a hover
      // left over from an earlier attempt could cover the glyphs, and the pointer would land on it instead.
      await page.mouse.move(5, 5);
      for (let i = 0; i < 20 && (await hover.count()); i++) await sleep(100);
      box = (await findText(page, opts.text)) ?? box; // the layout may shift (status bar, diagnostics)
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      // Hover parts arrive separately (a diagnostic's at once, the server's later): read until it names the entity.
      const deadline = Date.now() + 4000;
      text = "";
      while (Date.now() < deadline) {
        if (await hover.count()) {
          text = (await hover.innerText().catch(() => "")).trim();
          if (expectRe.test(text)) break;
        }
        await sleep(150);
      }
      if (expectRe.test(text)) break;
      log(`  attempt ${attempt}: ${text ? `hover without ${opts.expect}: ${JSON.stringify(text.slice(0, 120))}` : "no hover yet"}`);
      await sleep(Math.min(500 * attempt, 3000));
    }
    if (!expectRe.test(text)) {
      throw new Error(
        `after ${((Date.now() - t8) / 1000).toFixed(0)}s and ${attempt} attempts the hover over ${opts.text} does not name "${opts.expect}"; ` +
          `last hover text: ${JSON.stringify(text)}`,
      );
    }
    log(`  hover after ${attempt} attempt(s), ${((Date.now() - t8) / 1000).toFixed(1)}s:`);
    for (const l of text.split("\n").filter(Boolean)) log(`    | ${l}`);

    log(`step 9: screenshot ${path.relative(ROOT, opts.screenshot)}`);
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

/**
 * Scrolls the hover so that its first part matching `re` is at the top. The mouse wheel moves it in fixed
 * steps of 50px, so take whole steps with the wheel (which keeps Monaco's scrollbar in step) and set the
 * remainder on the scrolled element.
 */
async function scrollHoverTo(page, hover, re) {
  const GOAL = 4; // px between the card's top and the part's top
  const offsetOf = () =>
    hover.evaluate((el, src) => {
      const re = new RegExp(src, "i");
      const rows = [...el.querySelectorAll(".hover-row")];
      const row = rows.find((r) => re.test(r.innerText));
      if (!row || row === rows[0]) return 0;
      const scroller = el.querySelector(".monaco-scrollable-element") ?? el;
      return row.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
    }, re.source);
  let offset = await offsetOf();
  if (offset <= GOAL) return "";
  const hb = await hover.boundingBox();
  if (!hb) return "";
  await page.mouse.move(hb.x + hb.width - 40, hb.y + hb.height - 10); // onto the card: a sticky hover stays open
  await sleep(200);
  for (let i = 0; i < 20 && offset - GOAL >= 50; i++) {
    await page.mouse.wheel(0, 50);
    await sleep(150);
    const next = await offsetOf();
    if (Math.abs(next - offset) < 1) break; // the end of the scroll range
    offset = next;
  }
  if (offset - GOAL > 1) {
    offset = await hover.evaluate((el, delta) => {
      const content = el.querySelector(".monaco-scrollable-element > :first-child");
      if (content) content.scrollTop += delta;
      return delta;
    }, offset - GOAL).then(() => offsetOf());
  }
  return `scrolled the hover to the entity card (its top ${Math.round(offset)}px below the card's)`;
}

/** Screen box of the first rendered occurrence of `text` in the active editor's view lines (or of its longest prefix at a wrapped line's end). */
async function findText(page, text) {
  return page.evaluate((text) => {
    const lines = document.querySelectorAll(".editor-group-container.active .monaco-editor .view-lines .view-line");
    for (let n = text.length; n >= Math.min(2, text.length); n--) {
      const part = text.slice(0, n);
      for (const line of lines) {
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const i = node.data.indexOf(part);
          if (i < 0) continue;
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + n);
          const r = range.getBoundingClientRect();
          if (r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight) {
            return { x: r.left, y: r.top, width: r.width, height: r.height };
          }
        }
      }
    }
    return null;
  }, text);
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

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
