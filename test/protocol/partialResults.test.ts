// References with a partialResultToken: the locations arrive as $/progress batches, the current
// document's first, and together with the final response they are exactly the answer without a token.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LspClient, positionOf } from "./lspClient";

let client: LspClient;
let dir: string;
const key = (l: any) => `${l.uri}#${l.range.start.line}:${l.range.start.character}-${l.range.end.line}:${l.range.end.character}`;

before(async () => {
  // Enough mentions of one entity, spread over several documents and scripts, for several batches.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-partial-"));
  const lines = ["英伟达发布了新的芯片，英伟达的股价上涨。", "英偉達的新晶片開始出貨。", "Nvidia said demand for its chips keeps growing."];
  for (let d = 0; d < 4; d++) fs.writeFileSync(path.join(dir, `article-${d}.txt`), Array.from({ length: 1200 }, (_, i) => lines[(i + d) % lines.length]).join("\n") + "\n");
  fs.writeFileSync(path.join(dir, "other.txt"), "DeepSeek 发布了新模型。\n");
  client = new LspClient();
  await client.initialize(dir);
  await client.indexed();
});
after(async () => {
  await client.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function withToken(uri: string, position: object, includeDeclaration: boolean, token: string) {
  const final: any[] = await client.request("textDocument/references", { textDocument: { uri }, position, context: { includeDeclaration }, partialResultToken: token }, 60000);
  const batches = client.notifications.filter((n) => n.method === "$/progress" && n.params.token === token).map((n) => n.params.value as any[]);
  return { batches, final };
}

for (const includeDeclaration of [true, false]) {
  test(`references with a partialResultToken stream every location exactly once (includeDeclaration: ${includeDeclaration})`, async () => {
    const file = path.join(dir, "article-2.txt");
    const uri = client.open(file);
    const position = positionOf(fs.readFileSync(file, "utf8"), "英偉達", 3);
    const whole: any[] = await client.request("textDocument/references", { textDocument: { uri }, position, context: { includeDeclaration } }, 60000);
    assert.ok(whole.length > 5500, `only ${whole.length} references`);

    const { batches, final } = await withToken(uri, position, includeDeclaration, `refs-${includeDeclaration}`);
    assert.ok(batches.length >= 2, `${batches.length} batches`);
    const streamed = [...batches.flat(), ...final];
    const keys = streamed.map(key);
    assert.equal(new Set(keys).size, keys.length, "a location was sent twice");
    assert.deepEqual([...keys].sort(), whole.map(key).sort());
    // The document the request came from comes first, then the others.
    const own = streamed.filter((l) => l.uri === uri).length;
    assert.ok(own > 0);
    assert.ok(streamed.slice(0, own).every((l) => l.uri === uri), "the current document's references are not first");
  });
}

test("references with a partialResultToken on a position without an entity answer as before", async () => {
  const file = path.join(dir, "other.txt");
  const uri = client.open(file);
  const position = { line: 5, character: 0 };
  const whole = await client.request("textDocument/references", { textDocument: { uri }, position, context: { includeDeclaration: true } });
  const { batches, final } = await withToken(uri, position, true, "refs-none");
  assert.deepEqual([...batches.flat(), ...(final ?? [])], whole ?? []);
});
