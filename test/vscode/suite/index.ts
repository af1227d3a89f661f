// Extension-host test suite: runs inside a real VS Code (code-server here, via test/vscode/run-code-server.mjs;
// VS Code desktop via test/vscode/run-electron.mjs) with Marginalia loaded as the extension under development
// and a throwaway copy of seeds/ open (the runners copy it to a temporary folder and mark the copy with
// MARKER_FILE; the case that writes marginalia.json refuses to run anywhere else). Public vscode API only; a tiny
// in-file runner instead of mocha. run() rejects when any case fails, so the runners exit non-zero.
//
// Bundled by `node esbuild.mjs --tests` to out/test/vscode/suite/index.js. `vscode` is required inside run()
// rather than imported at the top, so that `node --test out/test/` (which also loads this file, as it is under
// a test/ folder) loads it harmlessly outside VS Code.
import assert from "node:assert/strict";
import type * as VSCode from "vscode";

const EXTENSION_ID = "marginalia.marginalia";
/** Written by the runners into the temporary copy of seeds/: the suite only writes to a folder that has it. */
const MARKER_FILE = ".marginalia-test-copy";

const DOC_002 = "002_90de61ab8aa2bbb0.txt"; // simplified Chinese interview (Dario Amodei)
const DOC_003 = "003_d93f212733631062.txt"; // simplified Chinese, one line; 保罗·特里奥罗(Paul Triolo)
const DOC_004 = "004_c3108abaa56f84f0.txt"; // traditional Chinese commentary
const ENTITY_TEXT = "英偉達";
const FIGURE_TEXT = "五萬張";
const CLAIM_TEXT = "DeepSeek 大约有 5 万块 GPU"; // in 002: "…报道过 DeepSeek 大约有 5 万块 GPU，但并未得到官方确认。"
const NOTE = "Only an estimate";

const SERVER_READY_TIMEOUT_MS = 60_000; // the first answer (the server indexes the workspace first)
const WAIT_TIMEOUT_MS = 30_000; // any later wait

type Vs = typeof VSCode;
interface Context {
  vscode: Vs;
  folder: VSCode.WorkspaceFolder;
  open(name: string): Promise<VSCode.TextDocument>;
}
type Case = { name: string; fn: (ctx: Context) => Promise<void> };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const log = (msg: string) => console.log(`[marginalia suite ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
const baseName = (uri: VSCode.Uri) => uri.path.slice(uri.path.lastIndexOf("/") + 1);
const json = (v: unknown, max = 300) => {
  const s = JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
};

/**
 * Polls `get` until `ok` holds for its value or `timeoutMs` passes; returns the last value (the caller asserts
 * on it, so a timeout fails with the caller's message and the last thing seen).
 */
async function poll<T>(get: () => PromiseLike<T> | T, ok: (v: T) => boolean, timeoutMs = WAIT_TIMEOUT_MS, everyMs = 300): Promise<{ value: T; tries: number }> {
  const deadline = Date.now() + timeoutMs;
  let tries = 0;
  for (;;) {
    tries++;
    let value: T;
    try {
      value = await get();
    } catch (e) {
      // A provider may throw while the server is still starting; keep the error as the value seen last.
      if (Date.now() > deadline) throw e;
      await sleep(everyMs);
      continue;
    }
    if (ok(value) || Date.now() > deadline) return { value, tries };
    await sleep(everyMs);
  }
}

/** Offset of the n-th (1-based) occurrence of `text` in the document. */
function offsetOf(doc: VSCode.TextDocument, text: string, nth = 1): number {
  const all = doc.getText();
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = all.indexOf(text, at + 1);
    assert.ok(at >= 0, `${text} occurs fewer than ${nth} time(s) in ${baseName(doc.uri)}`);
  }
  return at;
}

/** The range of the n-th occurrence of `text`, and a position inside it. */
function find(vscode: Vs, doc: VSCode.TextDocument, text: string, nth = 1): { range: VSCode.Range; inside: VSCode.Position } {
  const at = offsetOf(doc, text, nth);
  const range = new vscode.Range(doc.positionAt(at), doc.positionAt(at + text.length));
  return { range, inside: doc.positionAt(at + 1) };
}

function hoverText(vscode: Vs, hovers: VSCode.Hover[] | undefined): string {
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

async function hoverAt(vscode: Vs, doc: VSCode.TextDocument, position: VSCode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<VSCode.Hover[]>("vscode.executeHoverProvider", doc.uri, position);
  return hoverText(vscode, hovers);
}

const codeOf = (d: VSCode.Diagnostic) => String(typeof d.code === "object" && d.code !== null ? d.code.value : (d.code ?? ""));
const marginaliaDiagnostics = (vscode: Vs, uri: VSCode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === "marginalia");
const labelText = (h: VSCode.InlayHint) => (typeof h.label === "string" ? h.label : h.label.map((p) => p.value).join(""));

/** The Warning about the claim in 002, once diagnostics are published. */
async function claimWarning(ctx: Context, doc: VSCode.TextDocument, timeoutMs: number) {
  const { vscode } = ctx;
  const claim = find(vscode, doc, CLAIM_TEXT).range;
  const { value: diags, tries } = await poll(
    () => marginaliaDiagnostics(vscode, doc.uri),
    (ds) => ds.some((d) => d.range.intersection(claim) && d.severity === vscode.DiagnosticSeverity.Warning),
    timeoutMs,
  );
  const warning = diags.find((d) => d.range.intersection(claim) && d.severity === vscode.DiagnosticSeverity.Warning);
  return { claim, diags, warning, tries };
}

const cases: Case[] = [
  {
    name: `hover over ${ENTITY_TEXT} names Nvidia`,
    async fn(ctx) {
      const doc = await ctx.open(DOC_004);
      const { inside } = find(ctx.vscode, doc, ENTITY_TEXT);
      // The server indexes the workspace before it answers: poll until the hover is non-empty.
      const { value: text, tries } = await poll(() => hoverAt(ctx.vscode, doc, inside), (t) => !!t, SERVER_READY_TIMEOUT_MS, 500);
      assert.ok(text, `no hover at ${DOC_004}:${inside.line + 1}:${inside.character + 1} within ${SERVER_READY_TIMEOUT_MS / 1000}s`);
      log(`  hover after ${tries} request(s): ${json(text, 200)}`);
      assert.match(text, /nvidia/i, `the hover over ${ENTITY_TEXT} does not name Nvidia: ${json(text)}`);
    },
  },
  {
    name: `references of ${ENTITY_TEXT} span at least 4 files`,
    async fn(ctx) {
      const doc = await ctx.open(DOC_004);
      const { inside } = find(ctx.vscode, doc, ENTITY_TEXT);
      // The hover above proved the server is up; allow a little more time for the last files to be indexed.
      const files = (ls: VSCode.Location[] | undefined) => new Set((ls ?? []).map((l) => l.uri.toString()));
      const { value: locations } = await poll(
        () => ctx.vscode.commands.executeCommand<VSCode.Location[]>("vscode.executeReferenceProvider", doc.uri, inside),
        (ls) => files(ls).size >= 4,
      );
      const names = [...files(locations)].map((u) => u.slice(u.lastIndexOf("/") + 1)).sort();
      log(`  ${locations?.length ?? 0} reference(s) in ${names.length} file(s): ${names.join(", ")}`);
      assert.ok(names.length >= 4, `references of ${ENTITY_TEXT} are in ${names.length} file(s) (${names.join(", ")}); expected at least 4`);
    },
  },
  {
    name: `diagnostics: a Warning on "${CLAIM_TEXT}" in ${DOC_002}, related to ${DOC_004}`,
    async fn(ctx) {
      const { vscode } = ctx;
      const doc = await ctx.open(DOC_002);
      const { claim, diags, warning, tries } = await claimWarning(ctx, doc, WAIT_TIMEOUT_MS);
      log(`  ${diags.length} marginalia diagnostic(s) on ${DOC_002} after ${tries} look(s)`);
      assert.ok(
        warning,
        `no Warning overlaps "${CLAIM_TEXT}" (${claim.start.line + 1}:${claim.start.character + 1}); near it: ` +
          json(diags.filter((d) => Math.abs(d.range.start.line - claim.start.line) <= 1).map((d) => ({ code: codeOf(d), severity: d.severity, message: d.message }))),
      );
      log(`  ${codeOf(warning)}: ${warning.message}`);
      assert.ok(["unconfirmed", "rumor"].includes(codeOf(warning)), `the Warning's code is ${json(codeOf(warning))}, not "unconfirmed" or "rumor"`);
      const related = (warning.relatedInformation ?? []).map((r) => `${baseName(r.location.uri)}:${r.location.range.start.line + 1} ${r.message}`);
      log(`  related: ${related.join(" | ") || "(none)"}`);
      assert.ok(
        (warning.relatedInformation ?? []).some((r) => baseName(r.location.uri) === DOC_004),
        `the Warning's relatedInformation does not point to ${DOC_004}: ${json(related)}`,
      );
    },
  },
  {
    name: `hover over the figure ${FIGURE_TEXT} reads 50,000`,
    async fn(ctx) {
      const doc = await ctx.open(DOC_004);
      const { inside } = find(ctx.vscode, doc, FIGURE_TEXT);
      const { value: text } = await poll(() => hoverAt(ctx.vscode, doc, inside), (t) => t.includes("50,000"));
      log(`  hover: ${json(text, 200)}`);
      assert.ok(text.includes("50,000"), `the hover over ${FIGURE_TEXT} does not contain "50,000": ${json(text)}`);
    },
  },
  {
    name: "definition of 特里奥罗 (3rd occurrence) is 保罗·特里奥罗 (Paul Triolo) in 003",
    async fn(ctx) {
      const { vscode } = ctx;
      const doc = await ctx.open(DOC_003);
      const { inside } = find(vscode, doc, "特里奥罗", 3);
      type Def = VSCode.Location | VSCode.LocationLink;
      const { value: defs } = await poll(
        () => vscode.commands.executeCommand<Def[]>("vscode.executeDefinitionProvider", doc.uri, inside),
        (ds) => (ds ?? []).length > 0,
      );
      const locations = (defs ?? []).map((d) => ("targetUri" in d ? { uri: d.targetUri, range: d.targetSelectionRange ?? d.targetRange } : d));
      const seen: string[] = [];
      for (const l of locations) {
        const target = await vscode.workspace.openTextDocument(l.uri);
        seen.push(`${baseName(l.uri)}:${l.range.start.line + 1}:${l.range.start.character + 1} ${json(target.getText(l.range))}`);
      }
      log(`  definition(s): ${seen.join(" | ") || "(none)"}`);
      const hit = seen.find((s) => s.startsWith(`${DOC_003}:`) && /"(保罗·特里奥罗|Paul Triolo)"$/.test(s));
      assert.ok(hit, `no definition in ${DOC_003} whose text is 保罗·特里奥罗 or Paul Triolo: ${json(seen)}`);
      const at = find(vscode, doc, "特里奥罗", 3).range.start;
      assert.ok(!seen.some((s) => s.startsWith(`${DOC_003}:${at.line + 1}:${at.character + 1} `)), "the definition is the mention itself");
    },
  },
  {
    name: `inlay hint after ${FIGURE_TEXT} reads 50,000`,
    async fn(ctx) {
      const { vscode } = ctx;
      const doc = await ctx.open(DOC_004);
      const { range: figure } = find(vscode, doc, FIGURE_TEXT);
      const line = doc.lineAt(figure.start.line).range;
      const { value: hints } = await poll(
        () => vscode.commands.executeCommand<VSCode.InlayHint[]>("vscode.executeInlayHintProvider", doc.uri, line),
        (hs) => (hs ?? []).some((h) => labelText(h).includes("50,000")),
      );
      const labels = (hints ?? []).map((h) => `${h.position.line + 1}:${h.position.character + 1} ${labelText(h)}`);
      log(`  ${labels.length} hint(s) on line ${figure.start.line + 1}: ${labels.join(" | ")}`);
      const hint = (hints ?? []).find((h) => labelText(h).includes("50,000"));
      assert.ok(hint, `no inlay hint on line ${figure.start.line + 1} of ${DOC_004} contains 50,000: ${json(labels)}`);
      assert.ok(hint.position.isAfterOrEqual(figure.start), `the 50,000 hint (${labels.find((l) => l.includes("50,000"))}) is before ${FIGURE_TEXT}`);
    },
  },
  {
    name: "semantic tokens: legend has person/organization/figure/claim, more than 50 tokens in 004",
    async fn(ctx) {
      const { vscode } = ctx;
      const doc = await ctx.open(DOC_004);
      const { value: legend } = await poll(
        () => vscode.commands.executeCommand<VSCode.SemanticTokensLegend>("vscode.provideDocumentSemanticTokensLegend", doc.uri),
        (l) => !!l?.tokenTypes?.length,
      );
      assert.ok(legend, "no semantic tokens legend for 004");
      log(`  legend types: ${legend.tokenTypes.join(", ")}; modifiers: ${legend.tokenModifiers.join(", ")}`);
      for (const t of ["person", "organization", "figure", "claim"]) {
        assert.ok(legend.tokenTypes.includes(t), `the legend has no token type "${t}": ${json(legend.tokenTypes)}`);
      }
      const { value: tokens } = await poll(
        () => vscode.commands.executeCommand<VSCode.SemanticTokens>("vscode.provideDocumentSemanticTokens", doc.uri),
        (t) => (t?.data?.length ?? 0) / 5 > 50,
      );
      const data = tokens?.data ?? new Uint32Array();
      const count = data.length / 5;
      // Decode (relative line, relative start, length, type, modifiers) to count the tokens per type.
      const perType = new Map<string, number>();
      let line = 0;
      let char = 0;
      let figureToken = false;
      const figure = find(vscode, doc, FIGURE_TEXT).range.start;
      for (let i = 0; i + 4 < data.length; i += 5) {
        line += data[i];
        char = data[i] === 0 ? char + data[i + 1] : data[i + 1];
        const type = legend.tokenTypes[data[i + 3]] ?? `#${data[i + 3]}`;
        perType.set(type, (perType.get(type) ?? 0) + 1);
        if (type === "figure" && line === figure.line && char <= figure.character && figure.character < char + data[i + 2]) figureToken = true;
      }
      log(`  ${count} token(s): ${[...perType].map(([t, n]) => `${t} ${n}`).join(", ")}`);
      assert.ok(count > 50, `only ${count} semantic token(s) in ${DOC_004}; expected more than 50`);
      assert.ok(figureToken, `no "figure" token covers ${FIGURE_TEXT} at ${figure.line + 1}:${figure.character + 1}`);
    },
  },
  {
    // Last: it writes marginalia.json and changes the diagnostics of 002.
    name: `code action "Mark claim as disputed…" on "${CLAIM_TEXT}" writes marginalia.json and updates the diagnostic`,
    async fn(ctx) {
      const { vscode, folder } = ctx;
      // Never write into the repository's seeds/: only into the runners' temporary copy.
      const marker = vscode.Uri.joinPath(folder.uri, MARKER_FILE);
      const isCopy = await vscode.workspace.fs.stat(marker).then(
        () => true,
        () => false,
      );
      assert.ok(isCopy, `${folder.uri.fsPath} has no ${MARKER_FILE}: refusing to write marginalia.json into a folder that is not a temporary copy (use the runners)`);

      const doc = await ctx.open(DOC_002);
      const { claim, warning } = await claimWarning(ctx, doc, WAIT_TIMEOUT_MS);
      assert.ok(warning, `no Warning overlaps "${CLAIM_TEXT}"`);
      const range = warning.range; // the claim's range, as VS Code would pass it from the squiggle
      const { value: actions } = await poll(
        () => vscode.commands.executeCommand<Array<VSCode.CodeAction | VSCode.Command>>("vscode.executeCodeActionProvider", doc.uri, range),
        (as) => (as ?? []).some((a) => a.title === "Mark claim as disputed…"),
      );
      const titles = (actions ?? []).map((a) => a.title);
      log(`  code actions: ${titles.join(" | ")}`);
      const action = (actions ?? []).find((a) => a.title === "Mark claim as disputed…");
      assert.ok(action, `"Mark claim as disputed…" is not among the code actions on the claim: ${json(titles)}`);
      // A CodeAction carries its command in .command; a bare Command is the command itself.
      const command = "command" in action && typeof action.command === "object" ? action.command : (action as VSCode.Command);
      assert.ok(command?.command, `the action has no command: ${json(action)}`);
      const arg = command.arguments?.[0] as Record<string, unknown> | undefined;
      assert.ok(arg && typeof arg === "object", `the action's command has no target argument: ${json(command)}`);
      assert.equal(arg.verdict, "disputed");

      const file = vscode.Uri.joinPath(folder.uri, "marginalia.json");
      const read = async () => new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
      const before = await read().catch(() => null);
      log(`  marginalia.json before: ${before === null ? "(none)" : `${before.length} chars`}`);

      // Run it the way VS Code runs the action, with the note and source filled in (the client then asks nothing).
      log(`  running ${command.command} with note ${json(NOTE)}`);
      await vscode.commands.executeCommand(command.command, { ...arg, note: NOTE, source: "" });

      const { value: written } = await poll(
        () => read().catch(() => ""),
        (t) => t.includes('"disputed"') && t.includes(NOTE),
      );
      assert.ok(written.includes('"disputed"') && written.includes(NOTE), `marginalia.json does not record the verdict and note: ${json(written, 800)}`);
      const parsed = JSON.parse(written) as { annotations?: Array<{ target?: { source?: string; selector?: unknown }; body?: { verdict?: string; note?: string } }> };
      const annotation = (parsed.annotations ?? []).find((a) => a.body?.verdict === "disputed" && a.body?.note === NOTE);
      assert.ok(annotation, `no annotation with verdict "disputed" and note ${json(NOTE)}: ${json(parsed, 800)}`);
      assert.equal(annotation.target?.source, DOC_002, "the annotation's target.source");
      assert.ok(json(annotation.target?.selector, 10_000).includes("5 万块 GPU"), `the annotation's selector does not quote the claim: ${json(annotation.target?.selector)}`);
      log(`  marginalia.json: ${written.length} chars, annotation on ${annotation.target?.source}`);
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
      assert.ok(!open?.isDirty, "marginalia.json was left unsaved");

      const isVerdict = (d: VSCode.Diagnostic) => !!d.range.intersection(claim) && codeOf(d) === "verdict-disputed";
      const { value: after } = await poll(
        () => marginaliaDiagnostics(vscode, doc.uri),
        (ds) => ds.some((d) => isVerdict(d) && d.message.includes(NOTE)),
      );
      const verdict = after.find(isVerdict);
      const near = after.filter((d) => d.range.intersection(claim)).map((d) => ({ code: codeOf(d), severity: d.severity, message: d.message }));
      assert.ok(verdict, `no "verdict-disputed" diagnostic on the claim after the write; on the claim: ${json(near)}`);
      log(`  ${codeOf(verdict)} (severity ${verdict.severity}): ${verdict.message}`);
      assert.ok(verdict.message.includes(NOTE), `the verdict diagnostic does not quote the note: ${json(verdict.message)}`);
      assert.ok(
        !after.some((d) => d.range.intersection(claim) && ["unconfirmed", "rumor"].includes(codeOf(d)) && d.range.isEqual(range)),
        `the text's own Warning is still on the claim next to the verdict: ${json(near)}`,
      );
    },
  },
  {
    name: "marginalia.diagnostics.scope: openDocuments clears a closed document's diagnostics, workspace brings them back",
    async fn(ctx) {
      const { vscode } = ctx;
      // A seed no case opens: its diagnostics come from the workspace scope only.
      const closedName = "001_034a921923606a29.txt";
      const [uri] = await vscode.workspace.findFiles(`**/${closedName}`, "**/node_modules/**", 1);
      assert.ok(uri, `${closedName} is not in the workspace`);
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), `${closedName} is open; this case needs a closed document`);
      const { value: before } = await poll(() => marginaliaDiagnostics(vscode, uri), (ds) => ds.length > 0);
      assert.ok(before.length > 0, `${closedName} has no diagnostics under the default scope`);
      const config = vscode.workspace.getConfiguration("marginalia", ctx.folder.uri);
      // Written to the temporary copy's .vscode/settings.json (the runners' folder), and removed again.
      await config.update("diagnostics.scope", "openDocuments", vscode.ConfigurationTarget.Workspace);
      try {
        const { value: cleared } = await poll(() => marginaliaDiagnostics(vscode, uri), (ds) => ds.length === 0);
        assert.equal(cleared.length, 0, `${closedName} keeps ${cleared.length} diagnostic(s) under "openDocuments"`);
        log(`  ${before.length} diagnostic(s) on the closed ${closedName}, none under "openDocuments"`);
      } finally {
        await config.update("diagnostics.scope", undefined, vscode.ConfigurationTarget.Workspace);
      }
      const { value: back } = await poll(() => marginaliaDiagnostics(vscode, uri), (ds) => ds.length === before.length);
      assert.equal(back.length, before.length, `${closedName} has ${back.length} diagnostic(s) back under "workspace", not ${before.length}`);
    },
  },
  {
    // Runs last: it kills the language server the way a crash would, and expects the client to
    // start a new one that answers again (issue 7: "the client restarts it").
    name: "a server that dies is restarted by the client and answers again",
    async fn(ctx) {
      const fs = require("node:fs") as typeof import("node:fs");
      const extPath = ctx.vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
      const serverPids = (): number[] =>
        fs
          .readdirSync("/proc")
          .filter((d) => /^\d+$/.test(d))
          .filter((d) => {
            try {
              const cmd = fs.readFileSync(`/proc/${d}/cmdline`, "utf8");
              return cmd.includes(extPath) && cmd.includes("server.js") && cmd.includes("--stdio");
            } catch {
              return false;
            }
          })
          .map(Number);
      const before = serverPids();
      assert.ok(before.length >= 1, `no Marginalia server process found under ${extPath}`);
      const doc = await ctx.open(DOC_004);
      const { inside } = find(ctx.vscode, doc, ENTITY_TEXT);
      // A user keeps working while the server dies: requests written to the dead pipe fail (EPIPE),
      // sometimes before the client sees the process exit. Those write errors must not stop the restart.
      let working = true;
      const keepAsking = async () => {
        while (working) await hoverAt(ctx.vscode, doc, inside).catch(() => "");
      };
      const users = Array.from({ length: 4 }, keepAsking);
      await new Promise((r) => setTimeout(r, 50));
      for (const pid of before) process.kill(pid, "SIGKILL");
      log(`  killed server process(es) ${before.join(", ")}`);
      const { value: after } = await poll(async () => serverPids().filter((p) => !before.includes(p)), (p) => p.length > 0, 30_000, 250);
      working = false;
      await Promise.all(users);
      assert.ok(after.length, "no new server process within 30 s");
      log(`  new server process(es) ${after.join(", ")}`);
      const { value: text } = await poll(() => hoverAt(ctx.vscode, doc, inside), (t) => /nvidia/i.test(t ?? ""), SERVER_READY_TIMEOUT_MS, 500);
      assert.match(text ?? "", /nvidia/i, "the restarted server does not answer the hover");
    },
  },
];

export async function run(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vscode: Vs = require("vscode");
  const folders = vscode.workspace.workspaceFolders ?? [];
  log(`VS Code ${vscode.version}; workspace: ${folders.map((f) => f.uri.fsPath).join(", ") || "(none)"}`);
  assert.ok(folders.length, "no workspace folder is open (the runners open a temporary copy of seeds/)");

  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);

  const docs = new Map<string, VSCode.TextDocument>();
  const open = async (name: string) => {
    let doc = docs.get(name);
    if (!doc) {
      const [uri] = await vscode.workspace.findFiles(`**/${name}`, "**/node_modules/**", 1);
      assert.ok(uri, `${name} is not in the workspace (open a copy of the seeds/ folder)`);
      doc = await vscode.workspace.openTextDocument(uri);
      docs.set(name, doc);
    }
    await vscode.window.showTextDocument(doc);
    return doc;
  };
  // Opening a plain-text file activates the extension (its activation event); then wait for activate().
  await open(DOC_004);
  await ext.activate();
  log(`extension ${EXTENSION_ID} active`);

  const ctx: Context = { vscode, folder: folders[0], open };
  let passed = 0;
  let failed = 0;
  const failures: string[] = [];
  for (const c of cases) {
    const start = Date.now();
    log(`▶ ${c.name}`);
    try {
      await c.fn(ctx);
      passed++;
      log(`✔ ${c.name} (${Date.now() - start} ms)`);
    } catch (e) {
      failed++;
      const msg = e instanceof Error ? e.message : String(e);
      failures.push(`${c.name}: ${msg}`);
      log(`✖ ${c.name} (${Date.now() - start} ms)\n    ${msg.split("\n").join("\n    ")}`);
    }
  }
  log(`${passed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} of ${cases.length} extension-host test(s) failed:\n${failures.join("\n")}`);
}
