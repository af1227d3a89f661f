// Reliability of the server over stdio (docs/RELIABILITY.md): bad requests, requests during
// indexing, cancellation, floods of edits, bounded memory, huge and broken files, files and folders
// that come and go, concurrent changes to marginalia.json, and the security rules (no network, no
// code execution, read-only when untrusted, no file access outside the workspace folders).
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { LspClient, positionOf, textOf, type Diagnostic } from "./lspClient";
import { LineIndex } from "../../server/src/analysis/lines";
import { Corpus } from "../../server/src/corpus/corpus";
import { documentDiagnostics } from "../../server/src/service/diagnostics";
import { semanticTokens } from "../../server/src/service/semanticTokens";
import type { EntityDef } from "../../server/src/analysis/types";
import builtin from "../../server/data/entities.json";
import { prng } from "../prng";

// ---- helpers

const SEEDS = path.resolve("seeds");
const seedNames = fs.readdirSync(SEEDS).sort();
const seedPath = (n: string) => path.join(SEEDS, seedNames.find((f) => f.startsWith(n))!);
const seedText = (n: string) => fs.readFileSync(seedPath(n), "utf8");
const uriOf = (p: string) => pathToFileURL(p).href;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const GUARD = path.resolve("test/protocol/guard-network.cjs");
const DIST = path.resolve("dist");
const tmpDirs: string[] = [];
after(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

function tmp(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `marginalia-rel-${prefix}-`));
  tmpDirs.push(d);
  return d;
}

/** Writes files (relative path → content) into a folder, creating it when not given. */
function workspace(files: Record<string, string | Buffer>, dir = tmp("ws")): string {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return dir;
}

const seedFiles = (): Record<string, string> => Object.fromEntries(seedNames.map((f) => [f, fs.readFileSync(path.join(SEEDS, f), "utf8")]));

const CAPS = {
  workspace: { workspaceFolders: true, configuration: true, applyEdit: true, workspaceEdit: { documentChanges: true, resourceOperations: ["create"] } },
  window: { workDoneProgress: true },
};

interface StartOptions {
  nodeArgs?: string[];
  env?: Record<string, string>;
  extra?: object;
  config?: object;
}

/** Messages shown to the user (window/showMessageRequest is a request, window/showMessage a notification). */
const shown = new WeakMap<LspClient, string[]>();

async function start(dir: string, o: StartOptions = {}): Promise<LspClient> {
  const c = new LspClient(undefined, undefined, { nodeArgs: o.nodeArgs, env: o.env });
  shown.set(c, []);
  c.onRequest["window/showMessageRequest"] = (p: any) => (shown.get(c)!.push(String(p?.message)), null);
  if (o.config) c.onRequest["workspace/configuration"] = (p: any) => (p?.items ?? []).map(() => o.config);
  await c.initialize(dir, CAPS, o.extra);
  return c;
}

/** Documents (uris) the references of `needle` in an indexed document reach. */
async function referencedUris(c: LspClient, uri: string, text: string, needle: string): Promise<Set<string>> {
  const refs: any[] = (await c.request("textDocument/references", { textDocument: { uri }, position: positionOf(text, needle), context: { includeDeclaration: true } })) ?? [];
  return new Set(refs.map((r) => r.uri));
}

/** A request settles as a result or a JSON-RPC error; a timeout or a dead server fails the test. */
async function settle(p: Promise<unknown>): Promise<{ ok: boolean; value?: unknown; code?: number; message?: string }> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    const err = e as Error & { code?: number };
    if (err.code === undefined) throw err; // no JSON-RPC answer at all
    return { ok: false, code: err.code, message: err.message };
  }
}

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}


const FRAGMENTS = ["英伟达", "英偉達", "DeepSeek", "5 万块 GPU", "五萬張", "据说", "未经证实", "。", "，", "\n", "\r\n", "😀", "👩‍👩‍👧", "e\u0301", "مرحبا", "\u0000", "a", "说", "Amodei 表示", " ", "47%"];

/** An offset where an edit may start or end: not inside a surrogate pair nor between \r and \n. */
function validOffset(text: string, o: number): number {
  o = Math.max(0, Math.min(o, text.length));
  const c = text.charCodeAt(o);
  const p = text.charCodeAt(o - 1);
  if (o > 0 && o < text.length && ((c >= 0xdc00 && c <= 0xdfff && p >= 0xd800 && p <= 0xdbff) || (c === 10 && p === 13))) o--;
  return o;
}

/** One random incremental change: its LSP form and the text after it. */
function randomChange(rand: () => number, text: string): { change: object; next: string } {
  const L = new LineIndex(text);
  const a = validOffset(text, Math.floor(rand() * (text.length + 1)));
  if (rand() < 0.7 || text.length < 20) {
    const ins = FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)];
    const p = L.positionAt(a);
    return { change: { range: { start: p, end: p }, text: ins }, next: text.slice(0, a) + ins + text.slice(a) };
  }
  const b = validOffset(text, a + 1 + Math.floor(rand() * 20));
  return { change: { range: { start: L.positionAt(a), end: L.positionAt(b) }, text: "" }, next: text.slice(0, a) + text.slice(b) };
}

/** What the server should publish for a text next to the other documents of its workspace, computed in-process. */
function expectedDiagnostics(uri: string, text: string, others: Array<[string, string]> = []) {
  const corpus = new Corpus(builtin as EntityDef[]);
  for (const [u, t] of others) corpus.set(u, t, 1, path.basename(fileURLToPath(u)));
  corpus.set(uri, text, 1, path.basename(fileURLToPath(uri)));
  return { corpus, diagnostics: documentDiagnostics(corpus, uri).map((d) => ({ range: d.range, code: d.code, severity: d.severity, message: d.message })) };
}
const strip = (ds: Diagnostic[]) => ds.map((d) => ({ range: d.range, code: d.code, severity: d.severity, message: d.message }));

function publishes(c: LspClient, uri: string): Array<{ version?: number; diagnostics: Diagnostic[] }> {
  return c.notifications.filter((n) => n.method === "textDocument/publishDiagnostics" && n.params.uri === uri).map((n) => n.params);
}

const logLines = (c: LspClient) => c.notifications.filter((n) => n.method === "window/logMessage").map((n) => String(n.params.message));
const shownMessages = (c: LspClient) => [...c.notifications.filter((n) => n.method === "window/showMessage").map((n) => String(n.params.message)), ...(shown.get(c) ?? [])];

// ---- 1. bad requests

describe("bad requests", () => {
  let c: LspClient;
  let dir: string;
  before(async () => {
    dir = workspace(seedFiles());
    c = await start(dir);
    await c.indexed();
  });
  after(() => c.close());

  test("unknown documents and out-of-range, negative and non-integer positions are answered; the server stays up", async () => {
    const known = uriOf(path.join(dir, seedNames[4]));
    c.open(path.join(dir, seedNames[4]));
    const uris = ["file:///nowhere/missing.txt", "untitled:Untitled-1", "http://example.com/x.txt", "not a uri", "", known];
    const positions: unknown[] = [
      { line: -1, character: -5 },
      { line: 1e9, character: 1e9 },
      { line: 2 ** 31, character: 2 ** 31 },
      { line: 1.5, character: 2.7 },
      { line: 0, character: -1 },
      { line: "3", character: "x" },
      { line: null, character: null },
      {},
      null,
    ];
    const reqs: Array<[string, Promise<unknown>]> = [];
    for (const uri of uris) {
      const td = { uri };
      for (const position of positions) {
        const range = { start: position, end: position };
        for (const [m, params] of [
          ["textDocument/hover", { textDocument: td, position }],
          ["textDocument/definition", { textDocument: td, position }],
          ["textDocument/references", { textDocument: td, position, context: { includeDeclaration: true } }],
          ["textDocument/documentHighlight", { textDocument: td, position }],
          ["textDocument/prepareRename", { textDocument: td, position }],
          ["textDocument/rename", { textDocument: td, position, newName: "X" }],
          ["textDocument/inlayHint", { textDocument: td, range }],
          ["textDocument/codeAction", { textDocument: td, range, context: { diagnostics: [] } }],
        ] as const)
          reqs.push([`${m} ${uri} ${JSON.stringify(position)}`, c.request(m, params, 10000)]);
      }
      for (const m of ["textDocument/documentSymbol", "textDocument/semanticTokens/full", "textDocument/codeLens"]) reqs.push([`${m} ${uri}`, c.request(m, { textDocument: td }, 10000)]);
    }
    // Malformed params altogether.
    for (const m of ["textDocument/hover", "textDocument/references", "textDocument/semanticTokens/full", "codeLens/resolve", "workspace/symbol", "workspace/executeCommand"]) {
      for (const params of [null, {}, { textDocument: null }, { textDocument: { uri: 42 }, position: "x" }, [1, 2]]) reqs.push([`${m} ${JSON.stringify(params)}`, c.request(m, params, 10000)]);
    }
    reqs.push(["unknown method", c.request("marginalia/nonsense", {}, 10000)]);
    const results = await Promise.all(reqs.map(async ([what, p]) => ({ what, r: await settle(p) })));
    // Params that are null altogether fail inside vscode-languageserver (it reads params.workDoneToken before
    // calling the handler) with an error response; every other request reaches a handler and gets an answer.
    const internal = results.filter((x) => !x.r.ok && x.r.code === -32603 && !(/ null$/.test(x.what) && /workDoneToken/.test(x.r.message!)));
    assert.deepEqual(internal.map((x) => `${x.what}: ${x.r.message}`), [], "no request ended in an internal error");
    assert.equal(results.find((x) => x.what === "unknown method")!.r.code, -32601);
    assert.equal(c.exited, null, "the server is still running");
    // …and still answers properly.
    const h = await c.request("textDocument/hover", { textDocument: { uri: known }, position: positionOf(seedText("004"), "英偉達") });
    assert.match(h.contents.value, /\*\*Nvidia\*\*/);
    // A non-integer position means the same as its integer part.
    const p = positionOf(seedText("004"), "英偉達");
    const h2 = await c.request("textDocument/hover", { textDocument: { uri: known }, position: { line: p.line + 0.4, character: p.character + 0.9 } });
    assert.deepEqual(h2?.range, h.range);
    assert.ok(!/uncaught|unhandled/.test(logLines(c).join("\n")), "nothing was thrown past the handlers");
  });

  test("cancelled requests are answered or cancelled with -32800, and the server stays up", async (t) => {
    const f = path.join(dir, seedNames[2]);
    const uri = c.open(f);
    const text = fs.readFileSync(f, "utf8");
    const pos = positionOf(text, "英伟达");
    // A slow request first (semantic tokens of a 1 MB document), so the next ones queue up behind it.
    const bigFile = path.join(dir, "big.txt");
    fs.writeFileSync(bigFile, text.repeat(Math.ceil(1_000_000 / text.length)));
    const bigUri = c.open(bigFile);
    await c.waitFor(async () => ((await c.request("textDocument/semanticTokens/full", { textDocument: { uri: bigUri } })).data.length > 0), 20000, "the 1 MB document analysed");
    const slow = c.request("textDocument/semanticTokens/full", { textDocument: { uri: bigUri } });
    const inflight: Array<{ id: number; result: Promise<any> }> = [];
    for (let i = 0; i < 60; i++) {
      const m = ["textDocument/semanticTokens/full", "textDocument/references", "textDocument/hover", "textDocument/documentSymbol", "textDocument/codeLens", "workspace/symbol"][i % 6];
      const params = m === "workspace/symbol" ? { query: "" } : { textDocument: { uri }, position: pos, context: { includeDeclaration: true } };
      const r = c.requestId(m, params);
      inflight.push(r);
      // Cancel most right away, some a little later, one twice; also cancel ids that never existed.
      if (i % 3 === 0) c.notify("$/cancelRequest", { id: r.id });
      else if (i % 3 === 1) setTimeout(() => c.notify("$/cancelRequest", { id: r.id }), i);
      if (i === 10) c.notify("$/cancelRequest", { id: r.id });
    }
    c.notify("$/cancelRequest", { id: 999999 });
    c.notify("$/cancelRequest", { id: "nope" });
    c.notify("$/cancelRequest", null);
    const outcomes = await Promise.all(inflight.map((r) => settle(r.result)));
    assert.ok((await slow).data.length > 0);
    const cancelled = outcomes.filter((o) => o.code === -32800).length;
    t.diagnostic(`${outcomes.filter((o) => o.ok).length} answered, ${cancelled} cancelled`);
    assert.ok(cancelled > 0, "requests cancelled while queued behind the slow one are not computed");
    for (const o of outcomes) assert.ok(o.ok || o.code === -32800, `answered or cancelled, not ${o.code} ${o.message}`);
    assert.equal(c.exited, null);
    const refs = await referencedUris(c, uri, text, "英伟达");
    assert.ok(refs.size >= 4, "still answering");
  });
});

// ---- 2. requests during indexing

test("requests during the indexing of 300 documents are answered at once", async (t) => {
  const files: Record<string, string> = {};
  const texts = seedNames.map((n) => fs.readFileSync(path.join(SEEDS, n), "utf8"));
  for (let i = 0; i < 300; i++) {
    const src = texts[i % texts.length];
    const at = (i * 997) % Math.max(1, src.length - 4000);
    files[`d${String(i).padStart(3, "0")}.txt`] = `英伟达 第 ${i} 篇。\n` + src.slice(at, at + 4000);
  }
  const dir = workspace(files);
  const c = await start(dir);
  try {
    // No waiting for indexing: ask right away, about a document that is open and one that is not.
    const openFile = path.join(dir, "d150.txt");
    const uri = c.open(openFile);
    const text = fs.readFileSync(openFile, "utf8");
    const timings: number[] = [];
    const timed = async (p: Promise<unknown>) => {
      const t0 = Date.now();
      const v = await p;
      timings.push(Date.now() - t0);
      return v;
    };
    const pos = positionOf(text, "英伟达");
    const asked = [
      timed(c.request("textDocument/hover", { textDocument: { uri: uriOf(path.join(dir, "d299.txt")) }, position: { line: 0, character: 1 } }, 5000)),
      timed(c.request("workspace/symbol", { query: "nvidia" }, 5000)),
      timed(c.request("textDocument/documentSymbol", { textDocument: { uri } }, 5000)),
      timed(c.request("textDocument/semanticTokens/full", { textDocument: { uri } }, 5000)),
    ];
    await Promise.all(asked);
    const finished = () => c.notifications.some((n) => n.method === "marginalia/status" && !n.params.indexing && n.params.documents >= 300);
    assert.ok(!finished(), "the first requests were answered while indexing was still under way");
    // The open document is analysed first (urgent), while the rest is still being indexed.
    const h = await c.waitFor(async () => (await timed(c.request("textDocument/hover", { textDocument: { uri }, position: pos }, 5000))) as any, 10000, "a hover on the open document");
    assert.match(h.contents.value, /Nvidia/);
    t.diagnostic(`request latencies during indexing (ms): ${timings.join(", ")}; indexing finished before the open document's hover: ${finished()}`);
    assert.ok(Math.max(...timings) < 5000);
    await c.indexed(60000);
    await c.waitFor(async () => (await referencedUris(c, uri, text, "英伟达")).size === 300, 20000, "all 300 documents in the references");
  } finally {
    await c.close();
  }
});

// ---- 3. floods of edits and memory

describe("edits", () => {
  let c: LspClient;
  let dir: string;
  let floodFinal: [string, string] | undefined;
  before(async () => {
    dir = workspace({ "flood.txt": seedText("002").slice(0, 3000), "long.txt": (seedText("002") + seedText("004") + seedText("002")).slice(0, 90000) });
    c = await start(dir);
    await c.indexed();
  });
  after(() => c.close());

  test("500 changes within a second: diagnostics for the final version arrive and match its text", async () => {
    const f = path.join(dir, "flood.txt");
    let text = fs.readFileSync(f, "utf8");
    const uri = c.open(f, text, 1);
    const rand = prng(500);
    const versions = new Map<number, string>([[1, text]]);
    const t0 = Date.now();
    for (let v = 2; v <= 501; v++) {
      const { change, next } = v === 501 ? { change: { range: { start: new LineIndex(text).positionAt(text.length), end: new LineIndex(text).positionAt(text.length) }, text: "\n据说 DeepSeek 有 5 万块 GPU，但这一说法未经证实。" }, next: text + "\n据说 DeepSeek 有 5 万块 GPU，但这一说法未经证实。" } : randomChange(rand, text);
      text = next;
      versions.set(v, text);
      c.notify("textDocument/didChange", { textDocument: { uri, version: v }, contentChanges: [change] });
      if (v % 50 === 0) await sleep(80);
    }
    const sentIn = Date.now() - t0;
    assert.ok(sentIn < 2000, `sent in ${sentIn} ms`);
    await c.waitFor(() => publishes(c, uri).some((p) => p.version === 501), 20000, "diagnostics for version 501");
    await sleep(300);
    assert.equal(c.exited, null);
    const long = path.join(dir, "long.txt");
    const others: Array<[string, string]> = [[uriOf(long), fs.readFileSync(long, "utf8")]];
    floodFinal = [uri, text];
    const { corpus, diagnostics } = expectedDiagnostics(uri, text, others);
    const last = publishes(c, uri).at(-1)!;
    assert.equal(last.version, 501);
    assert.deepEqual(strip(last.diagnostics), diagnostics);
    assert.ok(diagnostics.some((d) => d.code === "rumor" || d.code === "unconfirmed"), "the last sentence is flagged");
    // Every publication labelled with a version describes that version's text.
    for (const p of publishes(c, uri)) if (p.version !== undefined && p.version !== 501) assert.deepEqual(strip(p.diagnostics), expectedDiagnostics(uri, versions.get(p.version)!, others).diagnostics, `diagnostics labelled v${p.version}`);
    // The server's copy of the text is the client's: the semantic tokens agree.
    const toks = await c.request("textDocument/semanticTokens/full", { textDocument: { uri } });
    assert.deepEqual(toks.data, semanticTokens(corpus, uri).data);
  });

  test("memory stays bounded over 2,000 edits of a 90,000-character document", async (t) => {
    const f = path.join(dir, "long.txt");
    let text = fs.readFileSync(f, "utf8");
    const uri = c.open(f, text, 1);
    await c.waitFor(() => publishes(c, uri).some((p) => p.version === 1), 20000, "first diagnostics");
    const base = rssMB(c.proc.pid!);
    const samples: number[] = [base];
    const rand = prng(2000);
    let v = 1;
    for (let round = 0; round < 40; round++) {
      for (let k = 0; k < 50; k++) {
        const { change, next } = randomChange(rand, text);
        text = next;
        c.notify("textDocument/didChange", { textDocument: { uri, version: ++v }, contentChanges: [change] });
      }
      await sleep(100);
      samples.push(rssMB(c.proc.pid!));
    }
    await c.waitFor(() => publishes(c, uri).some((p) => p.version === v), 30000, `diagnostics for version ${v}`);
    samples.push(rssMB(c.proc.pid!));
    const peak = Math.max(...samples);
    t.diagnostic(`RSS (MB): start ${base.toFixed(0)}, peak ${peak.toFixed(0)}, end ${samples.at(-1)!.toFixed(0)}; samples ${samples.map((x) => x.toFixed(0)).join(" ")}`);
    assert.ok(peak - base < 200, `RSS grew by ${(peak - base).toFixed(0)} MB`);
    assert.deepEqual(strip(publishes(c, uri).at(-1)!.diagnostics), expectedDiagnostics(uri, text, floodFinal ? [floodFinal] : [[uriOf(path.join(dir, "flood.txt")), fs.readFileSync(path.join(dir, "flood.txt"), "utf8")]]).diagnostics);
    assert.equal(c.exited, null);
  });
});

// ---- 4. huge and broken files

test("a 20 MB single-line file: hovers on another document are answered within seconds while it is analysed", async (t) => {
  const unit = (seedText("002") + seedText("004")).replace(/[\r\n]+/g, " ");
  const big = Buffer.from(unit.repeat(Math.ceil((20 * 1048576) / Buffer.byteLength(unit))), "utf8").subarray(0, 20 * 1048576);
  // Cut at a character boundary so the file stays valid UTF-8.
  let end = big.length;
  while (end > 0 && (big[end - 1] & 0xc0) === 0x80) end--;
  if (end > 0 && big[end - 1] >= 0xc0) end--;
  const dir = workspace({ "huge.txt": big.subarray(0, end), "004.txt": seedText("004") });
  const c = await start(dir);
  try {
    const f = path.join(dir, "004.txt");
    const uri = c.open(f);
    const pos = positionOf(seedText("004"), "英偉達");
    const latencies: number[] = [];
    const t0 = Date.now();
    let indexedAt: number | undefined;
    while (Date.now() - t0 < 25000) {
      const s = Date.now();
      const h = await c.request("textDocument/hover", { textDocument: { uri }, position: pos }, 10000);
      latencies.push(Date.now() - s);
      if (h) assert.match(h.contents.value, /Nvidia/);
      const st = [...c.notifications].reverse().find((n) => n.method === "marginalia/status");
      if (st && !st.params.indexing && st.params.documents === 2) {
        indexedAt = Date.now() - t0;
        break;
      }
      await sleep(200);
    }
    t.diagnostic(`hover latencies (ms) while the 20 MB file was analysed: max ${Math.max(...latencies)}, ${latencies.length} hovers; indexed after ${indexedAt ?? "more than 25000"} ms`);
    // The main thread is busy once, for about 2.5 s on this 2-core machine, when the 20 MB analysis arrives
    // (deserializing it, indexing it, diagnostics for it); everything else runs in the analysis workers.
    assert.ok(Math.max(...latencies) < 5000, `slowest hover ${Math.max(...latencies)} ms`);
    if (indexedAt !== undefined) {
      const hugeUri = uriOf(path.join(dir, "huge.txt"));
      const s = Date.now();
      const h = await c.request("textDocument/hover", { textDocument: { uri: hugeUri }, position: { line: 0, character: unit.indexOf("英伟达") + 1 } }, 10000);
      t.diagnostic(`hover on the 20 MB line: ${Date.now() - s} ms`);
      assert.match(h.contents.value, /Nvidia/);
    }
  } finally {
    await c.close();
  }
});

describe("faults", () => {
  let c: LspClient;
  let dir: string;
  let other: string;
  let openUri: string;
  let openText: string;
  before(async () => {
    dir = workspace({
      ...seedFiles(),
      "to-delete.txt": seedText("004"),
      "to-rename.txt": seedText("004"),
      "sub/a.txt": seedText("004"),
      "bad-utf8.txt": Buffer.from([0x41, 0x42, 0xff, 0xfe, 0x43, 0x0a]),
      "binary.txt": Buffer.concat([Buffer.from("英伟达 "), Buffer.from([0, 1, 2, 3, 0, 0])]),
      "too-big.txt": "英伟达。".repeat(200_000), // 2.4 MB; the limit is set to 1 MB below
      "bom.txt": "\uFEFF英偉達說。",
      "marginalia.json": JSON.stringify({
        annotations: [
          {
            id: "urn:uuid:11111111-1111-4111-8111-111111111111",
            type: "Annotation",
            motivation: "assessing",
            target: { source: "to-delete.txt", selector: [{ type: "TextQuoteSelector", exact: "英偉達" }] },
            body: { type: "ClaimReview", verdict: "disputed", note: "kept while the file is gone" },
          },
        ],
      }, null, 2),
    });
    other = workspace({ "b-only.txt": "英伟达在另一个文件夹里。\n" + seedText("000").slice(0, 2000) });
    c = await start(dir, { config: { maxFileSizeMB: 1 } });
    await c.indexed();
    const f = path.join(dir, seedNames[4]);
    openUri = c.open(f);
    openText = fs.readFileSync(f, "utf8");
  });
  after(() => c.close());

  test("invalid UTF-8, binary and oversized files are skipped with a log line; a byte-order mark is not counted", async () => {
    const log = logLines(c).join("\n");
    assert.match(log, /skipped bad-utf8\.txt: not valid UTF-8 \(first bad byte at offset 2\)/);
    assert.match(log, /skipped binary\.txt: binary file/);
    assert.match(log, /skipped too-big\.txt: larger than 1 MB/);
    const refs = await referencedUris(c, openUri, openText, "英偉達");
    for (const n of ["bad-utf8.txt", "binary.txt", "too-big.txt"]) assert.ok(!refs.has(uriOf(path.join(dir, n))), `${n} is not indexed`);
    const bom: any[] = await c.request("textDocument/references", { textDocument: { uri: openUri }, position: positionOf(openText, "英偉達"), context: { includeDeclaration: true } });
    const inBom = bom.find((r) => r.uri === uriOf(path.join(dir, "bom.txt")));
    assert.deepEqual(inBom?.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } });
  });

  test("a file deleted while indexed disappears from the results; its annotation becomes an orphan, not a loss", async () => {
    const gone = path.join(dir, "to-delete.txt");
    assert.ok((await referencedUris(c, openUri, openText, "英偉達")).has(uriOf(gone)));
    const before = fs.readFileSync(path.join(dir, "marginalia.json"), "utf8");
    fs.rmSync(gone);
    c.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(gone), type: 3 }] });
    await c.waitFor(async () => !(await referencedUris(c, openUri, openText, "英偉達")).has(uriOf(gone)), 10000, "the deleted file to leave the references");
    const jsonUri = uriOf(path.join(dir, "marginalia.json"));
    const d = await c.waitFor(() => (c.diagnostics.get(jsonUri) ?? []).find((x) => x.code === "orphan-annotation"), 10000, "an orphan diagnostic");
    assert.match(d.message, /to-delete\.txt.*not in the workspace/);
    assert.equal(fs.readFileSync(path.join(dir, "marginalia.json"), "utf8"), before, "marginalia.json is untouched");
    // A deleted folder arrives as one event for the folder.
    fs.rmSync(path.join(dir, "sub"), { recursive: true });
    c.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(path.join(dir, "sub")), type: 3 }] });
    await c.waitFor(async () => !(await referencedUris(c, openUri, openText, "英偉達")).has(uriOf(path.join(dir, "sub/a.txt"))), 10000, "the deleted folder to leave the references");
  });

  test("a renamed file (delete + create) moves in the results", async () => {
    const from = path.join(dir, "to-rename.txt");
    const to = path.join(dir, "renamed.txt");
    fs.renameSync(from, to);
    c.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(from), type: 3 }, { uri: uriOf(to), type: 1 }] });
    await c.waitFor(async () => {
      const refs = await referencedUris(c, openUri, openText, "英偉達");
      return refs.has(uriOf(to)) && !refs.has(uriOf(from));
    }, 10000, "the renamed file in the references");
  });

  test("a workspace folder added at run time is indexed, and dropped when removed", async () => {
    const folder = { uri: uriOf(other), name: "other" };
    const bOnly = uriOf(path.join(other, "b-only.txt"));
    assert.ok(!(await referencedUris(c, openUri, openText, "英偉達")).has(bOnly));
    c.notify("workspace/didChangeWorkspaceFolders", { event: { added: [folder], removed: [] } });
    await c.waitFor(async () => (await referencedUris(c, openUri, openText, "英偉達")).has(bOnly), 10000, "the added folder's document in the references");
    c.notify("workspace/didChangeWorkspaceFolders", { event: { added: [], removed: [folder] } });
    await c.waitFor(async () => !(await referencedUris(c, openUri, openText, "英偉達")).has(bOnly), 10000, "the removed folder's document to leave");
  });

  test("a workspace folder removed while it is being indexed leaves nothing behind", async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 120; i++) many[`m${i}.txt`] = `英伟达 ${i}。` + seedText("001").slice(0, 3000);
    const third = workspace(many);
    const folder = { uri: uriOf(third), name: "third" };
    c.notify("workspace/didChangeWorkspaceFolders", { event: { added: [folder], removed: [] } });
    await sleep(150);
    c.notify("workspace/didChangeWorkspaceFolders", { event: { added: [], removed: [folder] } });
    // Let the indexing of the removed folder run its course.
    await c.waitFor(() => {
      const st = [...c.notifications].reverse().find((n) => n.method === "marginalia/status");
      return st && !st.params.indexing;
    }, 20000, "indexing to settle");
    await sleep(1500);
    const refs = await referencedUris(c, openUri, openText, "英偉達");
    const left = [...refs].filter((u) => u.startsWith(folder.uri + "/"));
    assert.deepEqual(left, [], "no document of the removed folder is left");
  });
});

// ---- 5. marginalia.json changed behind the server's back

describe("concurrent changes to marginalia.json", () => {
  const CLAIM = "DeepSeek 大约有 5 万块 GPU";
  let c: LspClient;
  let dir: string;
  let jsonPath: string;
  let jsonUri: string;
  /** The client's open copies of files (uri → version, text), as an editor keeps them. */
  const open = new Map<string, { version: number; text: string }>();
  const edits: any[] = [];
  let docUri: string;
  let docText: string;

  function applyTo(text: string, list: any[]): string {
    const L = new LineIndex(text);
    const sorted = [...list].sort((a, b) => L.offsetAt(b.range.start) - L.offsetAt(a.range.start));
    for (const e of sorted) text = text.slice(0, L.offsetAt(e.range.start)) + e.newText + text.slice(L.offsetAt(e.range.end));
    return text;
  }

  /** Applies a WorkspaceEdit as VS Code does: refuses an edit for another version of an open document. */
  function applyEdit(params: any): { applied: boolean; failureReason?: string } {
    edits.push(params.edit);
    for (const ch of params.edit.documentChanges ?? []) {
      if (ch.kind === "create") {
        const f = fileURLToPath(ch.uri);
        if (!fs.existsSync(f)) fs.writeFileSync(f, "");
        continue;
      }
      const mine = open.get(ch.textDocument.uri);
      if (mine && ch.textDocument.version !== null && ch.textDocument.version !== mine.version) return { applied: false, failureReason: `version ${ch.textDocument.version} of ${path.basename(ch.textDocument.uri)} is stale (now ${mine.version})` };
    }
    for (const ch of params.edit.documentChanges ?? []) {
      if (ch.kind) continue;
      const mine = open.get(ch.textDocument.uri);
      if (mine) {
        mine.text = applyTo(mine.text, ch.edits);
        mine.version++;
        c.notify("textDocument/didChange", { textDocument: { uri: ch.textDocument.uri, version: mine.version }, contentChanges: [{ text: mine.text }] });
      } else {
        const f = fileURLToPath(ch.textDocument.uri);
        fs.writeFileSync(f, applyTo(fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "", ch.edits));
      }
    }
    return { applied: true };
  }

  const annotation = (id: string, exact: string, verdict: string) => ({ id: `urn:uuid:${id}`, type: "Annotation", motivation: "assessing", target: { source: seedNames[2], selector: [{ type: "TextQuoteSelector", exact }] }, body: { type: "ClaimReview", verdict } });

  before(async () => {
    dir = workspace(seedFiles());
    jsonPath = path.join(dir, "marginalia.json");
    jsonUri = uriOf(jsonPath);
    fs.writeFileSync(jsonPath, JSON.stringify({ annotations: [annotation("aaaaaaaa-0000-4000-8000-000000000001", "出口管制从来都不是为了阻止", "verified")] }, null, 2) + "\n");
    c = await start(dir);
    c.onRequest["workspace/applyEdit"] = applyEdit;
    await c.indexed();
    const f = path.join(dir, seedNames[2]);
    docUri = c.open(f);
    docText = fs.readFileSync(f, "utf8");
  });
  after(() => c.close());

  async function verdictAction(verdict: string): Promise<any> {
    const range = { start: positionOf(docText, CLAIM, 0, "start"), end: positionOf(docText, CLAIM, 0, "end") };
    const actions: any[] = await c.request("textDocument/codeAction", { textDocument: { uri: docUri }, range, context: { diagnostics: [] } });
    const a = actions.find((x) => x.title === `Mark claim as ${verdict}…`);
    assert.ok(a, `a "${verdict}" action among ${actions.map((x) => x.title)}`);
    return a.command.arguments[0];
  }

  test("changed on disk between the code action and its command: the edit is based on the new content", async () => {
    const args = await verdictAction("disputed");
    // Someone else adds an annotation on disk; no file event has reached the server yet.
    const theirs = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
    theirs.annotations.push(annotation("bbbbbbbb-0000-4000-8000-000000000002", "华为的软件生态也还没跟上", "unverified"));
    fs.writeFileSync(jsonPath, JSON.stringify(theirs, null, 4) + "\n");
    const r = await c.request("workspace/executeCommand", { command: "marginalia.server.annotate", arguments: [{ ...args, note: "two sources disagree" }] });
    assert.equal(r.applied, true);
    const saved = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
    assert.deepEqual(saved.annotations.map((a: any) => a.body.verdict), ["verified", "unverified", "disputed"], "both earlier annotations survive");
    assert.match(fs.readFileSync(jsonPath, "utf8"), /^ {4}"annotations"/m, "their formatting is kept");
  });

  test("made invalid on disk before the command runs: refused with a message, never overwritten", async () => {
    const args = await verdictAction("false");
    const broken = fs.readFileSync(jsonPath, "utf8").replace('"unverified"', '"unverified",,');
    fs.writeFileSync(jsonPath, broken);
    const n = edits.length;
    const r = await c.request("workspace/executeCommand", { command: "marginalia.server.annotate", arguments: [args] });
    assert.equal(r.applied, false);
    assert.match(r.reason, /marginalia\.json has errors/);
    assert.equal(edits.length, n, "no edit was sent");
    assert.equal(fs.readFileSync(jsonPath, "utf8"), broken);
    await c.waitFor(() => shownMessages(c).some((m) => /has errors/.test(m)), 5000, "an error message to the user");
    fs.writeFileSync(jsonPath, broken.replace('"unverified",,', '"unverified"'));
    c.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: jsonUri, type: 2 }] });
  });

  test("open in the editor: a versioned edit of the editor's text; a stale version is refused and reported", async () => {
    // The editor holds unsaved changes: a third annotation that is not on disk.
    const unsaved = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
    unsaved.annotations.push(annotation("cccccccc-0000-4000-8000-000000000003", "Polis 的组织合作过", "verified"));
    const text = JSON.stringify(unsaved, null, 2) + "\n";
    open.set(jsonUri, { version: 7, text });
    c.notify("textDocument/didOpen", { textDocument: { uri: jsonUri, languageId: "json", version: 7, text } });
    await sleep(200);
    const args = await verdictAction("false");
    const r = await c.request("workspace/executeCommand", { command: "marginalia.server.annotate", arguments: [{ ...args, note: "n" }] });
    assert.equal(r.applied, true);
    const change = edits.at(-1).documentChanges.find((x: any) => x.textDocument);
    assert.equal(change.textDocument.version, 7, "the edit names the editor's version");
    const now = JSON.parse(open.get(jsonUri)!.text);
    assert.equal(now.annotations.length, 4, "the unsaved annotation is kept and the verdict updated in place");
    assert.ok(now.annotations.some((a: any) => a.id.startsWith("urn:uuid:cccccccc")));
    // The user types again before the server's next edit lands: the editor refuses the stale edit.
    const args2 = await verdictAction("verified");
    const mine = open.get(jsonUri)!;
    const textBefore = mine.text;
    mine.version += 1; // a keystroke the server has not heard of yet
    const r2 = await c.request("workspace/executeCommand", { command: "marginalia.server.annotate", arguments: [args2] });
    assert.equal(r2.applied, false);
    assert.equal(mine.text, textBefore, "nothing was applied");
    await c.waitFor(() => shownMessages(c).some((m) => /marginalia\.json was not changed \(version \d+ of marginalia\.json is stale/.test(m)), 5000, "a message saying the edit was refused");
  });
});

test("8 CLI processes annotating at once: the file stays valid and every reported success is in it", async (t) => {
  const quotes = ["出口管制从来都不是为了阻止", "华为的软件生态也还没跟上", "Polis 的组织合作过", "蒸馏确实是可行的技术手段", "DeepSeek 大约有 5 万块 GPU", "几乎没有任何安全措施", "H20 目前没有被禁", "数据中心里的一整个天才国度"];
  const dir = workspace({ "a.txt": seedText("002") });
  const runs = await Promise.all(
    quotes.map(
      (q) =>
        new Promise<{ code: number | null; out: string; err: string; q: string }>((resolve) => {
          const p = spawn(process.execPath, [path.join(DIST, "cli.js"), "annotate", "a.txt", "--quote", q, "--verdict", "disputed"], { cwd: dir });
          let out = "";
          let err = "";
          p.stdout.on("data", (d) => (out += d));
          p.stderr.on("data", (d) => (err += d));
          p.on("close", (code) => resolve({ code, out, err, q }));
        }),
    ),
  );
  const json = JSON.parse(fs.readFileSync(path.join(dir, "marginalia.json"), "utf8"));
  const saved = new Set(json.annotations.map((a: any) => a.target.selector[0].exact));
  const ok = runs.filter((r) => r.code === 0);
  t.diagnostic(`${ok.length} written, ${runs.length - ok.length} refused because another process changed the file meanwhile`);
  for (const r of ok) assert.ok(saved.has(r.q), `"${r.q}" was reported written but is not in the file`);
  for (const r of runs.filter((x) => x.code !== 0)) assert.match(r.err, /changed while Marginalia was editing it; nothing was written/);
  assert.equal(saved.size, ok.length, "nothing was written that was reported refused");
  assert.deepEqual(fs.readdirSync(dir).sort(), ["a.txt", "marginalia.json"], "no temporary files left behind");
});

// ---- 6. security

test("the network guard itself records and blocks (so that zero recorded attempts means something)", () => {
  const d = tmp("guard");
  const log = path.join(d, "attempts.jsonl");
  const r = spawnSync(process.execPath, ["--require", GUARD, "-e", `
    const out = [];
    for (const f of [() => require("net").connect(80, "example.com"), () => require("https").get("https://example.com"), () => require("dns").lookup("example.com", () => {}), () => require("tls").connect(443, "example.com")]) {
      try { f(); out.push("no"); } catch (e) { out.push(e.code); }
    }
    fetch("https://example.com").catch((e) => { out.push(e.code); console.log(out.join(",")); });
  `], { env: { ...process.env, MARGINALIA_GUARD_LOG: log }, encoding: "utf8", timeout: 10000 });
  assert.equal(r.stdout.trim(), "ENETBLOCKED,ENETBLOCKED,ENETBLOCKED,ENETBLOCKED,ENETBLOCKED", r.stderr);
  const apis = fs.readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l).api);
  assert.deepEqual(apis, ["net.connect", "https.get", "dns.lookup", "tls.connect", "fetch"]);
});

describe("security: a full session under the network and file-system guard", () => {
  let c: LspClient;
  let root: string;
  let dir: string;
  let log: string;
  let loaded: string;
  let jsonPath: string;
  const annotationOn = (source: string, exact = "英伟达") => ({ id: `urn:uuid:${Math.random().toString(16).slice(2, 10)}-0000-4000-8000-000000000000`, type: "Annotation", motivation: "assessing", target: { source, selector: [{ type: "TextQuoteSelector", exact }] }, body: { type: "ClaimReview", verdict: "false" } });
  before(async () => {
    root = tmp("sec");
    dir = path.join(root, "ws");
    fs.mkdirSync(dir);
    workspace(seedFiles(), dir);
    // Outside the workspace: a file, a symbolic link to it and a linked folder that contains it.
    fs.writeFileSync(path.join(root, "outside.txt"), "英伟达 outside the workspace: must never be read.\n");
    fs.symlinkSync(path.join(root, "outside.txt"), path.join(dir, "link.txt"));
    fs.symlinkSync(root, path.join(dir, "linkdir"));
    jsonPath = path.join(dir, "marginalia.json");
    fs.writeFileSync(jsonPath, JSON.stringify({ annotations: [annotationOn("../outside.txt"), annotationOn("/etc/passwd"), annotationOn("sub/../../outside.txt")] }, null, 2));
    log = path.join(root, "attempts.jsonl");
    loaded = path.join(root, "loaded.txt");
    c = await start(dir, {
      nodeArgs: ["--require", GUARD],
      env: { MARGINALIA_GUARD_LOG: log, MARGINALIA_GUARD_LOADED: loaded, MARGINALIA_GUARD_FS_ROOTS: [dir, DIST].join(path.delimiter) },
    });
    c.onRequest["workspace/applyEdit"] = (p: any) => {
      for (const ch of p.edit.documentChanges ?? []) {
        if (ch.kind) continue;
        const f = fileURLToPath(ch.textDocument.uri);
        const t = fs.readFileSync(f, "utf8");
        const L = new LineIndex(t);
        let next = t;
        for (const e of [...ch.edits].sort((a: any, b: any) => L.offsetAt(b.range.start) - L.offsetAt(a.range.start))) next = next.slice(0, L.offsetAt(e.range.start)) + e.newText + next.slice(L.offsetAt(e.range.end));
        fs.writeFileSync(f, next);
      }
      return { applied: true };
    };
    await c.indexed();
  });
  after(() => c.close());

  test("a target.source outside the workspace is rejected with a diagnostic at it, and never read", async () => {
    const jsonUri = uriOf(jsonPath);
    const json = fs.readFileSync(jsonPath, "utf8");
    const errors = await c.waitFor(() => {
      const list = (c.diagnostics.get(jsonUri) ?? []).filter((d) => d.severity === 1);
      return list.length >= 3 && list;
    }, 10000, "errors at the sources");
    assert.deepEqual(errors.map((d) => textOf(json, d.range)).sort(), ['"../outside.txt"', '"/etc/passwd"', '"sub/../../outside.txt"'].sort());
    for (const d of errors) assert.match(d.message, /no leading '\/', no '\.\.'/);
    // Paths that look inside but lead outside through symbolic links: orphans, their targets unread.
    fs.writeFileSync(jsonPath, JSON.stringify({ annotations: [annotationOn("link.txt"), annotationOn("linkdir/outside.txt"), annotationOn(seedNames[2], "出口管制从来都不是为了阻止")] }, null, 2));
    c.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: jsonUri, type: 2 }] });
    const json2 = fs.readFileSync(jsonPath, "utf8");
    const orphans = await c.waitFor(() => {
      const list = (c.diagnostics.get(jsonUri) ?? []).filter((d) => d.code === "orphan-annotation");
      return list.length >= 2 && list;
    }, 10000, "orphan diagnostics");
    assert.deepEqual(orphans.map((d) => textOf(json2, d.range)).sort(), ['"link.txt"', '"linkdir/outside.txt"']);
    for (const d of orphans) assert.match(d.message, /not in the workspace/);
  });

  test("index, hover, definition, references, symbols, tokens, hints, lenses, diagnostics, code action, command, rename: no network, no processes, no files outside", async () => {
    const f = path.join(dir, seedNames[2]);
    const uri = c.open(f);
    const text = fs.readFileSync(f, "utf8");
    const pos = positionOf(text, "英伟达");
    const td = { textDocument: { uri } };
    assert.match((await c.request("textDocument/hover", { ...td, position: pos })).contents.value, /Nvidia/);
    await c.request("textDocument/definition", { ...td, position: pos });
    const refs = await referencedUris(c, uri, text, "英伟达");
    assert.ok(refs.size >= 4);
    assert.ok(![...refs].some((u) => /link/.test(u)), "nothing behind a symbolic link to the outside is indexed");
    await c.request("textDocument/documentSymbol", td);
    await c.request("workspace/symbol", { query: "nv" });
    await c.request("textDocument/semanticTokens/full", td);
    await c.request("textDocument/inlayHint", { ...td, range: { start: { line: 0, character: 0 }, end: { line: 999, character: 0 } } });
    const lenses: any[] = await c.request("textDocument/codeLens", td);
    for (const l of lenses.slice(0, 5)) await c.request("codeLens/resolve", l);
    await c.waitFor(() => (c.diagnostics.get(uri) ?? []).length > 0, 10000, "diagnostics");
    const claim = "DeepSeek 大约有 5 万块 GPU";
    const range = { start: positionOf(text, claim, 0, "start"), end: positionOf(text, claim, 0, "end") };
    const actions: any[] = await c.request("textDocument/codeAction", { ...td, range, context: { diagnostics: [] } });
    const dispute = actions.find((a) => a.title === "Mark claim as disputed…");
    const r = await c.request("workspace/executeCommand", { command: "marginalia.server.annotate", arguments: [{ ...dispute.command.arguments[0], note: "see https://example.org/report", source: "https://example.org/report" }] });
    assert.equal(r.applied, true, r.reason);
    c.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(jsonPath), type: 2 }] });
    const edit = await c.request("textDocument/rename", { ...td, position: pos, newName: "NVIDIA Corp." });
    assert.ok(edit.documentChanges.length > 0);
    // Watcher events for the links (as an editor may send them) must not make the server read through them.
    c.notify("workspace/didChangeWatchedFiles", {
      changes: [
        { uri: uriOf(path.join(dir, "link.txt")), type: 1 },
        { uri: uriOf(path.join(dir, "linkdir/outside.txt")), type: 2 },
        { uri: uriOf(path.join(root, "outside.txt")), type: 2 },
      ],
    });
    await sleep(500);
    assert.ok(![...(await referencedUris(c, uri, text, "英伟达"))].some((u) => /link/.test(u)), "still nothing behind the links after watcher events");
    assert.match(logLines(c).join("\n"), /skipped link\.txt: a symbolic link to a file outside the workspace folder/);
    await c.close();
    const threads = fs.readFileSync(loaded, "utf8").trim().split("\n");
    assert.ok(threads.includes("0"), "the guard ran in the main thread");
    assert.ok(threads.length >= 2, `the guard ran in the analysis workers too (threads ${threads})`);
    const attempts = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
    assert.deepEqual(attempts, [], "no network request, child process or file access outside the workspace");
  });
});

test("untrusted workspace: reads only — no writing code actions, commands and rename refused, nothing written", async () => {
  const dir = workspace(seedFiles());
  const jsonPath = path.join(dir, "marginalia.json");
  const original = JSON.stringify({ annotations: [{ id: "urn:uuid:dddddddd-0000-4000-8000-000000000004", type: "Annotation", motivation: "assessing", target: { source: seedNames[2], selector: [{ type: "TextQuoteSelector", exact: "DeepSeek 大约有 5 万块 GPU" }] }, body: { type: "ClaimReview", verdict: "false", note: "untrusted but read" } }] }, null, 2);
  fs.writeFileSync(jsonPath, original);
  const c = await start(dir, { extra: { initializationOptions: { trusted: false } } });
  const editRequests: unknown[] = [];
  c.onRequest["workspace/applyEdit"] = (p) => (editRequests.push(p), { applied: true });
  try {
    await c.indexed();
    const f = path.join(dir, seedNames[2]);
    const uri = c.open(f);
    const text = fs.readFileSync(f, "utf8");
    // Reading works: the annotation's verdict shows.
    await c.waitFor(() => (c.diagnostics.get(uri) ?? []).some((d) => d.code === "verdict-false" && /untrusted but read/.test(d.message)), 10000, "the verdict diagnostic");
    const claim = "DeepSeek 大约有 5 万块 GPU";
    const range = { start: positionOf(text, claim, 0, "start"), end: positionOf(text, claim, 0, "end") };
    const actions: any[] = await c.request("textDocument/codeAction", { textDocument: { uri }, range, context: { diagnostics: c.diagnostics.get(uri) } });
    assert.deepEqual(actions, [], "no code actions that write");
    for (const command of ["marginalia.server.annotate", "marginalia.server.addSource", "marginalia.server.clearVerdict", "marginalia.server.addEntity", "marginalia.server.addAlias"]) {
      const r = await c.request("workspace/executeCommand", { command, arguments: [{ uri, range, verdict: "verified", source: "https://example.org", text: "英伟达", name: "X", entityId: "nvidia", annotationId: "urn:uuid:dddddddd-0000-4000-8000-000000000004" }] });
      assert.equal(r.applied, false);
      assert.match(r.reason, /untrusted/);
    }
    const pos = positionOf(text, "英伟达");
    assert.equal(await c.request("textDocument/prepareRename", { textDocument: { uri }, position: pos }), null);
    const rename = await settle(c.request("textDocument/rename", { textDocument: { uri }, position: pos, newName: "X" }));
    assert.equal(rename.ok, false);
    assert.match(rename.message!, /not trusted/);
    assert.deepEqual(editRequests, [], "no workspace edit was ever sent");
    assert.equal(fs.readFileSync(jsonPath, "utf8"), original);
    assert.ok(shownMessages(c).some((m) => /not trusted/.test(m)));
  } finally {
    await c.close();
  }
});

test("the server bundles evaluate no code, and reach child_process and net only through known library paths", () => {
  // Our own sources: no eval, no Function constructor, no dynamic code loading, no network or process modules.
  const sources: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith(".ts") && sources.push(path.join(d, e.name));
  };
  walk(path.resolve("server/src"));
  for (const f of sources) {
    const s = fs.readFileSync(f, "utf8");
    assert.ok(!/\beval\s*\(|new\s+Function\s*\(|\bnode:vm\b|from\s+"vm"|\bimport\s*\(|require\s*\(/.test(s), `${f} evaluates or loads code dynamically`);
    assert.ok(!/from\s+"(node:)?(child_process|net|tls|http|https|http2|dns|dgram)"/.test(s), `${f} imports a network or process module`);
  }
  // The bundles: which module each use comes from (esbuild marks every module with a `// path` line).
  const usesIn = (bundle: string, re: RegExp): string[] => {
    const lines = fs.readFileSync(path.join(DIST, bundle), "utf8").split("\n");
    const out = new Set<string>();
    let mod = "?";
    for (const l of lines) {
      const m = /^\s*\/\/ ((?:node_modules|server|client)\/\S+)$/.exec(l);
      if (m) mod = m[1];
      else if (re.test(l)) out.add(mod);
    }
    return [...out].sort();
  };
  for (const b of ["server.js", "worker.js", "statWorker.js", "cli.js"]) {
    assert.deepEqual(usesIn(b, /\beval\s*\(|new Function\s*\(/), [], `${b}: eval or new Function`);
    assert.deepEqual(usesIn(b, /\bfetch\s*\(|require\("(node:)?(http|https|http2|tls|dns|dgram)"\)/), [], `${b}: http, tls, dns or fetch`);
  }
  // vscode-languageserver's Files helpers (resolveGlobalNodePath…) spawn npm/yarn; the server never calls them (the
  // guarded session above records every child process); vscode-jsonrpc's socket and pipe transports use net.
  assert.deepEqual(usesIn("server.js", /require\("(node:)?child_process"\)/), ["node_modules/vscode-languageserver/lib/node/files.js"]);
  assert.deepEqual(usesIn("server.js", /require\("(node:)?net"\)/), ["node_modules/vscode-jsonrpc/lib/node/main.js"]);
  assert.deepEqual(usesIn("worker.js", /require\("(node:)?(child_process|net)"\)/), []);
  assert.deepEqual(usesIn("statWorker.js", /require\("(node:)?(child_process|net)"\)/), []);
  assert.deepEqual(usesIn("cli.js", /require\("(node:)?(child_process|net)"\)/), []);
});
