// Extension-host test suite: runs inside a real VS Code (code-server here, via test/vscode/run-code-server.mjs;
// VS Code desktop via test/vscode/run-electron.mjs) with Marginalia loaded as the extension under development
// and the seeds/ folder open. Public vscode API only; a tiny in-file runner instead of mocha.
//
// Bundled by `node esbuild.mjs --tests` to out/test/vscode/suite/index.js. `vscode` is required inside run()
// rather than imported at the top, so that `node --test out/test/` (which also loads this file, as it is under
// a test/ folder) loads it harmlessly outside VS Code.
import assert from "node:assert/strict";
import type * as VSCode from "vscode";

const SEED = "004_c3108abaa56f84f0.txt";
const ENTITY_TEXT = "英偉達";
const EXTENSION_ID = "marginalia.marginalia";
const SERVER_READY_TIMEOUT_MS = 60_000;

type Context = { vscode: typeof VSCode; doc: VSCode.TextDocument; position: VSCode.Position };
type Case = { name: string; fn: (ctx: Context) => Promise<void> };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const log = (msg: string) => console.log(`[marginalia suite ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

function hoverText(vscode: typeof VSCode, hovers: VSCode.Hover[] | undefined): string {
  const parts: string[] = [];
  for (const h of hovers ?? []) {
    for (const c of h.contents) {
      if (typeof c === "string") parts.push(c);
      else if (c instanceof vscode.MarkdownString) parts.push(c.value);
      else if (c && typeof (c as { value?: unknown }).value === "string") parts.push((c as { value: string }).value);
    }
  }
  return parts.join("\n").trim();
}

async function hoverAt(ctx: Context): Promise<string> {
  const hovers = await ctx.vscode.commands.executeCommand<VSCode.Hover[]>("vscode.executeHoverProvider", ctx.doc.uri, ctx.position);
  return hoverText(ctx.vscode, hovers);
}

const cases: Case[] = [
  {
    name: `hover over ${ENTITY_TEXT} names Nvidia`,
    async fn(ctx) {
      // The server indexes the workspace before it answers: poll until the hover is non-empty.
      const deadline = Date.now() + SERVER_READY_TIMEOUT_MS;
      let text = "";
      let tries = 0;
      while (!text && Date.now() < deadline) {
        tries++;
        text = await hoverAt(ctx);
        if (!text) await sleep(500);
      }
      assert.ok(text, `no hover at ${SEED}:${ctx.position.line + 1}:${ctx.position.character + 1} within ${SERVER_READY_TIMEOUT_MS / 1000}s`);
      log(`hover after ${tries} request(s): ${JSON.stringify(text.slice(0, 200))}`);
      assert.match(text, /nvidia/i, `the hover over ${ENTITY_TEXT} does not name Nvidia: ${JSON.stringify(text)}`);
    },
  },
  {
    name: `references of ${ENTITY_TEXT} span at least 3 files`,
    async fn(ctx) {
      // The hover above proved the server is up; allow a little more time for the last files to be indexed.
      const deadline = Date.now() + 20_000;
      let files = new Set<string>();
      let count = 0;
      for (;;) {
        const locations =
          (await ctx.vscode.commands.executeCommand<VSCode.Location[]>("vscode.executeReferenceProvider", ctx.doc.uri, ctx.position)) ?? [];
        count = locations.length;
        files = new Set(locations.map((l) => l.uri.toString()));
        if (files.size >= 3 || Date.now() > deadline) break;
        await sleep(500);
      }
      const names = [...files].map((u) => u.slice(u.lastIndexOf("/") + 1)).sort();
      log(`${count} reference(s) in ${files.size} file(s): ${names.join(", ")}`);
      assert.ok(files.size >= 3, `references of ${ENTITY_TEXT} are in ${files.size} file(s) (${names.join(", ")}); expected at least 3`);
    },
  },
];

export async function run(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vscode: typeof VSCode = require("vscode");
  log(`VS Code ${vscode.version}; workspace: ${(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath).join(", ") || "(none)"}`);

  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);

  const [uri] = await vscode.workspace.findFiles(`**/${SEED}`, "**/node_modules/**", 1);
  assert.ok(uri, `${SEED} is not in the workspace (open the seeds/ folder)`);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  const offset = doc.getText().indexOf(ENTITY_TEXT);
  assert.ok(offset >= 0, `${ENTITY_TEXT} does not occur in ${SEED}`);
  const position = doc.positionAt(offset + 1); // inside the name
  log(`opened ${SEED} (${doc.languageId}); ${ENTITY_TEXT} at ${position.line + 1}:${position.character + 1}`);

  await ext.activate();
  log(`extension ${EXTENSION_ID} active`);

  const ctx: Context = { vscode, doc, position };
  let passed = 0;
  let failed = 0;
  const failures: string[] = [];
  for (const c of cases) {
    const start = Date.now();
    try {
      await c.fn(ctx);
      passed++;
      log(`✔ ${c.name} (${Date.now() - start} ms)`);
    } catch (e) {
      failed++;
      const msg = e instanceof Error ? e.message : String(e);
      failures.push(`${c.name}: ${msg}`);
      log(`✖ ${c.name} (${Date.now() - start} ms)\n    ${msg}`);
    }
  }
  log(`${passed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} of ${cases.length} extension-host test(s) failed:\n${failures.join("\n")}`);
}
