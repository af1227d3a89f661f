// Driving the VS Code workbench (code-server in Chromium, through playwright-core) for the UI tests: open the
// workbench and a file, reveal a position, hover text until the card says something, the quick-fix menu, the
// Problems panel. Every step waits for a selector or retries until a deadline; no fixed sleeps beyond short
// settling pauses.
import fs from "node:fs";
import { sleep } from "./code-server.mjs";

export const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** 1-based line and UTF-16 column of the n-th (1-based) occurrence of `text` in `file`. */
export function positionIn(file, text, nth = 1) {
  const source = fs.readFileSync(file, "utf8");
  let offset = -1;
  for (let i = 0; i < nth; i++) {
    offset = source.indexOf(text, offset + 1);
    if (offset < 0) throw new Error(`${text} occurs fewer than ${nth} time(s) in ${file}`);
  }
  const before = source.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1, offset };
}

/** Opens the workbench on `folder` and waits until the Explorer lists `file`. */
export async function openWorkbench(page, url, folder, file) {
  await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`, { waitUntil: "domcontentloaded" });
  await page.locator(".monaco-workbench").waitFor({ state: "visible", timeout: 90_000 });
  await page.locator(".explorer-folders-view .monaco-list-row", { hasText: file }).first().waitFor({ state: "visible", timeout: 90_000 });
}

/** Opens `file` by clicking its row in the Explorer; waits for its tab and the editor. */
export async function openFile(page, file) {
  const row = page.locator(".explorer-folders-view .monaco-list-row", { hasText: file }).first();
  await row.waitFor({ state: "visible" });
  await row.click();
  await page.locator(".tabs-container .tab.active", { hasText: file }).first().waitFor({ state: "visible" });
  await page.locator(".editor-group-container.active .monaco-editor .view-lines").first().waitFor({ state: "visible" });
}

/** Closes whatever floats (hover, menus, quick input) and moves the mouse out of the editor. */
export async function dismiss(page) {
  await page.mouse.move(5, 5);
  for (let i = 0; i < 3; i++) await page.keyboard.press("Escape");
  const floating = page.locator(".monaco-hover:visible, .action-widget:visible, .quick-input-widget:visible");
  for (let i = 0; i < 30 && (await floating.count()); i++) await sleep(100);
}

/** Focuses the active editor (a click at its top, away from the text's decorations). */
export async function focusEditor(page) {
  await dismiss(page);
  await page.locator(".editor-group-container.active .monaco-editor").first().click({ position: { x: 200, y: 10 } });
}

/**
 * Selects the first occurrence of `text` in the active editor with Find (Ctrl+Home, Ctrl+F, type, Escape), which
 * also scrolls it into view. (Go to Line's column counts full-width characters twice, so it cannot aim at a
 * position in Chinese text.) With `collapse`, leaves the cursor at the start of the match instead.
 */
export async function selectText(page, text, { collapse = false } = {}) {
  await focusEditor(page);
  await page.keyboard.press("Control+Home");
  const widget = page.locator(".editor-group-container.active .editor-widget.find-widget").first();
  const input = widget.locator(".find-part .input, .find-part textarea").first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press("Control+f");
    try {
      await input.waitFor({ state: "visible", timeout: 5000 });
      break;
    } catch (e) {
      if (attempt >= 3) throw new Error(`Find (Ctrl+F) did not open: ${e.message}`);
      await focusEditor(page);
    }
  }
  await input.fill(text);
  // The match count reads "1 of N" once the first match is selected.
  const count = widget.locator(".matchesCount");
  const t0 = Date.now();
  let seen = "";
  while (Date.now() - t0 < 10_000) {
    seen = (await count.innerText().catch(() => "")).trim();
    if (/^1 of \d+/.test(seen)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!/^1 of \d+/.test(seen)) throw new Error(`Find did not select ${text} (matches: ${JSON.stringify(seen)})`);
  await page.keyboard.press("Escape"); // closes Find; the match stays selected and the editor has focus
  await widget.locator(".find-part .input, .find-part textarea").first().waitFor({ state: "hidden", timeout: 5000 }).catch(() => {});
  if (collapse) await page.keyboard.press("ArrowLeft");
  await sleep(200); // the editor scrolls to the match
}

/** Screen box of the first rendered occurrence of `text` in the active editor's view lines (or of its longest prefix at a wrapped line's end). */
export async function findText(page, text) {
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

/** Finds `text` on screen, revealing its first occurrence (with Find) when it is not in view. */
export async function findOrReveal(page, text) {
  let box = await findText(page, text);
  if (!box) {
    await selectText(page, text, { collapse: true });
    box = await findText(page, text);
  }
  if (!box) throw new Error(`${text} is not rendered in the editor, even after Find`);
  return box;
}

/**
 * Hovers the middle of `text` until the hover's text matches `expectRe`, moving away and back between attempts
 * (a hover asked before the extension host is ready comes back empty and is not asked again). Returns the text.
 */
export async function hoverUntil(page, text, expectRe, { log = () => {}, timeoutMs = 120_000 } = {}) {
  const t0 = Date.now();
  const hover = page.locator(".monaco-hover:visible").first();
  let box = await findOrReveal(page, text);
  let seen = "";
  let attempt = 0;
  while (Date.now() - t0 < timeoutMs) {
    attempt++;
    // Away from the editor, and wait until no hover shows: a hover left from an earlier attempt could cover the
    // glyphs, and the pointer would land on it instead.
    await page.mouse.move(5, 5);
    for (let i = 0; i < 20 && (await hover.count()); i++) await sleep(100);
    box = (await findText(page, text)) ?? box; // the layout may shift (status bar, diagnostics)
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    // Hover parts arrive separately (a diagnostic's at once, the server's later): read until it matches.
    const deadline = Date.now() + 4000;
    seen = "";
    while (Date.now() < deadline) {
      if (await hover.count()) {
        seen = (await hover.innerText().catch(() => "")).trim();
        if (expectRe.test(seen)) break;
      }
      await sleep(150);
    }
    if (expectRe.test(seen)) {
      log(`  hover after ${attempt} attempt(s), ${((Date.now() - t0) / 1000).toFixed(1)}s:`);
      for (const l of seen.split("\n").filter(Boolean)) log(`    | ${l}`);
      return { text: seen, hover };
    }
    log(`  attempt ${attempt}: ${seen ? `hover without ${expectRe}: ${JSON.stringify(seen.slice(0, 120))}` : "no hover yet"}`);
    await sleep(Math.min(500 * attempt, 3000));
  }
  throw new Error(
    `after ${((Date.now() - t0) / 1000).toFixed(0)}s and ${attempt} attempts the hover over ${text} does not match ${expectRe}; last hover text: ${JSON.stringify(seen)}`,
  );
}

/**
 * Scrolls the hover so that its first part matching `re` is at the top. The mouse wheel moves it in fixed
 * steps of 50px, so take whole steps with the wheel (which keeps Monaco's scrollbar in step) and set the
 * remainder on the scrolled element.
 */
export async function scrollHoverTo(page, hover, re) {
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
    offset = await hover
      .evaluate((el, delta) => {
        const content = el.querySelector(".monaco-scrollable-element > :first-child");
        if (content) content.scrollTop += delta;
        return delta;
      }, offset - GOAL)
      .then(() => offsetOf());
  }
  return `scrolled the hover to the matching part (its top ${Math.round(offset)}px below the card's)`;
}

/** Runs a command from the Command Palette (F1) by its label, e.g. "View: Toggle Maximized Panel". */
export async function runCommand(page, label) {
  await dismiss(page);
  const input = page.locator(".quick-input-widget input");
  await page.keyboard.press("F1");
  await input.waitFor({ state: "visible" });
  await input.fill(`>${label}`);
  const item = page.locator(".quick-input-widget .monaco-list-row", { hasText: label }).first();
  await item.waitFor({ state: "visible", timeout: 15_000 });
  await item.click();
  await input.waitFor({ state: "hidden" });
}

/** Opens the Problems panel (Ctrl+Shift+M, else View: Problems from the Command Palette) and returns its locator. */
export async function openProblems(page, log = () => {}) {
  const panel = page.locator(".markers-panel").first();
  await dismiss(page);
  await page.keyboard.press("Control+Shift+M");
  try {
    await panel.waitFor({ state: "visible", timeout: 5000 });
  } catch {
    log("  Ctrl+Shift+M did not show the Problems panel; using the Command Palette");
    await runCommand(page, "View: Focus on Problems View");
    await panel.waitFor({ state: "visible" });
  }
  return panel;
}

/**
 * Types `text` into the Problems panel's filter box and waits until the panel's rows match `rowRe` and stop
 * changing (the tree fills in as the filter applies); returns the rows' texts, whitespace collapsed.
 */
export async function filterProblems(page, text, rowRe, { timeoutMs = 60_000 } = {}) {
  const filter = page.locator(".markers-panel-action-filter input, .viewpane-filter input").first();
  await filter.waitFor({ state: "visible" });
  await filter.fill(text);
  const rows = page.locator(".markers-panel .monaco-list-row");
  const t0 = Date.now();
  let texts = [];
  let previous = "";
  while (Date.now() - t0 < timeoutMs) {
    texts = (await rows.allInnerTexts().catch(() => [])).map((t) => t.replace(/\s+/g, " ").trim());
    const now = texts.join("\n");
    if (texts.some((t) => rowRe.test(t)) && now === previous) return texts;
    previous = now;
    await sleep(300);
  }
  throw new Error(`the Problems panel, filtered by ${JSON.stringify(text)}, shows no row matching ${rowRe} within ${timeoutMs / 1000}s: ${JSON.stringify(texts.slice(0, 10))}`);
}

/** Drags the sash above the panel so that the panel's top is near `y` (best effort: returns the panel's new height). */
export async function resizePanel(page, y) {
  const panel = page.locator(".part.panel").first();
  const box = await panel.boundingBox();
  if (!box || box.y <= y) return box?.height ?? 0;
  // The horizontal sash on the panel's top edge (Monaco's split view draws it as a thin absolutely placed div).
  const sash = await page.evaluate(({ top, left, right }) => {
    for (const el of document.querySelectorAll(".monaco-sash.horizontal")) {
      const r = el.getBoundingClientRect();
      const cy = r.top + r.height / 2;
      if (Math.abs(cy - top) <= 6 && r.left < right && r.right > left && r.width > 50) return { x: (Math.max(r.left, left) + Math.min(r.right, right)) / 2, y: cy };
    }
    return null;
  }, { top: box.y, left: box.x, right: box.x + box.width });
  if (!sash) return box.height;
  await page.mouse.move(sash.x, sash.y);
  await sleep(100);
  await page.mouse.down();
  await page.mouse.move(sash.x, (sash.y + y) / 2, { steps: 5 });
  await page.mouse.move(sash.x, y, { steps: 5 });
  await page.mouse.up();
  await page.mouse.move(5, 5);
  await sleep(200);
  return (await panel.boundingBox())?.height ?? 0;
}

/** Hides the panel (Problems, Output…) with Ctrl+J from the editor, if it shows. */
export async function hidePanel(page) {
  const panel = page.locator(".part.panel").first();
  if (!(await panel.isVisible().catch(() => false))) return true;
  await focusEditor(page);
  await page.keyboard.press("Control+j");
  return panel.waitFor({ state: "hidden", timeout: 5000 }).then(
    () => true,
    () => false,
  );
}
