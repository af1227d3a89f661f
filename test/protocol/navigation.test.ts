// Hover, definition, references and symbols through the protocol, against the real server binary.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { LspClient, positionOf, textOf } from "./lspClient";

const seeds = path.resolve("seeds");
const file = (name: string) => path.join(seeds, fs.readdirSync(seeds).find((f) => f.startsWith(name))!);
const uriOf = (p: string) => pathToFileURL(p).href;
const read = (p: string) => fs.readFileSync(p, "utf8");
const hoverText = (h: any) => (typeof h?.contents === "string" ? h.contents : (h?.contents?.value ?? ""));

let client: LspClient;
before(async () => {
  client = new LspClient();
  const init = await client.initialize(seeds);
  assert.equal(init.capabilities.hoverProvider, true);
  await client.indexed();
});
after(() => client.close());

test("hover on a traditional-script name shows the entity card with names in every script", async () => {
  const f = file("004");
  const uri = client.open(f);
  const h = await client.request("textDocument/hover", { textDocument: { uri }, position: positionOf(read(f), "英偉達") });
  const text = hoverText(h);
  assert.match(text, /\*\*Nvidia\*\*/);
  assert.match(text, /英伟达/);
  assert.match(text, /英偉達/);
  assert.match(text, /Mentioned in \d+ documents/);
  assert.equal(textOf(read(f), h.range), "英偉達");
});

test("references of an entity reach files that are not open, in every script", async () => {
  const f = file("004");
  const uri = client.open(f);
  const refs: any[] = await client.request("textDocument/references", { textDocument: { uri }, position: positionOf(read(f), "英偉達"), context: { includeDeclaration: true } });
  const byDoc = new Map<string, string[]>();
  for (const r of refs) {
    const p = new URL(r.uri).pathname;
    const t = textOf(read(decodeURIComponent(p)), r.range);
    byDoc.set(path.basename(p), [...(byDoc.get(path.basename(p)) ?? []), t]);
  }
  assert.ok([...byDoc.keys()].length >= 4, `documents: ${[...byDoc.keys()]}`);
  assert.ok(byDoc.get(path.basename(file("001")))!.includes("Nvidia"));
  assert.ok(byDoc.get(path.basename(file("002")))!.includes("英伟达"));
});

test("a short form refers back to the person named in full, across documents", async () => {
  const f = file("003");
  const uri = client.open(f);
  const refs: any[] = await client.request("textDocument/references", { textDocument: { uri }, position: positionOf(read(f), "阿莫代伊", 1), context: { includeDeclaration: true } });
  const docs = new Set(refs.map((r) => path.basename(new URL(r.uri).pathname)));
  for (const n of ["000", "002", "004"]) assert.ok(docs.has(path.basename(file(n))), `missing ${n}`);
});

test("definition of a short form jumps to the gloss that named the person", async () => {
  const f = file("003");
  const uri = client.open(f);
  const defs: any[] = await client.request("textDocument/definition", { textDocument: { uri }, position: positionOf(read(f), "特里奥罗", 2) });
  assert.equal(defs.length, 1);
  assert.equal(defs[0].uri, uri);
  assert.match(textOf(read(f), defs[0].range), /保罗·特里奥罗|Paul Triolo/);
});

test("workspace symbols find an entity by any of its names", async () => {
  for (const q of ["輝達", "英伟达", "nvidia"]) {
    const syms: any[] = await client.request("workspace/symbol", { query: q });
    assert.ok(syms.some((s) => s.name === "Nvidia"), `query ${q}: ${syms.map((s) => s.name)}`);
  }
});

test("document symbols list the document's entities", async () => {
  const f = file("001");
  const uri = client.open(f);
  const syms: any[] = await client.request("textDocument/documentSymbol", { textDocument: { uri } });
  const names = syms.map((s) => s.name);
  assert.ok(names.includes("DeepSeek"));
  for (const s of syms) assert.ok(s.range.start.line <= s.selectionRange.start.line);
});

test("requests for unknown documents and positions outside the text answer null, not errors", async () => {
  const h = await client.request("textDocument/hover", { textDocument: { uri: "file:///nowhere/x.txt" }, position: { line: 0, character: 0 } });
  assert.equal(h, null);
  const f = file("001");
  const uri = client.open(f);
  const far = await client.request("textDocument/hover", { textDocument: { uri }, position: { line: 99999, character: 99999 } });
  assert.equal(far, null);
  const refs = await client.request("textDocument/references", { textDocument: { uri }, position: { line: -3, character: -1 }, context: { includeDeclaration: true } });
  assert.ok(refs === null || Array.isArray(refs));
});

test("a workspace of new documents: glosses and candidates link across files", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-nav-"));
  fs.writeFileSync(path.join(dir, "a.txt"), "分析师卡尔·莫斯特维(Karl Mostvi)认为，出口管制会持续。\n莫斯特维还说，芯片短缺会延续到明年。\n");
  fs.writeFileSync(path.join(dir, "b.md"), "# Notes\n\nKarl Mostvi told reporters that supply would recover.\n");
  fs.writeFileSync(path.join(dir, "c.txt"), Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe]));
  fs.writeFileSync(path.join(dir, "d.txt"), Buffer.from([0xe4, 0xb8, 0x41, 0x42]));
  const c2 = new LspClient();
  try {
    await c2.initialize(dir);
    await c2.indexed();
    const a = path.join(dir, "a.txt");
    const uri = c2.open(a);
    const refs: any[] = await c2.request("textDocument/references", { textDocument: { uri }, position: positionOf(read(a), "莫斯特维", 1), context: { includeDeclaration: true } });
    const files = refs.map((r) => path.basename(new URL(r.uri).pathname));
    assert.ok(files.includes("b.md"), `references: ${files}`);
    const h = await c2.request("textDocument/hover", { textDocument: { uri }, position: positionOf(read(a), "莫斯特维", 1) });
    assert.match(hoverText(h), /Karl Mostvi/);
    // The binary file and the invalid UTF-8 file were skipped with a log line each, not indexed.
    const logs = c2.notifications.filter((n) => n.method === "window/logMessage").map((n) => n.params.message).join("\n");
    assert.match(logs, /skipped c\.txt: binary/);
    assert.match(logs, /skipped d\.txt: not valid UTF-8/);
  } finally {
    await c2.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
