// Annotating through the protocol: a code action's command makes the server send a workspace edit
// for marginalia.json; the test applies it like an editor would and watches the diagnostics change.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { LspClient, positionOf, textOf, type Diagnostic } from "./lspClient";

let dir: string;
let client: LspClient;
let jsonPath: string;
let jsonUri: string;
const applied: string[] = [];

function offsetAt(text: string, p: { line: number; character: number }): number {
  const lines = text.split(/(?<=\n)/);
  return lines.slice(0, p.line).reduce((s, l) => s + l.length, 0) + p.character;
}

/** Applies a WorkspaceEdit to disk the way an editor would, then reports the file change. */
function applyWorkspaceEdit(params: any): { applied: boolean } {
  for (const ch of params.edit.documentChanges ?? []) {
    if (ch.kind === "create") {
      const f = fileURLToPath(ch.uri);
      if (!fs.existsSync(f)) fs.writeFileSync(f, "");
      continue;
    }
    const f = fileURLToPath(ch.textDocument.uri);
    let text = fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "";
    const edits = [...ch.edits].sort((a: any, b: any) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
    for (const e of edits) text = text.slice(0, offsetAt(text, e.range.start)) + e.newText + text.slice(offsetAt(text, e.range.end));
    fs.writeFileSync(f, text);
    applied.push(text);
    client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: ch.textDocument.uri, type: 2 }] });
  }
  return { applied: true };
}

const seedFile = () => path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith("002"))!);
const CLAIM = "DeepSeek 大约有 5 万块 GPU";

function diagsOver(uri: string, needle: string): Diagnostic[] {
  const text = fs.readFileSync(fileURLToPath(uri), "utf8");
  const at = text.indexOf(needle);
  return (client.diagnostics.get(uri) ?? []).filter((d) => {
    const s = offsetAt(text, d.range.start);
    const e = offsetAt(text, d.range.end);
    return s < at + needle.length && at < e;
  });
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-ann-"));
  for (const f of fs.readdirSync("seeds")) fs.copyFileSync(path.join("seeds", f), path.join(dir, f));
  jsonPath = path.join(dir, "marginalia.json");
  jsonUri = pathToFileURL(jsonPath).href;
  client = new LspClient();
  client.onRequest["workspace/applyEdit"] = applyWorkspaceEdit;
  await client.initialize(dir, { workspace: { workspaceFolders: true, configuration: true, applyEdit: true, workspaceEdit: { documentChanges: true, resourceOperations: ["create"] } } });
  await client.indexed();
});
after(async () => {
  await client.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a verdict from a code action is written to marginalia.json and changes the diagnostic", async () => {
  const f = seedFile();
  const uri = client.open(f);
  const text = fs.readFileSync(f, "utf8");
  const warning = await client.waitFor(() => diagsOver(uri, CLAIM).find((d) => d.severity === 2), 20000, "the rumor warning");
  const range = { start: positionOf(text, CLAIM, 0, "start"), end: positionOf(text, CLAIM, 0, "end") };
  const actions: any[] = await client.request("textDocument/codeAction", { textDocument: { uri }, range, context: { diagnostics: [warning] } });
  const titles = actions.map((a) => a.title);
  for (const t of ["Mark claim as verified…", "Mark claim as disputed…", "Mark claim as false…", "Add source…"]) assert.ok(titles.includes(t), `missing ${t} in ${titles}`);
  const verify = actions.find((a) => a.title === "Mark claim as verified…");
  const r = await client.request("workspace/executeCommand", { command: "marginalia.server.annotate", arguments: [{ ...verify.command.arguments[0], note: "Confirmed by two sources" }] });
  assert.equal(r.applied, true);
  const saved = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
  assert.equal(saved.annotations.length, 1);
  assert.equal(saved.annotations[0].body.verdict, "verified");
  assert.match(saved.annotations[0].target.selector[0].exact, /5 万块 GPU/);
  // The Warning is gone; a Hint records the verdict.
  await client.waitFor(() => !diagsOver(uri, CLAIM).some((d) => d.severity === 2) && diagsOver(uri, CLAIM).some((d) => d.code === "verified"), 20000, "the verified diagnostic");
});

test("marking the same claim false replaces the verdict and quotes the note in a Warning", async () => {
  const f = seedFile();
  const uri = client.open(f);
  const text = fs.readFileSync(f, "utf8");
  const range = { start: positionOf(text, CLAIM, 0, "start"), end: positionOf(text, CLAIM, 0, "end") };
  const actions: any[] = await client.request("textDocument/codeAction", { textDocument: { uri }, range, context: { diagnostics: [] } });
  const fals = actions.find((a) => a.title === "Mark claim as false…");
  assert.ok(fals.command.arguments[0].annotationId, "the action knows the existing annotation");
  await client.request("workspace/executeCommand", { command: "marginalia.server.annotate", arguments: [{ ...fals.command.arguments[0], note: "The count includes leased cloud GPUs" }] });
  const d = await client.waitFor(() => diagsOver(uri, CLAIM).find((x) => x.code === "verdict-false"), 20000, "the false verdict");
  assert.equal(d.severity, 2);
  assert.match(d.message, /The count includes leased cloud GPUs/);
  const saved = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
  assert.equal(saved.annotations.length, 1, "the annotation was updated, not duplicated");
  assert.equal(saved.annotations[0].body.verdict, "false");
});

test("comments in marginalia.json survive an edit", async () => {
  const withComment = fs.readFileSync(jsonPath, "utf8").replace("{", "{\n  // reviewed by the desk on Monday");
  fs.writeFileSync(jsonPath, withComment);
  client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: jsonUri, type: 2 }] });
  const f = seedFile();
  const uri = client.open(f);
  const text = fs.readFileSync(f, "utf8");
  const range = { start: positionOf(text, CLAIM, 0, "start"), end: positionOf(text, CLAIM, 0, "end") };
  await new Promise((r) => setTimeout(r, 300));
  const actions: any[] = await client.request("textDocument/codeAction", { textDocument: { uri }, range, context: { diagnostics: [] } });
  const src = actions.find((a) => a.title === "Add source…");
  const r = await client.request("workspace/executeCommand", { command: "marginalia.server.addSource", arguments: [{ ...src.command.arguments[0], source: "https://example.org/report" }] });
  assert.equal(r.applied, true);
  const after = fs.readFileSync(jsonPath, "utf8");
  assert.match(after, /reviewed by the desk on Monday/);
  assert.match(after, /https:\/\/example\.org\/report/);
});

test("an invalid marginalia.json is reported at the error and never overwritten", async () => {
  const broken = fs.readFileSync(jsonPath, "utf8").replace('"false"', '"maybe"');
  fs.writeFileSync(jsonPath, broken);
  client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: jsonUri, type: 2 }] });
  const d = await client.waitFor(() => (client.diagnostics.get(jsonUri) ?? []).find((x) => x.severity === 1), 20000, "a file error");
  assert.match(textOf(broken, d.range), /maybe/);
  const f = seedFile();
  const uri = client.open(f);
  // Features keep the last good version: the false verdict still shows.
  assert.ok(diagsOver(uri, CLAIM).some((x) => x.code === "verdict-false"), `codes: ${(client.diagnostics.get(uri) ?? []).map((d) => d.code)}`);
  const text = fs.readFileSync(f, "utf8");
  const range = { start: positionOf(text, CLAIM, 0, "start"), end: positionOf(text, CLAIM, 0, "end") };
  const actions: any[] = await client.request("textDocument/codeAction", { textDocument: { uri }, range, context: { diagnostics: [] } });
  const verify = actions.find((a) => a.title === "Mark claim as verified…");
  const n = applied.length;
  const r = await client.request("workspace/executeCommand", { command: "marginalia.server.annotate", arguments: [{ ...verify.command.arguments[0], note: "x" }] });
  assert.equal(r.applied, false);
  assert.match(r.reason, /marginalia\.json has errors/);
  assert.equal(applied.length, n, "no edit was sent");
  assert.equal(fs.readFileSync(jsonPath, "utf8"), broken);
  // Fixing the file makes it writable again.
  fs.writeFileSync(jsonPath, broken.replace('"maybe"', '"false"'));
  client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: jsonUri, type: 2 }] });
  await client.waitFor(() => !(client.diagnostics.get(jsonUri) ?? []).some((x) => x.severity === 1), 20000, "the error to clear");
});

test("an annotation whose text was deleted becomes an orphan, not a loss", async () => {
  const f = seedFile();
  const uri = client.open(f);
  const text = fs.readFileSync(f, "utf8");
  const at = text.indexOf("SemiAnalysis 的 Dylan Patel");
  const end = text.indexOf("。", text.indexOf(CLAIM)) + 1;
  const edited = text.slice(0, at) + text.slice(end);
  client.notify("textDocument/didChange", { textDocument: { uri, version: 2 }, contentChanges: [{ text: edited }] });
  const d = await client.waitFor(() => (client.diagnostics.get(jsonUri) ?? []).find((x) => x.code === "orphan-annotation"), 20000, "an orphan diagnostic");
  assert.match(d.message, /no longer in/);
  assert.equal((fs.readFileSync(jsonPath, "utf8").match(/"urn:uuid:/g) ?? []).length, 1, "the annotation is kept");
  // Restoring the text re-anchors it.
  client.notify("textDocument/didChange", { textDocument: { uri, version: 3 }, contentChanges: [{ text }] });
  await client.waitFor(() => !(client.diagnostics.get(jsonUri) ?? []).some((x) => x.code === "orphan-annotation"), 20000, "the orphan to re-anchor");
});

test("rename of an entity writes its new canonical name to marginalia.json", async () => {
  const f = seedFile();
  const uri = client.open(f);
  const text = fs.readFileSync(f, "utf8");
  const pos = positionOf(text, "英伟达");
  const prep = await client.request("textDocument/prepareRename", { textDocument: { uri }, position: pos });
  assert.equal(prep.placeholder, "Nvidia");
  const edit = await client.request("textDocument/rename", { textDocument: { uri }, position: pos, newName: "NVIDIA Corporation" });
  applyWorkspaceEdit({ edit });
  const saved = fs.readFileSync(jsonPath, "utf8");
  assert.match(saved, /"id": "nvidia"/);
  assert.match(saved, /"name": "NVIDIA Corporation"/);
  await client.waitFor(async () => {
    const h = await client.request("textDocument/hover", { textDocument: { uri }, position: pos });
    return /NVIDIA Corporation/.test(h?.contents?.value ?? "");
  }, 20000, "the hover to show the new name");
  const def: any[] = await client.request("textDocument/definition", { textDocument: { uri }, position: pos });
  assert.equal(def[0].uri, jsonUri, "definition goes to the user's entry");
});
