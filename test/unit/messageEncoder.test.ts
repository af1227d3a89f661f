// The server's message encoder (stdio): whatever it reuses, the client must read the same message
// that JSON.stringify would have written.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Message } from "vscode-languageserver/node";
import { ReusingJsonEncoder } from "../../server/src/messageEncoder";

const decode = (b: Uint8Array) => JSON.parse(Buffer.from(b).toString("utf8"));
const plain = (m: unknown) => JSON.parse(JSON.stringify(m));

// Text with what JSON must escape or encode in several bytes: quotes, controls, CJK, emoji, lone surrogates.
const text = fc.oneof(fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }), fc.constantFrom("", '"\\\n\t', "英偉達 “五萬張”", "\ud83d", "🙂\u0000"));
const position = fc.record({ line: fc.nat(), character: fc.nat() });
const range = fc.record({ start: position, end: position });
const related = fc.array(fc.record({ location: fc.record({ uri: text, range }), message: text }), { maxLength: 4 });

/** Diagnostics of a notification; some share one related-information array, as cached ones do. */
const diagnostics = fc.tuple(fc.array(related, { minLength: 1, maxLength: 3 }), fc.array(fc.record({ range, severity: fc.integer({ min: 1, max: 4 }), message: text, code: fc.option(text, { nil: undefined }), pick: fc.nat(), related: fc.boolean(), data: fc.option(fc.record({ claim: fc.nat() }), { nil: undefined }) }), { maxLength: 12 })).map(([shared, ds]) =>
  ds.map(({ pick, related: withRelated, ...d }) => ({ ...d, source: "marginalia", ...(withRelated ? { relatedInformation: shared[pick % shared.length] } : {}) })),
);

test("a diagnostics notification reads back as JSON.stringify would have written it, sent once or again", () => {
  const encoder = new ReusingJsonEncoder();
  fc.assert(
    fc.property(text, fc.option(fc.nat(), { nil: undefined }), diagnostics, (uri, version, list) => {
      const msg = { jsonrpc: "2.0", method: "textDocument/publishDiagnostics", params: { uri, version, diagnostics: list } } as Message;
      assert.deepEqual(decode(encoder.toBuffer(msg)), plain(msg));
      // Again with new diagnostic objects around the same related information (the keystroke case).
      const again = { ...msg, params: { uri, version, diagnostics: list.map((d) => ({ ...d, range: { ...d.range } })) } } as Message;
      assert.deepEqual(decode(encoder.toBuffer(again)), plain(again));
      // Again with some of the same diagnostic objects (handed back by the cache) and new ones in between that moved.
      const mixed = list.map((d, i) => (i % 2 ? d : { ...d, range: { start: { ...d.range.start, line: d.range.start.line + 1 }, end: { ...d.range.end, line: d.range.end.line + 1 } } }));
      const third = { ...msg, params: { uri, version, diagnostics: mixed } } as Message;
      assert.deepEqual(decode(encoder.toBuffer(third)), plain(third));
      assert.deepEqual(decode(encoder.toBuffer(msg)), plain(msg));
    }),
  );
});

test("other messages are written exactly as JSON.stringify writes them", () => {
  const encoder = new ReusingJsonEncoder();
  const msgs: Message[] = [
    { jsonrpc: "2.0", id: 3, result: { contents: { kind: "markdown", value: "**英伟达** “5 万块 GPU”" } } } as Message,
    { jsonrpc: "2.0", method: "window/logMessage", params: { type: 3, message: "indexed" } } as Message,
    { jsonrpc: "2.0", method: "textDocument/publishDiagnostics", params: { uri: "file:///a.txt", diagnostics: "not a list" } } as unknown as Message,
  ];
  for (const m of msgs) assert.equal(Buffer.from(encoder.toBuffer(m)).toString("utf8"), JSON.stringify(m));
});

test("an empty diagnostics list clears the document's problems", async () => {
  const encoder = new ReusingJsonEncoder();
  const msg = { jsonrpc: "2.0", method: "textDocument/publishDiagnostics", params: { uri: "file:///a.txt", diagnostics: [] } } as Message;
  assert.deepEqual(decode(await encoder.encode(msg)), plain(msg));
});
