// A workspace's diagnostics go out at the pace the client reads them: a request made while they are
// still being published is answered ahead of the ones not yet sent, not behind all of them.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { LspClient, positionOf } from "./lspClient";

const seeds = path.resolve("seeds");
const seedFiles = fs.readdirSync(seeds).filter((f) => f.endsWith(".txt")).sort();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("a request made while a slow client is still reading the workspace's diagnostics is answered before most of them", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-pace-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  // 200 documents whose notifications are several KB each (claims related to the same claims in the copies).
  const COPIES = 40;
  const copyOf = (i: number, f: string) => path.join(dir, `${String(i).padStart(2, "0")}-${f}`);
  for (let i = 0; i < COPIES; i++) for (const f of seedFiles) fs.copyFileSync(path.join(seeds, f), copyOf(i, f));
  const total = COPIES * seedFiles.length;
  const uris = fs.readdirSync(dir).map((f) => pathToFileURL(path.join(dir, f)).href);

  const client = new LspClient();
  t.after(() => client.close());
  // The client stops reading the moment indexing is over, like an editor busy with something else.
  client.onNotification = (msg) => {
    if (msg.method === "marginalia/status" && !msg.params.indexing && msg.params.documents > 0) client.proc.stdout.pause();
  };
  await client.initialize(dir);
  await client.indexed(120_000);
  // Long enough for a server that does not wait for the pipe to compute and queue every notification.
  await sleep(1500);

  const published = () => client.notifications.filter((n) => n.method === "textDocument/publishDiagnostics").length;
  const file = copyOf(0, seedFiles[0]);
  let publishedAtAnswer = -1;
  const answer = client
    .request("textDocument/hover", { textDocument: { uri: pathToFileURL(file).href }, position: positionOf(fs.readFileSync(file, "utf8"), "DeepSeek") }, 60_000)
    .then(() => (publishedAtAnswer = published()));
  await sleep(300);
  client.proc.stdout.resume();
  await answer;
  // Every document by name: the annotation file's (empty) diagnostics also count in the map's size.
  await client.waitFor(() => uris.every((u) => client.diagnostics.has(u)), 60_000, "every document's diagnostics");

  const after = published() - publishedAtAnswer;
  assert.ok(after >= total / 4, `${after} of ${total} notifications came after the answer (${publishedAtAnswer} before it)`);
  // Nothing is lost by waiting: every document has its diagnostics, and the copies of a seed agree.
  const counts = seedFiles.map((f) => client.diagnostics.get(pathToFileURL(copyOf(COPIES - 1, f)).href)?.length);
  assert.ok(counts.some((n) => (n ?? 0) > 0), "the seeds have diagnostics");
  for (const [k, f] of seedFiles.entries()) assert.equal(client.diagnostics.get(pathToFileURL(copyOf(0, f)).href)?.length, counts[k], f);
});
