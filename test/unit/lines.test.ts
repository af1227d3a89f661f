import { test } from "node:test";
import assert from "node:assert/strict";
import { LineIndex, snap } from "../../server/src/analysis/lines";

test("positions count UTF-16 units over \\n, \\r\\n and lone \\r", () => {
  const text = "a😀b\r\nsecond\rthird\nlast";
  const idx = new LineIndex(text);
  assert.equal(idx.lineCount, 4);
  assert.deepEqual(idx.positionAt(text.indexOf("b")), { line: 0, character: 3 });
  assert.deepEqual(idx.positionAt(text.indexOf("second")), { line: 1, character: 0 });
  assert.deepEqual(idx.positionAt(text.indexOf("third")), { line: 2, character: 0 });
  assert.deepEqual(idx.positionAt(text.indexOf("last") + 2), { line: 3, character: 2 });
  assert.equal(idx.offsetAt({ line: 1, character: 3 }), text.indexOf("second") + 3);
});

test("out-of-range positions clamp to the line or the text", () => {
  const text = "ab\ncd";
  const idx = new LineIndex(text);
  assert.equal(idx.offsetAt({ line: 0, character: 99 }), 2);
  assert.equal(idx.offsetAt({ line: 9, character: 0 }), text.length);
  assert.equal(idx.offsetAt({ line: -1, character: 5 }), 0);
  assert.deepEqual(idx.positionAt(999), { line: 1, character: 2 });
});

test("never splits a surrogate pair", () => {
  const text = "x😀y";
  const idx = new LineIndex(text);
  assert.equal(idx.offsetAt({ line: 0, character: 2 }), 1);
  assert.deepEqual(idx.positionAt(2), { line: 0, character: 1 });
  assert.equal(snap(text, 2), 1);
  assert.equal(snap(text, 3), 3);
});
