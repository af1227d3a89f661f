// Figures and claims through the protocol: diagnostics, related claims, figure hovers, inlay hints,
// semantic tokens and code lenses, on the seeds and on a workspace of new documents.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LspClient, positionOf, textOf, type Diagnostic } from "./lspClient";

const seeds = path.resolve("seeds");
const file = (name: string) => path.join(seeds, fs.readdirSync(seeds).find((f) => f.startsWith(name))!);
const read = (p: string) => fs.readFileSync(p, "utf8");
const hoverText = (h: any) => h?.contents?.value ?? "";

let client: LspClient;
before(async () => {
  client = new LspClient();
  await client.initialize(seeds);
  await client.indexed();
});
after(() => client.close());

function overlapping(uri: string, text: string, needle: string): Diagnostic[] {
  const start = positionOf(text, needle, 0, "start");
  const end = positionOf(text, needle, 0, "end");
  const cmp = (a: any, b: any) => a.line - b.line || a.character - b.character;
  return (client.diagnostics.get(uri) ?? []).filter((d) => cmp(d.range.start, end) < 0 && cmp(start, d.range.end) < 0);
}

test("the unconfirmed GPU report is a Warning naming its cue and speaker, linked to the same claim elsewhere", async () => {
  const f = file("002");
  const uri = client.open(f);
  const text = read(f);
  const d = await client.waitFor(() => overlapping(uri, text, "DeepSeek 大约有 5 万块 GPU").find((x) => x.severity === 2), 20000, "warning");
  assert.equal(d.code, "unconfirmed");
  assert.match(d.message, /并未得到官方确认/);
  assert.match(d.message, /Dylan Patel/);
  // The range is the claim, not the whole paragraph (this document is one very long line).
  const covered = textOf(text, d.range);
  assert.ok(covered.length < 200, `range too wide: ${covered.length} characters`);
  const related = (d.relatedInformation ?? []).map((r) => path.basename(fileURLToPath(r.location.uri)));
  assert.ok(related.includes(path.basename(file("004"))), `related: ${related}`);
});

test("a client that does not take related information gets the same Warning without it", async () => {
  const plain = new LspClient();
  try {
    // LSP: publishDiagnostics.relatedInformation not declared.
    await plain.initialize(seeds, { textDocument: { hover: { contentFormat: ["markdown"] } } });
    await plain.indexed();
    const f = file("002");
    const uri = plain.open(f);
    const text = read(f);
    const start = positionOf(text, "DeepSeek 大约有 5 万块 GPU", 0, "start");
    const d = await plain.waitFor(() => (plain.diagnostics.get(uri) ?? []).find((x) => x.severity === 2 && x.range.start.line === start.line && x.code === "unconfirmed"), 20000, "warning");
    assert.match(d.message, /并未得到官方确认/);
    assert.equal(d.relatedInformation, undefined);
    assert.ok((plain.diagnostics.get(uri) ?? []).every((x) => x.relatedInformation === undefined));
  } finally {
    plain.close();
  }
});

test("plain factual sentences get no Warning", async () => {
  const f = file("001");
  const uri = client.open(f);
  const text = read(f);
  await client.waitFor(() => client.diagnostics.get(uri), 20000, "diagnostics");
  for (const s of ["去年九月,OpenAI的o1模型首次展示了比早期聊天机器人更先进的推理能力", "在2023年的更新之后,Nvidia创造了一个新型号H20"]) {
    assert.deepEqual(overlapping(uri, text, s).filter((d) => d.severity! <= 2).map((d) => d.message), [], s);
  }
});

test("hover on a Chinese-numeral figure shows the normalized value and the other documents that quote it", async () => {
  const f = file("004");
  const uri = client.open(f);
  const h = await client.request("textDocument/hover", { textDocument: { uri }, position: positionOf(read(f), "五萬張") });
  const t = hoverText(h);
  assert.match(t, /50,000/);
  assert.match(t, /002_/);
});

test("a currency figure is normalized with its currency", async () => {
  const f = file("002");
  const uri = client.open(f);
  const h = await client.request("textDocument/hover", { textDocument: { uri }, position: positionOf(read(f), "600 万美元") });
  assert.match(hoverText(h), /US\$6,000,000/);
});

test("definition on a figure jumps to the same figure in another document; references list the cluster", async () => {
  const f = file("004");
  const uri = client.open(f);
  const pos = positionOf(read(f), "五萬張");
  const defs: any[] = await client.request("textDocument/definition", { textDocument: { uri }, position: pos });
  assert.equal(path.basename(fileURLToPath(defs[0].uri)), path.basename(file("002")));
  assert.match(textOf(read(file("002")), defs[0].range), /5 万块/);
  const refs: any[] = await client.request("textDocument/references", { textDocument: { uri }, position: pos, context: { includeDeclaration: true } });
  assert.ok(refs.length >= 2);
});

test("inlay hints show the value after Chinese-numeral figures only", async () => {
  const f = file("004");
  const uri = client.open(f);
  const text = read(f);
  const p = positionOf(text, "五萬張");
  const hints: any[] = await client.request("textDocument/inlayHint", { textDocument: { uri }, range: { start: { line: p.line, character: 0 }, end: { line: p.line + 1, character: 0 } } });
  const labels = hints.map((h) => (typeof h.label === "string" ? h.label : h.label.map((x: any) => x.value).join("")));
  assert.ok(labels.some((l) => l.includes("50,000")), `labels: ${labels}`);
  assert.ok(!labels.some((l) => l.includes("6,000,000")), "600萬 is written with Arabic digits and needs no hint");
});

test("semantic tokens cover entities, figures and the unverified claim, on whole lines only", async () => {
  const f = file("004");
  const uri = client.open(f);
  const r = await client.request("textDocument/semanticTokens/full", { textDocument: { uri } });
  const data: number[] = r.data;
  assert.ok(data.length / 5 > 50);
  const lines = read(f).split("\n");
  let line = 0;
  let ch = 0;
  const types = new Set<number>();
  for (let i = 0; i < data.length; i += 5) {
    line += data[i];
    ch = data[i] === 0 ? ch + data[i + 1] : data[i + 1];
    assert.ok(ch + data[i + 2] <= lines[line].length, "token inside its line");
    types.add(data[i + 3]);
  }
  assert.ok(types.has(5), "a figure token");
  assert.ok(types.has(6), "a claim token");
});

test("code lenses count related claims", async () => {
  const f = file("002");
  const uri = client.open(f);
  const lenses: any[] = await client.request("textDocument/codeLens", { textDocument: { uri } });
  assert.ok(lenses.length > 0);
  const claims = lenses.filter((l) => l.data?.claim !== undefined);
  const entities = lenses.filter((l) => l.data?.entity !== undefined);
  const resolved = await Promise.all([...claims, ...entities.slice(0, 20)].map((l) => client.request("codeLens/resolve", l)));
  assert.ok(resolved.some((l) => /\d+ related claims? · \d+ documents?/.test(l.command?.title ?? "")), resolved.map((l) => l.command?.title).slice(0, 5).join(" | "));
  assert.ok(resolved.some((l) => /mentions? in \d+ documents?/.test(l.command?.title ?? "")));
});

test("new documents: figures that disagree across documents are reported with both values", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-fig-"));
  fs.writeFileSync(path.join(dir, "a.txt"), "据业内人士透露，华为去年生产了约二十万颗昇腾芯片。\n");
  fs.writeFileSync(path.join(dir, "b.txt"), "另一份报告称，华为去年只生产了 5 万颗昇腾芯片，并未得到官方确认。\n");
  const c2 = new LspClient();
  try {
    await c2.initialize(dir);
    await c2.indexed();
    const a = path.join(dir, "a.txt");
    const uri = c2.open(a);
    const d = await c2.waitFor(() => (c2.diagnostics.get(uri) ?? []).find((x) => x.code === "figure-mismatch"), 20000, "figure mismatch");
    assert.equal(d.severity, 3);
    assert.match(d.message, /200,000/);
    assert.match(d.message, /50,000/);
    assert.match(d.message, /b\.txt/);
    const b = path.join(dir, "b.txt");
    const ub = c2.open(b);
    const w = await c2.waitFor(() => (c2.diagnostics.get(ub) ?? []).find((x) => x.severity === 2), 20000, "unconfirmed warning in b");
    assert.equal(w.code, "unconfirmed");
  } finally {
    await c2.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
