// Keystrokes in a large open document: each edit's diagnostics are published for its version, and
// once the edits settle they are what a fresh server reports for the same text.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { LspClient, type Diagnostic } from "./lspClient";

const seeds = path.resolve("seeds");
const ws = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-incremental-"));
after(() => fs.rmSync(ws, { recursive: true, force: true }));

/** A long document (well above the size where edits go incremental) from the seeds' lines, shuffled. */
function bigDocument(): string {
  const lines = fs
    .readdirSync(seeds)
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(seeds, f), "utf8").split(/\r?\n/))
    .filter((l) => l.trim() !== "");
  let s = 12345;
  const r = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
  const out: string[] = [];
  for (let n = 0; n < 150_000; ) {
    const l = lines[Math.floor(r() * lines.length)];
    out.push(l);
    n += l.length + 1;
  }
  return out.join("\n");
}

function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

const published = (c: LspClient, uri: string, version: number) =>
  [...c.notifications].reverse().find((n) => n.method === "textDocument/publishDiagnostics" && n.params.uri === uri && n.params.version === version)?.params.diagnostics as Diagnostic[] | undefined;

test("after edits in a large document, the settled diagnostics are a fresh server's for the same text", { timeout: 180_000 }, async () => {
  for (const f of fs.readdirSync(seeds)) fs.copyFileSync(path.join(seeds, f), path.join(ws, f));
  const file = path.join(ws, "zz-long.txt");
  let text = bigDocument();
  fs.writeFileSync(file, text);
  const uri = pathToFileURL(file).href;

  const first = new LspClient();
  try {
    await first.initialize(ws);
    await first.indexed();
    first.open(file, text, 1);
    await first.waitFor(() => published(first, uri, 1), 60_000, "diagnostics of the opened document");
    const before = published(first, uri, 1)!;
    assert.ok(before.some((d) => d.severity === 2), "the document has Warnings to keep up to date");

    // Keystrokes: insertions and a deletion here and there, and one event with two changes.
    const r = (() => {
      let s = 99;
      return () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
    })();
    let version = 1;
    const edit = (changes: Array<{ start: number; end: number; text: string }>) => {
      const contentChanges = changes.map((c) => {
        const change = { range: { start: positionAt(text, c.start), end: positionAt(text, c.end) }, text: c.text };
        text = text.slice(0, c.start) + c.text + text.slice(c.end);
        return change;
      });
      first.notify("textDocument/didChange", { textDocument: { uri, version: ++version }, contentChanges });
    };
    for (let k = 0; k < 6; k++) {
      const at = Math.floor(text.length * (0.2 + 0.6 * r()));
      edit([{ start: at, end: at + (k % 3 === 2 ? 1 : 0), text: k % 3 === 2 ? "" : "的" }]);
    }
    const a = Math.floor(text.length * 0.5);
    edit([
      { start: a, end: a, text: "据说" },
      { start: a + 10, end: a + 10, text: "，未经证实。" },
    ]);
    // Every version's diagnostics were published, the last one with ranges inside the new text.
    const immediate = await first.waitFor(() => published(first, uri, version), 30_000, `diagnostics of version ${version}`);
    const lines = text.split("\n");
    for (const d of immediate) {
      assert.ok(d.range.end.line < lines.length && d.range.end.character <= lines[d.range.end.line].length, "a range inside the edited text");
    }
    // Then the full analysis settles (the server republishes only if something differs): wait until
    // nothing has been published for this document for a while.
    const publications = () => first.notifications.filter((n) => n.method === "textDocument/publishDiagnostics" && n.params.uri === uri).length;
    for (let seen = -1, quiet = 0; quiet < 3; ) {
      await new Promise((res) => setTimeout(res, 1000));
      const now = publications();
      quiet = now === seen ? quiet + 1 : 0;
      seen = now;
    }
    const settled = first.diagnostics.get(uri)!;

    await first.close();
    fs.writeFileSync(file, text);
    const fresh = new LspClient();
    try {
      await fresh.initialize(ws);
      await fresh.indexed();
      fresh.open(file, text, 1);
      const expected = await fresh.waitFor(() => published(fresh, uri, 1), 60_000, "a fresh server's diagnostics");
      assert.deepEqual(settled, expected);
    } finally {
      await fresh.close();
    }
  } finally {
    await first.close();
  }
});
