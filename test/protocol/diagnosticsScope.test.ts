// `marginalia.diagnostics.scope`: "openDocuments" publishes diagnostics for the documents open in the
// editor only (a very large workspace), while navigation still covers every source.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { LspClient, positionOf } from "./lspClient";

const seeds = path.resolve("seeds");
const seedFiles = fs.readdirSync(seeds).filter((f) => f.endsWith(".txt")).sort().map((f) => path.join(seeds, f));
const uriOf = (f: string) => pathToFileURL(f).href;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function start(scope: string): Promise<{ client: LspClient; config: { diagnostics: { scope: string } } }> {
  const config = { diagnostics: { scope } };
  const client = new LspClient();
  client.onRequest["workspace/configuration"] = (p: any) => (p?.items ?? []).map(() => config);
  await client.initialize(seeds);
  await client.indexed();
  return { client, config };
}

/** Closed seeds with at least one diagnostic published, as the client last saw them. */
const closedWithDiagnostics = (client: LspClient, open: string) => seedFiles.filter((f) => f !== open && (client.diagnostics.get(uriOf(f)) ?? []).length > 0);

test("openDocuments: only the open document gets diagnostics; references still reach closed ones; closing clears it", async () => {
  const { client } = await start("openDocuments");
  try {
    const open = seedFiles.find((f) => path.basename(f).startsWith("002"))!;
    const text = fs.readFileSync(open, "utf8");
    const uri = client.open(open);
    await client.waitFor(() => (client.diagnostics.get(uri) ?? []).some((d) => d.severity === 2), 20000, "the open document's warnings");
    // Under the default scope every seed has its diagnostics well within this time (claims.test.ts).
    await sleep(1500);
    assert.deepEqual(closedWithDiagnostics(client, open).map((f) => path.basename(f)), []);

    const refs: Array<{ uri: string }> = await client.request("textDocument/references", { textDocument: { uri }, position: positionOf(text, "DeepSeek"), context: { includeDeclaration: true } });
    assert.ok(new Set(refs.map((r) => r.uri)).size > 1, "references reach the closed documents");

    client.notify("textDocument/didClose", { textDocument: { uri } });
    await client.waitFor(() => (client.diagnostics.get(uri) ?? []).length === 0, 20000, "the closed document's diagnostics to clear");
  } finally {
    await client.close();
  }
});

test("switching the scope: workspace publishes the closed documents, openDocuments clears them again", async () => {
  const { client, config } = await start("openDocuments");
  try {
    await sleep(1000);
    assert.deepEqual(closedWithDiagnostics(client, ""), []);
    config.diagnostics.scope = "workspace";
    client.notify("workspace/didChangeConfiguration", { settings: null });
    await client.waitFor(() => closedWithDiagnostics(client, "").length >= 3, 20000, "diagnostics of the closed seeds");
    config.diagnostics.scope = "openDocuments";
    client.notify("workspace/didChangeConfiguration", { settings: null });
    await client.waitFor(() => closedWithDiagnostics(client, "").length === 0, 20000, "the closed seeds' diagnostics to clear");
  } finally {
    await client.close();
  }
});
