// The persisted index: a second start on an unchanged workspace reuses the analyses, and a file
// changed in between is analysed again.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LspClient, positionOf } from "./lspClient";

test("a warm start reuses the persisted index and re-analyses only changed files", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-cache-"));
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-storage-"));
  for (const f of fs.readdirSync("seeds")) fs.copyFileSync(path.join("seeds", f), path.join(dir, f));
  const run = async () => {
    const c = new LspClient();
    await c.initialize(dir, {}, { initializationOptions: { storagePath: storage } });
    await c.indexed();
    return c;
  };
  const logs = (c: LspClient) => c.notifications.filter((n) => n.method === "window/logMessage").map((n) => n.params.message).join("\n");
  try {
    const first = await run();
    assert.match(logs(first), /0 from the persisted index/);
    await first.close();
    assert.ok(fs.existsSync(path.join(storage, "index-v5.bin")), "the index was written on shutdown");

    // Change one file: the others come from the index, this one is analysed again.
    const changed = path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith("001"))!);
    fs.appendFileSync(changed, "\n据传英伟达将推出一款新的 H30 芯片，但消息未经证实。\n");
    const second = await run();
    assert.match(logs(second), /indexed 5 documents \(0 skipped, 4 from the persisted index\)/);
    const uri = second.open(changed);
    const h = await second.request("textDocument/hover", { textDocument: { uri }, position: positionOf(fs.readFileSync(changed, "utf8"), "英伟达", 0) });
    assert.match(h.contents.value, /Nvidia/);
    // References reach into the documents that came from the index (their analyses read from it on demand).
    const refs = await second.request("textDocument/references", { textDocument: { uri }, position: positionOf(fs.readFileSync(changed, "utf8"), "英伟达", 0), context: { includeDeclaration: true } });
    const others = new Set(refs.map((r: { uri: string }) => r.uri).filter((u: string) => u !== uri));
    assert.ok(others.size >= 2, `references in other documents: ${[...others].join(", ")}`);
    const diags = await second.waitFor(() => (second.diagnostics.get(uri) ?? []).filter((d) => d.severity === 2 && /未经证实|据传/.test(d.message)), 20000, "the new claim's warning");
    assert.ok(diags.length >= 1);
    await second.close();

    // A cache file that cannot be read is ignored, never fatal.
    fs.writeFileSync(path.join(storage, "index-v5.bin"), "garbage");
    const third = await run();
    assert.match(logs(third), /0 from the persisted index/);
    await third.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(storage, { recursive: true, force: true });
  }
});
