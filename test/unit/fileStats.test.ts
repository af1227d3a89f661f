// Stats of many files at once (a warm start compares them with the persisted index): the same
// answers from the worker thread as from statSync, and a file that is gone matches nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FileStatter, statFilesSync } from "../../server/src/corpus/fileStats";

function workspace(): { dir: string; files: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-stats-"));
  const files = ["a.txt", "b.md", "空格 文件.txt"].map((name, i) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, "据传".repeat(i + 1));
    return f;
  });
  files.push(path.join(dir, "gone.txt"));
  return { dir, files };
}

function expected(files: string[]): Array<[number, number]> {
  return files.map((f) => {
    const st = fs.statSync(f, { throwIfNoEntry: false });
    return st ? [st.size, st.mtimeMs] : [NaN, NaN];
  });
}

const pairs = (s: { size: Float64Array; mtimeMs: Float64Array }) => Array.from(s.size, (size, i) => [size, s.mtimeMs[i]] as [number, number]);

test("statFilesSync: size and modification time per file, NaN for a file that is gone", () => {
  const { dir, files } = workspace();
  try {
    assert.deepEqual(pairs(statFilesSync(files)), expected(files));
    assert.ok(Number.isNaN(statFilesSync(files).size[3]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("FileStatter gives the same answers from its worker thread, and in this thread without one", async () => {
  const { dir, files } = workspace();
  const worker = path.resolve("dist/statWorker.js");
  assert.ok(fs.existsSync(worker), "npm test builds dist/ first");
  try {
    const statter = new FileStatter(worker);
    assert.deepEqual(pairs(await statter.stat(files)), expected(files));
    // The worker answers once; a second list is stated here.
    assert.deepEqual(pairs(await statter.stat(files.slice(1))), expected(files.slice(1)));
    assert.deepEqual(pairs(await new FileStatter(undefined).stat(files)), expected(files));
    assert.deepEqual(pairs(await new FileStatter(path.join(dir, "no-such-worker.js")).stat(files)), expected(files));
    new FileStatter(worker).dispose();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
